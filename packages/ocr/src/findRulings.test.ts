import { describe, expect, it } from "vitest";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { binarize } from "./binarize.js";
import { eraseRulings, findRulings, toPageRulings } from "./findRulings.js";
import { findTextLines } from "./findTextLines.js";
import { tablePage } from "../test-fixtures/synthetic.js";

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
