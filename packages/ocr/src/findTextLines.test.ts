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

describe("trimBand: a band made taller by a speck", () => {
  it("keeps a lone character whose band a speck below it made half again as tall", () => {
    const W = 200;
    const H = 40;
    const data = new Uint8Array(W * H);
    // "入": two strokes, rows 2–21 (20 px), about 60 ink pixels
    for (let i = 0; i < 20; i++) {
      data[(2 + i) * W + 60 - Math.floor(i / 2)] = 1;
      data[(2 + i) * W + 61 - Math.floor(i / 2)] = 1;
      if (i >= 6) data[(2 + i) * W + 60 + Math.floor((i - 6) / 1.5)] = 1;
      if (i >= 6) data[(2 + i) * W + 61 + Math.floor((i - 6) / 1.5)] = 1;
    }
    // a speck by the ruling, far to the right and low
    for (let y = 28; y < 31; y++) for (let x = 150; x < 153; x++) data[y * W + x] = 1;
    const mask: InkMask = { width: W, height: H, data };
    const kept = trimBand(mask, { x0: 0, y0: 2, x1: W, y1: 31 }, 150);
    expect(kept).toMatchObject({ x0: 51, y0: 2, y1: 22 });
    expect(kept!.x1).toBeLessThan(80);
  });
});

describe("trimBand: grain under a digit", () => {
  it("keeps a 0 whose band grain under it made taller", () => {
    const W = 120;
    const H = 40;
    const data = new Uint8Array(W * H);
    // "0": a ring 8 wide, 14 tall (rows 4–17), 1 px thick
    for (let y = 4; y < 18; y++) for (let x = 50; x < 58; x++) if (y === 4 || y === 17 || x === 50 || x === 57) data[y * W + x] = 1;
    // grain under it, some rows down
    for (let y = 26; y < 29; y++) for (let x = 53; x < 56; x++) data[y * W + x] = 1;
    for (let y = 33; y < 36; y++) for (let x = 56; x < 59; x++) data[y * W + x] = 1;
    const kept = trimBand({ width: W, height: H, data }, { x0: 0, y0: 4, x1: W, y1: 36 }, 150);
    expect(kept).toMatchObject({ x0: 50, y0: 4 });
  });
});
