import { describe, expect, it } from "vitest";
import { splitTallBand, typicalLineHeight } from "./splitBands.js";
import type { InkBand } from "./findTextLines.js";

/** A mask with "glyphs": boxes of strokes (a frame with a bar across) for a line of text. */
function maskWith(width: number, height: number) {
  const data = new Uint8Array(width * height);
  const box = (x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = 1;
  };
  /** A line of `n` glyphs `h` pixels tall at (x0, y0). */
  const line = (x0: number, y0: number, n: number, h: number) => {
    for (let i = 0; i < n; i++) {
      const x = x0 + i * (h + 2);
      box(x, y0, h, 2); // top stroke
      box(x, y0 + h - 2, h, 2); // bottom stroke
      box(x, y0, 2, h); // left stroke
      box(x + h - 2, y0, 2, h); // right stroke
      box(x, y0 + (h >> 1), h, 1); // bar across the middle
    }
  };
  return { mask: { width, height, data }, box, line };
}

const band = (x0: number, y0: number, x1: number, y1: number): InkBand => ({ x0, y0, x1, y1 });

describe("splitTallBand", () => {
  it("splits two lines one blank row apart, and two lines touching through a descender", () => {
    const { mask, line, box } = maskWith(300, 120);
    line(10, 10, 10, 20); // rows 10–29
    line(10, 31, 6, 20); // rows 31–50: one blank row (30) between the lines
    expect(splitTallBand(mask, band(10, 10, 230, 51), 20, 150)).toEqual([band(10, 10, 228, 30), band(10, 31, 140, 51)]);
    line(10, 60, 10, 20); // rows 60–79
    line(10, 81, 6, 20); // rows 81–100
    box(100, 78, 2, 5); // a stroke reaching down through the blank row into the next line
    expect(splitTallBand(mask, band(10, 60, 230, 101), 20, 150).map((b) => [b.y0, b.y1])).toEqual([
      [60, 80],
      [81, 101],
    ]);
  });

  it("keeps a band that is not much taller than a line, a tall line with no valley, and a line with a dot above", () => {
    const { mask, line, box } = maskWith(300, 160);
    line(10, 10, 6, 28); // one line in a larger font: 1.4 × the line height
    expect(splitTallBand(mask, band(10, 10, 190, 38), 20, 150)).toEqual([band(10, 10, 190, 38)]);
    line(10, 50, 5, 42); // one line twice as tall: strokes cross its middle, no valley
    expect(splitTallBand(mask, band(10, 50, 230, 92), 20, 150)).toEqual([band(10, 50, 230, 92)]);
    box(20, 100, 3, 3); // a dot…
    line(10, 110, 6, 24); // …over a line: the part above the valley is no text line
    expect(splitTallBand(mask, band(10, 100, 160, 134), 20, 150)).toEqual([band(10, 100, 160, 134)]);
  });

  it("splits three merged lines into three", () => {
    const { mask, line } = maskWith(300, 100);
    line(10, 10, 8, 20);
    line(10, 31, 8, 20);
    line(10, 52, 3, 20);
    expect(splitTallBand(mask, band(10, 10, 186, 72), 20, 150).map((b) => [b.y0, b.y1])).toEqual([
      [10, 30],
      [31, 51],
      [52, 72],
    ]);
  });
});

describe("typicalLineHeight", () => {
  it("is the median band height", () => {
    expect(typicalLineHeight([band(0, 0, 9, 20), band(0, 30, 9, 49), band(0, 60, 9, 102)])).toBe(20);
    expect(typicalLineHeight([])).toBeUndefined();
  });
});
