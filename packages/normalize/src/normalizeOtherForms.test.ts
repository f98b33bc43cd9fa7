import type { JxRecord } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { ASSESSMENT, DEPARTMENT, flagsAt, inds, only, reviewFlags, runAsOcr } from "../test-fixtures/normalizeDump.js";

// normalize on text dumps of the department form and the assessment form (the project form and
// form detection are in normalize.test.ts).

describe("normalize: a name that reads as the form's title", () => {
  it("doubts a department name that holds the form's title (the title line taken for the value)", () => {
    const r = only(DEPARTMENT.replace("部门名称\t\t上海市普陀区人民政府办公室", "部门名称\t\t整体支出绩效自评表》"));
    expect(flagsAt(r, "department_name").map((f) => [f.code, f.severity])).toEqual([["value_out_of_place", "review"]]);
    expect(flagsAt(only(DEPARTMENT), "department_name")).toEqual([]);
  });
});

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

  it("takes a level-1 weight not read from its block's weights when the total less the other blocks says the same", () => {
    const r = only(DEPARTMENT.replace("满意度指标\t30\t", "满意度指标\t\t"));
    expect(inds(r)[3]!.level1_weight).toBe(30);
    expect(flagsAt(r, "indicators[3].level1_weight").map((f) => [f.code, f.severity])).toEqual([["weight_from_total", "info"]]);
    expect(reviewFlags(r)).toEqual([]);
  });

  it("flags level-1 blocks whose weights do not sum to the printed 权重", () => {
    const r = only(DEPARTMENT.replace("产出指标\t40", "产出指标\t45").replace("总分\t\t\t\t100\t99", "总分\t\t\t\t100\t99"));
    expect(inds(r)[2]!.level1_weight).toBe(45);
    expect(flagsAt(r, "indicators[2].level1_weight")).toEqual([expect.objectContaining({ code: "block_weights_do_not_sum", severity: "review" })]);
    expect(flagsAt(r, "indicators[0].level1_weight")).toEqual([]);
  });
});

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

  it("reads a label whose closing bracket OCR read as ！ or ], glued to the value before it", () => {
    for (const close of ["！", "!", "]"]) {
      const misread = ASSESSMENT.replace("对口支援科 是否为经常性项目： 是", `对口支援科是否为经常性项目（是/否${close}：是`);
      const r = only(misread) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([close, r.implementing_office, r.recurring]).toEqual([close, "对口支援科", true]);
    }
  });

  it("reads a label OCR misread by one character before its colon as that label, in doubt", () => {
    for (const label of ["白评时间：", "目评时间。", "自评时问:"]) {
      const r = only(ASSESSMENT.replace("自评时间：", label)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([label, r.evaluation_date]).toEqual([label, "2022-03-11"]);
      expect(flagsAt(r, "evaluation_date").map((f) => [f.code, f.severity])).toEqual([["label_not_read", "review"]]);
    }
    // Two characters off, or no colon after it: no label.
    for (const label of ["白评时问：", "白评时间 "]) {
      const r = only(ASSESSMENT.replace("自评时间：", label)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([label, r.evaluation_date]).toEqual([label, null]);
    }
  });

  it("reads a header 一级指标 whose thin 一 OCR read as a run of dashes, however many (---级指标)", () => {
    const head = ASSESSMENT.slice(0, ASSESSMENT.indexOf("一级指标 指标名称"));
    const grid = (header: string) =>
      head +
      [
        `${header}\t指标名称\t指标解释\t权重\t自评分\t备注`,
        "产出指标（45分）\t资金到位率\t\t45\t45\t",
        "效益指标（35分）\t综合业务开展完成率\t\t35\t34\t",
        "满意度指标（20分）\t综合业务人员满意度\t\t20\t20\t",
        "合计\t\t\t100\t99\t",
      ].join("\n");
    const levels = (header: string) => {
      const r = runAsOcr(grid(header)).records[0] as Extract<JxRecord, { kind: "project_self_assessment" }>;
      return r.indicators.map((i) => [i.level1, i.level1_weight]);
    };
    const expected = [["产出指标", 45], ["效益指标", 35], ["满意度指标", 20]];
    expect(levels("一级指标")).toEqual(expected);
    for (const garbled of ["-级指标", "--级指标", "---级指标", "—-一级指标"]) expect([garbled, levels(garbled)]).toEqual([garbled, expected]);
    // A speck read between a weight and its 分: the label and the weight still (the weight in
    // doubt until the weights sum to the total, as here).
    const specked = runAsOcr(grid("一级指标").replace("满意度指标（20分）", "满意度指标（20.分）")).records[0] as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(specked.indicators.map((i) => [i.level1, i.level1_weight])).toEqual(expected);
  });

  it("takes a column its header's first copy lost (two labels read as one) from the header repeated after a page break", () => {
    const head = ASSESSMENT.slice(0, ASSESSMENT.indexOf("一级指标 指标名称"));
    const grid = (firstHeader: string, repeated: boolean) =>
      head +
      [
        firstHeader,
        "产出指标（45分）\t资金到位率\t\t10\t10\t",
        "\t预算执行率\t预算执行率是对预算执行情况进行考核的指标\t35\t35\t",
        "",
        ...(repeated ? ["一级指标\t指标名称\t指标解释\t权重\t自评分\t备注"] : []),
        "效益指标（35分）\t综合业务开展完成率\t\t35\t34\t",
        "满意度指标（20分）\t综合业务人员满意度\t\t20\t20\t",
        "合计\t\t\t100\t99\t",
      ].join("\n");
    const merged = "一级指标指标名称\t\t指标解释\t权重\t自评分\t备注";
    const r = only(grid(merged, true)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.indicators.map((i) => i.name)).toEqual(["资金到位率", "预算执行率", "综合业务开展完成率", "综合业务人员满意度"]);
    expect(reviewFlags(r).filter((f) => f.code === "missing_column")).toEqual([]);
    // With no copy that has it, the names cannot be read: the whole table is doubted.
    const lost = only(grid(merged, false)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(reviewFlags(lost).filter((f) => f.code === "missing_column").map((f) => f.path)).toEqual(["indicators"]);
  });

  it("leaves out a mark the label's own cell ends with, before the number in the next cell, in doubt", () => {
    const line = "当年预算数（元）： 19,725,000.00 上年预算金额（元）： 9,220,000.00";
    expect(ASSESSMENT).toContain(line);
    for (const [label, expected] of [["上年预算金额（元8", 9220000], ["上年预算金额（元）：", 9220000]] as const) {
      const r = only(ASSESSMENT.replace(line, `当年预算数（元）：\t19,725,000.00\t${label}\t9,220,000.00`)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([label, r.budget_previous_year]).toEqual([label, expected]);
      expect([label, flagsAt(r, "budget_previous_year").map((f) => f.code)]).toEqual([label, label.endsWith("8") ? ["label_in_value"] : []]);
    }
  });

  it("reads a level-1 weight whose closing bracket OCR misread, in doubt until its block's weights sum to it", () => {
    const head = ASSESSMENT.slice(0, ASSESSMENT.indexOf("一级指标 指标名称"));
    const grid = (l1: string, weight: number) =>
      head + ["一级指标\t指标名称\t指标解释\t权重\t自评分\t备注", `${l1}\t资金到位率\t\t${weight}\t${Math.min(weight, 45)}\t`, "效益指标（55分）\t综合业务开展完成率\t\t55\t54\t", "合计\t\t\t100\t99\t"].join("\n");
    for (const l1 of ["产出指标（45分上", "产出指标(45分!"]) {
      const r = only(grid(l1, 45)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([l1, r.indicators[0]!.level1, r.indicators[0]!.level1_weight]).toEqual([l1, "产出指标", 45]);
      expect([l1, reviewFlags(r).map((f) => f.path)]).toEqual([l1, []]);
    }
    // The block's weight sums to 44: the misread cell stays in doubt.
    const off = only(grid("产出指标（45分上", 44)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(flagsAt(off, "indicators[0].level1_weight").map((f) => f.code)).toContain("stray_mark");
  });

  it("takes the values the form's arithmetic implies on the 项目绩效自评价 too (a weight read below its score)", () => {
    const head = ASSESSMENT.slice(0, ASSESSMENT.indexOf("一级指标 指标名称"));
    const r = only(
      head + ["一级指标\t指标名称\t指标解释\t权重\t自评分\t备注", "产出指标（45分）\t资金到位率\t\t44\t45\t", "效益指标（55分）\t综合业务开展完成率\t\t55\t54\t", "合计\t\t\t100\t99\t"].join("\n"),
    ) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.indicators.map((i) => i.weight)).toEqual([45, 55]);
    expect(reviewFlags(r).map((f) => `${f.code}:${f.path}`)).toEqual(["weight_from_total:indicators[0].weight"]);
  });

  it("reads the indicator table's total row with a speck beside its label", () => {
    const head = ASSESSMENT.slice(0, ASSESSMENT.indexOf("一级指标 指标名称"));
    const grid = (total: string) =>
      head + ["一级指标\t指标名称\t指标解释\t权重\t自评分\t备注", "产出指标（45分）\t资金到位率\t\t45\t45\t", "效益指标（55分）\t综合业务开展完成率\t\t55\t54\t", `${total}\t\t\t100\t99\t`].join("\n");
    for (const total of ["合计", "·合计"]) {
      const r = only(grid(total)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([total, r.total, r.indicators.length]).toEqual([total, { weight: 100, score: 99 }, 2]);
    }
  });

  it("reads a date with specks inside it, in doubt", () => {
    for (const date of ["202:2-0:3-11", "2022-03--11", "2022.03.11"]) {
      const r = only(ASSESSMENT.replace("自评时间： 2022-03-11", `自评时间： ${date}`)) as Extract<JxRecord, { kind: "project_self_assessment" }>;
      expect([date, r.evaluation_date]).toEqual([date, "2022-03-11"]);
      expect([date, flagsAt(r, "evaluation_date").map((f) => f.code)]).toEqual([date, date === "2022.03.11" ? [] : ["stray_mark"]]);
    }
    const r = only(ASSESSMENT.replace("自评时间： 2022-03-11", "自评时间： 20:22")) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(flagsAt(r, "evaluation_date").map((f) => f.code)).toEqual(["not_a_date"]);
  });

  it("reads a label OCR gave two colons as the label, not a colon as its value", () => {
    const text = ASSESSMENT.replace("具体实施处（科室）： 对口支援科", "具体实施处（科室）：：");
    const r = only(text) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.implementing_office).toBeNull();
    expect(r.recurring).toBe(true);
  });

  it("splits a short value from the next label whose colon OCR read as a semicolon, and leaves a semicolon in prose alone", () => {
    const text = ASSESSMENT.replace("绩效等级： 优\n\n主要绩效：\n2021年，普陀区坚持“民生为本”的工作方针。", "绩效等级： 优主要绩效；2021年，普陀区坚持“民生为本”的工作方针。");
    const r = only(text) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.grade).toBe("优");
    expect(r.achievements).toBe("2021年，普陀区坚持“民生为本”的工作方针。");
    const prose = only(ASSESSMENT.replace("2021年，普陀区坚持“民生为本”的工作方针。", "2021年，普陀区坚持方针，取得的主要绩效；群众满意。")) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(prose.achievements).toBe("2021年，普陀区坚持方针，取得的主要绩效；群众满意。");
  });

  it("takes the number of an amount or rate that has the next label's text read into it, in doubt", () => {
    const text = ASSESSMENT.replace("预算执行数（元）： 19,725,000.00 预算执行率（%）： 100.00%", "预算执行数（元）： 19,725,000.00项目年度总材标 预算执行率（%）： 100.00%发现问题");
    const r = only(text) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.executed).toBe(19725000);
    expect(r.execution_rate).toBe(100);
    expect(flagsAt(r, "executed").map((f) => [f.code, f.severity])).toEqual([["label_in_value", "review"]]);
    expect(flagsAt(r, "execution_rate").map((f) => f.code)).toEqual(["label_in_value"]);
    // A failed rate doubts the rate and both amounts, as one review item with plain paths.
    const off = only(text.replace("当年预算数（元）： 19,725,000.00", "当年预算数（元）： 10,725,000.00")) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    const mismatch = reviewFlags(off).filter((f) => f.code === "rate_mismatch");
    expect(mismatch).toHaveLength(1);
    expect([...mismatch[0]!.paths!].sort()).toEqual(["budget_current_year", "executed", "execution_rate"]);
    // Text with no number in front stays no number.
    const none = only(ASSESSMENT.replace("预算执行数（元）： 19,725,000.00", "预算执行数（元）： 见附表")) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(none.executed).toBeNull();
    expect(flagsAt(none, "executed").map((f) => f.code)).toContain("not_a_number");
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

describe("normalize: 项目绩效自评价 in a table", () => {
  it("takes a level-1 label read with a speck beside it as the label, in doubt", () => {
    const text = [
      "项目绩效自评价",
      "项目名称\t对口支援专项经费\t预算单位\t上海市普陀区人民政府办公室",
      "一级指标\t指标名称\t指标解释\t权重\t自评分\t备注",
      "产出指标.\t资金到位率\t资金到位的比例\t50\t50\t",
      "效益指标\t综合业务开展完成率\t完成的比例\t50\t48\t",
      "合计\t\t\t100\t98\t",
    ].join("\n");
    const r = only(text) as Extract<JxRecord, { kind: "project_self_assessment" }>;
    expect(r.indicators.map((i) => i.level1)).toEqual(["产出指标", "效益指标"]);
    expect(flagsAt(r, "indicators[0].level1").map((f) => f.code)).toEqual(["label_not_read"]);
  });
});
