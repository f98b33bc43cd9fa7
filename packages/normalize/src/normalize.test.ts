import { JixiaoError } from "@jixiao/core";
import { reconstruct, type Row, type RowCell } from "@jixiao/layout";
import type { JxRecord } from "@jixiao/schemas";
import { readTextDump } from "@jixiao/textdump";
import { describe, expect, it } from "vitest";
import { normalize, splitReports, titleKind } from "./normalize.js";

const META = { file: "report.txt", sha256: "b".repeat(64) };

/** Text dump → reconstruction → records, as the pipeline runs it. */
function run(text: string) {
  return normalize(reconstruct(readTextDump(text, META)), META);
}
function only(text: string): JxRecord {
  const { records, issues } = run(text);
  expect(issues).toEqual([]);
  expect(records).toHaveLength(1);
  return records[0]!;
}

type Flag = JxRecord["flags"][number];
const reviewFlags = (r: JxRecord) => r.flags.filter((f) => f.severity === "review");
const flagsAt = (r: JxRecord, path: string) => r.flags.filter((f: Flag) => f.path === path);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inds = (r: JxRecord) => (r as any).indicators as { [k: string]: unknown }[];

// ---------------------------------------------------------------------------------------------
// 财政项目支出绩效自评表: head (title, key/values, funds, goals, indicator header) + indicator rows.
// Columns of the indicator part: 0 绩效指标 | 1 一级 | 2 二级 | 3 三级 | 4 年度指标值 | 5 实际完成值 | 6 分值 | 7 得分 | 8 偏差.

type ProjectOptions = { title?: string; fundsTotal?: string; indicators?: string[]; total?: string };

const ROW_A = "\t产出指标\t数量指标\t赴对口支援地区工作次数\t≥60 次\t70 次\t30\t30";
// A level-2 label in the level-1 column (the level-2 column is empty).
const ROW_B = "\t社会效益指标\t\t对口支援工作的支撑作用\t支撑作用明显\t支撑作用明显\t30\t30";
// A row shifted one column to the right: name under 年度指标值, …, score under 偏差.
const ROW_C = "\t\t\t\t课题对工作的借鉴作用\t借鉴作用强\t借鉴作用强\t20\t20";
const ROW_D = "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥95%\t98%\t10\t10";

function projectDump(o: ProjectOptions = {}): string {
  return [
    "",
    o.title ?? "财政项目支出 绩效自评表",
    "",
    "（ 2022 年度）",
    "",
    "项目名称\t合作交流工作业务费",
    "主管部门\t上海市人民政府合作交流办公室\t\t\t实施单位\t上海市人民政府驻昆明办事处",
    "项目资金 (元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    o.fundsTotal ?? "\t年度资金总额\t636,500\t626,500\t506,745.04\t10\t80.88%\t8.09",
    "\t其中：当年财政拨款\t636,500\t626,500\t506,745.04\t-\t-\t-",
    "\t上年结转资金\t-\t-\t-\t-\t-\t-",
    "\t其他资金\t0\t0\t\t—\t\t",
    "年度 总体 目标\t预期目标\t\t\t实际完成情况",
    "\t<p>确保对口支援工作顺利开展。</p>\t\t\t<p>推进了课题项目的顺利 完成。</p>",
    "绩效 指标\t一级 指标\t二级 指标\t三级 指标\t年度 指标值\t实际 完成值\t分 值\t得 分\t偏差原因分析 及改进措施",
    ...(o.indicators ?? [ROW_A, ROW_B, ROW_C, ROW_D]),
    o.total ?? "总分\t\t\t\t\t\t100\t98.09",
    "",
  ].join("\n");
}

describe("normalize: 财政项目支出绩效自评表", () => {
  it("reads the key/value part, funds and goals with the value rules", () => {
    const r = only(projectDump()) as Extract<JxRecord, { kind: "project_self_eval" }>;
    expect(r.kind).toBe("project_self_eval");
    expect(r.fiscal_year).toBe(2022);
    expect(r.project_name).toBe("合作交流工作业务费");
    expect(r.competent_department).toBe("上海市人民政府合作交流办公室");
    expect(r.implementing_unit).toBe("上海市人民政府驻昆明办事处");
    expect(r.funds.total).toEqual({ initial_budget: 636500, annual_budget: 626500, executed: 506745.04, weight: 10, execution_rate: 80.88, score: 8.09 });
    expect(r.funds.fiscal).toEqual({ initial_budget: 636500, annual_budget: 626500, executed: 506745.04, weight: null, execution_rate: null, score: null });
    expect(r.funds.carryover).toEqual({ initial_budget: null, annual_budget: null, executed: null, weight: null, execution_rate: null, score: null });
    // "0 | 0" printed, 执行数 empty → 0, 0, null (never invent a zero)
    expect(r.funds.other).toEqual({ initial_budget: 0, annual_budget: 0, executed: null, weight: null, execution_rate: null, score: null });
    expect(r.goals).toEqual({ expected: "确保对口支援工作顺利开展。", actual: "推进了课题项目的顺利完成。" });
    expect(r.total).toEqual({ weight: 100, score: 98.09 });
    expect(r.source).toMatchObject({ file: "report.txt", sha256: META.sha256, pages: [1] });
    expect(r.source.provenance["project_name"]).toHaveLength(1);
    expect(r.review).toEqual({ state: "pending", by: null, at: null });
  });

  it("reads 单位：万元 split into two pieces (单位 | 万元) as the 万元 marker", () => {
    const dump = (unit: string) => projectDump().replace("（ 2022 年度）", `（ 2022 年度）\t\t${unit}`);
    const r = only(dump("单位\t万元")) as Extract<JxRecord, { kind: "project_self_eval" }>;
    expect(r.source.money_unit).toBe("万元");
    expect(r.funds.total.initial_budget).toBe(6365000000);
    // "单位" beside another text is no marker.
    const other = only(dump("单位\t上海市")) as Extract<JxRecord, { kind: "project_self_eval" }>;
    expect(other.source.money_unit ?? "元").toBe("元");
  });

  it("passes every check on a consistent report: no review flags, full confidence", () => {
    const r = only(projectDump());
    expect(reviewFlags(r)).toEqual([]);
    expect(r.confidence).toBe(1);
    expect(inds(r).map((i) => i.confidence)).toEqual([1, 1, 1, 1]);
  });

  it("reads indicator rows with targets kept as text and parsed beside them", () => {
    const r = only(projectDump());
    expect(inds(r)).toHaveLength(4);
    expect(inds(r)[0]).toMatchObject({
      level1: "产出指标", level2: "数量指标", name: "赴对口支援地区工作次数",
      target: "≥60 次", actual: "70 次", weight: 30, score: 30, deviation: null,
      target_parsed: { op: ">=", value: 60, unit: "次" },
      actual_parsed: { op: null, value: 70, unit: "次" },
    });
    expect(inds(r)[3]).toMatchObject({
      level1: "满意度指标", level2: "服务对象满意度指标", name: "服务对象满意度",
      target: "≥95%", actual: "98%", weight: 10, score: 10,
      target_parsed: { op: ">=", value: 95, unit: "%" },
    });
  });

  it("takes level1 from the taxonomy parent of a level-2 label found in the level-1 column", () => {
    const r = only(projectDump());
    expect(inds(r)[1]).toMatchObject({
      level1: "效益指标", level2: "社会效益指标", name: "对口支援工作的支撑作用",
      target: "支撑作用明显", actual: "支撑作用明显", weight: 30, score: 30,
    });
    expect(flagsAt(r, "indicators[1].level1").map((f) => [f.code, f.severity])).toEqual([["level1_from_taxonomy", "info"]]);
  });

  it("maps a row shifted one column right by order, and it inherits the block's labels", () => {
    const r = only(projectDump());
    expect(inds(r)[2]).toMatchObject({
      level1: "效益指标", level2: "社会效益指标", name: "课题对工作的借鉴作用",
      target: "借鉴作用强", actual: "借鉴作用强", weight: 20, score: 20, deviation: null,
    });
    expect(flagsAt(r, "indicators[2].name")).toEqual([]);
  });

  it("flags weights that do not sum to the total weight on `indicators`", () => {
    const r = only(projectDump({ total: "总分\t\t\t\t\t\t110\t98.09" }));
    expect(r.total.weight).toBe(110); // the printed number is kept
    const f = flagsAt(r, "indicators");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: "weights_do_not_sum", severity: "review" });
    expect(f[0]!.message).toContain("100");
    expect(flagsAt(r, "total.weight")[0]).toMatchObject({ code: "weights_do_not_sum", severity: "review" });
    expect(r.confidence).toBeLessThan(1);
    // a review flag on the list covers every indicator row
    expect(inds(r).map((i) => i.confidence)).toEqual([0.8, 0.8, 0.8, 0.8]); // a review flag caps a value's confidence (ConfidenceOptions.underReview)
  });

  it("flags a score above its weight on that indicator's score", () => {
    const d = "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥95%\t98%\t10\t12";
    const r = only(projectDump({ indicators: [ROW_A, ROW_B, ROW_C, d], total: "总分\t\t\t\t\t\t100\t100.09" }));
    expect(inds(r)[3]).toMatchObject({ weight: 10, score: 12 });
    expect(flagsAt(r, "indicators[3].score")).toEqual([
      expect.objectContaining({ code: "score_above_weight", severity: "review" }),
    ]);
    expect(reviewFlags(r)).toHaveLength(1);
    expect(inds(r)[3]!.confidence).toBe(0.8);
    expect(inds(r)[0]!.confidence).toBe(1);
    // the record's confidence is the mean of its values': one doubtful value of many
    const fields = Object.values(r.source.confidence);
    expect(r.source.confidence["indicators[3].score"]).toBe(0.8);
    expect(r.confidence).toBeCloseTo(fields.reduce((s, c) => s + c, 0) / fields.length, 3);
    expect(r.confidence).toBeGreaterThan(0.99);
  });

  it("flags a percentage target far above 100 % beside an actual below it (≥ misread as 2)", () => {
    const d = "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t290%\t96%\t10\t10";
    const r = only(projectDump({ indicators: [ROW_A, ROW_B, ROW_C, d] }));
    expect(flagsAt(r, "indicators[3].target").map((f) => [f.code, f.severity])).toEqual([["implausible_percent", "review"]]);
    expect(flagsAt(r, "indicators[3].actual")).toEqual([]);
    const ok = only(projectDump({ indicators: [ROW_A, ROW_B, ROW_C, "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥150%\t160%\t10\t10"] }));
    expect(ok.flags.filter((f) => f.code === "implausible_percent")).toEqual([]);
  });

  it("flags a total row whose score was not read", () => {
    const r = only(projectDump({ total: "总分\t\t\t\t\t\t100\t" }));
    expect(r.total).toEqual({ weight: 100, score: null });
    expect(flagsAt(r, "total.score").map((f) => [f.code, f.severity])).toEqual([["missing_total_score", "review"]]);
  });

  it("flags an execution rate that does not match executed / budget", () => {
    const r = only(projectDump({ fundsTotal: "\t年度资金总额\t636,500\t626,500\t506,745.04\t10\t90.00%\t8.09" }));
    expect((r as Extract<JxRecord, { kind: "project_self_eval" }>).funds.total.execution_rate).toBe(90);
    const f = flagsAt(r, "funds.total.execution_rate");
    expect(f).toEqual([expect.objectContaining({ code: "rate_mismatch", severity: "review" })]);
    expect(f[0]!.message).toContain("80.89");
  });

  it("flags text that is not a number in the funds weight column as not_a_number", () => {
    const r = only(projectDump({ fundsTotal: "\t年度资金总额\t636,500\t626,500\t506,745.04\t十\t80.88%\t8.09" }));
    const funds = (r as Extract<JxRecord, { kind: "project_self_eval" }>).funds;
    expect(funds.total.weight).toBeNull();
    expect(funds.total.executed).toBe(506745.04);
    expect(flagsAt(r, "funds.total.weight")).toEqual([expect.objectContaining({ code: "not_a_number", severity: "review" })]);
    expect(flagsAt(r, "funds.total.weight")[0]!.message).toContain("十");
  });

  it("flags text that is not a number in an indicator's weight column as not_a_number", () => {
    const r = only(
      projectDump({
        indicators: [
          "\t产出指标\t数量指标\t指标甲\t=100%\t100%\t40\t40\t",
          "\t\t\t指标丙\t提升\t提升\t十\t10\t",
          "\t满意度指标\t服务对象满意度指标\t满意度\t>=90%\t95%\t40\t40\t",
        ],
      }),
    );
    expect(inds(r)[1]).toMatchObject({ name: "指标丙", weight: null, deviation: null });
    expect(flagsAt(r, "indicators[1].weight")).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "not_a_number", severity: "review" })]),
    );
  });

  it("moves an unlabelled row before a page break to the label printed after the break when its name says so", () => {
    const r = only(
      projectDump({
        indicators: [
          "\t产出指标\t数量指标\t任务完成率\t100%\t100%\t30\t30",
          "\t\t\t项目计划完成及时性\t100%\t100%\t30\t30",
          "",
          "\t\t时效指标",
          "\t效益指标\t社会效益指标\t支撑作用\t明显\t明显\t20\t20",
          ROW_D,
        ],
      }),
    );
    expect(r.source.pages).toEqual([1, 2]);
    expect(inds(r).map((i) => [i.level1, i.level2, i.name])).toEqual([
      ["产出指标", "数量指标", "任务完成率"],
      ["产出指标", "时效指标", "项目计划完成及时性"],
      ["效益指标", "社会效益指标", "支撑作用"],
      ["满意度指标", "服务对象满意度指标", "服务对象满意度"],
    ]);
    expect(flagsAt(r, "indicators[1].level2")).toEqual([expect.objectContaining({ code: "label_across_page_break", severity: "review" })]);
    expect(flagsAt(r, "indicators[0].level2")).toEqual([]);
  });

  it("keeps an unlabelled row in its block when its name does not point to the next label", () => {
    const r = only(
      projectDump({
        indicators: [
          "\t产出指标\t数量指标\t任务完成率\t100%\t100%\t30\t30",
          "\t\t\t服务覆盖率\t100%\t100%\t30\t30",
          "",
          "\t\t时效指标",
          "\t效益指标\t社会效益指标\t支撑作用\t明显\t明显\t20\t20",
          ROW_D,
        ],
      }),
    );
    expect(inds(r)[1]).toMatchObject({ level1: "产出指标", level2: "数量指标", name: "服务覆盖率" });
    // the dump cannot show whether 时效指标's label printed after the break for this row: the
    // guess (the block above, as its name also says) is flagged on exactly its labels
    expect(r.flags.filter((f) => f.code === "label_across_page_break").map((f) => [f.path, f.severity])).toEqual([
      ["indicators[1].level2", "review"],
    ]);
  });

  it("ignores pieces of the vertical 绩效指标 label", () => {
    const r = only(projectDump({ indicators: ["绩\t产出指标\t数量指标\t指标甲\t1\t1\t30\t30", "效 指 标\t\t\t指标乙\t2\t2\t30\t30", "\t\t\t指标丙\t3\t3\t20\t20", ROW_D] }));
    expect(inds(r).map((i) => i.name)).toEqual(["指标甲", "指标乙", "指标丙", "服务对象满意度"]);
    expect(inds(r).map((i) => i.level2)).toEqual(["数量指标", "数量指标", "数量指标", "服务对象满意度指标"]);
  });

  it("splits a dump holding two reports into two records", () => {
    const second = projectDump({ title: "财政项目支出绩效自评表" }).replace("合作交流工作业务费", "合作交流专项工作经费");
    const { records } = run(projectDump() + second);
    expect(records.map((r) => (r as Extract<JxRecord, { kind: "project_self_eval" }>).project_name)).toEqual(["合作交流工作业务费", "合作交流专项工作经费"]);
    expect(records.every((r) => inds(r).length === 4)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

const DEPARTMENT = `
### 《部门（单位）整体支出绩效自评表》

(2024年度)

部门名称\t\t上海市普陀区人民政府办公室\t\t下属单位个数\t\t1
整体支出规模（元）\t\t\t全年预算数\t\t全年执行数\t\t执行率(%)
\t资金来源：（1）财政拨款\t\t113,569,961.85\t\t107,247,165.67\t\t94.43
\t（2）其他资金\t\t0.00\t\t0.00\t\t0.00
\t资金结构：（1）基本支出\t\t26,880,908.77\t\t24,931,946.30\t\t92.74
\t（2）项目支出\t\t86,689,053.08\t\t82,315,219.37\t\t94.95
年度总目标\t年初设定目标\t\t\t全年完成情况
\t<p>组织起草文件。</p>\t\t\t<p>全力开创“三服务”事业新局面。</p>
分解目标自评
一级指标\t权重\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析
投入管理指标\t30\t预算编审管理\t根据沪财绩【2022】13号文的规定要求设置三级指标和指标值\t\t\t20.00\t20.00
\t\t预算执行管理\t\t\t\t10.00\t10.00
产出指标\t40\t数量指标\t(对口支援)项目协商审批完成率\t=100.00%\t100.00%\t40.00\t40.00
满意度指标\t30\t服务对象满意度指标\t(对口支援)相关方满意度\t≥96.00%\t98.00%\t30.00\t29.00
总分\t\t\t\t100\t99
`;

describe("normalize: 部门（单位）整体支出绩效自评表", () => {
  it("reads the department form: name, units, spending, goals, indicators with level-1 weights", () => {
    const r = only(DEPARTMENT) as Extract<JxRecord, { kind: "department_self_eval" }>;
    expect(r.kind).toBe("department_self_eval");
    expect(r.fiscal_year).toBe(2024);
    expect(r.department_name).toBe("上海市普陀区人民政府办公室");
    expect(r.subordinate_units).toBe(1);
    expect(r.spending).toEqual({
      fiscal: { annual_budget: 113569961.85, executed: 107247165.67, execution_rate: 94.43 },
      other: { annual_budget: 0, executed: 0, execution_rate: 0 },
      basic: { annual_budget: 26880908.77, executed: 24931946.3, execution_rate: 92.74 },
      project: { annual_budget: 86689053.08, executed: 82315219.37, execution_rate: 94.95 },
    });
    expect(r.goals).toEqual({ expected: "组织起草文件。", actual: "全力开创“三服务”事业新局面。" });
    expect(r.total).toEqual({ weight: 100, score: 99 });
    expect(inds(r).map((i) => [i.level1, i.level1_weight, i.level2, i.weight, i.score])).toEqual([
      ["投入管理指标", 30, "预算编审管理", 20, 20],
      ["投入管理指标", 30, "预算执行管理", 10, 10],
      ["产出指标", 40, "数量指标", 40, 40],
      ["满意度指标", 30, "服务对象满意度指标", 30, 29],
    ]);
    expect(reviewFlags(r)).toEqual([]);
  });

  it("gives every row of the 投入管理指标 block the note printed once as its name", () => {
    const r = only(DEPARTMENT);
    const note = "根据沪财绩【2022】13号文的规定要求设置三级指标和指标值";
    expect(inds(r).slice(0, 2).map((i) => [i.name, i.target, i.actual])).toEqual([
      [note, null, null],
      [note, null, null],
    ]);
    expect(flagsAt(r, "indicators[1].name")).toEqual([expect.objectContaining({ code: "name_inherited", severity: "info" })]);
  });

  it("flags level-1 blocks whose weights do not sum to the printed 权重", () => {
    const r = only(DEPARTMENT.replace("产出指标\t40", "产出指标\t45").replace("总分\t\t\t\t100\t99", "总分\t\t\t\t100\t99"));
    expect(inds(r)[2]!.level1_weight).toBe(45);
    expect(flagsAt(r, "indicators[2].level1_weight")).toEqual([expect.objectContaining({ code: "block_weights_do_not_sum", severity: "review" })]);
    expect(flagsAt(r, "indicators[0].level1_weight")).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

const ASSESSMENT = `
项目绩效自评价
项目名称： 对口支援专项经费 预算单位： 上海市普陀区人民政府办公室

具体实施处（科室）： 对口支援科 是否为经常性项目： 是

当年预算数（元）： 19,725,000.00 上年预算金额（元）： 9,220,000.00

预算执行数（元）： 19,725,000.00 预算执行率（%）： 100.00%

项目年度总目标：
加快推进东西部扶贫协作和对口支援地区乡村治理体系和治理能力现代化，走中
国特色社会主义乡村振兴道路。

自评时间： 2022-03-11

绩效等级： 优

主要绩效：
2021年，普陀区坚持“民生为本”的工作方针。

主要问题： 对服务的效果还需要进一步分析改进

改进措施： 进一步开展面对用户的调查。

一级指标 指标名称 指标解释 权重 自评分 备注

产出指标
(45分)

资金到位率 10 10

预算执行率
预算执行率是对预算执行情
况进行考核的指标

35 35

效益指标
(35分)

综合业务开展完成率 35 34

满意度指标
(20分)

综合业务人员满意度 20 19

合计 100 98
`;

describe("normalize: 项目绩效自评价 from plain lines", () => {
  it("reads labels and values printed on one line", () => {
    const r = only(ASSESSMENT) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r).toMatchObject({
      kind: "project_self_assessment",
      project_name: "对口支援专项经费",
      budget_unit: "上海市普陀区人民政府办公室",
      implementing_office: "对口支援科",
      recurring: true,
      budget_current_year: 19725000,
      budget_previous_year: 9220000,
      executed: 19725000,
      execution_rate: 100,
      evaluation_date: "2022-03-11",
      grade: "优",
      achievements: "2021年，普陀区坚持“民生为本”的工作方针。",
      problems: "对服务的效果还需要进一步分析改进",
      improvements: "进一步开展面对用户的调查。",
      total: { weight: 100, score: 98 },
    });
    // prose wrapped by the layout is joined with nothing inserted
    expect(r.annual_goal).toBe("加快推进东西部扶贫协作和对口支援地区乡村治理体系和治理能力现代化，走中国特色社会主义乡村振兴道路。");
    expect(r.flags).toEqual([]);
    expect(r.confidence).toBe(1);
  });

  it("reads labels whose colon OCR read as a dot, or whose unit lost its closing bracket", () => {
    const misread = ASSESSMENT.replace("项目名称： 对口支援专项经费 预算单位：", "项目名称· 对口支援专项经费预算单位·").replace(
      "上年预算金额（元）： 9,220,000.00",
      "上年预算金额（元 9,220,000.00",
    );
    const r = only(misread) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r).toMatchObject({ project_name: "对口支援专项经费", budget_unit: "上海市普陀区人民政府办公室", budget_current_year: 19725000, budget_previous_year: 9220000 });
  });

  it("takes level1_weight from a (45分) line and explanation lines between a name and its numbers", () => {
    const r = only(ASSESSMENT);
    expect(inds(r).map((i) => [i.level1, i.level1_weight, i.name, i.explanation, i.weight, i.score, i.note])).toEqual([
      ["产出指标", 45, "资金到位率", null, 10, 10, null],
      ["产出指标", 45, "预算执行率", "预算执行率是对预算执行情况进行考核的指标", 35, 35, null],
      ["效益指标", 35, "综合业务开展完成率", null, 35, 34, null],
      ["满意度指标", 20, "综合业务人员满意度", null, 20, 19, null],
    ]);
  });

  it("reads 否 as false, an empty 具体实施处 as null and a label with (N分) on the same line", () => {
    const text = ASSESSMENT.replace("具体实施处（科室）： 对口支援科 是否为经常性项目： 是", "具体实施处（科室）： 是否为经常性项目： 否")
      .replace("产出指标\n(45分)", "产出指标(45分)");
    const r = only(text) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.implementing_office).toBeNull();
    expect(r.recurring).toBe(false);
    expect(inds(r)[0]).toMatchObject({ level1: "产出指标", level1_weight: 45, name: "资金到位率" });
  });

  it("flags a budget that is not a number and a rate that does not match", () => {
    const text = ASSESSMENT.replace("当年预算数（元）： 19,725,000.00", "当年预算数（元）： 待定").replace("预算执行率（%）： 100.00%", "预算执行率（%）： 90.00%");
    const r = only(text) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.budget_current_year).toBeNull();
    expect(flagsAt(r, "budget_current_year")).toEqual([expect.objectContaining({ code: "not_a_number", severity: "review" })]);
    // the rate check needs the budget: with the budget unreadable there is nothing to compare
    expect(r.flags.filter((f) => f.code === "rate_mismatch")).toEqual([]);
    const r2 = only(ASSESSMENT.replace("预算执行率（%）： 100.00%", "预算执行率（%）： 90.00%"));
    expect(flagsAt(r2, "execution_rate")).toEqual([expect.objectContaining({ code: "rate_mismatch", severity: "review" })]);
  });
});

// ---------------------------------------------------------------------------------------------

function cell(text: string, col: number): RowCell {
  return { text, x0: col, x1: col + 1, col, colSpan: 1, rowSpan: 1, confidence: 1, prov: [], repairs: [], inherited: false };
}
function row(...texts: string[]): Row {
  return { cells: texts.map((t, i) => cell(t, i)), spanned: [], pages: [1], source: "table", table: 0, pageStart: false };
}

describe("form detection", () => {
  it("recognises each form by its title, tolerating spacing, brackets and a year", () => {
    expect(titleKind(row("财政项目支出 绩效自评表"))).toBe("project_self_eval");
    expect(titleKind(row("财政项目支出绩效自评表", "", ""))).toBe("project_self_eval");
    expect(titleKind(row("财 政 项 目 支 出 绩 效 自 评 表（2022年度）"))).toBe("project_self_eval");
    expect(titleKind(row("项目支出绩效自评表"))).toBe("project_self_eval");
    expect(titleKind(row("《部门（单位）整体支出绩效自评表》"))).toBe("department_self_eval");
    expect(titleKind(row("部门(单位)整体支出 绩效自评表"))).toBe("department_self_eval");
    expect(titleKind(row("单位整体支出绩效自评表"))).toBe("department_self_eval");
    expect(titleKind(row("项目绩效自评价"))).toBe("project_self_assessment");
    expect(titleKind(row("项目 绩效 自评价表"))).toBe("project_self_assessment");
  });

  it("does not take other rows for titles", () => {
    expect(titleKind(row("项目名称", "合作交流工作业务费"))).toBeNull();
    expect(titleKind(row("绩效指标"))).toBeNull();
    expect(titleKind(row(""))).toBeNull();
    expect(titleKind(row("财政项目支出绩效自评表的说明：本表由项目单位填写并加盖公章"))).toBeNull();
  });

  it("detects each form end to end from its title", () => {
    expect(only(projectDump({ title: "财政项目支出 绩效自评表" })).kind).toBe("project_self_eval");
    expect(only(DEPARTMENT).kind).toBe("department_self_eval");
    expect(only(ASSESSMENT).kind).toBe("project_self_assessment");
  });

  it("falls back to the form's headers when no title printed", () => {
    const text = projectDump().replace("财政项目支出 绩效自评表\n", "");
    const r = only(text);
    expect(r.kind).toBe("project_self_eval");
    expect(inds(r)).toHaveLength(4);
  });

  it("splits rows into reports at titles and drops the preamble", () => {
    const reports = splitReports([row("目录"), row("项目绩效自评价"), row("项目名称：甲"), row("项目绩效自评价"), row("项目名称：乙")]);
    expect(reports.map((r) => [r.kind, r.rows.length])).toEqual([
      ["project_self_assessment", 2],
      ["project_self_assessment", 2],
    ]);
  });

  it("throws NO_FORM_FOUND when nothing matches", () => {
    const noForm = () => run("会议纪要\n\n时间\t2022年3月1日\n地点\t区政府\n");
    expect(noForm).toThrow(JixiaoError);
    try {
      noForm();
    } catch (e) {
      expect((e as JixiaoError).code).toBe("NO_FORM_FOUND");
      expect((e as JixiaoError).file).toBe("report.txt");
    }
    expect(() => normalize({ rows: [], unit: "pt" }, META)).toThrow(/no performance self-evaluation form/);
  });
});
