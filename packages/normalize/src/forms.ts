import type { RecordKind } from "@jixiao/schemas";

/** Label spellings per field. Matching is fuzzy (fast-levenshtein), so near variants also match. */
export type Spellings = { readonly [field: string]: readonly string[] };

export const TITLES: { readonly [kind in RecordKind]: readonly string[] } = {
  project_self_eval: ["财政项目支出绩效自评表", "项目支出绩效自评表"],
  department_self_eval: ["部门（单位）整体支出绩效自评表", "部门整体支出绩效自评表", "单位整体支出绩效自评表"],
  project_self_assessment: ["项目绩效自评价", "项目绩效自评价表"],
};

export const PROJECT_KV: Spellings = {
  project_name: ["项目名称"],
  competent_department: ["主管部门"],
  implementing_unit: ["实施单位"],
};

export const FUNDS_HEADER: Spellings = {
  initial_budget: ["年初预算数"],
  annual_budget: ["全年预算数"],
  executed: ["全年执行数"],
  weight: ["分值"],
  execution_rate: ["执行率"],
  score: ["得分"],
};

export const FUNDS_ROWS: Spellings = {
  total: ["年度资金总额", "资金总额"],
  fiscal: ["其中：当年财政拨款", "当年财政拨款", "其中:财政拨款", "财政拨款"],
  carryover: ["上年结转资金", "结转资金"],
  other: ["其他资金"],
};

export const DEPARTMENT_KV: Spellings = {
  department_name: ["部门名称", "单位名称"],
  subordinate_units: ["下属单位个数"],
};

export const SPENDING_HEADER: Spellings = {
  annual_budget: ["全年预算数"],
  executed: ["全年执行数"],
  execution_rate: ["执行率(%)", "执行率"],
};

/** Spending rows are recognised by a key phrase inside the label. */
export const SPENDING_ROWS: { readonly [key: string]: RegExp } = {
  fiscal: /财政拨款/,
  other: /其他资金/,
  basic: /基本支出/,
  project: /项目支出/,
};

export const GOALS_HEADER: { readonly [kind: string]: Spellings } = {
  project_self_eval: { expected: ["预期目标"], actual: ["实际完成情况"] },
  department_self_eval: { expected: ["年初设定目标"], actual: ["全年完成情况"] },
};

export const INDICATOR_HEADER: { readonly [kind: string]: Spellings } = {
  project_self_eval: {
    level1: ["一级指标"],
    level2: ["二级指标"],
    name: ["三级指标"],
    target: ["年度指标值"],
    actual: ["实际完成值"],
    weight: ["分值"],
    score: ["得分"],
    deviation: ["偏差原因分析及改进措施", "偏差原因分析"],
  },
  department_self_eval: {
    level1: ["一级指标"],
    level1_weight: ["权重"],
    level2: ["二级指标"],
    name: ["三级指标"],
    target: ["年度指标值"],
    actual: ["全年完成值", "实际完成值"],
    weight: ["分值"],
    score: ["得分"],
    deviation: ["偏差及原因分析", "偏差原因分析及改进措施"],
  },
  project_self_assessment: {
    level1: ["一级指标"],
    name: ["指标名称"],
    explanation: ["指标解释"],
    weight: ["权重"],
    score: ["自评分"],
    note: ["备注"],
  },
};

export const TOTAL_ROW = ["总分", "合计", "总计"];

/** Labels of the assessment form's label/value part, in the order they usually print. */
export const ASSESSMENT_LABELS: Spellings = {
  project_name: ["项目名称"],
  budget_unit: ["预算单位"],
  implementing_office: ["具体实施处（科室）", "具体实施处(科室)", "具体实施处"],
  recurring: ["是否为经常性项目"],
  budget_current_year: ["当年预算数（元）", "当年预算数"],
  budget_previous_year: ["上年预算金额（元）", "上年预算金额"],
  executed: ["预算执行数（元）", "预算执行数"],
  execution_rate: ["预算执行率（%）", "预算执行率"],
  annual_goal: ["项目年度总目标"],
  evaluation_date: ["自评时间"],
  grade: ["绩效等级"],
  achievements: ["主要绩效"],
  problems: ["主要问题"],
  improvements: ["改进措施"],
};
