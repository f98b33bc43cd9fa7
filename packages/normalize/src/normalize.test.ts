import { JixiaoError } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import type { JxRecord } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { normalize, splitReports, titleKind } from "./normalize.js";
import { ASSESSMENT, DEPARTMENT, META, ROW_A, ROW_B, ROW_C, ROW_D, flagsAt, inds, only, projectDump, reviewFlags, run, runAsOcr } from "../test-fixtures/normalizeDump.js";

// The department and assessment forms are in normalizeOtherForms.test.ts.

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

  it("knows the goals header beside the goals row's label when OCR misread one caption", () => {
    const dump = projectDump();
    expect(dump).toContain("年度 总体 目标\t预期目标\t\t\t实际完成情况");
    for (const caption of ["子期目标", "预期月标"]) {
      const r = only(dump.replace("年度 总体 目标\t预期目标", `年度 总体 目标\t${caption}`)) as Extract<JxRecord, { kind: "project_self_eval" }>;
      expect([caption, r.goals]).toEqual([caption, { expected: "确保对口支援工作顺利开展。", actual: "推进了课题项目的顺利完成。" }]);
      expect(reviewFlags(r).filter((f) => f.code === "missing_goals")).toEqual([]);
    }
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

  it("flags a total weight the rows' weights (summing to 100) do not make on the total row, not on every row", () => {
    const r = only(projectDump({ total: "总分\t\t\t\t\t\t110\t98.09" }));
    expect(r.total.weight).toBe(110); // the printed number is kept
    expect(flagsAt(r, "indicators")).toEqual([]);
    const f = flagsAt(r, "total.weight");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: "weights_do_not_sum", severity: "review" });
    expect(f[0]!.message).toContain("100");
    expect(r.confidence).toBeLessThan(1);
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

  it("reads the total row behind a cell of a mark or two OCR made of the clipped section cell (JA | 自评总分)", () => {
    for (const head of ["JA", "·"]) {
      const r = only(projectDump({ total: `${head}\t自评总分\t\t\t\t\t100\t98.09` }));
      expect([head, r.total, inds(r).length]).toEqual([head, { weight: 100, score: 98.09 }, 4]);
    }
    // A Chinese character or a digit before it is another row's text: not the total row.
    const other = only(projectDump({ total: "绩\t自评总分\t\t\t\t\t100\t98.09" }));
    expect(other.total).not.toEqual({ weight: 100, score: 98.09 });
    // Read by OCR, the edge's box may come out a Chinese character ("J口"); a digit never.
    const read = (head: string) => runAsOcr(projectDump({ total: `${head}\t自评总分\t\t\t\t\t100\t98.09` })).records[0]!;
    expect([read("J口").total, inds(read("J口")).length]).toEqual([{ weight: 100, score: 98.09 }, 4]);
    expect(read("J1").total).not.toEqual({ weight: 100, score: 98.09 });
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
    // The one weight not read is the one the total implies, taken under both doubts.
    expect(inds(r)[1]).toMatchObject({ name: "指标丙", weight: 10, deviation: null });
    expect(flagsAt(r, "indicators[1].weight")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "not_a_number", severity: "review" }),
        expect.objectContaining({ code: "weight_from_total", severity: "review" }),
      ]),
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

  it("flags a prose field of the 项目绩效自评价 that holds only a number (another field's value out of place)", () => {
    const r = only(ASSESSMENT.replace(/项目年度总目标：\n[^\n]+\n[^\n]+\n/, "项目年度总目标：\n19725000.00\n"));
    expect((r as { annual_goal?: string | null }).annual_goal).toBe("19725000.00");
    expect(flagsAt(r, "annual_goal").map((f) => f.code)).toEqual(["value_out_of_place"]);
    expect(flagsAt(only(ASSESSMENT), "annual_goal")).toEqual([]);
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

  it("reads a title with specks before it, and starts an untitled 项目绩效自评价 at its opening captions", () => {
    expect(titleKind(row("，项自绩效自评价"))).toBe("project_self_assessment");
    const text = (t: string) => ({ ...row(t), source: "text" as const });
    const reports = splitReports([row("财政项目支出绩效自评表"), row("项目名称：甲"), text("单位：万元"), text("项目名称：乙 预算单位：丙"), text("当年预算数：1")]);
    expect(reports.map((r) => [r.kind, r.rows.length, !!r.untitled])).toEqual([
      ["project_self_eval", 3, false],
      ["project_self_assessment", 2, true],
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
