import type { RecordKind } from "@jixiao/schemas";

/**
 * The form model: for each of the three forms, every record field with the labels offices print
 * for it, where it lives on the page, its type and whether every real form has it. The parsers
 * map cells to fields only through this model; matching is fuzzy (fast-levenshtein) and ignores
 * spacing, bracket width and a trailing unit in brackets, so near variants and OCR-damaged
 * labels still match. Labels are listed most common first.
 */

/** Label spellings per field. */
export type Spellings = { readonly [field: string]: readonly string[] };

/** How a value is typed. `money` is converted to 元 when the form prints 万元. */
export type FieldType = "text" | "money" | "count" | "rate" | "score" | "year" | "date" | "yesno";

/** Where a field lives on the page. */
export type FieldPlace = "title" | "label-value" | "money-grid" | "goals" | "indicator-column" | "total-row";

export type FieldSpec = {
  readonly labels: readonly string[];
  readonly type: FieldType;
  readonly place: FieldPlace;
  /** Every form of this kind prints it: not finding it gives a review flag on its path. */
  readonly required: boolean;
  /** Free prose (may hold colons of its own); other text values are short names. */
  readonly prose?: boolean;
};

export type MoneyGrid = {
  /** Record path of the grid: `funds` or `spending`. */
  readonly path: "funds" | "spending";
  readonly columns: { readonly [column: string]: FieldSpec };
  /** Row key → labels, in the order the form prints the rows. */
  readonly rows: Spellings;
  /** Header labels that must match for a row to be the grid's header. */
  readonly minHeaderHits: number;
};

export type FormModel = {
  readonly kind: RecordKind;
  readonly titles: readonly string[];
  readonly fields: { readonly [field: string]: FieldSpec };
  readonly money?: MoneyGrid;
  /**
   * Goal texts: header labels of the two goal columns, the label of the goals row, and the
   * captions a goal text may open with inside one goals row ("目标内容：…", "完成情况：…").
   */
  readonly goals?: {
    readonly expected: readonly string[];
    readonly actual: readonly string[];
    readonly rowLabels: readonly string[];
    readonly captions: Spellings;
  };
  readonly indicatorColumns: { readonly [column: string]: FieldSpec };
  /** Columns that must be found for a row to be the indicator header. */
  readonly minIndicatorHits: number;
  readonly totalRow: readonly string[];
};

const f = (labels: readonly string[], type: FieldType, place: FieldPlace, required = true): FieldSpec => ({ labels, type, place, required });
const prose = (spec: FieldSpec): FieldSpec => ({ ...spec, prose: true });

/** Captions that open a goal text (followed by a colon), wider than the column headers. */
const GOAL_CAPTIONS: Spellings = {
  expected: ["预期目标", "年度预期目标", "年初目标", "年初设定目标", "计划目标", "目标内容", "年度目标", "绩效目标", "设定目标", "预期绩效目标"],
  actual: ["实际完成情况", "完成情况", "实际完成", "全年完成情况", "目标完成情况", "年度完成情况", "执行情况", "实际执行情况", "全年实际完成情况"],
};

const TOTAL_ROW_LABELS = ["总分", "合计", "总计", "自评总分", "综合得分", "得分合计"];
const SCORE = ["得分", "自评得分", "评分", "实际得分", "自评分"];
const WEIGHT = ["分值", "权重", "满分", "指标分值", "标准分值"];
const TARGET = ["年度指标值", "指标值", "目标值", "年度目标值", "预期指标值", "计划指标值"];
const ACTUAL = ["实际完成值", "实际值", "完成值", "全年完成值", "全年实际完成值", "实际完成情况值"];
const DEVIATION = [
  "偏差原因分析及改进措施", "偏差原因及改进措施", "未完成原因和改进措施", "未完成原因及改进措施", "偏差原因分析",
  "偏差及原因分析", "偏差原因",
];
const NAME = ["三级指标", "指标名称", "具体指标", "三级指标名称"];

export const FORM_MODELS: { readonly [kind in RecordKind]: FormModel } = {
  project_self_eval: {
    kind: "project_self_eval",
    titles: ["财政项目支出绩效自评表", "项目支出绩效自评表", "专项资金绩效自评表", "项目绩效自评表", "财政支出项目绩效自评表"],
    fields: {
      project_name: f(["项目名称"], "text", "label-value"),
      competent_department: f(["主管部门", "主管单位", "预算部门", "主管部门名称"], "text", "label-value"),
      implementing_unit: f(["实施单位", "项目实施单位", "执行单位", "实施单位名称"], "text", "label-value"),
    },
    money: {
      path: "funds",
      columns: {
        initial_budget: f(["年初预算数", "年初预算", "年初预算金额"], "money", "money-grid"),
        annual_budget: f(["全年预算数", "调整后预算数", "全年预算", "调整后预算", "全年预算金额", "预算调整数", "调整预算数"], "money", "money-grid"),
        executed: f(["全年执行数", "实际执行数", "全年实际支出", "全年执行", "执行数", "实际支出数"], "money", "money-grid"),
        weight: f(WEIGHT, "score", "money-grid"),
        execution_rate: f(["执行率", "预算执行率", "资金执行率"], "rate", "money-grid"),
        score: f(SCORE, "score", "money-grid"),
      },
      rows: {
        total: ["年度资金总额", "资金总额", "年度资金总额合计", "项目资金总额"],
        fiscal: ["其中：当年财政拨款", "当年财政拨款", "其中:财政拨款", "财政拨款", "其中：财政拨款", "财政资金"],
        carryover: ["上年结转资金", "结转资金", "上年结余结转", "上年结转"],
        other: ["其他资金", "其他资金来源", "其他来源资金"],
      },
      minHeaderHits: 3,
    },
    goals: {
      expected: ["预期目标", "年度预期目标", "年初目标", "计划目标", "目标内容"],
      actual: ["实际完成情况", "实际完成", "完成情况", "年度实际完成情况"],
      rowLabels: ["年度总体目标", "年度目标", "总体目标", "年度绩效目标", "绩效目标", "年度总目标"],
      captions: GOAL_CAPTIONS,
    },
    indicatorColumns: {
      level1: f(["一级指标"], "text", "indicator-column"),
      level2: f(["二级指标"], "text", "indicator-column"),
      name: f(NAME, "text", "indicator-column"),
      target: f(TARGET, "text", "indicator-column"),
      actual: f(ACTUAL, "text", "indicator-column"),
      weight: f(WEIGHT, "score", "indicator-column"),
      score: f(SCORE, "score", "indicator-column"),
      deviation: f(DEVIATION, "text", "indicator-column", false),
    },
    minIndicatorHits: 4,
    totalRow: TOTAL_ROW_LABELS,
  },
  department_self_eval: {
    kind: "department_self_eval",
    titles: ["部门（单位）整体支出绩效自评表", "部门整体支出绩效自评表", "单位整体支出绩效自评表", "部门整体支出绩效自评情况表", "部门整体绩效自评表"],
    fields: {
      department_name: f(["部门名称", "部门（单位）名称", "单位名称", "预算单位", "预算单位名称", "部门（单位）"], "text", "label-value"),
      subordinate_units: f(["下属单位个数", "下属单位数", "所属单位数", "下属单位数量", "所属单位个数"], "count", "label-value"),
    },
    money: {
      path: "spending",
      columns: {
        annual_budget: f(["全年预算数", "调整后预算数", "全年预算", "预算数", "预算调整数", "调整预算数"], "money", "money-grid"),
        executed: f(["全年执行数", "实际执行数", "全年实际支出", "执行数", "全年执行"], "money", "money-grid"),
        execution_rate: f(["执行率", "执行率(%)", "预算执行率"], "rate", "money-grid"),
      },
      // Recognised by a key phrase inside the row label ("资金来源：（1）财政拨款").
      rows: {
        fiscal: ["财政拨款"],
        other: ["其他资金"],
        basic: ["基本支出"],
        project: ["项目支出"],
      },
      minHeaderHits: 2,
    },
    goals: {
      expected: ["年初设定目标", "预期目标", "年初目标", "年度预期目标", "目标内容"],
      actual: ["全年完成情况", "实际完成情况", "年度完成情况", "完成情况"],
      rowLabels: ["年度总体目标", "年度目标", "总体目标", "年度绩效目标", "绩效目标", "年度总目标"],
      captions: GOAL_CAPTIONS,
    },
    indicatorColumns: {
      level1: f(["一级指标"], "text", "indicator-column"),
      level1_weight: f(["权重", "一级指标权重", "一级指标分值"], "score", "indicator-column", false),
      level2: f(["二级指标"], "text", "indicator-column"),
      name: f(NAME, "text", "indicator-column"),
      target: f(TARGET, "text", "indicator-column"),
      actual: f(ACTUAL, "text", "indicator-column"),
      weight: f(["分值", "指标分值", "满分", "标准分值"], "score", "indicator-column"),
      score: f(SCORE, "score", "indicator-column"),
      deviation: f(DEVIATION, "text", "indicator-column", false),
    },
    minIndicatorHits: 4,
    totalRow: TOTAL_ROW_LABELS,
  },
  project_self_assessment: {
    kind: "project_self_assessment",
    titles: ["项目绩效自评价", "项目绩效自评价表", "项目支出绩效自评价表", "项目支出绩效自评价报告", "项目绩效自评价报告"],
    fields: {
      project_name: f(["项目名称", "项目全称"], "text", "label-value"),
      // Not "项目单位": project names end in 项目, so "…项目单位名称：" would eat it.
      budget_unit: f(["预算单位", "预算单位名称", "预算部门", "预算部门名称", "单位名称"], "text", "label-value"),
      implementing_office: f(["具体实施处（科室）", "具体实施处", "具体实施科室", "实施处（科室）", "实施科室", "实施处室", "具体实施部门"], "text", "label-value", false),
      recurring: f(["是否为经常性项目", "是否经常性项目", "经常性项目", "是否为常年性项目", "是否常年性项目"], "yesno", "label-value"),
      budget_current_year: f(["当年预算数", "当年预算金额", "本年预算数", "年度预算数", "当年预算", "本年度预算数", "本年度预算金额"], "money", "label-value"),
      budget_previous_year: f(["上年预算金额", "上年预算数", "上年预算", "上年度预算金额", "上年度预算数"], "money", "label-value"),
      executed: f(["预算执行数", "实际执行数", "全年执行数", "执行数", "实际支出数", "预算执行金额"], "money", "label-value"),
      execution_rate: f(["预算执行率", "执行率", "资金执行率"], "rate", "label-value"),
      annual_goal: prose(f(["项目年度总目标", "年度总目标", "项目年度目标", "年度总体目标", "项目绩效目标", "年度绩效目标"], "text", "label-value")),
      evaluation_date: f(["自评时间", "自评日期", "评价时间", "评价日期"], "date", "label-value"),
      grade: f(["绩效等级", "自评等级", "评价等级", "绩效评级", "自评结果", "评价结果", "绩效评价等级"], "text", "label-value"),
      achievements: prose(f(["主要绩效", "主要成效", "取得的主要绩效", "主要成绩", "项目主要绩效", "取得的成效"], "text", "label-value")),
      problems: prose(f(["主要问题", "存在的主要问题", "存在问题", "存在的问题", "问题及原因"], "text", "label-value")),
      improvements: prose(f(["改进措施", "改进意见", "下一步改进措施", "整改措施", "改进建议", "整改建议"], "text", "label-value")),
    },
    indicatorColumns: {
      level1: f(["一级指标"], "text", "indicator-column"),
      name: f(["指标名称", "二级指标", "三级指标", "具体指标"], "text", "indicator-column"),
      explanation: f(["指标解释", "指标说明", "指标内容"], "text", "indicator-column", false),
      weight: f(["权重", "分值", "满分"], "score", "indicator-column"),
      score: f(["自评分", "得分", "自评得分", "评分"], "score", "indicator-column"),
      note: f(["备注", "说明"], "text", "indicator-column", false),
    },
    minIndicatorHits: 3,
    totalRow: TOTAL_ROW_LABELS,
  },
};

/**
 * Rows that forms add and records do not hold: contact and signature rows, notes. Their label
 * ends a neighbouring value; the row itself is left out (with an `info` flag).
 */
export const NON_RECORD_LABELS: readonly string[] = [
  "项目负责人", "联系电话", "联系人", "电话", "项目属性", "项目类型", "项目类别", "部门负责人",
  "单位负责人", "财务负责人", "填表人", "填报人", "审核人", "复核人", "经办人", "填报日期", "填表日期", "报送日期",
  "自评等级", "评价等级", "填报单位", "填报单位（盖章）", "单位（盖章）", "盖章", "单位负责人签字", "项目负责人签字",
  "说明", "备注", "注", "附注", "项目编码", "项目代码", "项目期限", "项目周期", "实施期限",
];

/**
 * Indicator-table columns that records do not hold (the cells are left out, with an `info` flag).
 * A label that is a field of the form (备注 and 指标解释 on the 项目绩效自评价) is that field.
 */
export const EXTRA_COLUMN_LABELS: readonly string[] = [
  "指标性质", "指标方向", "指标类型", "指标解释", "评分标准", "评分依据", "评分规则", "备注", "计量单位", "指标说明",
  "数据来源", "佐证材料", "指标值类型",
];

/** A unit printed beside a money header or above a table: `（万元）`, `单位：万元`, `金额单位：万元`. */
export const MONEY_UNIT_MARKERS: { readonly [unit in "元" | "万元"]: RegExp } = {
  万元: /[（(]\s*万元\s*[)）]|单位\s*[:：]\s*万元/,
  元: /[（(]\s*元\s*[)）]|单位\s*[:：]\s*元(?!\S*万)/,
};

/**
 * A 万元 marker a scan damaged: 万 in brackets after a money word with 元 lost or misread
 * ("项目资金（万）", "资金（万兀）"), or 万元 ending a money word's label with a bracket or both
 * lost ("整体支出规模万元", "全年预算数（万元"). Nothing else prints so there; it is read as 万元,
 * in doubt.
 */
export const DAMAGED_WANYUAN_MARKER =
  /(?:资金|金额|预算|经费|支出|单位)\s*[:：]?\s*[（(]\s*万\s*[^\s)）元\d]?\s*[)）]|(?:资金|金额|预算数?|经费|支出|规模|执行数|单位)\s*[:：]?\s*(?:[（(]\s*万元|万元\s*[)）]?)$/;

const labelsOf = (cols: { readonly [c: string]: FieldSpec }): Spellings =>
  Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.labels]));

// Views of the model in the shape the row tools take.
export const TITLES: { readonly [kind in RecordKind]: readonly string[] } = {
  project_self_eval: FORM_MODELS.project_self_eval.titles,
  department_self_eval: FORM_MODELS.department_self_eval.titles,
  project_self_assessment: FORM_MODELS.project_self_assessment.titles,
};
export const PROJECT_KV: Spellings = labelsOf(FORM_MODELS.project_self_eval.fields);
export const DEPARTMENT_KV: Spellings = labelsOf(FORM_MODELS.department_self_eval.fields);
export const FUNDS_HEADER: Spellings = labelsOf(FORM_MODELS.project_self_eval.money!.columns);
export const FUNDS_ROWS: Spellings = FORM_MODELS.project_self_eval.money!.rows;
export const SPENDING_HEADER: Spellings = labelsOf(FORM_MODELS.department_self_eval.money!.columns);
export const GOALS_HEADER: { readonly [kind: string]: Spellings } = {
  project_self_eval: { expected: FORM_MODELS.project_self_eval.goals!.expected, actual: FORM_MODELS.project_self_eval.goals!.actual },
  department_self_eval: { expected: FORM_MODELS.department_self_eval.goals!.expected, actual: FORM_MODELS.department_self_eval.goals!.actual },
};
export const INDICATOR_HEADER: { readonly [kind in RecordKind]: Spellings } = {
  project_self_eval: labelsOf(FORM_MODELS.project_self_eval.indicatorColumns),
  department_self_eval: labelsOf(FORM_MODELS.department_self_eval.indicatorColumns),
  project_self_assessment: labelsOf(FORM_MODELS.project_self_assessment.indicatorColumns),
};
export const TOTAL_ROW = TOTAL_ROW_LABELS;
export const ASSESSMENT_LABELS: Spellings = labelsOf(FORM_MODELS.project_self_assessment.fields);

/** Money fields of a kind, as record paths relative to a row or the record. */
export function isMoneyField(kind: RecordKind, field: string): boolean {
  const m = FORM_MODELS[kind];
  return m.money?.columns[field]?.type === "money" || m.fields[field]?.type === "money";
}
