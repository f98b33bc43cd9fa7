import type { Reconstruction, Repair, Row, RowCell } from "@jixiao/layout";
import type { JxRecord } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { INDICATOR_HEADER } from "./forms.js";
import { normalize } from "./normalize.js";
import { nearestLabel, nearestLevel2, readIndicatorRows, resolveIndicators } from "./parseIndicators.js";
import { labelAmidSpecks } from "./parseIndicatorsRows.js";
import { isSectionTitle } from "./rowsAcrossBreaks.js";
import { RecordBuilder } from "./RecordBuilder.js";
import { headerColumns } from "./rowTools.js";

/** A cell in grid column `col` (x0 = col, x1 = col + span), printed on `page`. */
function cell(text: string, col: number, o: { span?: number; rows?: number; page?: number; inherited?: boolean; repairs?: Repair[] } = {}): RowCell {
  const span = o.span ?? 1;
  return {
    text,
    x0: col,
    x1: col + span,
    col,
    colSpan: span,
    rowSpan: o.rows ?? 1,
    confidence: 1,
    prov: [{ page: o.page ?? 1, bbox: { x0: col, y0: 0, x1: col + span, y1: 1 }, unit: "pt" }],
    repairs: o.repairs ?? [],
    inherited: o.inherited ?? false,
  };
}
/** A row from texts placed in consecutive columns starting at 0; "" leaves a column empty. */
function row(texts: string[], o: { pageStart?: boolean; spanned?: RowCell[]; page?: number; source?: "table" | "text" } = {}): Row {
  return {
    cells: texts.map((t, i) => (t ? cell(t, i, { page: o.page }) : null)).filter((c): c is RowCell => c !== null),
    spanned: o.spanned ?? [],
    pages: [o.page ?? 1],
    source: o.source ?? "table",
    table: 0,
    pageStart: o.pageStart ?? false,
  };
}

/** The row as OCR reads it: every cell at confidence 0.9. */
const ocr = (r: Row): Row => ({ ...r, cells: r.cells.map((c) => ({ ...c, confidence: 0.9 })) });

// 0 绩效指标 | 1 一级 | 2 二级 | 3 三级 | 4 年度指标值 | 5 实际完成值 | 6 分值 | 7 得分 | 8 偏差
const HEADER_TEXTS = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"];
const HEADER = headerColumns(row(HEADER_TEXTS), INDICATOR_HEADER.project_self_eval!, 4)!;
const OPTS = { withLevel1Weight: false, withLevel2: true, spansKnown: true };

function resolve(rows: Row[], opts = OPTS) {
  const b = new RecordBuilder();
  const values = resolveIndicators(readIndicatorRows(rows, HEADER), b, opts);
  return { values, flags: b.flags, b };
}

describe("readIndicatorRows", () => {
  it("doubts a label taken from the rows above when the row's own label cell is empty on a scan", () => {
    const ocr = (r: Row, empty: number[]): Row => ({
      ...r,
      cells: [...r.cells.map((c) => ({ ...c, confidence: 0.997 })), ...empty.map((col) => ({ ...cell("", col), confidence: 1 }))].sort((a, b) => a.x0 - b.x0),
    });
    const rows = [
      ocr(row(["", "效益指标", "经济效益指标", "指标甲", "提高", "提高", "3", "3"]), []),
      // 社会效益指标 began here, in a cell of its own, and OCR read nothing in it.
      ocr(row(["", "", "", "指标乙", "巩固", "巩固", "5", "5"]), [2]),
    ];
    const { values, flags } = resolve(rows);
    expect(values[1]!.level2).toBe("经济效益指标");
    expect(flags.filter((f) => f.path === "indicators[1].level2").map((f) => f.code)).toEqual(["label_not_read"]);
    // The piece of a merged cell (inherited) or a digital page's empty cell is no doubt.
    const digital = resolve([row(["", "效益指标", "经济效益指标", "指标甲", "提高", "提高", "3", "3"]), { ...row(["", "", "", "指标乙", "巩固", "巩固", "5", "5"]), cells: [...row(["", "", "", "指标乙", "巩固", "巩固", "5", "5"]).cells, cell("", 2)].sort((a, b) => a.x0 - b.x0) }]);
    expect(digital.flags.filter((f) => f.path === "indicators[1].level2")).toEqual([]);
  });

  it("reads a weight OCR read with a leading ≥ ('≥5' for 25) as the number, in doubt, instead of joining it to the name", () => {
    const ocr = (r: Row): Row => ({ ...r, cells: r.cells.map((c) => ({ ...c, confidence: 0.997 })) });
    const rows = [ocr(row(["", "产出指标", "数量指标", "指标甲", "=100%", "100%", "≥5", "25"]))];
    const { values, flags } = resolve(rows);
    expect(values[0]!.name).toBe("指标甲");
    expect(values[0]!.weight).toBe(25);
    expect(flags.filter((f) => f.path === "indicators[0].weight").map((f) => f.code)).toEqual(["comparison_in_number"]);
    // A target keeps its sign, and a text layer is taken as printed.
    const digital = resolve([row(["", "产出指标", "数量指标", "指标甲", "≥5", "6", "20", "20"])]);
    expect(digital.values[0]!.target).toBe("≥5");
  });

  it("finds the header columns", () => {
    expect(Object.keys(HEADER).sort()).toEqual(["actual", "deviation", "level1", "level2", "name", "score", "target", "weight"]);
    expect(HEADER.name).toEqual({ x0: 3, x1: 4 });
  });

  it("takes a misread label in the level-2 column as the row's level-2 label, in doubt", () => {
    const rows = [
      row(["", "产出指标", "数量指标", "指标甲", "=100%", "100%", "20", "20"]),
      // 质量指标 read as 质最指标, and the score unreadable: the name stays the name.
      row(["", "", "质最指标", "指标乙", "提高", "提高", "20", "≥0"]),
      // Not a character away from one label of the block: kept as read.
      row(["", "", "质地指数", "指标丙", "提高", "提高", "10", "10"]),
    ];
    const raws = readIndicatorRows(rows, HEADER);
    expect(raws.map((r) => r.level2)).toEqual(["数量指标", "质量指标", "质地指数"]);
    expect(raws.map((r) => r.name.map((c) => c.text))).toEqual([["指标甲"], ["指标乙"], ["指标丙"]]);
    expect(raws[1]!.target.map((c) => c.text)).toEqual(["提高"]);
    expect(raws[1]!.repairs.filter((x) => x.field === "level2" && x.severity === "review")).toHaveLength(1);
    expect(raws[0]!.repairs).toEqual([]);
  });

  it("takes OCR garbage in the level-2 column of a row whose cells are in place as the level-2 label, in doubt, not as the name", () => {
    const rows = [
      ocr(row(["", "效益指标", "经济效益指标", "指标甲", "提高", "达成指标", "3", "3"])),
      // The tail of 社会效益指标 after a page break, read as garbage; the score read as a quote mark.
      ocr(row(["", "", "1.Z日标", "指标乙", "巩固", "达成指标", "5", "”"])),
    ];
    const raws = readIndicatorRows(rows, HEADER);
    expect(raws[1]!.name.map((c) => c.text)).toEqual(["指标乙"]);
    expect(raws[1]!.repairs.filter((x) => x.field === "level2" && x.severity === "review")).toHaveLength(1);
    // Without a number in the weight column the row may have come one column left: left as it was.
    const shifted = readIndicatorRows([rows[0]!, ocr(row(["", "", "1.Z日标", "指标乙", "巩固", "达成指标", "", ""]))], HEADER);
    expect(shifted[1]!.name.map((c) => c.text)).toContain("1.Z日标");
  });

  it("takes OCR garbage in the level-2 column as the label when the row's name is in the name column and its weight in the weight column (the score lost)", () => {
    const rows = [
      ocr(row(["", "效益指标", "社会效益指标", "指标甲", "提高", "达成指标", "5", "5"])),
      ocr(row(["", "", "中", "（对口支援）环境效益", "积极", "达成指标", "5", ""])),
    ];
    const raws = readIndicatorRows(rows, HEADER);
    expect(raws[1]!.name.map((c) => c.text)).toEqual(["（对口支援）环境效益"]);
    expect(raws[1]!.target.map((c) => c.text)).toEqual(["积极"]);
    expect(raws[1]!.deviation).toEqual([]);
    expect(raws[1]!.repairs.filter((x) => x.field === "level2" && x.severity === "review")).toHaveLength(1);
  });

  it("reads a garbled level-2 label as the one label the taxonomy leaves between the labels read above and below, in doubt", () => {
    const level2 = (rows: Row[]) => readIndicatorRows(rows.map(ocr), HEADER).map((r) => [r.level2, r.repairs.filter((x) => x.field === "level2").length]);
    const r = (l1: string, l2: string, name: string) => row(["", l1, l2, name, "提高", "达成指标", "5", "5"]);
    // Between 经济效益指标 and 生态效益指标 only 社会效益指标 is left.
    expect(level2([r("效益指标", "经济效益指标", "甲"), r("", "ILAWLIH标", "乙"), r("", "生态效益指标", "丙")])).toEqual([
      ["经济效益指标", 0], ["社会效益指标", 1], ["生态效益指标", 0],
    ]);
    // At the block's end after 生态效益指标 only 可持续影响指标 is left; two garbled rows both take it
    // (a guess is no anchor for the next).
    expect(level2([r("效益指标", "生态效益指标", "甲"), r("", "r+", "乙"), r("", "大NT指标", "丙"), r("满意度指标", "服务对象满意度指标", "丁")]).map((x) => x[0])).toEqual([
      "生态效益指标", "可持续影响指标", "可持续影响指标", "服务对象满意度指标",
    ]);
    // Two labels left (社会, 生态): no guess, the garbled text stays, in doubt.
    expect(level2([r("效益指标", "经济效益指标", "甲"), r("", "ILAWLIH标", "乙"), r("", "可持续影响指标", "丙")])[1]).toEqual(["ILAWLIH标", 1]);
  });

  it("doubts a level-2 label the rows below take from a label cell in doubt, as that cell is", () => {
    const rows = [
      ocr(row(["", "效益指标", "经济效益指标", "指标甲", "提高", "达成指标", "3", "3"])),
      ocr(row(["", "", "1A共北栏", "指标乙", "强化", "强化", "3", "3"])),
      ocr(row(["", "", "", "指标丙", "提升", "提升", "2", "2"])),
    ];
    const { values, flags } = resolve(rows);
    expect(values.map((v) => v.level2)).toEqual(["经济效益指标", "1A共北栏", "1A共北栏"]);
    const doubted = (k: number) => flags.filter((f) => f.path === `indicators[${k}].level2` && f.severity === "review").map((f) => f.code);
    expect(doubted(2)).toEqual(doubted(1));
    expect(doubted(2)).toContain("label_not_read");
    expect(doubted(0)).toEqual([]);
  });

  it("keeps an OCR-misread number in the weight column as the row's weight, not as text of its name", () => {
    const raws = readIndicatorRows([ocr(row(["", "产出指标", "数量指标", "指标甲", "提高", "提高", "2.+", "2.4"]))], HEADER);
    expect(raws[0]!.name.map((c) => c.text)).toEqual(["指标甲"]);
    expect(raws[0]!.weight?.text).toBe("2.+");
    expect(raws[0]!.mode).toBe("columns");
  });

  it("does not take a name for a level-2 label when the row's cells came one column left (a text dump leaves merged cells out)", () => {
    const raws = readIndicatorRows(
      [
        row(["", "效益指标", "社会效益指标", "促进地区间合作交流", "促进", "促进", "10", "10"]),
        row(["", "", "促进部门工作提质增效", "促进", "促进", "10", "10"]),
      ],
      HEADER,
    );
    expect(raws[1]!.level2).toBeNull();
    expect(raws[1]!.name.map((c) => c.text)).toContain("促进部门工作提质增效");
    expect(raws[1]!.repairs.filter((x) => x.code === "label_not_read")).toEqual([]);
  });

  it("finds the one level-2 label a character away, within the level-1 block", () => {
    expect(nearestLevel2("质最指标", "产出指标")).toBe("质量指标");
    expect(nearestLevel2("时效指杯")).toBe("时效指标");
    expect(nearestLevel2("质最指标", "效益指标")).toBeNull();
    expect(nearestLevel2("质量指标")).toBe("质量指标");
    expect(nearestLevel2("重量指标")).toBeNull(); // 数量指标 or 质量指标
    // The first part of a label printed on two lines, one character misread or none.
    expect(nearestLevel2("服务对象")).toBe("服务对象满意度指标");
    expect(nearestLevel2("经济效益指")).toBe("经济效益指标");
    expect(nearestLabel("满音度指", ["产出指标", "效益指标", "满意度指标"])).toBe("满意度指标");
    expect(nearestLabel("满音", ["满意度指标"])).toBeNull(); // too short to tell
  });

  it("reads an OCR-read level-1 label with one character misread as the label, with a review repair", () => {
    const ocr = (r: Row): Row => ({ ...r, cells: r.cells.map((c) => ({ ...c, confidence: 0.95 })) });
    const [raw] = readIndicatorRows([ocr(row(["", "投人管理指标", "预算执行管理", "指标甲", "", "", "10.2", "10.2", ""]))], HEADER);
    expect(raw!.level1).toBe("投入管理指标");
    expect(raw!.repairs.filter((r) => r.field === "level1").map((r) => r.code)).toEqual(["label_not_read"]);
    // From a text layer the text stands as printed.
    const [asPrinted] = readIndicatorRows([row(["", "投人管理指标", "预算执行管理", "指标甲", "", "", "10.2", "10.2", ""])], HEADER);
    expect(asPrinted!.level1).toBe("投人管理指标");
    expect(asPrinted!.repairs.filter((r) => r.field === "level1")).toEqual([]);
  });

  it("maps an aligned row by column and takes labels wherever they are", () => {
    const [raw] = readIndicatorRows([row(["", "产出指标", "数量指标", "指标甲", "=100%", "100%", "20", "20", "无偏差"])], HEADER);
    expect(raw!.mode).toBe("columns");
    expect(raw!.level1).toBe("产出指标");
    expect(raw!.level2).toBe("数量指标");
    expect(raw!.name.map((c) => c.text)).toEqual(["指标甲"]);
    expect(raw!.target.map((c) => c.text)).toEqual(["=100%"]);
    expect(raw!.actual.map((c) => c.text)).toEqual(["100%"]);
    expect(raw!.weight?.text).toBe("20");
    expect(raw!.score?.text).toBe("20");
    expect(raw!.deviation.map((c) => c.text)).toEqual(["无偏差"]);
  });

  it("maps a shifted row by order: name, target, actual, then the last pair of numbers", () => {
    const [raw] = readIndicatorRows([row(["", "", "", "", "指标乙", "≥60 次", "70 次", "10", "10"])], HEADER);
    expect(raw!.mode).toBe("order");
    expect([raw!.name[0]?.text, raw!.target[0]?.text, raw!.actual[0]?.text, raw!.weight?.text, raw!.score?.text]).toEqual(["指标乙", "≥60 次", "70 次", "10", "10"]);
    expect(raw!.deviation).toEqual([]);
    expect(raw!.repairs).toEqual([]);
  });

  it("records a guess when only one of target/actual is present in a shifted row", () => {
    const [raw] = readIndicatorRows([row(["", "", "", "", "指标丙", "提升", "10", "10"])], HEADER);
    expect(raw!.mode).toBe("order");
    expect(raw!.name[0]!.text).toBe("指标丙");
    expect(raw!.actual[0]!.text).toBe("提升");
    expect(raw!.target).toEqual([]);
    expect(raw!.repairs).toEqual([expect.objectContaining({ code: "cell_position_guessed", severity: "review", field: "actual" })]);
  });

  it("joins extra text cells into the name in a shifted row", () => {
    const [raw] = readIndicatorRows([row(["", "", "", "", "任务", "完成率", "提升", "提升", "10", "9"])], HEADER);
    expect(raw!.name.map((c) => c.text)).toEqual(["任务", "完成率"]);
    expect(raw!.repairs.map((r) => r.code)).toEqual(["extra_cells_joined"]);
  });

  it("puts in doubt the labels of a row whose unread label text was joined into the name", () => {
    // "满意度指" | "服务对象": the second lines of the labels were lost, so neither reads as a label.
    // Their first parts tell the labels, which are taken, in doubt; the name keeps only its text.
    const [raw] = readIndicatorRows([row(["", "满意度指", "服务对象", "综合业务人员满意度", "满意", "满意", "10", "10"])], HEADER);
    expect(raw!.name.map((c) => c.text)).toEqual(["综合业务人员满意度"]);
    expect([raw!.level1, raw!.level2]).toEqual(["满意度指标", "服务对象满意度指标"]);
    expect(raw!.repairs.map((r) => [r.code, r.field])).toEqual([["label_not_read", "level1"], ["label_not_read", "level2"]]);
    // Pieces that tell no label: the level-2 column's text is the level-2 label as read, the
    // level-1 column's is joined into the name; both labels are in doubt.
    const [cut] = readIndicatorRows([row(["", "满意", "服务", "综合业务人员满意度", "满意", "满意", "10", "10"])], HEADER);
    expect(cut!.name.map((c) => c.text)).toEqual(["满意", "综合业务人员满意度"]);
    expect(cut!.level2).toBe("服务");
    expect(cut!.repairs.map((r) => [r.code, r.field]).sort()).toEqual([["extra_cells_joined", "name"], ["label_not_read", "level1"], ["label_not_read", "level2"]]);
    // A label that was read is not in doubt.
    const [read] = readIndicatorRows([row(["", "满意度指标", "服务对象", "综合业务人员满意度", "满意", "满意", "10", "10"])], HEADER);
    expect(read!.repairs.filter((r) => r.code === "label_not_read").map((r) => r.field)).toEqual(["level2"]);
  });

  it("skips table rules and rows holding only pieces of the 绩效指标 label", () => {
    const raws = readIndicatorRows([row(["", "-----", "-----"]), row(["绩效"]), row(["效 指 标"])], HEADER);
    expect(raws).toEqual([]);
  });
});

describe("resolveIndicators", () => {
  it("gives rows under a spanning label cell that label (digital pages)", () => {
    const l1 = cell("产出指标", 1, { rows: 2 });
    const { values, flags } = resolve([
      row(["", "产出指标", "数量指标", "指标甲", "1", "1", "20", "20"]),
      row(["", "", "质量指标", "指标乙", "2", "2", "30", "30"], { spanned: [{ ...l1, inherited: true }] }),
    ]);
    expect(values.map((v) => [v.level1, v.level2, v.name, v.weight, v.score])).toEqual([
      ["产出指标", "数量指标", "指标甲", 20, 20],
      ["产出指标", "质量指标", "指标乙", 30, 30],
    ]);
    expect(flags).toEqual([]);
  });

  it("continues the block above for unlabelled rows and resets level2 under a new level1", () => {
    const { values } = resolve([
      row(["", "产出指标", "数量指标", "指标甲", "1", "1", "20", "20"]),
      row(["", "", "", "指标乙", "2", "2", "30", "30"]),
      row(["", "效益指标", "", "指标丙", "3", "3", "10", "10"]),
    ]);
    expect(values.map((v) => [v.level1, v.level2])).toEqual([
      ["产出指标", "数量指标"],
      ["产出指标", "数量指标"],
      ["效益指标", null],
    ]);
  });

  it("joins a row broken by a page break and removes the doubled character", () => {
    const { values, flags } = resolve([
      row(["", "效益指标", "社会效益指标", "巩固受帮扶地区脱贫攻坚", "巩固", ""]),
      row(["", "", "", "坚成果", "", "巩固", "10", "10"], { pageStart: true, page: 2 }),
    ]);
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ level1: "效益指标", level2: "社会效益指标", name: "巩固受帮扶地区脱贫攻坚成果", target: "巩固", actual: "巩固", weight: 10, score: 10 });
    expect(flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "duplicate_char_removed", severity: "info", path: "indicators[0].name" }),
        expect.objectContaining({ code: "row_joined_across_pages", severity: "info", path: "indicators[0]" }),
      ]),
    );
  });

  it("does not join rows when the second one does not start a page", () => {
    const { values } = resolve([
      row(["", "效益指标", "社会效益指标", "指标甲", "巩固", ""]),
      row(["", "", "", "指标乙", "巩固", "巩固", "10", "10"]),
    ]);
    expect(values.map((v) => v.name)).toEqual(["指标甲", "指标乙"]);
  });

  it("flags a level-1 label that does not hold the row's level-2 label", () => {
    const { values, flags } = resolve([row(["", "产出指标", "社会效益指标", "指标甲", "1", "1", "20", "20"])]);
    expect(values[0]!.level1).toBe("产出指标");
    expect(flags).toEqual([expect.objectContaining({ code: "label_conflict", severity: "review", path: "indicators[0].level1" })]);
  });

  it("flags a row without any level-1 label and a row without a name (neither has a level-2 label)", () => {
    const { values, flags } = resolve([row(["", "", "", "指标甲", "1", "1", "20", "20"]), row(["", "满意度指标", "", "", "", "", "5", "5"])]);
    expect(values.map((v) => [v.level1, v.name])).toEqual([
      [null, "指标甲"],
      ["满意度指标", null],
    ]);
    expect(flags.map((f) => [f.code, f.path])).toEqual([
      ["missing_level1", "indicators[0].level1"],
      ["missing_level2", "indicators[0].level2"],
      ["missing_name", "indicators[1].name"],
      ["missing_level2", "indicators[1].level2"],
    ]);
  });

  it("passes repairs of the cells it reads on as flags on the field", () => {
    const name = cell("社会效益指标", 3, { repairs: [{ code: "cell_joined_across_pages", severity: "info", message: "joined" }] });
    const r = row(["", "效益指标", "社会效益指标", "", "1", "1", "20", "20"]);
    r.cells.push({ ...name, text: "指标甲" });
    const { flags } = resolve([r]);
    expect(flags).toEqual([expect.objectContaining({ code: "cell_joined_across_pages", path: "indicators[0].name" })]);
  });
});

describe("normalize on a synthetic digital-page reconstruction", () => {
  it("reads a project form whose level-1 label spans two rows and a merged label from the next page", () => {
    const l1 = cell("产出指标", 1, { rows: 2 });
    const l1Next = cell("效益指标", 1, { rows: 2, page: 2, repairs: [{ code: "label_from_next_page", severity: "info", message: "from next page" }] });
    const rows: Row[] = [
      row(["财政项目支出绩效自评表"], { source: "text" }),
      row(["(2022年度)"], { source: "text" }),
      row(["项目名称", "甲项目"]),
      row(["主管部门", "甲部门", "", "", "实施单位", "甲单位"]),
      row(["项目资金(元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]),
      row(["", "年度资金总额", "100", "100", "90", "10", "90.00%", "9"]),
      row(["", "其中：当年财政拨款", "100", "100", "90", "—", "", ""]),
      row(["", "上年结转资金", "0", "0", "", "—", "", ""]),
      row(["", "其他资金", "0", "0", "", "—", "", ""]),
      row(["年度总体目标", "预期目标", "", "", "实际完成情况"]),
      row(["", "目标甲", "", "", "完成甲"]),
      row(HEADER_TEXTS),
      { ...row(["", "", "数量指标", "指标甲", "=100%", "100%", "20", "20"]), cells: [l1, ...row(["", "", "数量指标", "指标甲", "=100%", "100%", "20", "20"]).cells] },
      row(["", "", "质量指标", "指标乙", "合格", "合格", "20", "20"], { spanned: [{ ...l1, inherited: true }] }),
      { ...row(["", "", "社会效益指标", "指标丙", "提高", "提高", "40", "40"]), cells: [l1Next, ...row(["", "", "社会效益指标", "指标丙", "提高", "提高", "40", "40"]).cells] },
      row(["", "", "", "指标丁", "提高", "提高", "10", "10"], { spanned: [{ ...l1Next, inherited: true }], pageStart: true, page: 2 }),
      row(["总分", "", "", "", "", "", "100", "99"], { page: 2 }),
    ];
    const recon: Reconstruction = { rows, unit: "pt" };
    const { records } = normalize(recon, { file: "a.pdf", sha256: "c".repeat(64) });
    expect(records).toHaveLength(1);
    const r = records[0] as Extract<JxRecord, { kind: "project_self_eval" }>;
    expect(r.project_name).toBe("甲项目");
    expect(r.competent_department).toBe("甲部门");
    expect(r.implementing_unit).toBe("甲单位");
    expect(r.funds.total).toEqual({ initial_budget: 100, annual_budget: 100, executed: 90, weight: 10, execution_rate: 90, score: 9 });
    expect(r.indicators.map((i) => [i.level1, i.level2, i.name, i.weight, i.score])).toEqual([
      ["产出指标", "数量指标", "指标甲", 20, 20],
      ["产出指标", "质量指标", "指标乙", 20, 20],
      ["效益指标", "社会效益指标", "指标丙", 40, 40],
      ["效益指标", "社会效益指标", "指标丁", 10, 10],
    ]);
    expect(r.goals).toEqual({ expected: "目标甲", actual: "完成甲" });
    expect(r.total).toEqual({ weight: 100, score: 99 });
    expect(r.source.pages).toEqual([1, 2]);
    // the repair on the label cell becomes one info flag naming both rows that read it
    expect(r.flags.filter((f) => f.code === "label_from_next_page").map((f) => [f.path, f.severity, f.paths])).toEqual([
      ["indicators[2].level1", "info", ["indicators[2].level1", "indicators[3].level1"]],
    ]);
    expect(r.flags.filter((f) => f.severity === "review")).toEqual([]);
    expect(r.confidence).toBe(1);
  });
});

describe("labelAmidSpecks", () => {
  it("takes a level label read with a speck or two beside it (a ruling's stub read as 1)", () => {
    expect(labelAmidSpecks("1产出指标")).toBe("产出指标");
    expect(labelAmidSpecks("|效益指标 ")).toBe("效益指标");
    expect(labelAmidSpecks("数量指标l")).toBe("数量指标");
    expect(labelAmidSpecks("产出指标.")).toBe("产出指标");
  });
  it("leaves labels, labels with their weight, Chinese text and unknown words alone", () => {
    for (const t of ["产出指标", "产出指标（45分）", "满意度指标 10", "新产出指标", "12产出", "ab指标甲"]) expect([t, labelAmidSpecks(t)]).toEqual([t, undefined]);
  });
});

describe("isSectionTitle", () => {
  it("takes one cell across the table for a section title, a few pixels right of the header's first column too", () => {
    // A header in a scan's pixels: the table from x 100 to 1500.
    const cols = { level1: { x0: 100, x1: 250 }, name: { x0: 400, x1: 700 }, deviation: { x0: 1300, x1: 1500 } };
    const at = (x0: number): Row => ({ ...row([]), cells: [{ ...cell("分解目标白评", 0), x0, x1: 1500 }] });
    expect(isSectionTitle(at(100), cols)).toBe(true);
    // A scan's next page sits a pixel or so further right.
    expect(isSectionTitle(at(101.4), cols)).toBe(true);
    // A cell that starts well inside the first column is no title across the table.
    expect(isSectionTitle(at(130), cols)).toBe(false);
  });
});
