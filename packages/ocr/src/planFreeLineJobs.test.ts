import { describe, expect, it } from "vitest";
import { planFreeLineJobs, type PreparedPage } from "./pageJobs.js";

/** A 300 dpi page mask with lines of box glyphs (38 px tall, 4 px apart) at the given rows. */
function page(lines: { y: number; x0: number; n: number }[], touch: number[] = []): PreparedPage {
  const width = 2000;
  const height = 1400;
  const data = new Uint8Array(width * height);
  const box = (x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = 1;
  };
  for (const { y, x0, n } of lines) {
    for (let i = 0; i < n; i++) {
      const x = x0 + i * 42;
      box(x, y, 38, 3);
      box(x, y + 35, 38, 3);
      box(x, y, 3, 38);
      box(x + 35, y, 3, 38);
      box(x, y + 18, 38, 2);
    }
  }
  // Strokes reaching from one line into the next (a descender, a mark): the lines touch.
  for (const [i, y] of touch.entries()) box(300 + i * 200, y, 3, 14);
  return { grey: { width, height, data: new Uint8Array(width * height).fill(255) }, mask: { width, height, data }, dpi: 300, skewDegrees: 0, bitonal: false, rulings: [] };
}

describe("planFreeLineJobs", () => {
  it("reads every line of a paragraph whose lines touch: one line job each, none twice", () => {
    // A label line, then four paragraph lines 46 px apart (8 blank rows) joined by strokes: one
    // blob far taller than a line, which used to be dropped whole.
    const paragraph = [0, 1, 2, 3].map((k) => ({ y: 300 + k * 46, x0: 100, n: 40 }));
    const prepared = page([{ y: 200, x0: 100, n: 6 }, ...paragraph], [334, 380, 426]);
    const jobs = planFreeLineJobs(prepared, []);
    expect(jobs.map((j) => [j.ink.y0, j.ink.y1])).toEqual([
      [200, 238],
      ...paragraph.map(({ y }) => [y, y + 38]),
    ]);
    expect(jobs.every((j) => j.bands.length === 1 && j.free)).toBe(true);
  });

  it("keeps the lines of an ordinary paragraph as they were found", () => {
    const paragraph = [0, 1].map((k) => ({ y: 300 + k * 60, x0: 100, n: 10 }));
    const jobs = planFreeLineJobs(page(paragraph), []);
    expect(jobs.map((j) => [j.ink.x0, j.ink.y0, j.ink.x1, j.ink.y1])).toEqual(paragraph.map(({ y }) => [100, y, 100 + 9 * 42 + 38, y + 38]));
  });
});
