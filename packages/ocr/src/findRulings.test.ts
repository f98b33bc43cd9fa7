import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { binarize } from "./binarize.js";
import { eraseRulings, findRulings, solidShare, textEdgeBesideBorder, toPageRulings } from "./findRulings.js";
import { decodeImage } from "./decodeImage.js";
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

describe("findRulings in a merged cell whose text sits on aligned strokes (a bitonal 200 dpi scan)", () => {
  // A table: columns at xs, full rows at 100 and 500, and a row line at 300 that stops at the
  // merged cell of column 300…460. In the merged cell, two lines of text straddle y 300; the
  // first line's characters all end on a bottom bar (经济效益指 at 200 dpi), so their bottoms make
  // a 1-px "line" at y 289 from x 308 to 452: blank 8 px short of the cell's borders. In the cell
  // left of it, text is crammed onto the real row line (its bottom bars 3 px above it).
  const width = 1000;
  const height = 600;
  const xs = [100, 300, 460, 900];
  const make = () => {
    const data = new Uint8Array(width * height);
    const set = (x: number, y: number) => (data[y * width + x] = 1);
    for (const x of xs) for (let y = 100; y <= 500; y++) set(x, y);
    for (const y of [100, 500]) for (let x = 100; x <= 900; x++) set(x, y);
    for (let x = 100; x <= 900; x++) if (x <= 300 || x >= 460) set(x, 300);
    const chars = (x0: number, x1: number, top: number) => {
      for (let c = x0; c + 26 <= x1; c += 29) {
        // Short top and middle bars, a bar just over the full-width bottom one (皿, 指 …).
        for (let x = c + 5; x < c + 20; x++) {
          set(x, top + 1);
          set(x, top + 12);
        }
        for (let x = c + 3; x < c + 23; x++) set(x, top + 21);
        for (let x = c; x < c + 26; x++) set(x, top + 25);
        for (const dx of [4, 12, 20]) for (let y = top + 1; y <= top + 25; y++) set(c + dx, y);
      }
    };
    chars(308, 453, 264); // bottom bars at 289, 145 px long
    chars(366, 395, 296); // "标" on the second line
    chars(110, 290, 272); // bottom bars at 297, 3 px above the row line at 300
    return { width, height, data };
  };
  const found = findRulings(make(), { dpi: 200, maxGap: 6, wobble: true, extendGap: 14 });
  const hs = found.filter((r) => r.orientation === "h");

  it("does not bridge the text's bottom strokes to the cell's borders (no row cuts the merged cell)", () => {
    const inMerged = hs.filter((r) => r.pos > 105 && r.pos < 495 && r.from < 440 && r.to > 320);
    expect(inMerged).toEqual([]);
  });

  it("keeps the real row line that text is crammed against", () => {
    const row = hs.filter((r) => Math.abs(r.pos - 300) <= 1.5 && r.from <= 103 && r.to >= 297);
    expect(row.length).toBeGreaterThan(0);
  });
});

describe("findRulings: the edge of a cell's text a padding's width from the cell's border", () => {
  // A cell 100…300 wide under a border at y 300; a row of digits fills its width, their round
  // tops lined up at y 316 (a 1-px "line" from 100 to 300 that meets both upright borders).
  const width = 500;
  const height = 500;
  const make = (stripInk: boolean, gap = 16) => {
    const data = new Uint8Array(width * height);
    const set = (x: number, y: number) => (data[y * width + x] = 1);
    for (const x of [100, 300]) for (let y = 200; y <= 450; y++) set(x, y);
    for (const y of [200, 300, 450]) for (let x = 100; x <= 300; x++) set(x, y);
    const top = 300 + gap;
    for (let x = 101; x < 300; x++) set(x, top); // the digits' tops, run together
    for (let c = 104; c + 14 < 300; c += 17) {
      for (let y = top; y < top + 20; y++) {
        set(c, y);
        set(c + 1, y);
        set(c + 12, y);
        set(c + 13, y);
      }
      // Round shoulders below the top.
      for (let y = top + 1; y < top + 6; y++) for (const dx of [2, 11]) set(c + dx, y);
    }
    if (stripInk) for (let x = 120; x < 280; x += 2) set(x, 300 + Math.floor(gap / 2));
    return { width, height, data };
  };
  const opts = { dpi: 200, maxGap: 6, wobble: true, extendGap: 14 };
  const near = (found: ReturnType<typeof findRulings>, y: number) => found.filter((r) => r.orientation === "h" && Math.abs(r.pos - y) <= 2);

  it("drops the text's edge and keeps the border", () => {
    const found = findRulings(make(false), opts);
    expect(found.filter((r) => r.orientation === "h" && r.pos > 303 && r.pos < 330)).toEqual([]);
    expect(near(found, 300)).toHaveLength(1);
  });

  it("tells the edge by a blank strip narrower than a row to a border on its clear side", () => {
    const m = make(false);
    const edge = { orientation: "h" as const, pos: 316, from: 100, to: 300, width: 1 };
    const border = { orientation: "h" as const, pos: 300, from: 100, to: 300, width: 1 };
    expect(textEdgeBesideBorder(m, edge, [border, edge], 2, 5, 24, 7)).toBe(true);
    // Too far from the border for a padding, or ink between: a row of its own.
    const far = make(false, 40);
    expect(textEdgeBesideBorder(far, { ...edge, pos: 340 }, [border], 2, 5, 24, 7)).toBe(false);
    expect(textEdgeBesideBorder(make(true), edge, [border], 2, 5, 24, 7)).toBe(false);
    // The border itself has no text beside it.
    expect(textEdgeBesideBorder(m, border, [border, edge], 2, 5, 24, 7)).toBe(false);
  });
});

describe("findRulings in a cell whose wrapped text fills it from border to border (fixture)", () => {
  // test-fixtures/wrapped-cell-g4-200.png: one cell of a generated spreadsheet form, printed,
  // scanned at 200 dpi bitonal (CCITT G4) with a 1.44° skew, deskewed as the page pipeline does
  // (bilinear, so its edges are grey; the page's ink threshold was 191). The cell (borders at
  // x 20 and 289, rows at y 32 and 192) holds 「(农村综合帮扶专项资」 over 「金)项目资金拨付管理」:
  // the first line runs from border to border, and its characters' bottoms at y 83 bridge into a
  // broken "line" that meets both borders.
  const grey = decodeImage(new Uint8Array(readFileSync(new URL("../test-fixtures/wrapped-cell-g4-200.png", import.meta.url))))[0]!.image;
  const found = findRulings(binarize(grey, 191), { dpi: 200, maxGap: 6, wobble: true, extendGap: 14 });
  const hs = found.filter((r) => r.orientation === "h");

  it("takes the first line's bottoms for no row line (the cell stays one row)", () => {
    expect(hs.filter((r) => r.pos > 40 && r.pos < 185)).toEqual([]);
  });

  it("keeps the cell's own row lines and borders", () => {
    for (const y of [32, 192]) expect(hs.some((r) => Math.abs(r.pos - y) <= 1.5 && r.from <= 22 && r.to >= 287)).toBe(true);
    for (const x of [20.5, 289]) expect(found.some((r) => r.orientation === "v" && Math.abs(r.pos - x) <= 1.5)).toBe(true);
  });

  it("its row lines are solid ink along their length", () => {
    for (const r of hs) expect(solidShare(binarize(grey, 191), r)).toBeGreaterThan(0.95);
  });
});

describe("findRulings on a row line that text touches (a merged cell's label printed across it)", () => {
  // A table 100…1300 × 40…300 with a row line at y 160. At the left, in the first column
  // (100…220), a label's characters run from y 150 to y 235, across the row line: their rows of
  // ink, gaps bridged, overlap the line and once joined its group, which then spanned the text's
  // height and put the "line" at the text's middle.
  const width = 1400;
  const height = 340;
  const make = () => {
    const data = new Uint8Array(width * height);
    const set = (x: number, y: number) => (data[y * width + x] = 1);
    for (const y of [40, 160, 300]) for (let x = 100; x <= 1300; x++) set(x, y);
    for (const x of [100, 220, 700, 1300]) for (let y = 40; y <= 300; y++) set(x, y);
    const rand = rng(5);
    for (let y = 150; y <= 235; y++) {
      // Dense strokes: most of each row inked, short gaps (a bold label, thresholded).
      for (let x = 110; x < 210; x++) if (rand() < 0.8) set(x, y);
    }
    return { width, height, data };
  };
  const found = findRulings(make(), { dpi: 200, maxGap: 6, wobble: true, extendGap: 14 });

  it("finds the row line at its place and full length", () => {
    const row = found.filter((r) => r.orientation === "h" && Math.abs(r.pos - 160) <= 1.5);
    expect(row).toHaveLength(1);
    expect(row[0]!.to - row[0]!.from).toBeGreaterThan(1100);
  });

  it("takes nothing in the label's middle for a line", () => {
    expect(found.filter((r) => r.orientation === "h" && r.pos > 140 && r.pos < 245 && Math.abs(r.pos - 160) > 1.5)).toEqual([]);
  });
});
