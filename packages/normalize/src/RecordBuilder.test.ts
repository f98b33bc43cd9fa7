import { describe, expect, it } from "vitest";
import type { RowCell } from "@jixiao/layout";
import { mergeSameCellFlags } from "./fieldConfidence.js";
import { RecordBuilder, withBoxFromTesseract, withOneForHyphen, withMarksForPoints, withoutStrayEdgeMark, withoutStrayEndMark } from "./RecordBuilder.js";
import { flagLoneOperators, flagLostPercent, flagNamesOutOfLine } from "./normalize.js";
import { parseTarget } from "@jixiao/core";
import { runChecks } from "./checks.js";

const cell = (text: string, confidence: number): RowCell => ({
  text, x0: 0, x1: 10, col: 0, colSpan: 1, rowSpan: 1, confidence,
  prov: [{ page: 1, bbox: { x0: 0, y0: 0, x1: 10, y1: 10 }, unit: "px" }], repairs: [], inherited: false,
});

const codesFor = (text: string, confidence: number, path = "indicators[0].name") => {
  const b = new RecordBuilder();
  b.text(path, [cell(text, confidence)]);
  return b.flags.map((f) => `${f.severity}:${f.code}`);
};

describe("RecordBuilder: doubt on OCR text", () => {
  it("flags Latin letters of mixed case inside Chinese text read by OCR", () => {
    expect(codesFor("每季度未形成区政府重点目标督查报HeA", 0.93)).toContain("review:latin_in_chinese");
    expect(codesFor("aB系统", 0.93)).toContain("review:latin_in_chinese");
  });

  it("leaves Latin words that text prints alone, and text from a PDF's text layer", () => {
    expect(codesFor("随申办APP上线", 0.93)).not.toContain("review:latin_in_chinese");
    expect(codesFor("移动端App访问量", 0.93)).not.toContain("review:latin_in_chinese");
    expect(codesFor("每季度未形成督查报HeA", 1)).toEqual([]);
  });

  it("flags a Latin unit after a number in an OCR-read target or actual", () => {
    expect(codesFor("≥320K", 0.95, "indicators[1].actual")).toContain("review:latin_unit");
    expect(codesFor("≥320 天", 0.95, "indicators[1].actual")).not.toContain("review:latin_unit");
    expect(codesFor("≥95%", 0.95, "indicators[1].target")).not.toContain("review:latin_unit");
    expect(codesFor("≥320K", 1, "indicators[1].actual")).toEqual([]);
  });

  it("flags an OCR-read target that is a bare number (an operator or unit was lost)", () => {
    expect(codesFor("0", 0.97, "indicators[2].target")).toContain("review:bare_target");
    expect(codesFor("=0", 0.97, "indicators[2].target")).not.toContain("review:bare_target");
    expect(codesFor("0", 0.97, "indicators[2].actual")).not.toContain("review:bare_target");
    expect(codesFor("0", 1, "indicators[2].target")).toEqual([]);
  });

  it("flags characters the forms never print, and long OCR prose", () => {
    expect(codesFor("督查{报告", 0.95)).toContain("review:suspicious_characters");
    expect(codesFor("一".repeat(30), 0.99)).toContain("review:long_ocr_text");
    expect(codesFor("一".repeat(29), 0.99)).toEqual([]);
  });
});

describe("RecordBuilder: an amount whose last comma was read as a point", () => {
  it("takes \"1,087.128\" as 1,087,128 on a form that prints 元, with a review flag on that amount alone", () => {
    const b = new RecordBuilder();
    b.moneyUnitPrinted = true;
    expect(b.money("funds.total.executed", cell("1,087.128", 0.9))).toBe(1087128);
    expect(b.money("funds.total.annual_budget", cell("1,087,128.00", 0.99))).toBe(1087128);
    b.flagMoneyUnit();
    expect(b.flags.map((f) => `${f.path}:${f.code}`)).toEqual(["funds.total.executed:thousands_dot"]);
    // A sum that holds with the mended amount settles it.
    b.flagLowConfidence(new Set(["funds.total.executed"]));
    expect(b.flags.map((f) => `${f.path}:${f.code}`)).toEqual([]);
  });

  it("doubts the unit instead where the form printed no unit, and reads ungrouped decimals as read", () => {
    const b = new RecordBuilder();
    expect(b.money("funds.total.executed", cell("1,087.128", 0.9))).toBe(1087.128);
    b.flagMoneyUnit();
    expect(b.flags.map((f) => f.code)).toEqual(["money_unit_doubt"]);
    const printed = new RecordBuilder();
    printed.moneyUnitPrinted = true;
    expect(printed.money("x", cell("1087.128", 0.9))).toBe(1087.128);
  });
});

describe("RecordBuilder: amounts with dots for thousands separators", () => {
  it("takes the dots of 19.725.000.00 as thousands separators, with a review flag", () => {
    const b = new RecordBuilder();
    expect(b.money("budget_current_year", cell("19.725.000.00", 0.9))).toBe(19725000);
    expect(b.money("executed", cell("9.220.000", 0.9))).toBe(9220000);
    expect(b.flags.map((f) => `${f.path}:${f.code}`)).toEqual(["budget_current_year:thousands_dot", "executed:thousands_dot"]);
  });

  it("leaves what is not grouped in threes, or has one dot, to the other rules", () => {
    const b = new RecordBuilder();
    expect(b.money("a", cell("19.72.000.00", 0.9))).toBeNull();
    expect(b.money("b", cell("1.2345", 0.9))).toBe(1.2345);
    expect(b.money("c", cell("19.725.00.00", 0.9))).toBeNull();
    b.flagMoneyUnit();
    const codes = b.flags.map((f) => `${f.path}:${f.code}`);
    expect(codes).toEqual(expect.arrayContaining(["a:not_a_number", "c:not_a_number"]));
    expect(codes.filter((c) => c.endsWith("thousands_dot"))).toEqual([]);
    // One doubt about the unit ("1.2345", and the unreadable "19.72.000.00"): one flag over every amount read.
    const unit = b.flags.filter((f) => f.code === "money_unit_doubt");
    expect(unit).toHaveLength(1);
    expect([...unit[0]!.paths!].sort()).toEqual(["a", "b", "c"]);
  });
});

describe("RecordBuilder: a rate with more decimals than rates print", () => {
  const rate = (text: string, executed: number, confidence = 0.95) => {
    const b = new RecordBuilder();
    const value = b.number("spending.basic.execution_rate", cell(text, confidence), true);
    const confirmed = runChecks(b, { indicators: [], total: { weight: null, score: null }, rates: [{ path: "spending.basic", budget: 1000, executed, rate: value }], level1Weights: false });
    b.flagLowConfidence(confirmed);
    return { value, codes: b.flags.filter((f) => f.severity === "review" && f.path.endsWith("execution_rate")).map((f) => f.code) };
  };

  it("takes an OCR-read rate's two decimals (its % read as digits), confirmed by executed ÷ budget", () => {
    expect(rate("94.439", 944.3)).toEqual({ value: 94.43, codes: [] });
    expect(rate("92.7406", 927.4)).toEqual({ value: 92.74, codes: [] });
  });

  it("keeps the doubt when the arithmetic does not confirm it, and leaves a text layer's rate and two decimals alone", () => {
    expect(rate("94.439", 800).codes).toContain("extra_digits");
    expect(rate("94.439", 944.39, 1)).toEqual({ value: 94.439, codes: [] });
    expect(rate("94.43%", 944.3)).toEqual({ value: 94.43, codes: [] });
  });
});

describe("RecordBuilder: a number the engines read differently that a check confirms", () => {
  it("settles the disagreement (info) when the form's arithmetic holds with the reading kept, and keeps it otherwise", () => {
    const disputed = (text: string): RowCell => ({ ...cell(text, 0.5), repairs: [{ code: "ocr_disagreement", severity: "review", message: `PP-OCR "${text}", Tesseract "x"`, readings: [text, "x"] }] });
    const b = new RecordBuilder();
    b.number("indicators[0].weight", disputed("45"));
    b.number("indicators[1].weight", disputed("35"));
    b.flagLowConfidence(new Set(["indicators[0].weight"]));
    expect(b.flags.map((f) => [f.code, f.severity, f.path])).toEqual([
      ["disagreement_settled", "info", "indicators[0].weight"],
      ["ocr_disagreement", "review", "indicators[1].weight"],
    ]);
  });
});

describe("withBoxFromTesseract", () => {
  const doubt = (...readings: string[]) => [{ code: "ocr_disagreement", readings }];
  it("takes Tesseract's 口 where PP-OCR read 门, a bracket, \"11\" or nothing, the rest of the line alike", () => {
    expect(withBoxFromTesseract("（对门支援）提高帮扶", doubt("（对门支援）提高帮扶", "(对口支援)提高帮扶"))).toBe("（对口支援）提高帮扶");
    expect(withBoxFromTesseract("辽宁省大连市沙河[区人民政府", doubt("辽宁省大连市沙河[区人民政府", "SLU", "辽宁省大连市沙河口区人民政府"))).toBe("辽宁省大连市沙河口区人民政府");
    expect(withBoxFromTesseract("（对11支援）款项", doubt("（对11支援）款项", "(对口支援)款项"))).toBe("（对口支援）款项");
    expect(withBoxFromTesseract("（对支援）款项", doubt("（对支援）款项", "(对口支援)款项"))).toBe("（对口支援）款项");
  });

  it("keeps PP-OCR's reading for other differences, when another Tesseract reading holds its character, and without a doubt", () => {
    expect(withBoxFromTesseract("（对门支援）", doubt("（对门支援）", "(对目支援)"))).toBe("（对门支援）");
    expect(withBoxFromTesseract("主管部门", doubt("主管部门", "主管部口", "主管部门"))).toBe("主管部门");
    expect(withBoxFromTesseract("对门支援", [])).toBe("对门支援");
    expect(withBoxFromTesseract("门", doubt("门", "口"))).toBe("门");
  });
});

describe("RecordBuilder: an = read as a quote mark", () => {
  it("takes a leading quote mark before a target's or actual's digits as =, in doubt; leaves other fields and a text layer alone", () => {
    const b = new RecordBuilder();
    expect(b.text("indicators[0].target", [cell('"100%', 0.9)])).toBe("=100%");
    expect(b.text("indicators[0].actual", [cell("“95%", 0.9)])).toBe("=95%");
    expect(b.flags.filter((f) => f.code === "ambiguous_operator").map((f) => f.path)).toEqual(["indicators[0].target", "indicators[0].actual"]);
    expect(b.text("indicators[0].name", [cell('"100%', 0.9)])).not.toBe("=100%");
    expect(b.text("indicators[1].target", [cell('"100%', 1)])).toBe('"100%');
  });

  it("reads a % sign OCR read twice once, in doubt", () => {
    const b = new RecordBuilder();
    expect(b.text("indicators[0].actual", [cell("98.00%%", 0.9)])).toBe("98.00%");
    expect(b.flags.map((f) => f.code)).toEqual(["stray_mark"]);
    expect(b.text("indicators[1].actual", [cell("98.00%%", 1)])).toBe("98.00%%");
  });

  it("reads a lone 一 from OCR as the dash a form prints for nothing, and leaves a text layer's", () => {
    const b = new RecordBuilder();
    expect(b.text("implementing_office", [cell("一", 0.995)])).toBeNull();
    expect(b.text("implementing_office", [cell("一一", 0.5)])).toBeNull();
    expect(b.text("implementing_office", [cell("一科", 0.995)])).toBe("一科");
    expect(b.text("implementing_office", [cell("一", 1)])).toBe("一");
  });

  it("drops a point before a target's comparison sign, in doubt", () => {
    const b = new RecordBuilder();
    expect(b.text("indicators[0].actual", [cell(".>=95%", 0.995)])).toBe(">=95%");
    expect(b.text("indicators[0].target", [cell("·≥90%", 0.9)])).toBe("≥90%");
    expect(b.flags.filter((f) => f.code === "stray_mark").map((f) => f.path)).toEqual(["indicators[0].actual", "indicators[0].target"]);
    // Before the digits it may be a speck (.90%) or the point of 0.5%: kept as read, in doubt.
    expect(b.text("indicators[1].target", [cell(".5%", 0.9)])).toBe(".5%");
    expect(b.text("indicators[2].actual", [cell(".90%", 0.995)])).toBe(".90%");
    expect(b.flags.filter((f) => f.code === "stray_mark").map((f) => f.path)).toEqual(["indicators[0].actual", "indicators[0].target", "indicators[1].target", "indicators[2].actual"]);
  });

  it("reads a degree sign after a number as the % a scan broke, in doubt (even read sure)", () => {
    const b = new RecordBuilder();
    expect(b.text("indicators[0].actual", [cell("100°", 0.995)])).toBe("100%");
    expect(b.text("indicators[0].target", [cell("=100.00°", 0.5)])).toBe("=100.00%");
    expect(b.flags.filter((f) => f.code === "percent_misread").map((f) => [f.path, f.severity])).toEqual([["indicators[0].actual", "review"], ["indicators[0].target", "review"]]);
    expect(b.text("indicators[0].name", [cell("100°", 0.9)])).toBe("100°");
    expect(b.text("indicators[1].actual", [cell("100°", 1)])).toBe("100°");
  });
});

describe("flagLostPercent", () => {
  const read = (target: string, actual: string, confidence = 0.95) => {
    const b = new RecordBuilder();
    const t = b.text("indicators[0].target", [cell(target, confidence)]);
    const a = b.text("indicators[0].actual", [cell(actual, confidence)]);
    flagLostPercent(b, "indicators[0]", parseTarget(t), parseTarget(a));
    return b.flags.filter((f) => f.code === "unit_mismatch").map((f) => f.path);
  };

  it("doubts an OCR-read bare number beside a percentage (a % sign the scan lost), on either side", () => {
    expect(read("≥90%", "90")).toEqual(["indicators[0].actual"]);
    expect(read("≥95", "98.5%")).toEqual(["indicators[0].target"]);
  });

  it("leaves values with units on both sides, other units, and a text layer alone", () => {
    expect(read("≥90%", "96%")).toEqual([]);
    expect(read("≥5次", "6")).toEqual([]);
    expect(read("达标", "90")).toEqual([]);
    expect(read("≥90%", "90", 1)).toEqual([]);
  });
});

describe("flagLoneOperators", () => {
  const read = (values: [string, string][], confidence = 0.95) => {
    const b = new RecordBuilder();
    const indicators = values.map(([target, actual], k) => ({ target: b.text(`indicators[${k}].target`, [cell(target, confidence)]), actual: b.text(`indicators[${k}].actual`, [cell(actual, confidence)]) }));
    flagLoneOperators(b, indicators);
    return b.flags.filter((f) => f.code === "ambiguous_operator").map((f) => f.path);
  };

  it("flags an OCR-read > or < where the record reads ≥ or ≤ elsewhere (≥ that lost its lower bar)", () => {
    expect(read([["≥95%", "98%"], [">96.00%", "99%"], ["<5%", "3%"]])).toEqual(["indicators[1].target", "indicators[2].target"]);
  });

  it("doubts an OCR-read target or actual that starts with a dash (= or ≥ that lost its lower bar), not a text layer's", () => {
    expect(read([["-100%", "100%"], ["=100%", "100%"]])).toEqual(["indicators[0].target"]);
    expect(read([["-100%", "100%"]], 1)).toEqual([]);
  });

  it("leaves a form that prints > throughout, and a text layer, alone", () => {
    expect(read([[">95%", "98%"], [">96.00%", "99%"]])).toEqual([]);
    expect(read([["≥95%", "98%"], [">96.00%", "99%"]], 1)).toEqual([]);
  });
});

describe("flagNamesOutOfLine", () => {
  it("flags the row whose name reads as a value or a level label, and no other", () => {
    const b = new RecordBuilder();
    flagNamesOutOfLine(b, [{ name: "公务用车保障率" }, { name: "≥5" }, { name: "内部控制管理" }, { name: "100%" }, { name: null }, { name: "数量指标" }]);
    expect(b.flags.map((f) => `${f.code}:${f.path}`)).toEqual(["row_out_of_line:indicators[1]", "row_out_of_line:indicators[3]", "row_out_of_line:indicators[5]"]);
  });
});

describe("withMarksForPoints", () => {
  it("reads a Latin point between two Chinese characters as ， and a middle dot as 。, and nothing else", () => {
    expect(withMarksForPoints("管理人员落实.人员配置合理")).toBe("管理人员落实，人员配置合理");
    expect(withMarksForPoints("提升政府工作效能 · 下一步")).toBe("提升政府工作效能。下一步");
    for (const t of ["完成率3.5%", "履职！尽责", "效益。下一步", "第1.2条", "A.B"]) expect(withMarksForPoints(t)).toBe(t);
  });
  it("drops one before the first Chinese character, not before a number", () => {
    expect(withMarksForPoints(".有效")).toBe("有效");
    expect(withMarksForPoints("· 有效")).toBe("有效");
    for (const t of [".5%", "1.有效"]) expect(withMarksForPoints(t)).toBe(t);
  });
  it("drops one after the last Chinese character of a label, and reads it as 。 in a sentence", () => {
    expect(withMarksForPoints("产出指标.")).toBe("产出指标");
    expect(withMarksForPoints("有效 · ")).toBe("有效");
    expect(withMarksForPoints("加强管理，提升效能.")).toBe("加强管理，提升效能。");
    for (const t of ["完成率3.", "指标A.", "≥95%."]) expect(withMarksForPoints(t)).toBe(t);
  });
});

describe("RecordBuilder.inherit", () => {
  it("gives a copied value the source's provenance, confidence and review flags: one review item with the source", () => {
    const prov = [{ page: 2, bbox: { x0: 500, y0: 300, x1: 780, y1: 360 } }];
    const cell = { text: "设置.三级指标", x0: 500, x1: 780, rowSpan: 1, confidence: 0.9, prov, repairs: [] } as never;
    const b = new RecordBuilder();
    b.text("indicators[0].name", [cell]);
    b.flag("low_ocr_confidence", "info", "indicators[0].name", "an info note stays with its field");
    b.inherit("indicators[0].name", "indicators[1].name");
    expect(b.confidence["indicators[1].name"]).toBe(0.9);
    expect(b.provenance["indicators[1].name"]).toEqual(prov);
    expect(b.flags.filter((f) => f.path === "indicators[1].name").map((f) => [f.code, f.severity])).toEqual([["stray_mark", "review"]]);
    const merged = mergeSameCellFlags(b.flags, b.provenance).filter((f) => f.code === "stray_mark");
    expect(merged.map((f) => f.paths)).toEqual([["indicators[0].name", "indicators[1].name"]]);
  });
});

describe("withoutStrayEdgeMark", () => {
  it("drops a mark no text starts with before the first Chinese character, and a 、 after the last", () => {
    expect(withoutStrayEdgeMark("，上海市人民政府驻昆明办事处")).toBe("上海市人民政府驻昆明办事处");
    expect(withoutStrayEdgeMark("、 达成指标")).toBe("达成指标");
    expect(withoutStrayEdgeMark("达成指标、")).toBe("达成指标");
  });
  it("leaves marks inside, other end marks, and marks beside numbers", () => {
    for (const t of ["达成指标，", "加强管理、提升效能", "（一）加强管理", "，95%", "100%、", "“一网通办”"]) expect(withoutStrayEdgeMark(t)).toBe(t);
    // Prose cut short on the form ends in 、 as printed.
    const prose = "加强对全区政务服务中心的暗访工作，特别是办事指南的完备度和动态管理、";
    expect(withoutStrayEdgeMark(prose, 30)).toBe(prose);
    expect(withoutStrayEdgeMark(prose, 40)).toBe(prose.slice(0, -1));
  });
  it("is applied to OCR text with a review flag, and not to a text layer", () => {
    const cell = (text: string, confidence: number) => ({ text, x0: 0, x1: 10, rowSpan: 1, confidence, prov: [], repairs: [] }) as never;
    const b = new RecordBuilder();
    expect(b.text("indicators[0].actual", [cell("达成指标、", 0.99)])).toBe("达成指标");
    expect(b.flags.map((f) => f.code)).toEqual(["stray_mark"]);
    expect(new RecordBuilder().text("indicators[0].actual", [cell("达成指标、", 1)])).toBe("达成指标、");
  });
});

describe("withOneForHyphen", () => {
  it("reads a hyphen before a Chinese character at the start or after a quote or bracket as 一", () => {
    expect(withOneForHyphen("“-网通办”相关工作机制健全性")).toBe("“一网通办”相关工作机制健全性");
    expect(withOneForHyphen("（-）根据区政府领导的要求")).toBe("（一）根据区政府领导的要求");
    expect(withOneForHyphen("-是加强")).toBe("一是加强");
    expect(withOneForHyphen("进--步完善改进健全制度")).toBe("进一步完善改进健全制度");
    expect(withOneForHyphen("江宁区深化“--网通办”改革")).toBe("江宁区深化“一网通办”改革");
    expect(withOneForHyphen("市民云-普陀区")).toBe("市民云-普陀区");
  });
  it("leaves dashes, ranges and hyphens next to digits or Latin letters", () => {
    for (const t of ["2022-2023年", "北京—上海", "COVID-19", "A-级", "1-12月", "统一规划", "随申办市民云-普陀区旗舰店"]) expect(withOneForHyphen(t)).toBe(t);
  });
  it("is applied to OCR-read text only, with a review flag", () => {
    const b = new RecordBuilder();
    expect(b.text("indicators[0].name", [cell("“-网通办”改革", 0.95)])).toBe("“一网通办”改革");
    expect(b.flags.map((f) => f.code)).toEqual(["hyphen_for_one"]);
    const digital = new RecordBuilder();
    expect(digital.text("indicators[0].name", [cell("“-网通办”", 1)])).toBe("“-网通办”");
  });
  it("keeps one hyphen between Chinese characters as read, in doubt on a scan (进-步 is 进一步, 市民云-普陀区 is printed so)", () => {
    const b = new RecordBuilder();
    expect(b.text("problems", [cell("对服务的效果还需要进-步分析改进", 0.997)])).toBe("对服务的效果还需要进-步分析改进");
    expect(b.flags.map((f) => `${f.code}:${f.severity}`)).toEqual(["hyphen_for_one:review"]);
    const dated = new RecordBuilder();
    expect(dated.text("problems", [cell("2022-2023年度", 0.997)])).toBe("2022-2023年度");
    expect(dated.flags).toEqual([]);
  });
});

describe("withoutStrayEndMark", () => {
  it("drops a quote mark after the last word that closes nothing", () => {
    expect(withoutStrayEndMark("根据沪财绩【2022】13号文的规定要求设置三级指标和指标值‘")).toBe("根据沪财绩【2022】13号文的规定要求设置三级指标和指标值");
    expect(withoutStrayEndMark("达成指标’")).toBe("达成指标");
    expect(withoutStrayEndMark("达成指标'")).toBe("达成指标");
  });
  it("keeps a closing mark that closes a quotation, and text without one", () => {
    for (const t of ["打造‘一网通办’", "开展“一网通办”", "达成指标", "Let's", "“双减半”"]) expect(withoutStrayEndMark(t)).toBe(t);
  });
  it("is applied to OCR-read text only, with a review flag", () => {
    const b = new RecordBuilder();
    expect(b.text("indicators[0].actual", [cell("达成指标‘", 0.95)])).toBe("达成指标");
    expect(b.flags.map((f) => f.code)).toEqual(["stray_mark"]);
    expect(new RecordBuilder().text("indicators[0].actual", [cell("达成指标‘", 1)])).toBe("达成指标‘");
  });
});

