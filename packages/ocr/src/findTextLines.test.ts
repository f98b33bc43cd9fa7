import { describe, expect, it } from "vitest";
import { trimBand } from "./findTextLines.js";
import type { InkMask } from "./greyImage.js";

describe("trimBand", () => {
  // A line 40 px high: "characters" (30×36 blocks of strokes) at a 40 px pitch from x 100.
  const W = 1000;
  const H = 40;
  const line = (chars: number, extra: (set: (x: number, y: number) => void) => void): InkMask => {
    const data = new Uint8Array(W * H);
    const set = (x: number, y: number) => {
      data[y * W + x] = 1;
    };
    for (let c = 0; c < chars; c++) for (let y = 2; y < 38; y++) for (let x = 100 + 40 * c; x < 130 + 40 * c; x++) if (y % 6 < 2 || x % 10 < 2) set(x, y);
    extra(set);
    return { width: W, height: H, data };
  };
  const band = { x0: 0, y0: 0, x1: W, y1: H };
  const comma = (x0: number) => (set: (x: number, y: number) => void) => {
    for (let y = 29; y < 38; y++) for (let x = x0; x < x0 + 4; x++) set(x, y);
  };

  it("keeps a full-width mark leading a line of prose, a cell's width before its text", () => {
    expect(trimBand(line(12, comma(56)), band)?.x0).toBe(56);
  });

  it("drops dust far before the text, a dot high in the line, and a mark before a short line", () => {
    expect(trimBand(line(12, comma(20)), band)?.x0).toBe(100);
    expect(trimBand(line(12, (set) => { for (let y = 4; y < 10; y++) for (let x = 56; x < 60; x++) set(x, y); }), band)?.x0).toBe(100);
    expect(trimBand(line(3, comma(56)), band)?.x0).toBe(100);
  });
});
