import { describe, expect, it } from "vitest";
import { labelRuns } from "./labelRuns.js";

/** Reference: 8-connected components by a pixel flood fill; each pixel's component is its first pixel in raster order. */
function floodLabels(width: number, height: number, data: Uint8Array): Int32Array {
  const label = new Int32Array(width * height).fill(-1);
  for (let start = 0; start < data.length; start++) {
    if (!data[start] || label[start] !== -1) continue;
    const stack = [start];
    label[start] = start;
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % width;
      const py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          const ny = py + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (data[q] && label[q] === -1) {
            label[q] = start;
            stack.push(q);
          }
        }
    }
  }
  return label;
}

/** A deterministic pseudo-random mask with the given ink density. */
function randomMask(width: number, height: number, density: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 < density ? 1 : 0;
  }
  return data;
}

describe("labelRuns", () => {
  it("groups runs exactly as an 8-connected pixel flood fill does, named by their first pixel", () => {
    for (const [w, h, density, seed] of [
      [37, 23, 0.3, 1],
      [64, 40, 0.5, 2],
      [50, 50, 0.62, 3],
      [1, 30, 0.5, 4],
      [30, 1, 0.5, 5],
    ] as const) {
      const data = randomMask(w, h, density, seed);
      const ref = floodLabels(w, h, data);
      const runs = labelRuns({ width: w, height: h, data });
      const got = new Int32Array(w * h).fill(-1);
      for (let i = 0; i < runs.count; i++) {
        const c = runs.component[i]!;
        const first = runs.y[c]! * w + runs.x0[c]!;
        for (let x = runs.x0[i]!; x < runs.x1[i]!; x++) got[runs.y[i]! * w + x] = first;
      }
      expect(Array.from(got)).toEqual(Array.from(ref));
    }
  });

  it("joins runs that touch only at a corner, and not runs a column apart", () => {
    // Row 0: ink at x 0-1; row 1: ink at x 2 (diagonal) and x 5 (apart).
    const data = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]);
    const runs = labelRuns({ width: 6, height: 2, data });
    expect(runs.count).toBe(3);
    expect(Array.from(runs.component)).toEqual([0, 0, 2]);
  });
});
