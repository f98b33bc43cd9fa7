import { OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Ruling } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { makePdf } from "../test-fixtures/makePdf.js";
import { collectRulingSegments, extractRulings, mergeRulings, type Matrix, type OperatorListLike } from "./extractRulings.js";
import { withPdf } from "./withPdf.js";

// Viewport of an unrotated 842 pt high page: PDF user space -> top-left origin.
const FLIP: Matrix = [1, 0, 0, -1, 0, 842];
const ops = OPS as unknown as Record<string, number>;

/** Builds an operator list in pdf.js 5 form from [opName, args] pairs. */
function opList(...entries: Array<[string, unknown[] | null]>): OperatorListLike {
  return { fnArray: entries.map(([name]) => ops[name]!), argsArray: entries.map(([, args]) => args) };
}
const M = 0, L = 1, C = 2, Z = 4; // DrawOPS codes
const path = (paint: string, ...codes: number[]): [string, unknown[]] => [
  "constructPath",
  [ops[paint], [new Float32Array(codes)], null],
];
const rect = (paint: string, x: number, y: number, w: number, h: number): [string, unknown[]] =>
  path(paint, M, x, y, L, x + w, y, L, x + w, y + h, L, x, y + h, Z);

describe("collectRulingSegments", () => {
  it("turns stroked horizontal and vertical lines into rulings in top-left space", () => {
    const r = collectRulingSegments(
      opList(["setLineWidth", [0.5]], path("stroke", M, 50, 700, L, 300, 700.3, M, 80, 100, L, 80, 600)),
      FLIP,
      ops,
    );
    expect(r).toHaveLength(2);
    expect(r[0]).toMatchObject({ orientation: "h", from: 50, to: 300, width: 0.5 });
    expect(r[0]!.pos).toBeCloseTo(141.85, 3);
    expect(r[1]).toMatchObject({ orientation: "v", pos: 80, from: 242, to: 742, width: 0.5 });
  });

  it("ignores slanted lines and curves", () => {
    const r = collectRulingSegments(
      opList(path("stroke", M, 0, 0, L, 100, 10, M, 0, 50, C, 10, 60, 20, 60, 30, 50)),
      FLIP,
      ops,
    );
    expect(r).toEqual([]);
  });

  it("takes thin filled rectangles as rulings and ignores big fills and specks", () => {
    const r = collectRulingSegments(
      opList(
        rect("fill", 100, 500, 200, 0.75), // thin horizontal
        rect("fill", 100, 400, 1, 100), // thin vertical
        rect("fill", 100, 100, 200, 100), // cell background
        rect("fill", 10, 10, 2, 2), // corner square
      ),
      FLIP,
      ops,
    );
    expect(r).toEqual([
      { orientation: "h", pos: 842 - 500.375, from: 100, to: 300, width: 0.75 },
      { orientation: "v", pos: 100.5, from: 342, to: 442, width: 1 },
    ]);
  });

  it("takes the four edges of a big stroked rectangle", () => {
    const r = collectRulingSegments(opList(["setLineWidth", [2]], rect("stroke", 100, 100, 200, 50)), FLIP, ops);
    expect(r.map((x) => [x.orientation, x.pos, x.from, x.to, x.width])).toEqual([
      ["h", 692, 100, 300, 2],
      ["h", 742, 100, 300, 2],
      ["v", 100, 692, 742, 2],
      ["v", 300, 692, 742, 2],
    ]);
  });

  it("scales widths and coordinates by the CTM and honours save/restore", () => {
    const r = collectRulingSegments(
      opList(
        ["save", null],
        ["transform", [0.24, 0, 0, -0.24, 0, 842]], // Chrome's device space: y down, 1/0.24 units per pt
        ["transform", [3.125, 0, 0, 3.125, 140.625, 212.5]],
        rect("fill", 0, 56, 73, 1),
        ["restore", null],
        ["setLineWidth", [1]],
        path("stroke", M, 0, 100, L, 100, 100),
      ),
      FLIP,
      ops,
    );
    expect(r).toHaveLength(2);
    expect(r[0]!.orientation).toBe("h");
    expect(r[0]!.from).toBeCloseTo(33.75, 4);
    expect(r[0]!.to).toBeCloseTo(33.75 + 73 * 0.75, 4);
    expect(r[0]!.pos).toBeCloseTo(51 + 56.5 * 0.75, 4);
    expect(r[0]!.width).toBeCloseTo(0.75, 4);
    expect(r[1]).toMatchObject({ orientation: "h", pos: 742, width: 1 }); // CTM restored
  });

  it("ignores white and transparent paint, and endPath", () => {
    const r = collectRulingSegments(
      opList(
        ["setStrokeRGBColor", ["#ffffff"]],
        path("stroke", M, 0, 100, L, 100, 100),
        ["setFillRGBColor", ["#fafafa"]],
        rect("fill", 0, 200, 100, 1),
        ["setFillRGBColor", ["#000000"]],
        path("endPath", M, 0, 300, L, 100, 300, L, 100, 301, L, 0, 301, Z),
        ["setGState", [[["ca", 0]]]],
        rect("fill", 0, 400, 100, 1),
      ),
      FLIP,
      ops,
    );
    expect(r).toEqual([]);
  });

  it("clips rulings to a rectangular clip", () => {
    const r = collectRulingSegments(
      opList(["save", null], ["clip", null], rect("endPath", 50, 0, 100, 842), path("stroke", M, 0, 400, L, 300, 400), ["restore", null]),
      FLIP,
      ops,
    );
    expect(r).toEqual([{ orientation: "h", pos: 442, from: 50, to: 150, width: 1 }]);
  });
});

describe("mergeRulings", () => {
  const h = (pos: number, from: number, to: number, width = 0.75): Ruling => ({ orientation: "h", pos, from, to, width });

  it("joins collinear touching and overlapping segments, keeps gaps over 2 pt apart", () => {
    const merged = mergeRulings([h(100, 0, 50), h(100.5, 51.5, 120, 1), h(100.2, 110, 200), h(100, 205, 300), h(110, 0, 300)]);
    expect(merged).toHaveLength(3);
    // Sorted by position: the lone piece at 100 comes before the merged one (length-weighted ≈ 100.2).
    expect(merged[0]).toMatchObject({ pos: 100, from: 205, to: 300 });
    expect(merged[1]).toMatchObject({ from: 0, to: 200, width: 1 });
    expect(merged[1]!.pos).toBeGreaterThan(100);
    expect(merged[1]!.pos).toBeLessThan(100.5);
    expect(merged[2]).toMatchObject({ pos: 110, from: 0, to: 300 });
  });

  it("does not chain a ladder of close parallel lines into one", () => {
    const merged = mergeRulings([h(100, 0, 100), h(100.9, 0, 100), h(101.8, 0, 100), h(102.7, 0, 100)]);
    expect(merged.length).toBeGreaterThanOrEqual(2);
  });

  it("drops pieces shorter than 3 pt and sorts h before v", () => {
    const v: Ruling = { orientation: "v", pos: 5, from: 0, to: 10, width: 1 };
    expect(mergeRulings([v, h(50, 0, 2), h(40, 0, 10)])).toEqual([h(40, 0, 10), v]);
  });
});

/** The page's size (after /Rotate) and rulings, as extractPage gives them for a page with text. */
function rulingsOf(pdfBytes: Uint8Array) {
  return withPdf(pdfBytes, async (pdf) => {
    const page = await pdf.getPage(1);
    const viewport = page.getViewport({ scale: 1 });
    return { width: viewport.width, height: viewport.height, rulings: await extractRulings(page, viewport) };
  });
}

describe("rulings on a generated page", () => {
  const content = [
    "0 0 0 RG 0.5 w 50 650 m 400 650 l S",
    "q 2 0 0 2 0 0 cm 0 0 0 rg 25 100 0.4 200 re f Q",
    "0 0 0 RG 1 w 200 300 100 50 re S",
  ].join("\n");

  it("maps to top-left page space", async () => {
    const page = await rulingsOf(makePdf({ content }));
    expect(page.rulings).toEqual([
      { orientation: "h", pos: 192, from: 50, to: 400, width: 0.5 },
      { orientation: "h", pos: 492, from: 200, to: 300, width: 1 },
      { orientation: "h", pos: 542, from: 200, to: 300, width: 1 },
      { orientation: "v", pos: 50.4, from: 242, to: 642, width: 0.8 },
      { orientation: "v", pos: 200, from: 492, to: 542, width: 1 },
      { orientation: "v", pos: 300, from: 492, to: 542, width: 1 },
    ]);
  });

  it("applies /Rotate 90 (x' = y_pdf, y' = x_pdf)", async () => {
    const page = await rulingsOf(makePdf({ content, rotate: 90 }));
    expect([page.width, page.height]).toEqual([842, 595]);
    expect(page.rulings).toContainEqual({ orientation: "v", pos: 650, from: 50, to: 400, width: 0.5 });
    expect(page.rulings).toContainEqual({ orientation: "h", pos: 50.4, from: 200, to: 600, width: 0.8 });
    expect(page.rulings).toContainEqual({ orientation: "h", pos: 200, from: 300, to: 350, width: 1 });
  });
});
