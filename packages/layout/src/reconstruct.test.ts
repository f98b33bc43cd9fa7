import type { DocumentModel, Page, Ruling, TextItem } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { isGarbledPageNumber, isMisreadPageNumber, isPageFurniture, isPageNumber, joinAcrossBreak, pageTables, reconstruct, type Row, type RowCell } from "./reconstruct.js";

// Columns: 一级指标 | 二级指标 | 三级指标 | 分值
const XS = [50, 150, 250, 350, 450];

/**
 * Rulings of a grid; `noH` lists "j,c" (horizontal line j missing over column c), `noV` lists
 * "r,k" (vertical line k missing beside row r).
 */
function gridRulings(ys: number[], noH: string[] = [], noV: string[] = []): Ruling[] {
  const out: Ruling[] = [];
  for (let j = 0; j < ys.length; j++) {
    for (let c = 0; c + 1 < XS.length; c++) {
      if (!noH.includes(`${j},${c}`)) out.push({ orientation: "h", pos: ys[j]!, from: XS[c]!, to: XS[c + 1]!, width: 0.5 });
    }
  }
  for (let k = 0; k < XS.length; k++) {
    for (let r = 0; r + 1 < ys.length; r++) {
      if (!noV.includes(`${r},${k}`)) out.push({ orientation: "v", pos: XS[k]!, from: ys[r]!, to: ys[r + 1]!, width: 0.5 });
    }
  }
  return out;
}

/** Text centred vertically at y in column c (one 10 pt em per character). */
function text(s: string, c: number, y: number, confidence = 1): TextItem {
  const x0 = XS[c]! + 5;
  return { text: s, bbox: { x0, y0: y - 5, x1: x0 + 10 * [...s].length, y1: y + 5 }, size: 10, confidence, origin: "pdf-text" };
}

function page(number: number, rulings: Ruling[], items: TextItem[]): Page {
  return { number, width: 595, height: 842, unit: "pt", origin: "top-left", items, rulings, tables: [] };
}

function doc(...pages: Page[]): DocumentModel {
  return { file: "t.pdf", sha256: "0".repeat(64), inputKind: "pdf", pages };
}

/** Non-empty texts of cells, left to right. */
const texts = (cells: readonly RowCell[]) => cells.map((c) => c.text).filter(Boolean);
const inCol = (row: Row, col: number) => [...row.cells, ...row.spanned].find((c) => c.col === col);

// Page 1: header row + two rows (y 100–190); page 2: two rows (y 50–110).
const P1_YS = [100, 130, 160, 190];
const P2_YS = [50, 80, 110];

describe("reconstruct: a merged label printed only on the next page", () => {
  // Column 0 is one merged cell over rows 1–2 of page 1 (open at the bottom) and rows 0–1 of
  // page 2 (open at the top); its text 产出指标 is printed on page 2 only.
  const p1 = page(
    1,
    gridRulings(P1_YS, ["2,0", "3,0"]),
    [
      text("一级指标", 0, 115), text("二级指标", 1, 115), text("三级指标", 2, 115), text("分值", 3, 115),
      text("数量指标", 1, 145), text("指标甲", 2, 145), text("10", 3, 145),
      text("质量指标", 1, 175), text("指标乙", 2, 175), text("20", 3, 175),
    ],
  );
  const p2 = page(
    2,
    gridRulings(P2_YS, ["0,0", "1,0"]),
    [
      text("产出指标", 0, 80),
      text("时效指标", 1, 65), text("指标丙", 2, 65), text("30", 3, 65),
      text("成本指标", 1, 95), text("指标丁", 2, 95), text("40", 3, 95),
    ],
  );
  const { rows, unit } = reconstruct(doc(p1, p2));

  it("(e) stitches the two tables into one and keeps the rows in order", () => {
    expect(unit).toBe("pt");
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.source === "table")).toBe(true);
    expect(new Set(rows.map((r) => r.table)).size).toBe(1);
    expect(rows.map((r) => inCol(r, 2)?.text)).toEqual(["三级指标", "指标甲", "指标乙", "指标丙", "指标丁"]);
  });

  it("(e) applies the label to the rows of page 1 and of page 2", () => {
    const label = rows[1]!.cells.find((c) => c.col === 0)!;
    expect(label.text).toBe("产出指标");
    expect(label.rowSpan).toBe(4);
    expect(label.inherited).toBe(false);
    expect(label.prov.map((p) => p.page)).toEqual([2]);
    expect(label.repairs.map((r) => r.code)).toEqual(["label_from_next_page"]);
    for (const r of [2, 3, 4]) {
      const inherited = rows[r]!.spanned.find((c) => c.col === 0);
      expect(inherited?.text, `row ${r}`).toBe("产出指标");
      expect(inherited?.inherited).toBe(true);
      expect(rows[r]!.cells.some((c) => c.col === 0)).toBe(false);
    }
    expect(rows[0]!.spanned).toEqual([]);
    expect(inCol(rows[0]!, 0)!.text).toBe("一级指标");
  });

  it("(e) keeps the other cells of page 2 as their own rows", () => {
    expect(texts(rows[3]!.cells)).toEqual(["时效指标", "指标丙", "30"]);
    expect(rows[3]!.pages).toEqual([2]);
    expect(texts(rows[4]!.cells)).toEqual(["成本指标", "指标丁", "40"]);
    expect(rows[0]!.pageStart).toBe(true);
    expect(rows[2]!.pageStart).toBe(false);
  });

  it("(e) marks the first row printed on page 2 as a page start, although page 1's rows carry its label", () => {
    expect(rows[1]!.pages).toEqual([1, 2]);
    expect(rows[3]!.pageStart).toBe(true);
    expect(rows[4]!.pageStart).toBe(false);
  });
});

describe("reconstruct: cells split by the page break", () => {
  it("(f) joins a label split 社会效益指 | 标 into 社会效益指标", () => {
    // Column 1 merged over rows 1–2 of page 1, open at the bottom; continues in row 0 of page 2.
    const p1 = page(1, gridRulings(P1_YS, ["2,1", "3,1"]), [
      text("一级指标", 0, 115), text("二级指标", 1, 115), text("三级指标", 2, 115), text("分值", 3, 115),
      text("效益指标", 0, 145), text("社会效益指", 1, 160), text("指标甲", 2, 145), text("10", 3, 145),
      text("指标乙", 2, 175), text("20", 3, 175),
    ]);
    const p2 = page(2, gridRulings(P2_YS, ["0,1"]), [
      text("标", 1, 65), text("指标丙", 2, 65), text("30", 3, 65),
      text("满意度指标", 0, 95), text("指标丁", 2, 95), text("40", 3, 95),
    ]);
    const { rows } = reconstruct(doc(p1, p2));
    expect(rows).toHaveLength(5);
    const label = inCol(rows[1]!, 1)!;
    expect(label.text).toBe("社会效益指标");
    expect(label.rowSpan).toBe(3);
    expect(label.prov.map((p) => p.page)).toEqual([1, 2]);
    expect(label.repairs.map((r) => r.code)).toEqual(["cell_joined_across_pages"]);
    expect(label.repairs[0]!.severity).toBe("info");
    // The page-2 row carries the joined label as an inherited cell.
    expect(inCol(rows[3]!, 1)).toMatchObject({ text: "社会效益指标", inherited: true });
    expect(inCol(rows[4]!, 1)).toMatchObject({ text: "", inherited: false });
    expect(texts(rows[4]!.cells)).toEqual(["满意度指标", "指标丁", "40"]);
  });

  it("(g) joins a row split by the break and removes the character printed on both sides", () => {
    // The last row of page 1 has no bottom ruling at all; the first row of page 2 no top ruling.
    const p1 = page(1, gridRulings(P1_YS, ["3,0", "3,1", "3,2", "3,3"]), [
      text("一级指标", 0, 115), text("二级指标", 1, 115), text("三级指标", 2, 115), text("分值", 3, 115),
      text("效益指标", 0, 145), text("社会效益指标", 1, 145), text("指标甲", 2, 145), text("10", 3, 145),
      text("巩固受帮扶地区脱贫攻坚", 2, 175),
    ]);
    const p2 = page(2, gridRulings(P2_YS, ["0,0", "0,1", "0,2", "0,3"]), [
      text("坚成果", 2, 65), text("20", 3, 65),
      text("满意度指标", 0, 95), text("指标丁", 2, 95), text("30", 3, 95),
    ]);
    const { rows } = reconstruct(doc(p1, p2));
    // header, 指标甲, the joined row, 指标丁: page 2's first row is part of the joined row
    expect(rows).toHaveLength(4);
    const joinedRow = rows[2]!;
    const name = inCol(joinedRow, 2)!;
    expect(name.text).toBe("巩固受帮扶地区脱贫攻坚成果");
    expect(name.repairs.map((r) => r.code)).toContain("duplicate_char_removed");
    expect(name.repairs.find((r) => r.code === "duplicate_char_removed")!.severity).toBe("info");
    expect(name.prov.map((p) => p.page)).toEqual([1, 2]);
    expect(name.rowSpan).toBe(2);
    expect(inCol(joinedRow, 3)!.text).toBe("20");
    expect(joinedRow.pages.sort()).toEqual([1, 2]);
    expect(texts(rows[3]!.cells)).toEqual(["满意度指标", "指标丁", "30"]);
    expect(rows[3]!.spanned).toEqual([]);
  });

  it("(h) stitches nothing when page 2 starts with a closed table (a new report)", () => {
    const p1 = page(1, gridRulings(P1_YS, ["2,0", "3,0"]), [
      text("一级指标", 0, 115), text("三级指标", 2, 115),
      text("指标甲", 2, 145), text("指标乙", 2, 175),
    ]);
    const p2 = page(2, gridRulings(P2_YS), [
      text("产出指标", 0, 65), text("指标丙", 2, 65), text("数量指标", 1, 95),
    ]);
    const { rows } = reconstruct(doc(p1, p2));
    expect(rows).toHaveLength(5);
    expect(rows[0]!.table).toBe(rows[2]!.table);
    expect(rows[3]!.table).not.toBe(rows[2]!.table);
    expect(rows[3]!.table).toBe(rows[4]!.table);
    // The open cell of page 1 keeps its (empty) text and its span; page 2's label stays on page 2.
    const open = inCol(rows[1]!, 0)!;
    expect(open.text).toBe("");
    expect(open.rowSpan).toBe(2);
    expect(open.repairs).toEqual([]);
    expect(inCol(rows[3]!, 0)!.text).toBe("产出指标");
    expect(rows[3]!.pageStart).toBe(true);
    expect(rows.flatMap((r) => r.cells).flatMap((c) => c.repairs)).toEqual([]);
  });

  it("(h) stitches nothing when a title printed above the table starts page 2", () => {
    const p1 = page(1, gridRulings(P1_YS, ["3,0", "3,1", "3,2", "3,3"]), [
      text("指标甲", 2, 145), text("巩固受帮扶地区脱贫攻坚", 2, 175),
    ]);
    const title: TextItem = { text: "财政项目支出绩效自评表", bbox: { x0: 150, y0: 20, x1: 260, y1: 30 }, size: 10, confidence: 1, origin: "pdf-text" };
    const p2 = page(2, gridRulings(P2_YS, ["0,0", "0,1", "0,2", "0,3"]), [title, text("坚成果", 2, 65)]);
    const { rows } = reconstruct(doc(p1, p2));
    expect(inCol(rows[2]!, 2)!.text).toBe("巩固受帮扶地区脱贫攻坚");
    const titleRow = rows.find((r) => r.source === "text")!;
    expect(titleRow.table).toBeNull();
    expect(texts(titleRow.cells)).toEqual(["财政项目支出绩效自评表"]);
    expect(titleRow.pageStart).toBe(true);
    expect(rows.findIndex((r) => r === titleRow)).toBe(3);
    expect(inCol(rows[4]!, 2)!.text).toBe("坚成果");
  });
});

describe("reconstruct: free text and text-dump grids", () => {
  it("turns free text into rows split at wide gaps, in reading order with the tables", () => {
    const items: TextItem[] = [
      { text: "项目名称：", bbox: { x0: 50, y0: 20, x1: 100, y1: 30 }, size: 10, confidence: 0.9, origin: "ocr" },
      { text: "对口支援专项经费", bbox: { x0: 102, y0: 20, x1: 182, y1: 30 }, size: 10, confidence: 0.8, origin: "ocr" },
      { text: "预算单位：", bbox: { x0: 300, y0: 20, x1: 350, y1: 30 }, size: 10, confidence: 1, origin: "ocr" },
      { text: "合计", bbox: { x0: 50, y0: 300, x1: 70, y1: 310 }, size: 10, confidence: 1, origin: "ocr" },
      text("指标甲", 2, 115),
    ];
    const { rows } = reconstruct(doc(page(1, gridRulings([100, 130]), items)));
    expect(rows.map((r) => r.source)).toEqual(["text", "table", "text"]);
    expect(texts(rows[0]!.cells)).toEqual(["项目名称：对口支援专项经费", "预算单位："]);
    expect(rows[0]!.cells[0]!.confidence).toBe(0.8);
    expect(rows[0]!.cells[0]!.col).toBeNull();
    expect(rows[0]!.pageStart).toBe(true);
    expect(rows[1]!.pageStart).toBe(false);
    expect(texts(rows[2]!.cells)).toEqual(["合计"]);
  });

  it("continues a two-field line's cell with a wrapped line, but not with a label line or after a short line", () => {
    // Pixel boxes of a 200 dpi scan of a 项目绩效自评价 form, as OCR gave them (a colon lost).
    const it = (t: string, x0: number, y0: number, x1: number): TextItem => ({ text: t, bbox: { x0, y0, x1, y1: y0 + 27 }, size: 27, confidence: 0.95, origin: "ocr" });
    const items: TextItem[] = [
      it("预算单位名称：", 820, 200, 1010), it("福建省厦门市思明区人民政府办", 1100, 200, 1500), it("项目名称：", 128, 200, 260), it("对口支援专项经费", 300, 200, 500),
      it("公室", 1100, 241, 1156),
      it("绩效等级", 128, 670, 240), it("优", 289, 671, 314),
      it("取得的主要绩效：", 128, 712, 337),
      it("思路上沟通磨合力度还不够大，前方干部与当地干部在项目理解上存在一定分歧", 129, 1214, 1146), it("需要进一步统一思想，理清", 1178, 1215, 1524),
      it("思路。", 129, 1254, 203),
      it("整改措施", 129, 1296, 242),
      it("具体实施处（科", 128, 1400, 300), it("是否为经常性项目：", 820, 1400, 1060), it("否", 1100, 1400, 1127),
      it("室）：", 128, 1441, 200),
    ];
    const p: Page = { number: 1, width: 1654, height: 2339, unit: "px", origin: "top-left", items, rulings: [], tables: [] };
    const rows = reconstruct(doc(p)).rows.map((r) => texts(r.cells));
    expect(rows).toEqual([
      ["项目名称：", "对口支援专项经费", "预算单位名称：", "福建省厦门市思明区人民政府办公室"],
      ["绩效等级", "优"],
      ["取得的主要绩效："],
      ["思路上沟通磨合力度还不够大，前方干部与当地干部在项目理解上存在一定分歧思路。", "需要进一步统一思想，理清"],
      ["整改措施"],
      ["具体实施处（科室）：", "是否为经常性项目：", "否"],
    ]);
  });

  it("reads a line of prose split at a space as one text when the line under it runs on under its last piece", () => {
    const it = (t: string, x0: number, y0: number, x1: number): TextItem => ({ text: t, bbox: { x0, y0, x1, y1: y0 + 40 }, size: 40, confidence: 0.95, origin: "ocr" });
    const lines = (items: TextItem[]) => reconstruct(doc({ number: 1, width: 2480, height: 3508, unit: "px", origin: "top-left", items, rulings: [], tables: [] })).rows.map((r) => texts(r.cells));
    // 300 dpi: "…储备不多；" and "2、发展观念、思路上沟" 39 px apart, then the wrapped rest.
    const split = [it("1、受政策调整影响，乡村振兴项目储备不多；", 186, 2176, 1803), it("2、发展观念、思路上沟", 1842, 2176, 2277), it("通磨合力度还不够大，理清思路。", 184, 2236, 2113)];
    expect(lines(split)).toEqual([["1、受政策调整影响，乡村振兴项目储备不多； 2、发展观念、思路上沟通磨合力度还不够大，理清思路。"]]);
    // Under a field and its value, a line that opens a field of its own, or a short one, stays apart.
    expect(lines([it("绩效等级", 186, 100, 300), it("优", 400, 100, 440), it("取得的主要绩效：", 186, 160, 2100)])).toEqual([["绩效等级", "优"], ["取得的主要绩效："]]);
  });

  it("uses a page's known tables (text dumps) instead of rulings", () => {
    const p: Page = {
      number: 1, width: 2, height: 1, unit: "grid", origin: "top-left", items: [], rulings: [],
      tables: [{
        bbox: { x0: 0, y0: 0, x1: 2, y1: 1 }, colEdges: [0, 1, 2], rowEdges: [0, 1], method: "text-dump",
        cells: [
          { text: "总分", bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, row: 0, col: 0, rowSpan: 1, colSpan: 1, confidence: 1, open: { top: false, bottom: false }, items: [] },
          { text: "100", bbox: { x0: 1, y0: 0, x1: 2, y1: 1 }, row: 0, col: 1, rowSpan: 1, colSpan: 1, confidence: 1, open: { top: false, bottom: false }, items: [] },
        ],
      }],
    };
    expect(pageTables(p)).toBe(p.tables);
    const { rows, unit } = reconstruct(doc(p));
    expect(unit).toBe("grid");
    expect(rows).toHaveLength(1);
    expect(texts(rows[0]!.cells)).toEqual(["总分", "100"]);
    expect(rows[0]!.cells.map((c) => c.col)).toEqual([0, 1]);
  });

  it("returns no rows for a document without pages", () => {
    expect(reconstruct(doc())).toEqual({ rows: [], unit: "pt", furniture: [] });
  });
});

describe("reconstruct: page furniture", () => {
  it("leaves out page numbers, and dates and file names in the margins, so a table broken by a page still joins", () => {
    const ys1 = [700, 720, 740];
    const ys2 = [60, 80, 100];
    const p1 = page(1, gridRulings(ys1, ["2,0", "2,1", "2,2", "2,3"]), [
      text("产出指标", 0, 710), text("数量指标", 1, 710), text("指标甲", 2, 710), text("10", 3, 710),
      text("质量指标", 1, 730), text("指标乙", 2, 730), text("5", 3, 730),
      { text: "第 1 页，共 2 页", bbox: { x0: 260, y0: 810, x1: 340, y1: 820 }, size: 10, confidence: 1, origin: "pdf-text" },
    ]);
    const p2 = page(2, gridRulings(ys2, ["0,0", "0,1", "0,2", "0,3"]), [
      { text: "自评表.xlsx", bbox: { x0: 50, y0: 20, x1: 120, y1: 30 }, size: 10, confidence: 1, origin: "pdf-text" },
      { text: "2023-03-10", bbox: { x0: 450, y0: 20, x1: 520, y1: 30 }, size: 10, confidence: 1, origin: "pdf-text" },
      text("指标丙", 2, 70), text("5", 3, 70),
      text("时效指标", 1, 90), text("指标丁", 2, 90), text("5", 3, 90),
    ]);
    const r = reconstruct(doc(p1, p2));
    expect(r.furniture!.map((f) => [f.page, f.text])).toEqual([[1, "第 1 页，共 2 页"], [2, "自评表.xlsx"], [2, "2023-03-10"]]);
    expect(r.rows.every((row) => row.source === "table")).toBe(true);
    expect(new Set(r.rows.map((row) => row.table)).size).toBe(1);
  });
  it("takes a page number with any punctuation or none between its parts", () => {
    for (const t of ["第3页,共7页", "第 3 页、共 7 页", "第2页.共6页", "第2页共6页", "第 2 页 / 共 6 页", "共7页 第3页", "- 3 -", "Page 3 of 7", "第4页"]) {
      expect([t, isPageNumber(t)]).toEqual([t, true]);
      expect(isPageFurniture(t, false)).toBe(true);
    }
    for (const t of ["第3季度", "第3页内容", "共7项", "3", "第三页"]) expect([t, isPageNumber(t)]).toEqual([t, false]);
  });
  it("takes what is left of a \"- 1 -\" footer for furniture only in a margin, outermost", () => {
    for (const t of ["一", "-", "— —", "-6.", "一6", "6-", "12", "F2-", "|3|"]) {
      expect([t, isPageFurniture(t, true)]).toEqual([t, true]);
      expect([t, isPageFurniture(t, false)]).toEqual([t, false]);
      expect([t, isPageFurniture(t, true, false)]).toEqual([t, false]);
    }
    expect(isPageFurniture("一级指标", true)).toBe(false);
    for (const t of ["第2", "2项", "1234", "ABC2-"]) expect([t, isPageFurniture(t, true)]).toEqual([t, false]);
  });
  it("takes a print stamp's label whose date OCR lost for furniture only in a margin, outermost", () => {
    for (const t of ["打印日期", "印日期：", "制表时间:"]) {
      expect([t, isPageFurniture(t, true)]).toEqual([t, true]);
      expect([t, isPageFurniture(t, false)]).toEqual([t, false]);
      expect([t, isPageFurniture(t, true, false)]).toEqual([t, false]);
    }
    for (const t of ["打印日期及份数", "日期"]) expect([t, isPageFurniture(t, true)]).toEqual([t, false]);
  });
  it("takes a print stamp whose label OCR read one character off for furniture only in a margin, outermost", () => {
    for (const t of ["打印期", "打日期：", "打印日朗：2023年3月20日", "制表时问 2022-03-11"]) {
      expect([t, isPageFurniture(t, true)]).toEqual([t, true]);
      expect([t, isPageFurniture(t, false)]).toEqual([t, false]);
      expect([t, isPageFurniture(t, true, false)]).toEqual([t, false]);
    }
    for (const t of ["打印期间共计", "印期", "打印日期表格说明", "打印期 3项", "评价日期", "项目名称"]) expect([t, isPageFurniture(t, true)]).toEqual([t, false]);
  });
  it("leaves out a print stamp OCR read as two pieces on one margin line", () => {
    const piece = (t: string, x: number, y: number): TextItem => ({ text: t, bbox: { x0: x, y0: y, x1: x + 10 * t.length, y1: y + 10 }, size: 10, confidence: 0.9, origin: "ocr" });
    const page: Page = {
      number: 1, width: 600, height: 800, unit: "pt", origin: "top-left", rulings: [], tables: [],
      items: [piece("打印日期", 200, 20), piece("2023年3月20日", 260, 21), piece("项目名称", 50, 300)],
    };
    const r = reconstruct({ file: "f.pdf", sha256: "0".repeat(64), pages: [page] } as never);
    expect(r.rows.map((row) => row.cells.map((c) => c.text).join("|"))).toEqual(["项目名称"]);
  });
  it("knows the shape of a page number garbled beyond one word", () => {
    for (const t of ["第！ 成 共7次", "第2贞 共7 贞", "第3贞 共？风", "第+页.共7页", "第 2 页 共 7 页", "第之镇 共", "第+质 共页", "第质 共n vy", "第 共6明"]) expect([t, isGarbledPageNumber(t)]).toEqual([t, true]);
    for (const t of ["第三部分 共同目标", "共7页第2页", "第2项指标", "合计", "第2页共7页及附件一份", "第三方 共同", "第一 共计", "第三季度共计", "第共", "第 共同"]) expect([t, isGarbledPageNumber(t)]).toEqual([t, false]);
  });
  it("leaves out a garbled footer in the bottom margin, and keeps such text above other text", () => {
    const piece = (t: string, x: number, y: number): TextItem => ({ text: t, bbox: { x0: x, y0: y, x1: x + 10 * t.length, y1: y + 10 }, size: 10, confidence: 0.9, origin: "ocr" });
    const rows = (items: TextItem[]) => reconstruct(doc(page(1, gridRulings([100, 130]), [text("指标甲", 2, 115), ...items]))).rows;
    const footer = [piece("第2贞", 240, 800), piece("共7", 300, 800), piece("贞", 340, 800)];
    expect(rows(footer).filter((r) => r.source === "text")).toEqual([]);
    // With a line further out, it is not the margin's outermost line.
    expect(rows([...footer, piece("签字", 240, 825)]).filter((r) => r.source === "text").length).toBeGreaterThan(0);
  });
  it("leaves out a footer whose digits OCR read as Chinese in doubt, and keeps the same text read sure", () => {
    const piece = (t: string, x: number, confidence: number): TextItem => ({ text: t, bbox: { x0: x, y0: 800, x1: x + 10 * t.length, y1: 810 }, size: 10, confidence, origin: "ocr" });
    const rows = (items: TextItem[]) => reconstruct(doc(page(1, gridRulings([100, 130]), [text("指标甲", 2, 115), ...items]))).rows.filter((r) => r.source === "text");
    // "第 3 页 共 7 页" at 200 dpi bitonal: "第" "损" "共" "了" "八", the digits and 页 read in doubt.
    const footer = (c: number) => [piece("第", 240, 0.99), piece("损", 260, c), piece("共", 300, 0.99), piece("了", 320, c), piece("八", 340, c)];
    expect(rows(footer(0.5))).toEqual([]);
    expect(rows(footer(0.99)).length).toBeGreaterThan(0);
    expect(isGarbledPageNumber("第损共了八")).toBe(false);
    expect(isGarbledPageNumber("第损共了八", true)).toBe(true);
    expect(isGarbledPageNumber("第损了八页", true)).toBe(false);
  });
  it("knows a page number with one of its words misread, which only a margin line may be", () => {
    for (const t of ["第2页、共6项", "第 2 页，其 6 页", "第2贝共6页", "2页共6页"]) expect([t, isMisreadPageNumber(t)]).toEqual([t, true]);
    for (const t of ["第2项、共6项", "第7页、共6页", "第3季度", "共7项", "第2项"]) expect([t, isMisreadPageNumber(t)]).toEqual([t, false]);
  });
  it("leaves out a footer OCR read in pieces, even under a cell a page break left open", () => {
    // The rows' last line is missing: the merged cell goes on to the next page, and the footer
    // "第 1 页、共 2 页" below it was read as "第" "1" "页、" "共2" "页" far apart.
    const ys1 = [700, 720, 740];
    const p1 = page(1, gridRulings(ys1, ["2,0", "2,1", "2,2", "2,3"]), [
      text("产出指标", 0, 710), text("数量指标", 1, 710), text("指标甲", 2, 710), text("10", 3, 710),
      text("质量指标", 1, 730), text("5", 3, 730),
      ...[["第", 240], ["1", 262], ["页、", 284], ["共2", 316], ["页", 348]].map(([s, x]) => ({
        text: s as string, bbox: { x0: x as number, y0: 790, x1: (x as number) + 10 * (s as string).length, y1: 800 }, size: 10, confidence: 1, origin: "ocr" as const,
      })),
    ]);
    const p2 = page(2, gridRulings([60, 80, 100], ["0,0", "0,1", "0,2", "0,3"]), [
      text("指标乙", 2, 70), text("5", 3, 70),
      text("时效指标", 1, 90), text("指标丙", 2, 90), text("5", 3, 90),
    ]);
    const r = reconstruct(doc(p1, p2));
    expect(r.furniture!.map((f) => [f.page, f.text.replace(/\s+/g, "")])).toEqual([[1, "第1页、共2页"]]);
    expect(r.rows.every((row) => row.source === "table")).toBe(true);
    expect(r.rows.flatMap((row) => row.cells.map((c) => c.text)).join("")).not.toMatch(/[第共]/);
  });
  it("keeps a number in a table cell at the top of a page", () => {
    const ys = [20, 40];
    const p1 = page(1, gridRulings(ys), [text("产出指标", 0, 30), text("数量指标", 1, 30), text("10", 3, 30)]);
    const r = reconstruct(doc(p1));
    expect(r.furniture).toEqual([]);
    expect(r.rows[0]!.cells.map((c) => c.text)).toContain("10");
  });
  it("keeps a date or a number that is part of the form", () => {
    const p1 = page(1, [], [
      { text: "2023-03-10", bbox: { x0: 100, y0: 400, x1: 170, y1: 410 }, size: 10, confidence: 1, origin: "pdf-text" },
      { text: "45", bbox: { x0: 100, y0: 430, x1: 120, y1: 440 }, size: 10, confidence: 1, origin: "pdf-text" },
    ]);
    const r = reconstruct(doc(p1));
    expect(r.furniture).toEqual([]);
    expect(r.rows.map((row) => row.cells.map((c) => c.text).join(""))).toEqual(["2023-03-10", "45"]);
  });
});

describe("joinAcrossBreak", () => {
  it("keeps a Chinese character printed on both sides of the break once", () => {
    const j = joinAcrossBreak("巩固受帮扶地区脱贫攻坚", "坚成果");
    expect(j.text).toBe("巩固受帮扶地区脱贫攻坚成果");
    expect(j.repairs).toHaveLength(1);
    expect(j.repairs[0]).toMatchObject({ code: "duplicate_char_removed", severity: "info" });
    expect(j.repairs[0]!.message).toContain("坚");
  });

  it("joins different characters with nothing inserted and no repair", () => {
    expect(joinAcrossBreak("社会效益指", "标")).toEqual({ text: "社会效益指标", repairs: [] });
    expect(joinAcrossBreak("社会效益 ", " 指标")).toEqual({ text: "社会效益指标", repairs: [] });
  });

  it("does not remove a repeated digit or Latin letter", () => {
    expect(joinAcrossBreak("100", "0")).toEqual({ text: "1000", repairs: [] });
    expect(joinAcrossBreak("AP", "PP")).toEqual({ text: "APPP", repairs: [] });
  });

  it("returns the other side unchanged when one side is empty", () => {
    expect(joinAcrossBreak("", "坚成果")).toEqual({ text: "坚成果", repairs: [] });
    expect(joinAcrossBreak("攻坚", "")).toEqual({ text: "攻坚", repairs: [] });
  });
});

describe("reconstruct: a text item's doubt", () => {
  it("becomes a review repair of the cell read from it, in tables and in free text", () => {
    const doubt = { code: "ocr_disagreement", message: 'tesseract read "290%", PP-OCR read "≥90%"' };
    const p = page(1, gridRulings([100, 130, 160]), [
      text("一级指标", 0, 115), text("二级指标", 1, 115), text("三级指标", 2, 115), text("分值", 3, 115),
      text("产出指标", 0, 145), text("数量指标", 1, 145), text("指标甲", 2, 145), { ...text("290%", 3, 145, 0.6), doubt },
      { ...text("项目名称：甲", 0, 300, 0.7), doubt },
    ]);
    const { rows } = reconstruct(doc(p));
    const cells = rows.flatMap((r) => r.cells);
    expect(cells.find((c) => c.text === "290%")?.repairs).toEqual([{ ...doubt, severity: "review" }]);
    expect(cells.find((c) => c.text === "项目名称：甲")?.repairs).toEqual([{ ...doubt, severity: "review" }]);
    expect(cells.find((c) => c.text === "指标甲")?.repairs).toEqual([]);
  });
});
