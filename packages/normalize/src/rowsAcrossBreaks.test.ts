import type { Repair, Row, RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { INDICATOR_HEADER } from "./forms.js";
import { RecordBuilder } from "./RecordBuilder.js";
import { headerColumns } from "./rowTools.js";
import { joinNamesCutByRulings, unifyMergedAcrossBreaks } from "./rowsAcrossBreaks.js";
import { gridCell } from "../test-fixtures/gridCell.js";

/** A cell in grid column `col`, printed on `page`. */
const cell = (text: string, col: number, o: { rows?: number; page?: number; confidence?: number; repairs?: Repair[] } = {}): RowCell => gridCell(text, col, o);

function row(cells: RowCell[], o: { pageStart?: boolean; page?: number; spanned?: RowCell[] } = {}): Row {
  return { cells, spanned: o.spanned ?? [], pages: [o.page ?? 1], source: "table", table: 0, pageStart: o.pageStart ?? false };
}

// 0 绩效指标 | 1 一级 | 2 二级 | 3 三级 | 4 年度指标值 | 5 实际完成值 | 6 分值 | 7 得分
const HEADER = headerColumns(
  row(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"].map((t, i) => cell(t, i))),
  INDICATOR_HEADER.project_self_eval!,
  4,
)!;

describe("unifyMergedAcrossBreaks", () => {
  it("gives the part of a merged cell before a page break the text and the doubt of the part after it", () => {
    const doubt: Repair = { code: "ocr_disagreement", severity: "review", message: "the two OCR engines read this differently" };
    // A name merged over rows on both pages; its text printed on the second page only.
    const before = cell("", 3, { rows: 2, page: 1 });
    const after = cell("根据文件设置三级指标", 3, { rows: 2, page: 2, confidence: 0.5, repairs: [doubt] });
    const rows = [
      row([cell("产出指标", 1), cell("数量指标", 2), before, cell("10", 6), cell("10", 7)]),
      row([cell("质量指标", 2), cell("5", 6), cell("5", 7)], { spanned: [before] }),
      row([cell("产出指标", 1, { page: 2 }), cell("时效指标", 2, { page: 2 }), after, cell("5", 6, { page: 2 }), cell("5", 7, { page: 2 })], { pageStart: true, page: 2 }),
    ];
    const out = unifyMergedAcrossBreaks(rows, HEADER, new RecordBuilder());
    const first = out[0]!.cells.find((c) => c.col === 3)!;
    expect(first.text).toBe("根据文件设置三级指标");
    expect(first.confidence).toBe(0.5);
    expect(first.repairs).toEqual([doubt]);
    expect(out[1]!.spanned[0]).toMatchObject({ text: "根据文件设置三级指标", confidence: 0.5, repairs: [doubt] });
    // The part the text came from keeps its own doubt once.
    expect(out[2]!.cells.find((c) => c.col === 3)!.repairs).toEqual([doubt]);
  });
});

describe("unifyMergedAcrossBreaks: a level-1 cell whose label and weight a page break parted", () => {
  it("gives both parts the label and the weight", () => {
    const above = cell("产出指标", 1, { rows: 2, page: 1 });
    const below = cell("(45分)", 1, { rows: 3, page: 2 });
    const rows = [
      row([above, cell("数量指标", 2), cell("预算执行率", 3), cell("10", 6), cell("10", 7)]),
      row([cell("数量指标", 2), cell("资金到位率", 3), cell("10", 6), cell("10", 7)], { spanned: [above] }),
      row([below, cell("质量指标", 2, { page: 2 }), cell("资金使用合规性", 3, { page: 2 }), cell("10", 6, { page: 2 }), cell("10", 7, { page: 2 })], { pageStart: true, page: 2 }),
      row([cell("质量指标", 2, { page: 2 }), cell("财务制度健全性", 3, { page: 2 }), cell("10", 6, { page: 2 }), cell("10", 7, { page: 2 })], { page: 2, spanned: [below] }),
    ];
    const out = unifyMergedAcrossBreaks(rows, HEADER, new RecordBuilder());
    expect(out[0]!.cells[0]!.text).toBe("产出指标(45分)");
    expect(out[1]!.spanned[0]!.text).toBe("产出指标(45分)");
    expect(out[2]!.cells[0]!.text).toBe("产出指标(45分)");
    expect(out[3]!.spanned[0]!.text).toBe("产出指标(45分)");
  });

  it("keeps a new block apart: a label below the break, or a weight alone above it", () => {
    const rows = [
      row([cell("产出指标", 1, { rows: 2, page: 1 }), cell("数量指标", 2), cell("预算执行率", 3), cell("10", 6), cell("10", 7)]),
      row([cell("效益指标(35分)", 1, { rows: 2, page: 2 }), cell("社会效益指标", 2, { page: 2 }), cell("完成率", 3, { page: 2 }), cell("35", 6, { page: 2 }), cell("35", 7, { page: 2 })], { pageStart: true, page: 2 }),
    ];
    const out = unifyMergedAcrossBreaks(rows, HEADER, new RecordBuilder());
    expect(out[0]!.cells[0]!.text).toBe("产出指标");
    expect(out[1]!.cells[0]!.text).toBe("效益指标(35分)");
  });
});

describe("joinNamesCutByRulings", () => {
  it("joins the rest of a name a stray ruling cut off, when the row's values span both parts", () => {
    const values = [cell("≥96.00%", 4, { rows: 2 }), cell("98.00%", 5, { rows: 2 }), cell("5", 6, { rows: 2 }), cell("5", 7, { rows: 2 })];
    const rows = [
      row([cell("满意度指标", 1), cell("服务对象满意度指标", 2), cell("（农村综合帮扶专项资", 3), ...values]),
      row([cell("金）服务对象满意度", 3, { confidence: 0.5 })], { spanned: values }),
      row([cell("满意度指标", 1), cell("服务对象满意度指标", 2), cell("相关方满意度", 3), cell("≥90%", 4), cell("95%", 5), cell("5", 6), cell("5", 7)]),
    ];
    const out = joinNamesCutByRulings(rows, HEADER);
    expect(out).toHaveLength(2);
    const name = out[0]!.cells.find((c) => c.col === 3)!;
    expect(name).toMatchObject({ text: "（农村综合帮扶专项资金）服务对象满意度", confidence: 0.5 });
    expect(name.repairs.map((r) => [r.code, r.severity])).toEqual([["name_joined_across_ruling", "review"]]);
  });

  it("leaves a row of its own: values of its own, or only a merged level cell spanned from above", () => {
    const level = cell("满意度指标", 1, { rows: 2 });
    const rows = [
      row([level, cell("服务对象满意度指标", 2), cell("甲", 3), cell("≥90%", 4), cell("95%", 5), cell("5", 6), cell("5", 7)]),
      row([cell("乙", 3)], { spanned: [level] }),
      row([cell("丙", 3), cell("≥90%", 4), cell("95%", 5), cell("5", 6), cell("5", 7)]),
    ];
    expect(joinNamesCutByRulings(rows, HEADER)).toHaveLength(3);
  });
});
