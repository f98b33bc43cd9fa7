import { describe, expect, it } from "vitest";
import { resizeArea, shrinkByRatio, workingImage, type GreyImage } from "./greyImage.js";

function noise(width: number, height: number, seed: number): GreyImage {
  let s = seed >>> 0;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

describe("shrinkByRatio", () => {
  it("gives resizeArea's pixels (to within a rounding tie) where the size divides by the ratio's denominator", () => {
    for (const [p, q, w, h] of [
      [2, 3, 36, 21],
      [1, 2, 20, 14],
      [1, 3, 27, 9],
      [3, 4, 40, 24],
      [5, 8, 48, 16],
    ] as const) {
      const img = noise(w, h, p * 31 + q);
      const fast = shrinkByRatio(img, p, q);
      const slow = resizeArea(img, (w * p) / q, (h * p) / q);
      expect([p, q, fast.width, fast.height]).toEqual([p, q, slow.width, slow.height]);
      // Where resizeArea's weights are exact in floating point (halves: 2/3, 1/2) the pixels are
      // the same; elsewhere its rounding may land a hair either side of a half.
      const off = Array.from(fast.data, (v, i) => v - slow.data[i]!);
      const exact = (p === 2 && q === 3) || (p === 1 && q === 2);
      if (exact) expect(off.filter((d) => d !== 0)).toEqual([]);
      else expect(off.every((d) => Math.abs(d) <= 1)).toBe(true);
    }
  });

  it("keeps the exact ratio on other sizes: floor(size × p / q), the remainder of the source left out", () => {
    const img = noise(2479 % 100, 3508 % 100, 7); // 79 × 8
    const out = shrinkByRatio(img, 2, 3);
    expect([out.width, out.height]).toEqual([52, 5]);
    // The first block of the first row: (2·a + b) / 3 over (2·row0 + row1) / 3, rounded.
    const d = img.data;
    const w = img.width;
    const h0 = (r: number) => 2 * d[r * w]! + d[r * w + 1]!;
    expect(out.data[0]).toBe(Math.floor((2 * (2 * h0(0) + h0(1)) + 9) / 18));
  });
});

describe("workingImage", () => {
  it("reads a page finer than maxDpi at maxDpi, and leaves one at or below it alone", () => {
    const img = noise(60, 90, 3);
    const fine = workingImage(img, 600, { maxDpi: 300, maxPixels: 1e9 });
    expect([fine.image.width, fine.image.height, fine.dpi]).toEqual([30, 45, 300]);
    const same = workingImage(img, 300, { maxDpi: 300, maxPixels: 1e9 });
    expect(same.image).toBe(img);
    expect(same.dpi).toBe(300);
    // The pixel limit still applies below maxDpi.
    const big = workingImage(img, 200, { maxDpi: 300, maxPixels: 60 * 90 / 4 });
    expect([big.image.width, big.image.height, big.dpi]).toEqual([30, 45, 100]);
  });
});
