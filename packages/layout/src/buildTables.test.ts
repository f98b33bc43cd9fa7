import type { Cell, Page, Ruling, Table, TextItem } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { assignItems, buildTables, cellText, freeItems } from "./buildTables.js";

/**
 * A ruled grid: xs/ys are the line positions; every unit edge gets its own ruling unless listed
 * as missing. `noH` holds "j,c" (horizontal line j over column c), `noV` holds "r,k" (vertical
 * line k beside row r).
 */
function gridRulings(xs: number[], ys: number[], noH: string[] = [], noV: string[] = []): Ruling[] {
  const out: Ruling[] = [];
  for (let j = 0; j < ys.length; j++) {
    for (let c = 0; c + 1 < xs.length; c++) {
      if (!noH.includes(`${j},${c}`)) out.push({ orientation: "h", pos: ys[j]!, from: xs[c]!, to: xs[c + 1]!, width: 0.5 });
    }
  }
  for (let k = 0; k < xs.length; k++) {
    for (let r = 0; r + 1 < ys.length; r++) {
      if (!noV.includes(`${r},${k}`)) out.push({ orientation: "v", pos: xs[k]!, from: ys[r]!, to: ys[r + 1]!, width: 0.5 });
    }
  }
  return out;
}

/** A text item of `text` (10 pt, one em per character) with its top-left corner at (x, y). */
function item(text: string, x: number, y: number, confidence = 1): TextItem {
  return {
    text,
    bbox: { x0: x, y0: y, x1: x + 10 * [...text].length, y1: y + 10 },
    size: 10,
    confidence,
    origin: "pdf-text",
  };
}

function page(rulings: Ruling[], items: TextItem[] = []): Page {
  return { number: 1, width: 595, height: 842, unit: "pt", origin: "top-left", items, rulings, tables: [] };
}

const at = (t: Table, row: number, col: number): Cell | undefined => t.cells.find((c) => c.row === row && c.col === col);
const shape = (t: Table) =>
  t.cells
    .map((c) => `${c.row},${c.col} ${c.rowSpan}x${c.colSpan}`)
    .sort();

const XS = [100, 200, 300, 400];
const YS = [100, 130, 160, 190];

describe("buildTables", () => {
  it("(a) builds a 3×3 grid into 9 cells with their row and column", () => {
    const tables = buildTables(page(gridRulings(XS, YS)));
    expect(tables).toHaveLength(1);
    const t = tables[0]!;
    expect(t.method).toBe("rulings");
    expect(t.colEdges).toEqual(XS);
    expect(t.rowEdges).toEqual(YS);
    expect(t.bbox).toEqual({ x0: 100, y0: 100, x1: 400, y1: 190 });
    expect(t.cells).toHaveLength(9);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        const cell = at(t, r, c)!;
        expect(cell, `cell ${r},${c}`).toBeDefined();
        expect(cell.rowSpan).toBe(1);
        expect(cell.colSpan).toBe(1);
        expect(cell.bbox).toEqual({ x0: XS[c], y0: YS[r], x1: XS[c + 1], y1: YS[r + 1] });
        expect(cell.open).toEqual({ top: false, bottom: false });
        expect(cell.text).toBe("");
      }
    }
  });

  it("(b) merges two columns where the vertical line between them is missing in the first row", () => {
    const t = buildTables(page(gridRulings(XS, YS, [], ["0,1"])))[0]!;
    expect(t.cells).toHaveLength(8);
    const merged = at(t, 0, 0)!;
    expect(merged.colSpan).toBe(2);
    expect(merged.rowSpan).toBe(1);
    expect(merged.bbox).toEqual({ x0: 100, y0: 100, x1: 300, y1: 130 });
    expect(at(t, 0, 1)).toBeUndefined();
    expect(at(t, 0, 2)!.colSpan).toBe(1);
    expect(at(t, 1, 0)!.colSpan).toBe(1);
    expect(at(t, 1, 1)!.colSpan).toBe(1);
  });

  it("(c) merges a left column over rows 1–3 where its horizontal separators are missing", () => {
    const ys = [100, 130, 160, 190, 220, 250];
    const t = buildTables(page(gridRulings(XS, ys, ["2,0", "3,0"])))[0]!;
    expect(t.rowEdges).toEqual(ys);
    const label = at(t, 1, 0)!;
    expect(label.rowSpan).toBe(3);
    expect(label.colSpan).toBe(1);
    expect(label.bbox).toEqual({ x0: 100, y0: 130, x1: 200, y1: 220 });
    expect(at(t, 2, 0)).toBeUndefined();
    expect(at(t, 3, 0)).toBeUndefined();
    expect(at(t, 0, 0)!.rowSpan).toBe(1);
    expect(at(t, 4, 0)!.rowSpan).toBe(1);
    // the other columns keep one cell per row
    for (let r = 0; r < 5; r++) expect(at(t, r, 1)!.rowSpan).toBe(1);
    expect(t.cells).toHaveLength(5 * 3 - 2);
  });

  it("(d) marks the bottom cells open when the table's bottom edge has no ruling", () => {
    const t = buildTables(page(gridRulings(XS, YS, ["3,0", "3,1", "3,2"])))[0]!;
    // the verticals still reach y = 190, so the last row exists
    expect(t.rowEdges).toEqual(YS);
    expect(t.cells).toHaveLength(9);
    for (let c = 0; c < 3; c++) {
      expect(at(t, 2, c)!.open).toEqual({ top: false, bottom: true });
      expect(at(t, 0, c)!.open).toEqual({ top: false, bottom: false });
      expect(at(t, 1, c)!.open.bottom).toBe(false);
    }
  });

  it("marks the top cells open when the table's top edge has no ruling", () => {
    const t = buildTables(page(gridRulings(XS, YS, ["0,0", "0,1", "0,2"])))[0]!;
    expect(t.rowEdges).toEqual(YS);
    for (let c = 0; c < 3; c++) expect(at(t, 0, c)!.open).toEqual({ top: true, bottom: false });
    expect(at(t, 2, 0)!.open.top).toBe(false);
  });

  it("opens only the cell whose own bottom edge is missing", () => {
    const t = buildTables(page(gridRulings(XS, YS, ["3,0"])))[0]!;
    expect(at(t, 2, 0)!.open.bottom).toBe(true);
    expect(at(t, 2, 1)!.open.bottom).toBe(false);
    expect(at(t, 2, 2)!.open.bottom).toBe(false);
  });

  it("places text items in the cell holding their centre", () => {
    const items = [
      item("一级指标", 105, 110), // row 0, col 0
      item("分值", 305, 140), // row 1, col 2
      item("10", 295, 170), // centre x = 305 → row 2, col 2 although it starts in col 1
    ];
    const t = buildTables(page(gridRulings(XS, YS), items))[0]!;
    expect(at(t, 0, 0)!.text).toBe("一级指标");
    expect(at(t, 1, 2)!.text).toBe("分值");
    expect(at(t, 2, 2)!.text).toBe("10");
    expect(at(t, 2, 1)!.text).toBe("");
    expect(at(t, 0, 0)!.items).toEqual([items[0]]);
  });

  it("joins multi-line Chinese cell text with no space", () => {
    const ys = [100, 130, 170, 200];
    const items = [item("攻坚成果", 205, 152), item("巩固受帮扶地区脱贫", 205, 134)];
    const t = buildTables(page(gridRulings(XS, ys), items))[0]!;
    const cell = at(t, 1, 1)!;
    expect(cell.text).toBe("巩固受帮扶地区脱贫攻坚成果");
    expect(cell.items).toHaveLength(2);
  });

  it("takes the lowest item confidence as the cell's confidence", () => {
    const items = [item("满意", 205, 110, 0.9), item("度", 205, 120, 0.6)];
    const t = buildTables(page(gridRulings(XS, [100, 135, 160, 190]), items))[0]!;
    expect(at(t, 0, 1)!.confidence).toBe(0.6);
    expect(at(t, 1, 1)!.confidence).toBe(1);
  });

  it("builds separate tables for separate ruling clusters, top to bottom", () => {
    const lower = gridRulings([100, 200, 300], [400, 430, 460]);
    const upper = gridRulings(XS, YS);
    const tables = buildTables(page([...lower, ...upper]));
    expect(tables).toHaveLength(2);
    expect(tables[0]!.bbox.y0).toBe(100);
    expect(tables[0]!.cells).toHaveLength(9);
    expect(tables[1]!.bbox.y0).toBe(400);
    expect(tables[1]!.cells).toHaveLength(4);
  });

  it("ignores rulings shorter than the minimum length and lone lines", () => {
    const stray: Ruling[] = [
      { orientation: "h", pos: 500, from: 100, to: 105, width: 0.5 },
      { orientation: "h", pos: 600, from: 100, to: 400, width: 0.5 },
    ];
    expect(buildTables(page(stray))).toEqual([]);
  });

  it("treats rulings within the tolerance as one line", () => {
    const rulings = gridRulings(XS, YS).map((r, i) => (i % 2 ? { ...r, pos: r.pos + 0.8 } : r));
    const t = buildTables(page(rulings))[0]!;
    expect(t.cells).toHaveLength(9);
    expect(t.colEdges).toHaveLength(4);
    expect(t.rowEdges).toHaveLength(4);
  });
});

describe("freeItems / assignItems / cellText", () => {
  it("leaves items outside every table free", () => {
    const title = item("财政项目支出绩效自评表", 150, 50);
    const inside = item("得分", 105, 110);
    const p = page(gridRulings(XS, YS), [title, inside]);
    const tables = buildTables(p);
    expect(freeItems(p.items, tables)).toEqual([title]);
    const fresh = buildTables(page(gridRulings(XS, YS)));
    expect(assignItems([title, inside], fresh)).toEqual([title]);
    expect(at(fresh[0]!, 0, 0)!.text).toBe("得分");
  });

  it("cellText orders lines top to bottom and items left to right", () => {
    expect(cellText([item("成果", 140, 20), item("攻坚", 100, 20), item("巩固", 100, 5)])).toBe("巩固攻坚成果");
    // a wide gap between two items of one line becomes one space, which cleanText keeps next to digits
    expect(cellText([item("≥60", 100, 5), item("次", 145, 5)])).toBe("≥60 次");
    expect(cellText([])).toBe("");
  });
});

describe("buildTables: a merged column open at both ends (middle page of a long table)", () => {
  const xs = [50, 150, 250, 350, 450];
  const ys = [50, 80, 110];
  for (const col of [0, 1]) {
    it(`keeps column ${col} in the table when no horizontal line crosses it`, () => {
      const noH = ys.map((_, j) => `${j},${col}`);
      const tables = buildTables(page(gridRulings(xs, ys, noH), [item("标签", xs[col]! + 5, 60)]));
      expect(tables).toHaveLength(1);
      const t = tables[0]!;
      expect(t.colEdges).toHaveLength(5);
      const label = at(t, 0, col)!;
      expect(label.rowSpan).toBe(2);
      expect(label.open).toEqual({ top: true, bottom: true });
      expect(label.text).toBe("标签");
    });
  }
});
