import type { Row, RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { FUNDS_HEADER, INDICATOR_HEADER, PROJECT_KV } from "./forms.js";
import { cellsOf, columnLeftOf, columnOf, headerColumns, headerWordsIn, isLabel, isNumeric, rowText, valueRightOf, whichLabel } from "./rowTools.js";

function cell(text: string, x0: number, x1 = x0 + 1, inherited = false): RowCell {
  return { text, x0, x1, col: x0, colSpan: 1, rowSpan: 1, confidence: 1, prov: [], repairs: [], inherited };
}
function row(cells: RowCell[], spanned: RowCell[] = []): Row {
  return { cells, spanned, pages: [1], source: "table", table: 0, pageStart: false };
}

describe("labels", () => {
  it("matches spellings fuzzily, ignoring spaces and a trailing colon", () => {
    expect(isLabel("项目 名称：", ["项目名称"])).toBe(true);
    expect(isLabel("年度 指标值", ["年度指标值"])).toBe(true);
    expect(isLabel("偏差原因分析 及改进措施", ["偏差原因分析及改进措施"])).toBe(true);
    expect(isLabel("主管部门", ["项目名称"])).toBe(false);
    expect(isLabel("", ["项目名称"])).toBe(false);
    expect(isLabel("总分", ["总分"], 0.99)).toBe(true);
    expect(isLabel("总分数", ["总分"], 0.99)).toBe(false);
  });

  it("names the field a label belongs to", () => {
    expect(whichLabel("实施 单位", PROJECT_KV)).toBe("implementing_unit");
    expect(whichLabel("全年 执行数", FUNDS_HEADER)).toBe("executed");
    expect(whichLabel("上海市普陀区人民政府办公室", PROJECT_KV)).toBeNull();
  });

  it("reads a label whose unit bracket OCR did not close (its ） read as a comma or a mark)", () => {
    expect(isLabel("全年预算数（万元，", ["全年预算数"], 0.99)).toBe(true);
    expect(isLabel("全年执行数(万元!", ["全年执行数"], 0.99)).toBe(true);
    expect(isLabel("全年执行数（万元）", ["全年执行数"], 0.99)).toBe(true);
    expect(isLabel("全年执行数", ["全年预算数"], 0.99)).toBe(false);
  });
});

describe("headerColumns / columnOf", () => {
  const header = row([cell("一级 指标", 1), cell("二级 指标", 2), cell("三级 指标", 3), cell("年度 指标值", 4), cell("分 值", 6), cell("得 分", 7)]);
  const cols = headerColumns(header, INDICATOR_HEADER.project_self_eval!, 4)!;

  it("maps header cells to x-ranges and needs enough hits", () => {
    expect(cols).toEqual({ level1: { x0: 1, x1: 2 }, level2: { x0: 2, x1: 3 }, name: { x0: 3, x1: 4 }, target: { x0: 4, x1: 5 }, weight: { x0: 6, x1: 7 }, score: { x0: 7, x1: 8 } });
    expect(headerColumns(header, INDICATOR_HEADER.project_self_eval!, 7)).toBeNull();
  });

  it("gives two garbled level labels that match 一级指标 and 二级指标 equally one column each", () => {
    const garbled = row([cell("--级指标", 1), cell("：级指标", 2), cell("指标名称", 3), cell("目标值", 4), cell("完成值", 5), cell("满分", 6), cell("得分", 7)]);
    const found = headerColumns(garbled, INDICATOR_HEADER.project_self_eval!, 4)!;
    expect(found.level1).toEqual({ x0: 1, x1: 2 });
    expect(found.level2).toEqual({ x0: 2, x1: 3 });
    expect(found.name).toEqual({ x0: 3, x1: 4 });
  });

  it("takes a two-character label with one character misread for the open field it half matches", () => {
    const h = row([cell("一级指标", 1), cell("指标名称", 2), cell("指标解释", 3), cell("权币", 4), cell("自评分", 5), cell("备注", 6)]);
    const found = headerColumns(h, INDICATOR_HEADER.project_self_assessment!, 3)!;
    expect(found.weight).toEqual({ x0: 4, x1: 5 });
    expect(found.score).toEqual({ x0: 5, x1: 6 });
    // Not before the row is known to be a header, and not for a longer text.
    expect(headerColumns(row([cell("权币", 4), cell("自评分", 5)]), INDICATOR_HEADER.project_self_assessment!, 2)).toBeNull();
    const long = headerColumns(row([cell("一级指标", 1), cell("指标名称", 2), cell("权益类别", 4), cell("自评分", 5)]), INDICATOR_HEADER.project_self_assessment!, 3)!;
    expect(long.weight).toBeUndefined();
  });

  it("puts a cell in the column it overlaps most, a wide cell in the leftmost it covers", () => {
    expect(columnOf(cell("x", 3.2, 4.1), cols)).toBe("name");
    expect(columnOf(cell("x", 3, 5), cols)).toBe("name");
    expect(columnOf(cell("x", 5, 6), cols)).toBeNull();
    expect(columnLeftOf(cell("x", 5, 6), cols)).toBe("target");
    expect(columnLeftOf(cell("x", 0, 1), cols)).toBeNull();
  });
});

describe("row helpers", () => {
  it("cellsOf drops empty cells and includes spanned ones in x order", () => {
    const r = row([cell("b", 2), cell(" ", 3), cell("a", 1)], [cell("L", 0, 1, true)]);
    expect(cellsOf(r).map((c) => c.text)).toEqual(["L", "a", "b"]);
    expect(cellsOf(r, false).map((c) => c.text)).toEqual(["a", "b"]);
    expect(rowText(row([cell("项目 名称", 0), cell("甲", 1)]))).toBe("项目名称甲");
  });

  it("isNumeric accepts numbers and percentages, not empty markers or words", () => {
    expect(isNumeric("1,199,900")).toBe(true);
    expect(isNumeric("80.88%")).toBe(true);
    expect(isNumeric("—")).toBe(false);
    expect(isNumeric("")).toBe(false);
    expect(isNumeric("提升")).toBe(false);
  });

  it("valueRightOf takes the next cell unless it is itself a label", () => {
    const r = row([cell("项目名称", 0), cell("甲项目", 1), cell("主管部门", 2)]);
    expect(valueRightOf(r, r.cells[0]!, PROJECT_KV)?.text).toBe("甲项目");
    const empty = row([cell("主管部门", 0), cell("实施单位", 3)]);
    expect(valueRightOf(empty, empty.cells[0]!, PROJECT_KV)).toBeUndefined();
  });

  it("headerWordsIn finds header words in a header printed as one line", () => {
    const r = row([cell("一级指标 指标名称 指标解释 权重 自评分 备注", 0, 10)]);
    expect(headerWordsIn(r, INDICATOR_HEADER.project_self_assessment!).sort()).toEqual(["explanation", "level1", "name", "note", "score", "weight"]);
  });
});
