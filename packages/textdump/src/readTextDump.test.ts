import { JixiaoError } from "@jixiao/core";
import type { Cell, Table } from "@jixiao/schemas";
import { DocumentModel } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { readTextDump } from "./readTextDump.js";

const META = { file: "dump.txt", sha256: "a".repeat(64) };
const read = (text: string) => readTextDump(text, META);
const cellAt = (t: Table, row: number, col: number): Cell | undefined => t.cells.find((c) => c.row === row && c.col === col);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("readTextDump", () => {
  it("turns tab rows into table cells with their row and column", () => {
    const doc = read("项目名称\t合作交流工作业务费\n主管部门\t上海市人民政府合作交流办公室\t\t实施单位\t驻昆明办事处\n");
    expect(doc.file).toBe("dump.txt");
    expect(doc.sha256).toBe(META.sha256);
    expect(doc.inputKind).toBe("text-dump");
    expect(doc.pages).toHaveLength(1);
    const p = doc.pages[0]!;
    expect(p.unit).toBe("grid");
    expect(p.items).toEqual([]);
    expect(p.tables).toHaveLength(1);
    const t = p.tables[0]!;
    expect(t.method).toBe("text-dump");
    expect(t.cells.map((c) => [c.row, c.col, c.text])).toEqual([
      [0, 0, "项目名称"],
      [0, 1, "合作交流工作业务费"],
      [1, 0, "主管部门"],
      [1, 1, "上海市人民政府合作交流办公室"],
      // the empty field at column 2 makes no cell but keeps the column numbering
      [1, 3, "实施单位"],
      [1, 4, "驻昆明办事处"],
    ]);
    const c = cellAt(t, 1, 3)!;
    expect(c.bbox).toEqual({ x0: 3, y0: 1, x1: 4, y1: 2 });
    expect(c).toMatchObject({ rowSpan: 1, colSpan: 1, confidence: 1, open: { top: false, bottom: false } });
    expect(c.items).toEqual([{ text: "实施单位", bbox: c.bbox, confidence: 1, origin: "text-dump" }]);
    expect(t.colEdges).toEqual([0, 1, 2, 3, 4, 5]);
    expect(t.rowEdges).toEqual([0, 1, 2]);
    expect(t.bbox).toEqual({ x0: 0, y0: 0, x1: 5, y1: 2 });
    expect(p.width).toBe(5);
    expect(p.height).toBe(2);
    // the result satisfies the page-model schema
    expect(DocumentModel.safeParse(doc).success).toBe(true);
  });

  it("cleans field text (Chinese spaces, HTML tags, radicals)", () => {
    const t = read("年度 指标值\t<p>政府开放日或开放月活 动场次</p>\t≥60 次\t部⻔\n").pages[0]!.tables[0]!;
    expect(t.cells.map((c) => c.text)).toEqual(["年度指标值", "政府开放日或开放月活动场次", "≥60 次", "部门"]);
  });

  it("starts a new page at a blank line between two tab rows", () => {
    const doc = read("一级指标\t二级指标\n产出指标\t数量指标\n\n\t质量指标\n\t时效指标\n");
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2]);
    const [p1, p2] = doc.pages;
    expect(p1!.tables).toHaveLength(1);
    expect(p1!.tables[0]!.cells.map((c) => [c.row, c.col, c.text])).toEqual([
      [0, 0, "一级指标"],
      [0, 1, "二级指标"],
      [1, 0, "产出指标"],
      [1, 1, "数量指标"],
    ]);
    // rows restart at 0 on the new page
    expect(p2!.tables[0]!.cells.map((c) => [c.row, c.col, c.text])).toEqual([
      [0, 1, "质量指标"],
      [1, 1, "时效指标"],
    ]);
    expect(p2!.tables[0]!.cells[0]!.bbox).toEqual({ x0: 1, y0: 0, x1: 2, y1: 1 });
  });

  it("does not start a page at a blank line before or after free text", () => {
    const doc = read("财政项目支出绩效自评表\n\n（ 2022 年度）\n\n项目名称\tX\n\n说明：以上为自评结果\n\n总分\t100\n");
    expect(doc.pages).toHaveLength(1);
    const p = doc.pages[0]!;
    expect(p.items.map((i) => i.text)).toEqual(["财政项目支出绩效自评表", "（ 2022 年度）", "说明：以上为自评结果"]);
    expect(p.tables).toHaveLength(2);
    expect(p.tables[0]!.cells.map((c) => c.text)).toEqual(["项目名称", "X"]);
    expect(p.tables[1]!.cells.map((c) => c.text)).toEqual(["总分", "100"]);
  });

  it("makes lines without tabs free text items on the line's row", () => {
    const doc = read("项目绩效自评价\n项目名称： 对口支援专项经费 预算单位： 上海市普陀区人民政府办公室\n一级指标\t指标名称\n");
    const p = doc.pages[0]!;
    expect(p.items).toEqual([
      { text: "项目绩效自评价", bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, confidence: 1, origin: "text-dump" },
      {
        text: "项目名称：对口支援专项经费预算单位：上海市普陀区人民政府办公室",
        bbox: { x0: 0, y0: 1, x1: 1, y1: 2 },
        confidence: 1,
        origin: "text-dump",
      },
    ]);
    // the table after them starts on row 2 of the page, row 0 of the table
    const t = p.tables[0]!;
    expect(t.bbox.y0).toBe(2);
    expect(t.cells.map((c) => [c.row, c.col, c.bbox.y0])).toEqual([
      [0, 0, 2],
      [0, 1, 2],
    ]);
    expect(t.rowEdges).toEqual([2, 3]);
  });

  it("strips a leading ### from a line", () => {
    const doc = read("### 《部门（单位）整体支出绩效自评表》\n##(2024年度)\n");
    expect(doc.pages[0]!.items.map((i) => i.text)).toEqual(["《部门（单位）整体支出绩效自评表》", "(2024年度)"]);
  });

  it("handles a BOM, CRLF line ends and radical folding", () => {
    const doc = read("\uFEFF⻓期目标\r\n分值\t10\r\n");
    const p = doc.pages[0]!;
    expect(p.items.map((i) => i.text)).toEqual(["长期目标"]);
    expect(p.tables[0]!.cells.map((c) => c.text)).toEqual(["分值", "10"]);
  });

  it("throws EMPTY_FILE for empty or whitespace-only input", () => {
    for (const text of ["", "  \n\t\n"]) {
      const e = thrown(() => read(text));
      expect(e).toBeInstanceOf(JixiaoError);
      expect((e as JixiaoError).code).toBe("EMPTY_FILE");
      expect((e as JixiaoError).file).toBe("dump.txt");
    }
  });

  it("throws UNSUPPORTED_INPUT for binary data", () => {
    const e = thrown(() => read("%PDF-1.7\n\u0000\u0001binary"));
    expect(e).toBeInstanceOf(JixiaoError);
    expect((e as JixiaoError).code).toBe("UNSUPPORTED_INPUT");
    expect((e as JixiaoError).httpStatus).toBe(415);
  });

  it("reads the first report of a realistic dump", () => {
    const dump = [
      "",
      "财政项目支出绩效自评表\t\t\t\t\t\t\t\t",
      "(2022 年度)\t\t\t\t\t\t\t\t",
      "项目名称\t普陀区政务信息化全过程管理工作经费\t\t\t\t\t\t\t",
      "项目资金 (元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\t",
      "\t年度资金总额\t1200000.00\t1200000.00\t1,199,900\t10\t100.00%\t10\t",
      "",
      "效 指 标\t效益指标\t社会效益指标\t强化应用绩效考核\t强化\t强化\t3\t3\t\t",
      "\t总分\t\t\t\t\t\t100\t100\t",
    ].join("\n");
    const doc = read(dump);
    expect(doc.pages).toHaveLength(2);
    const t1 = doc.pages[0]!.tables[0]!;
    expect(cellAt(t1, 0, 0)!.text).toBe("财政项目支出绩效自评表");
    expect(cellAt(t1, 1, 0)!.text).toBe("(2022 年度)");
    expect(cellAt(t1, 3, 0)!.text).toBe("项目资金(元)");
    expect(cellAt(t1, 4, 4)!.text).toBe("1,199,900");
    expect(cellAt(t1, 4, 0)).toBeUndefined();
    const t2 = doc.pages[1]!.tables[0]!;
    expect(cellAt(t2, 0, 0)!.text).toBe("效指标");
    expect(cellAt(t2, 1, 1)!.text).toBe("总分");
    expect(cellAt(t2, 1, 8)!.text).toBe("100");
  });
});
