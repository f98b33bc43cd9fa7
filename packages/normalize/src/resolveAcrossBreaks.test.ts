// Text dumps: which block the unlabelled rows around a page break belong to
// (resolveIndicators with spansKnown = false, through resolveAcrossBreaks).
import type { Row, RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { readIndicatorRows, resolveIndicators } from "./parseIndicators.js";
import { RecordBuilder } from "./RecordBuilder.js";
import { gridCell } from "../test-fixtures/gridCell.js";
import type { HeaderColumns } from "./rowTools.js";

const cell = (text: string, col: number, page: number): RowCell => gridCell(text, col, { page, unit: "grid" });

/** A dump line: texts in consecutive grid columns from 0 ("" leaves a column empty). */
function line(texts: string[], page = 1, pageStart = false): Row {
  return {
    cells: texts.map((t, i) => (t ? cell(t, i, page) : null)).filter((c): c is RowCell => c !== null),
    spanned: [],
    pages: [page],
    source: "table",
    table: 0,
    pageStart,
  };
}

const col = (i: number) => ({ x0: i, x1: i + 1 });
// 0 绩效指标 | 1 一级 | 2 二级 | 3 三级 | 4 年度指标值 | 5 实际完成值 | 6 分值 | 7 得分 | 8 偏差
const PROJECT: HeaderColumns = { level1: col(1), level2: col(2), name: col(3), target: col(4), actual: col(5), weight: col(6), score: col(7), deviation: col(8) };
// 0 一级 | 1 权重 | 2 二级 | 3 三级 | 4 年度指标值 | 5 全年完成值 | 6 分值 | 7 得分 | 8 偏差
const DEPARTMENT: HeaderColumns = { level1: col(0), level1_weight: col(1), level2: col(2), name: col(3), target: col(4), actual: col(5), weight: col(6), score: col(7), deviation: col(8) };

function resolve(rows: Row[], department = false) {
  const b = new RecordBuilder();
  const values = resolveIndicators(readIndicatorRows(rows, department ? DEPARTMENT : PROJECT), b, {
    withLevel1Weight: department,
    withLevel2: true,
    spansKnown: false,
  });
  const review = b.flags.filter((f) => f.severity === "review").map((f) => f.path);
  return { values, review, flags: b.flags };
}

const labels = (values: { level1: string | null; level2?: string | null; name: string | null }[]) => values.map((v) => [v.name, v.level1, v.level2]);

describe("resolveIndicators on a text dump: rows around a page break", () => {
  it("keeps an unlabelled row before the break in the block above and flags exactly its doubted labels", () => {
    const { values, review } = resolve([
      line(["", "产出指标", "数量指标", "指标甲", "1", "1", "20", "20"]),
      line(["", "", "", "指标乙", "2", "2", "10", "10"]),
      line(["", "效益指标", "社会效益指标", "指标丙", "3", "3", "10", "10"], 2, true),
      line(["", "", "", "指标丁", "3", "3", "10", "10"], 2),
    ]);
    expect(labels(values)).toEqual([
      ["指标甲", "产出指标", "数量指标"],
      ["指标乙", "产出指标", "数量指标"],
      ["指标丙", "效益指标", "社会效益指标"],
      ["指标丁", "效益指标", "社会效益指标"],
    ]);
    // one doubt: which block 指标乙 is in; its level-1 differs between the two, so both labels
    expect(review).toEqual(["indicators[1].level2", "indicators[1].level1"]);
  });

  it("flags only level2 when both blocks have the same level-1, and rows after the break before the label too", () => {
    const { values, review } = resolve([
      line(["", "效益指标", "社会效益指标", "指标甲", "1", "1", "20", "20"]),
      line(["", "", "", "指标乙", "2", "2", "10", "10"]),
      line(["", "", "", "指标丙", "3", "3", "10", "10"], 2, true),
      line(["", "", "可持续影响指标", "指标丁", "3", "3", "10", "10"], 2),
    ]);
    expect(values.map((v) => v.level2)).toEqual(["社会效益指标", "社会效益指标", "社会效益指标", "可持续影响指标"]);
    expect(review).toEqual(["indicators[1].level2", "indicators[2].level2"]);
  });

  it("lets the meaning of a name choose the block after the break, still as a guess", () => {
    const { values, review } = resolve([
      line(["", "效益指标", "可持续影响指标", "长效管理制度健全性", "健全", "健全", "10", "10"]),
      line(["", "", "", "相关部门人员满意度", "=100%", "100%", "5", "5"]),
      line(["", "满意度指标", "服务对象满意度指标", "", "", "", "", ""], 2, true),
      line(["", "", "", "群众满意度", "=100%", "100%", "5", "5"], 2),
    ]);
    expect(labels(values)).toEqual([
      ["长效管理制度健全性", "效益指标", "可持续影响指标"],
      ["相关部门人员满意度", "满意度指标", "服务对象满意度指标"],
      ["群众满意度", "满意度指标", "服务对象满意度指标"],
    ]);
    expect(review).toEqual(["indicators[1].level2", "indicators[1].level1"]);
  });

  it("a name that points to the block above settles the rows before it without a flag", () => {
    const { values, review } = resolve([
      line(["", "经济效益指标", "", "规避重复建设问题", "避免", "避免", "5", "5"]),
      line(["", "", "", "提升项目质量", "提升", "提升", "5", "5"]),
      line(["", "", "", "提高财政资金使用效益", "提高", "提高", "3", "3"]),
      line(["效 指 标", "效益指标", "社会效益指标", "强化应用绩效考核", "强化", "强化", "3", "3", ""], 2, true),
    ]);
    expect(values.map((v) => v.level2)).toEqual(["经济效益指标", "经济效益指标", "经济效益指标", "社会效益指标"]);
    // 效益 in the last name points to 经济效益指标, so the row above it is in that block as well;
    // that is a reading of the name, so both rows keep a flag
    expect(review).toEqual(["indicators[1].level2", "indicators[2].level2"]);
  });

  it("a level-1 label on an unlabelled row pins it to the block that follows", () => {
    const { values, review } = resolve([
      line(["", "产出指标", "时效指标", "指标甲", "及时", "及时", "10", "10"]),
      line(["", "效益指标", "", "指标乙", "2", "2", "10", "10"]),
      line(["", "", "社会效益指标", "指标丙", "3", "3", "10", "10"], 2, true),
    ]);
    expect(labels(values)).toEqual([
      ["指标甲", "产出指标", "时效指标"],
      ["指标乙", "效益指标", "社会效益指标"],
      ["指标丙", "效益指标", "社会效益指标"],
    ]);
    expect(review).toEqual([]);
  });

  it("a level-1 label line closing a page takes the row above it into its block", () => {
    const { values, review } = resolve([
      line(["", "产出指标", "时效指标", "指标甲", "及时", "及时", "10", "10"]),
      line(["", "", "", "指标乙", "避免", "避免", "5", "5"]),
      line(["", "效益指标", "", "", "", "", "", ""]),
      line(["", "经济效益指标", "指标丙", "提升", "提升", "5", "5"], 2, true),
    ]);
    expect(labels(values)).toEqual([
      ["指标甲", "产出指标", "时效指标"],
      ["指标乙", "效益指标", "经济效益指标"],
      ["指标丙", "效益指标", "经济效益指标"],
    ]);
    expect(review).toEqual([]);
  });

  it("rows before any label belong to the block whose label follows", () => {
    const { values, review } = resolve([
      line(["", "", "", "指标甲", "1", "1", "20", "20"]),
      line(["", "产出指标", "数量指标", "指标乙", "2", "2", "10", "10"], 2, true),
    ]);
    expect(labels(values)).toEqual([
      ["指标甲", "产出指标", "数量指标"],
      ["指标乙", "产出指标", "数量指标"],
    ]);
    expect(review).toEqual([]);
  });

  it("does not doubt rows when no page break lies between them and the next label", () => {
    const { review } = resolve([
      line(["", "产出指标", "数量指标", "指标甲", "1", "1", "20", "20"]),
      line(["", "", "", "指标乙", "2", "2", "10", "10"]),
      line(["", "", "质量指标", "指标丙", "3", "3", "10", "10"]),
    ]);
    expect(review).toEqual([]);
  });

  it("joins a cut row whose merged labels printed on its rest after the break", () => {
    const { values, review, flags } = resolve([
      line(["", "产出指标", "成本指标", "成本控制有效性", "有效", "有效", "5", "5"]),
      line(["", "", "", "提升政", "", "", "", ""]),
      line(["", "效益指标", "社会效益指标", "府工作效能", "提升", "提升", "10", "10"], 2, true),
      line(["", "", "", "促进部门工作提质增效", "促进", "促进", "10", "10"], 2),
    ]);
    expect(labels(values)).toEqual([
      ["成本控制有效性", "产出指标", "成本指标"],
      ["提升政府工作效能", "效益指标", "社会效益指标"],
      ["促进部门工作提质增效", "效益指标", "社会效益指标"],
    ]);
    expect(values[1]!.weight).toBe(10);
    expect(flags.some((f) => f.code === "row_joined_across_pages" && f.path === "indicators[1]")).toBe(true);
    expect(review).toEqual([]);
  });

  it("department form: the level-1 weight is the sum of its block and settles the split; it belongs to every row of the block", () => {
    const { values, review } = resolve(
      [
        line(["产出指标", "25", "数量指标", "指标甲", "1", "1", "10.00", "10.00"]),
        line(["", "", "", "指标乙", "1", "1", "15.00", "15.00"]),
        line(["", "", "", "指标丙", "1", "1", "20.00", "20.00"]),
        line(["效益指标", "35", "社会效益指标", "指标丁", "1", "1", "15.00", "15.00"], 2, true),
      ],
      true,
    );
    expect(values.map((v) => [v.name, v.level1, v.level1_weight, v.level2])).toEqual([
      ["指标甲", "产出指标", 25, "数量指标"],
      ["指标乙", "产出指标", 25, "数量指标"],
      ["指标丙", "效益指标", 35, "社会效益指标"],
      ["指标丁", "效益指标", 35, "社会效益指标"],
    ]);
    expect(review).toEqual([]);
  });

  it("department form: a level-1 weight printed with a label moved to the next page fills the rows before the break", () => {
    const { values } = resolve(
      [
        line(["产出指标", "25", "数量指标", "指标甲", "1", "1", "10.00", "10.00"]),
        line(["", "", "质量指标", "指标乙", "1", "1", "15.00", "15.00"]),
        line(["", "", "社会效益指标", "指标丙", "1", "1", "20.00", "20.00"]),
        line(["效益指标", "35", "", "指标丁", "1", "1", "15.00", "15.00"], 2, true),
      ],
      true,
    );
    expect(values.map((v) => [v.level1, v.level1_weight])).toEqual([
      ["产出指标", 25],
      ["产出指标", 25],
      ["效益指标", 35],
      ["效益指标", 35],
    ]);
  });
});
