// The form model in use: other offices' wording, amounts in 万元, rows and columns the record
// does not hold, goals in other shapes, and required fields that are not found. Each case is a
// text dump run through the same stages as the pipeline.
import { reconstruct } from "@jixiao/layout";
import type { JxRecord } from "@jixiao/schemas";
import type { RowCell } from "@jixiao/layout";
import { readTextDump } from "@jixiao/textdump";
import { describe, expect, it } from "vitest";
import { normalize } from "./normalize.js";
import { FORM_MODELS } from "./forms.js";
import { ASSESSMENT } from "../test-fixtures/normalizeDump.js";

const META = { file: "office.txt", sha256: "c".repeat(64) };

function only(text: string): JxRecord {
  const { records } = normalize(reconstruct(readTextDump(text, META)), META);
  expect(records).toHaveLength(1);
  return records[0]!;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const any = (r: JxRecord) => r as any;
const review = (r: JxRecord) => r.flags.filter((f) => f.severity === "review");
const info = (r: JxRecord) => r.flags.filter((f) => f.severity === "info");

type Parts = { title?: string; head?: string[]; fundsHeader?: string; funds?: string[]; goals?: string[]; header?: string; rows?: string[]; total?: string; after?: string[] };

function project(p: Parts = {}): string {
  return [
    p.title ?? "2022年度项目支出绩效自评表",
    "",
    ...(p.head ?? ["项目名称\t智慧政务平台运维", "主管单位\t某市某区人民政府办公室\t\t\t执行单位\t某市某区政务服务中心"]),
    p.fundsHeader ?? "项目资金（元）\t\t年初预算\t调整后预算数\t实际支出数\t权重\t预算执行率\t自评得分",
    ...(p.funds ?? [
      "\t资金总额\t1,200,000.00\t1,200,000.00\t1,199,900.00\t10\t99.99%\t10",
      "\t其中：财政拨款\t1,200,000.00\t1,200,000.00\t1,199,900.00\t—\t\t",
      "\t上年结转资金\t0\t0\t\t—\t\t",
      "\t其他资金\t0\t0\t\t—\t\t",
    ]),
    ...(p.goals ?? ["年度总体目标\t预期目标\t\t\t实际完成情况", "\t保障平台稳定运行。\t\t\t平台全年稳定运行。"]),
    p.header ?? "绩效指标\t一级指标\t二级指标\t指标名称\t指标值\t实际值\t分值\t得分\t偏差原因及改进措施",
    ...(p.rows ?? [
      "\t产出指标\t数量指标\t系统可用率\t≥99%\t99.9%\t40\t40",
      "\t效益指标\t社会效益指标\t群众办事时长\t缩短\t缩短\t40\t40",
      "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t95%\t10\t10",
    ]),
    p.total ?? "合计\t\t\t\t\t\t100\t100",
    ...(p.after ?? []),
    "",
  ].join("\n");
}

describe("form model: other offices' wording", () => {
  it("reads synonyms of labels, headers and the total row (主管单位, 执行单位, 权重, 预算执行率, 指标值/实际值, 合计)", () => {
    const r = any(only(project()));
    expect(r.competent_department).toBe("某市某区人民政府办公室");
    expect(r.implementing_unit).toBe("某市某区政务服务中心");
    expect(r.funds.total).toMatchObject({ initial_budget: 1200000, annual_budget: 1200000, executed: 1199900, weight: 10, execution_rate: 99.99, score: 10 });
    expect(r.indicators.map((i: { target: string; actual: string }) => [i.target, i.actual])).toEqual([["≥99%", "99.9%"], ["缩短", "缩短"], ["≥90%", "95%"]]);
    expect(r.total).toEqual({ weight: 100, score: 100 });
    expect(review(r)).toEqual([]);
  });

  it("reads 部门（单位）名称 and 所属单位数 on the department form", () => {
    const text = [
      "部门整体支出绩效自评情况表",
      "(2024 年度)",
      "部门（单位）名称\t\t某区财政局\t\t所属单位数\t\t2",
      "整体支出规模（元）\t\t\t全年预算数\t\t全年执行数\t\t执行率(%)",
      "\t资金来源：（1）财政拨款\t\t100.00\t\t90.00\t\t90.00",
      "\t（2）其他资金\t\t0\t\t0\t\t0",
      "\t资金结构：（1）基本支出\t\t60.00\t\t55.00\t\t91.67",
      "\t（2）项目支出\t\t40.00\t\t35.00\t\t87.50",
      "年度总体目标\t年初设定目标\t\t\t全年完成情况",
      "\t完成年度任务。\t\t\t完成了年度任务。",
      "一级指标\t权重\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析",
      "产出指标\t100\t数量指标\t任务完成率\t=100%\t100%\t100\t100",
      "总分\t\t\t\t\t\t100\t100",
    ].join("\n");
    const r = any(only(text));
    expect(r.department_name).toBe("某区财政局");
    expect(r.subordinate_units).toBe(2);
    expect(review(r)).toEqual([]);
  });
});

describe("form model: a header read twice", () => {
  const department = (firstHeader: string) => [
    "部门整体支出绩效自评情况表",
    "(2024 年度)",
    "部门（单位）名称\t\t某区财政局\t\t所属单位数\t\t2",
    "整体支出规模（元）\t\t\t全年预算数\t\t全年执行数\t\t执行率(%)",
    "\t资金来源：（1）财政拨款\t\t100.00\t\t90.00\t\t90.00",
    "\t（2）其他资金\t\t0\t\t0\t\t0",
    "\t资金结构：（1）基本支出\t\t60.00\t\t55.00\t\t91.67",
    "\t（2）项目支出\t\t40.00\t\t35.00\t\t87.50",
    "年度总体目标\t年初设定目标\t\t\t全年完成情况",
    "\t完成年度任务。\t\t\t完成了年度任务。",
    firstHeader,
    "产出指标\t60\t数量指标\t任务完成率\t=100%\t100%\t60\t60",
    "一级指标\t一级权重\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析",
    "效益指标\t40\t社会效益指标\t服务质量\t提升\t提升\t40\t40",
    "总分\t\t\t\t\t\t100\t100",
  ].join("\n");
  it("takes a column whose label OCR garbled in the first copy of the header from the copy after the page break", () => {
    const r = any(only(department("一级指标\t-级权币\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析")));
    expect(r.indicators.map((i: { level1_weight: number; name: string }) => [i.level1_weight, i.name])).toEqual([[60, "任务完成率"], [40, "服务质量"]]);
    expect(review(r)).toEqual([]);
  });
});

describe("form model: amounts in 万元", () => {
  it("converts a 万元 grid exactly and says what was printed", () => {
    const r = any(only(project({
      fundsHeader: "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
      funds: [
        "\t年度资金总额\t120.5\t120.5\t120.49\t10\t99.99%\t10",
        "\t其中：当年财政拨款\t11356.996185\t11356.996185\t120.49\t—\t\t",
        "\t上年结转资金\t0\t0\t\t—\t\t",
        "\t其他资金\t0.01\t0.01\t\t—\t\t",
      ],
    })));
    expect(r.source.money_unit).toBe("万元");
    expect(r.funds.total).toMatchObject({ initial_budget: 1205000, annual_budget: 1205000, executed: 1204900, weight: 10, execution_rate: 99.99, score: 10 });
    expect(r.funds.fiscal.initial_budget).toBe(113569961.85);
    expect(r.funds.other.initial_budget).toBe(100);
  });

  it("takes the unit from a 单位：万元 line above the table, and not from an indicator text", () => {
    const r = any(only(project({
      head: ["单位：万元", "项目名称\t智慧政务平台运维", "主管单位\t某办\t\t\t执行单位\t某中心"],
      fundsHeader: "项目资金\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    })));
    expect(r.source.money_unit).toBe("万元");
    expect(r.funds.total.executed).toBe(11999000000);
    const plain = any(only(project({ rows: ["\t产出指标\t成本指标\t节约资金（万元）\t≥5\t6\t90\t90"] })));
    expect(plain.source.money_unit).toBe("元");
    expect(plain.funds.total.executed).toBe(1199900);
  });
});

describe("form model: what the record does not hold", () => {
  it("leaves out contact rows, notes, signature rows and extra columns, with info flags", () => {
    const r = any(only(project({
      head: ["项目名称\t智慧政务平台运维", "主管单位\t某办\t\t\t执行单位\t某中心", "项目负责人\t周敏\t\t\t联系电话\t021-12345678"],
      header: "绩效指标\t一级指标\t二级指标\t指标名称\t指标性质\t指标值\t实际值\t分值\t得分\t评分标准",
      rows: [
        "\t产出指标\t数量指标\t系统可用率\t正向\t≥99%\t99.9%\t40\t40\t达到得满分",
        "\t效益指标\t社会效益指标\t群众办事时长\t反向\t缩短\t缩短\t40\t40\t按比例",
        "\t满意度指标\t服务对象满意度指标\t群众满意度\t正向\t≥90%\t95%\t10\t10\t达到得满分",
      ],
      after: ["填表人：李华\t\t审核人：王强\t\t填报日期：2023年3月10日", "说明：本表金额单位为元。"],
    })));
    expect(r.implementing_unit).toBe("某中心");
    expect(r.indicators).toHaveLength(3);
    expect(r.indicators[0]).toMatchObject({ name: "系统可用率", target: "≥99%", actual: "99.9%", weight: 40, score: 40, deviation: null });
    expect(review(r)).toEqual([]);
    expect(info(r).map((f) => f.code)).toEqual(expect.arrayContaining(["non_record_row", "extra_column"]));
  });
});

describe("form model: goals in other shapes", () => {
  it("reads one goals row whose cells open with captions", () => {
    const r = any(only(project({ goals: ["年度总体目标\t目标内容：保障平台稳定运行。\t\t\t完成情况：平台全年稳定运行。"] })));
    expect(r.goals).toEqual({ expected: "保障平台稳定运行。", actual: "平台全年稳定运行。" });
  });
  it("flags a goal text it could not find instead of leaving a silent null", () => {
    const r = any(only(project({ goals: ["年度总体目标\t目标内容：保障平台稳定运行。\t\t\t平台全年稳定运行。"] })));
    expect(r.goals.expected).toBe("保障平台稳定运行。");
    expect(review(r).map((f) => f.path)).toContain("goals.actual");
  });
});

describe("form model: fail loud, review little", () => {
  it("flags a required label not found on its own path, not the whole record", () => {
    const r = any(only(project({ head: ["项目名称\t智慧政务平台运维", "归口单位\t某办\t\t\t执行单位\t某中心"] })));
    expect(r.competent_department).toBeNull();
    const paths = review(r).map((f) => f.path);
    expect(paths).toContain("competent_department");
    expect(paths).not.toContain("");
  });
  it("flags every value of a money column the header did not show", () => {
    const r = any(only(project({ fundsHeader: "项目资金（元）\t\t年初预算\t调整后预算数\t实际支出数\t权重\t完成比例\t自评得分" })));
    expect(r.funds.total.execution_rate).toBeNull();
    expect(review(r).map((f) => f.path)).toContain("funds.total.execution_rate");
  });
  it("flags a short name that swallowed an unknown label", () => {
    const r = any(only(project({ head: ["项目名称\t智慧政务平台运维项目类别：信息化", "主管单位\t某办\t\t\t执行单位\t某中心"] })));
    expect(review(r).map((f) => [f.code, f.path])).toContainEqual(["label_in_value", "project_name"]);
  });
  it("splits a name that swallowed the label of a field not found, and doubts both", () => {
    const r = any(only(project({ head: ["项目名称\t智慧政务平台运维项目实施单位（名称：某中心", "主管单位\t某办"] })));
    expect(r.project_name).toBe("智慧政务平台运维项目");
    expect(r.implementing_unit).toBe("某中心");
    const glued = review(r).filter((f) => f.code === "label_in_value").map((f) => f.path);
    expect(glued.sort()).toEqual(["implementing_unit", "project_name"]);
    // A field that was found keeps its value: the name is not split for it.
    const found = any(only(project({ head: ["项目名称\t智慧政务平台运维项目实施单位：某中心", "主管单位\t某办\t\t\t执行单位\t某所"] })));
    expect(found.implementing_unit).toBe("某所");
    expect(found.project_name).toBe("智慧政务平台运维项目实施单位：某中心");
  });
  it("reads a total row whose label OCR damaged by its shape, flagged unless the sums confirm it", () => {
    const r = any(only(project({ total: "总 2\t\t\t\t\t\t90\t90" })));
    expect(r.total).toEqual({ weight: 90, score: 90 });
    expect(r.indicators).toHaveLength(3);
    // 40 + 40 + 10 + the budget row's 10 is 100, not 90: the guess is not confirmed.
    expect(review(r).map((f) => [f.code, f.path])).toContainEqual(["total_label_inferred", "total"]);
    const confirmed = any(only(project({ total: "总 2\t\t\t\t\t\t100\t100" })));
    expect(confirmed.flags.filter((f: { code: string }) => f.code === "total_label_inferred").map((f: { severity: string }) => f.severity)).toEqual(["info"]);
  });
  it("reads a total row whose label has a speck beside it, and not a row of the table", () => {
    for (const label of ["·总分", "总分.", "'合计"]) {
      const r = any(only(project({ total: `${label}\t\t\t\t\t\t100\t100` })));
      expect([label, r.total]).toEqual([label, { weight: 100, score: 100 }]);
      expect(r.indicators).toHaveLength(3);
    }
  });
  it("lists a type and a place for every field of the three forms", () => {
    for (const model of Object.values(FORM_MODELS)) {
      for (const spec of [...Object.values(model.fields), ...Object.values(model.indicatorColumns), ...Object.values(model.money?.columns ?? {})]) {
        expect(spec.labels.length).toBeGreaterThan(0);
        expect(spec.type).toBeTruthy();
        expect(spec.place).toBeTruthy();
      }
    }
  });
});

describe("form model: a 万元 marker that was not read", () => {
  it("flags amounts with more than two decimals read as 元", () => {
    const r = any(only(project({
      funds: [
        "\t年度资金总额\t99.435\t99.435\t99.395\t10\t99.96%\t10",
        "\t其中：当年财政拨款\t99.435\t99.435\t99.395\t—\t\t",
        "\t上年结转资金\t0\t0\t\t—\t\t",
        "\t其他资金\t0\t0\t\t—\t\t",
      ],
    })));
    expect(r.source.money_unit).toBe("元");
    // The unit is one doubt: one review item over every amount read, those with two decimals too.
    const doubts = review(r).filter((f) => f.code === "money_unit_doubt");
    expect(doubts).toHaveLength(1);
    expect(doubts[0]!.paths).toEqual(expect.arrayContaining([
      "funds.total.initial_budget", "funds.total.executed", "funds.fiscal.annual_budget", "funds.carryover.initial_budget", "funds.other.annual_budget",
    ]));
    expect(doubts[0]!.paths).not.toContain("funds.total.weight");
    const cents = any(only(project()));
    expect(cents.flags.some((f: { code: string }) => f.code === "money_unit_doubt")).toBe(false);
  });

  it("doubts every amount when only one has more than two decimals (the others read whole)", () => {
    const r = any(only(project({
      funds: [
        "\t年度资金总额\t40.50\t0.0605\t0.0605\t10\t100.00%\t10",
        "\t其中：当年财政拨款\t40.50\t0.0605\t0.0605\t—\t\t",
        "\t上年结转资金\t0\t0\t\t—\t\t",
        "\t其他资金\t0\t0\t\t—\t\t",
      ],
    })));
    const doubts = review(r).filter((f) => f.code === "money_unit_doubt");
    expect(doubts).toHaveLength(1);
    expect(doubts[0]!.paths).toEqual(expect.arrayContaining(["funds.total.initial_budget", "funds.fiscal.initial_budget"]));
  });

  it("reads a 万元 marker whose 元 a scan lost (项目资金（万）) as 万元, in doubt", () => {
    for (const fundsHeader of [
      "项目资金（万）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
      "项目资金(万兀)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
      // Its brackets lost, one or both.
      "项目资金万元\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
      "项目资金（万元\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
      "项目资金\t\t年初预算数\t全年预算数万元）\t全年执行数\t分值\t执行率\t得分",
    ]) {
      const r = any(only(project({
        fundsHeader,
        funds: [
          "\t年度资金总额\t120\t120\t119.99\t10\t99.99%\t10",
          "\t其中：财政拨款\t120\t120\t119.99\t—\t\t",
          "\t上年结转资金\t0\t0\t\t—\t\t",
          "\t其他资金\t0\t0\t\t—\t\t",
        ],
      })));
      expect(r.source.money_unit).toBe("万元");
      expect(r.funds.total).toMatchObject({ initial_budget: 1200000, executed: 1199900 });
      const doubts = review(r).filter((f) => f.code === "money_unit_doubt");
      expect(doubts).toHaveLength(1);
      expect(doubts[0]!.paths).toEqual(expect.arrayContaining(["funds.total.initial_budget", "funds.fiscal.executed"]));
    }
    // 万 with a count's unit, or a whole 万元 marker, is no damaged marker; nor is 万元 inside a text.
    expect(any(only(project({ fundsHeader: "项目资金（万人次）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分" }))).source.money_unit).toBe("元");
    expect(any(only(project({ fundsHeader: "项目资金万元以下\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分" }))).source.money_unit).toBe("元");
    expect(any(only(project({ fundsHeader: "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分" }))).flags
      .some((f: { code: string }) => f.code === "money_unit_doubt")).toBe(false);
  });
});

/** A dump read as a scan would be: every cell OCR-read (two engines agreeing), the cells `doubted` picks read differently by the two. */
function scanned(text: string, doubted: (text: string) => boolean = () => false): JxRecord {
  const recon = reconstruct(readTextDump(text, META));
  const ocr = (c: RowCell): RowCell => ({
    ...c,
    confidence: doubted(c.text) ? 0.5 : 0.995,
    repairs: doubted(c.text) ? [{ code: "ocr_disagreement", severity: "review", message: `PP-OCR "${c.text}", Tesseract "x"`, readings: [c.text, "x"] }] : c.repairs,
  });
  const rows = recon.rows.map((r) => ({ ...r, cells: r.cells.map(ocr), spanned: r.spanned.map(ocr) }));
  const { records } = normalize({ ...recon, rows }, META);
  expect(records).toHaveLength(1);
  return records[0]!;
}

describe("form model: the money grid read from a scan", () => {
  const funds = (rows: string[]) => project({ funds: rows });
  const FUNDS = [
    "\t资金总额\t1,200,000.00\t1,200,000.00\t1,199,900.00\t10\t99.99%\t10",
    "\t其中：财政拨款\t1,200,000.00\t1,200,000.00\t1,199,900.00\t—\t\t",
    "\t上年结转资金\t0\t0\t\t—\t\t",
    "\t其他资金\t0\t0\t\t—\t\t",
  ];

  it("does not doubt a row's amounts for an OCR doubt on its label when the label is the row the form's order puts next", () => {
    const r = scanned(funds(FUNDS), (t) => t === "其中：财政拨款");
    expect(review(r).filter((f) => f.path.startsWith("funds"))).toEqual([]);
    expect(r.source.provenance["funds.fiscal"]).toBeDefined();
    // Out of the form's order (the fiscal row before the total) the label's doubt covers its row.
    const swapped = scanned(funds([FUNDS[1]!, FUNDS[0]!, FUNDS[2]!, FUNDS[3]!]), (t) => t === "其中：财政拨款");
    expect(review(swapped).map((f) => [f.code, f.path])).toContainEqual(["ocr_disagreement", "funds.fiscal"]);
  });

  it("doubts an empty amount cell left of an amount read (an amount the scan lost), not trailing blanks or a text layer's", () => {
    const lost = [FUNDS[0]!, FUNDS[1]!, "\t上年结转资金\t\t0\t\t—\t\t", FUNDS[3]!];
    expect(review(scanned(funds(lost))).filter((f) => f.code === "empty_amount").map((f) => f.path)).toEqual(["funds.carryover.initial_budget"]);
    expect(review(scanned(funds(FUNDS))).filter((f) => f.code === "empty_amount")).toEqual([]);
    expect(review(only(funds(lost))).filter((f) => f.code === "empty_amount")).toEqual([]);
  });
});

describe("form model: a failed weight sum on a scan", () => {
  const rows = ["\t产出指标\t数量指标\t系统可用率\t≥99%\t99.9%\t40\t40", "\t效益指标\t社会效益指标\t群众办事时长\t缩短\t缩短\t30\t30", "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t95%\t10\t10"];
  const table = (r: JxRecord) => review(r).filter((f) => f.path === "indicators").map((f) => f.code);

  it("doubts the weights, not the whole table, when rulings placed every row and each read a name and a weight", () => {
    const r = scanned(project({ rows }));
    expect(table(r)).toEqual([]);
    const sum = review(r).find((f) => f.code === "weights_do_not_sum" && f.paths);
    expect(sum?.paths).toEqual(["indicators[0].weight", "indicators[1].weight", "indicators[2].weight"]);
  });

  it("doubts the whole table (a row may be lost) when a row read neither a weight nor a score", () => {
    // The scores (80 against 100) fail too: with a row that read no number of its own (two rows a
    // lost ruling joined read as none), that doubts the table.
    const r = scanned(project({ rows: ["\t产出指标\t数量指标\t系统可用率\t≥99%\t99.9%\t\t95", "\t效益指标\t社会效益指标\t群众办事时长\t缩短\t缩短\t\t", rows[2]!] }));
    expect(table(r)).toEqual(["scores_do_not_sum"]);
    // The same row with its score read is a row of its own: the scores are doubted, not the table.
    const read = scanned(project({ rows: ["\t产出指标\t数量指标\t系统可用率\t≥99%\t99.9%\t\t95", "\t效益指标\t社会效益指标\t群众办事时长\t缩短\t缩短\t\t5", rows[2]!] }));
    expect(table(read)).toEqual([]);
    expect(review(read).some((f) => f.code === "scores_do_not_sum" && f.paths?.includes("indicators[1].score"))).toBe(true);
    expect(table(scanned(project({ rows })))).toEqual([]);
  });

  it("doubts the scores, not the whole table, when a row read its score but not its weight", () => {
    const r = scanned(project({ rows: [rows[0]!, "\t效益指标\t社会效益指标\t群众办事时长\t缩短\t缩短\t\t30", rows[2]!] }));
    expect(table(r)).toEqual([]);
    expect(review(r).find((f) => f.code === "scores_do_not_sum" && f.paths)?.paths).toEqual(["indicators[0].score", "indicators[1].score", "indicators[2].score"]);
  });
});

describe("form model: a field the form always fills, read empty on a scan", () => {
  it("doubts a yes/no value OCR lost beside its label, and not one a text layer leaves empty", () => {
    const lost = ASSESSMENT.replace("是否为经常性项目： 是", "是否为经常性项目：");
    const r = scanned(lost);
    expect(review(r).filter((f) => f.path === "recurring").map((f) => f.code)).toEqual(["missing_field"]);
    expect(review(scanned(ASSESSMENT)).filter((f) => f.path === "recurring")).toEqual([]);
    // An optional field (具体实施处) read empty is no doubt.
    expect(review(scanned(ASSESSMENT.replace("具体实施处（科室）： 对口支援科", "具体实施处（科室）："))).filter((f) => f.path === "implementing_office")).toEqual([]);
    const text = readTextDump(lost, META);
    const digital = normalize(reconstruct(text), META).records[0]!;
    expect(digital.flags.filter((f) => f.path === "recurring" && f.severity === "review")).toEqual([]);
  });
});
