import { describe, expect, it } from "vitest";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { binarize } from "./binarize.js";
import { eraseRulings, findRulings, toPageRulings } from "./findRulings.js";
import { findTextLines } from "./findTextLines.js";
import { rng, tablePage } from "../test-fixtures/synthetic.js";

describe("findRulings", () => {
  const { image, h, v } = tablePage();
  const mask = binarize(image);
  const found = findRulings(mask, { dpi: 300 });
  const hs = found.filter((r) => r.orientation === "h").sort((a, b) => a.pos - b.pos);
  const vs = found.filter((r) => r.orientation === "v").sort((a, b) => a.pos - b.pos);

  it("finds every horizontal ruling at its position and extent", () => {
    expect(hs.map((r) => r.pos)).toEqual(h.map((y) => expect.closeTo(y + 1.5, 0)));
    for (const r of hs) {
      expect(r.from).toBeLessThanOrEqual(101);
      expect(r.to).toBeGreaterThanOrEqual(1102);
      expect(r.width).toBeCloseTo(3, 0);
    }
  });

  it("finds the vertical rulings, including the short one, and no glyph strokes", () => {
    expect(vs.map((r) => Math.round(r.pos - 1.5))).toEqual([100, 400, 550, 700, 1100]);
    const short = vs[2]!;
    expect(short.from).toBeGreaterThanOrEqual(398);
    expect(short.to).toBeLessThanOrEqual(606);
    expect(short.to - short.from).toBeGreaterThan(195);
  });

  it("gives buildTables the grid: 4 rows, 4 columns, spans where the short ruling stops", () => {
    const page: Page = {
      number: 1, width: image.width, height: image.height, unit: "px", origin: "top-left",
      items: [], rulings: toPageRulings(found), tables: [],
      image: { width: image.width, height: image.height, dpi: 300, skewDegrees: 0 },
    };
    const [table] = buildTables(page);
    expect(table).toBeDefined();
    expect(table!.rowEdges).toHaveLength(5);
    expect(table!.colEdges).toHaveLength(5);
    // Row 2 (y 400…600) is split at x = 550; the other rows span both halves of column 1–2.
    const row0 = table!.cells.filter((c) => c.row === 0).sort((a, b) => a.col - b.col);
    expect(row0.map((c) => c.colSpan)).toEqual([1, 2, 1]);
    expect(table!.cells.filter((c) => c.row === 2)).toHaveLength(4);
  });

  it("erasing the rulings leaves only the glyphs, which findTextLines groups into lines", () => {
    const m = binarize(image);
    eraseRulings(found, image.width, undefined, m.data, 1);
    const lines = findTextLines(m, { dpi: 300 });
    // Title, 7 pieces inside the table (two in row 2 are split by the short ruling), the line below.
    const title = lines.find((l) => l.y0 >= 95 && l.y1 <= 145);
    expect(title).toMatchObject({ x0: 350, x1: 350 + 9 * 46 + 40 });
    const below = lines.find((l) => l.y0 >= 895);
    expect(below).toMatchObject({ x0: 130, x1: 130 + 19 * 46 + 40, y0: 900, y1: 940 });
    expect(lines).toHaveLength(9);
  });
});

describe("findRulings on a faint, blurred line", () => {
  it("joins the broken edge column of a line into one ruling", () => {
    // A vertical line 3 px wide (x 100…102, y 0…999) whose left edge column is only partly
    // inked, in pieces that are seen before the full columns.
    const width = 400;
    const height = 1000;
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 100; x <= 102; x++) data[y * width + x] = 1;
      data[y * width + 99] = (y > 200 && y < 450) || (y > 500 && y < 700) || y > 760 ? 1 : 0;
      // Horizontal rulings at both ends so the vertical one is a table border.
      if (y < 3 || y > 996) for (let x = 50; x < 350; x++) data[y * width + x] = 1;
    }
    const vs = findRulings({ width, height, data }, { dpi: 300 }).filter((r) => r.orientation === "v");
    expect(vs).toHaveLength(1);
    expect(vs[0]!.from).toBe(0);
    expect(vs[0]!.to).toBe(1000);
  });
});


describe("findRulings on a dotted, broken grid (a thresholded bitonal scan)", () => {
  // A 200 dpi grid of one-pixel lines: rows at ys, columns at xs. Every line is broken by gaps of
  // up to 12 px at random places and wanders by a pixel across (a deskewed one-pixel line).
  const dpi = 200;
  const width = 1400;
  const height = 900;
  const xs = [100, 300, 620, 900, 1300];
  const ys = [100, 180, 300, 420, 560, 800];
  const make = (seed: number, maxGapPx: number) => {
    const rand = rng(seed);
    const data = new Uint8Array(width * height);
    const dotted = (len: number, put: (along: number, shift: number) => void) => {
      let shift = 0;
      for (let a = 0; a < len; ) {
        const piece = 4 + Math.floor(rand() * 30);
        for (let k = 0; k < piece && a < len; k++, a++) {
          if (rand() < 0.03) shift = shift ? 0 : 1;
          put(a, shift);
        }
        a += 1 + Math.floor(rand() * maxGapPx);
      }
    };
    for (const y of ys) dotted(xs[4]! - xs[0]! + 1, (a, s) => (data[(y + s) * width + xs[0]! + a] = 1));
    for (const x of xs) dotted(ys[5]! - ys[0]! + 1, (a, s) => (data[(ys[0]! + a) * width + x + s] = 1));
    return { width, height, data };
  };
  const options = { dpi, maxGap: 6, wobble: true, extendGap: 14 };

  for (const seed of [1, 2, 3]) {
    it(`finds every line complete, end to end (seed ${seed})`, () => {
      const found = findRulings(make(seed, 12), options);
      const hs = found.filter((r) => r.orientation === "h").sort((a, b) => a.pos - b.pos);
      const vs = found.filter((r) => r.orientation === "v").sort((a, b) => a.pos - b.pos);
      // One ruling per line, within a pixel and a half of it (the line wanders by a pixel).
      expect(hs).toHaveLength(ys.length);
      expect(vs).toHaveLength(xs.length);
      hs.forEach((r, i) => expect(Math.abs(r.pos - ys[i]!)).toBeLessThanOrEqual(1.5));
      vs.forEach((r, i) => expect(Math.abs(r.pos - xs[i]!)).toBeLessThanOrEqual(1.5));
      for (const r of hs) {
        expect(r.from).toBeLessThanOrEqual(xs[0]! + 3);
        expect(r.to).toBeGreaterThanOrEqual(xs[4]! - 3);
      }
      for (const r of vs) {
        expect(r.from).toBeLessThanOrEqual(ys[0]! + 3);
        expect(r.to).toBeGreaterThanOrEqual(ys[5]! - 3);
      }
    });
  }

  it("without extension and wobble the same grid comes out incomplete", () => {
    const found = findRulings(make(1, 12), { dpi, maxGap: 6 });
    const complete = found.filter((r) => r.to - r.from >= (r.orientation === "h" ? 1190 : 690));
    expect(complete.length).toBeLessThan(xs.length + ys.length);
  });
});

describe("findRulings does not take rows of text for rulings", () => {
  it("finds no ruling in lines of character-like blobs, even with wide gaps bridged", () => {
    // Lines of 29 px "characters" at 200 dpi, 3 px apart: each a top, middle and bottom bar of
    // random length (the bars of a line line up) and seven upright strokes two pixels wide at
    // random places; about as much ink as a line of Chinese thresholded at 200 dpi.
    const rand = rng(7);
    const width = 1400;
    const height = 700;
    const data = new Uint8Array(width * height);
    const set = (x: number, y: number) => (data[y * width + x] = 1);
    for (let line = 0; line < 12; line++) {
      const y0 = 60 + line * 48;
      for (let x0 = 100; x0 + 29 < 1300; x0 += 32) {
        for (const dy of [1, 14, 27]) {
          const from = Math.floor(rand() * 8);
          const to = 29 - Math.floor(rand() * 8);
          for (let x = x0 + from; x < x0 + to; x++) set(x, y0 + dy);
        }
        for (let k = 0; k < 7; k++) {
          const x = x0 + Math.floor(rand() * 28);
          const from = Math.floor(rand() * 10);
          const to = 29 - Math.floor(rand() * 10);
          for (let y = y0 + from; y < y0 + to; y++) {
            set(x, y);
            set(x + 1, y);
          }
        }
      }
    }
    const found = findRulings({ width, height, data }, { dpi: 200, maxGap: 6, wobble: true, extendGap: 14 });
    expect(found).toEqual([]);
  });
});
