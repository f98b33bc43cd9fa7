import { JixiaoError, fieldAt, parsePath } from "@jixiao/core";
import type {
  AssessmentIndicator,
  DepartmentIndicator,
  FlagsRow,
  FundsRow,
  FundsTableRow,
  IndicatorsRow,
  ParsedTarget,
  ProjectIndicator,
  JxRecord,
  ReportsRow,
} from "@jixiao/schemas";
import { pagesOf, pagesText } from "./pagesOf.js";
import { reportKey } from "./reportKey.js";

/** The rows one record becomes in the flat tables (reviews are flattened separately). */
export interface FlatRecord {
  reports: ReportsRow;
  funds: FundsTableRow[];
  indicators: IndicatorsRow[];
  flags: FlagsRow[];
}

/** The columns every row of a report starts with. */
export interface ReportKeyColumns {
  report_key: string;
  document_sha256: string;
  file: string;
  ordinal: number;
}

export function keyColumns(record: JxRecord, ordinal: number): ReportKeyColumns {
  return {
    report_key: reportKey(record.source.sha256, ordinal),
    document_sha256: record.source.sha256,
    file: record.source.file,
    ordinal,
  };
}

/** An ISO 8601 instant normalised to UTC ("…Z"); a value that is not one is a bad stored record. */
export function toTimestamp(value: string, what: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new JixiaoError("INVALID_PAYLOAD", `${what}: ${JSON.stringify(value)} is not an ISO 8601 timestamp`);
  return new Date(ms).toISOString();
}

/** A calendar date "YYYY-MM-DD" that exists; anything else is a bad stored record. */
function toDate(value: string, what: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ok = m !== null && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!ok) throw new JixiaoError("INVALID_PAYLOAD", `${what}: ${JSON.stringify(value)} is not a calendar date`);
  return value;
}

/** A count (下属单位个数): a whole number; a fraction (a misread or a mistyped correction) is a bad stored record. */
function toCount(value: number | null, what: string): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0) throw new JixiaoError("INVALID_PAYLOAD", `${what}: ${value} is not a count (a whole number)`);
  return value;
}

/**
 * The fiscal year of a 项目绩效自评价, whose form prints no year: the year before its 自评时间
 * (a self-assessment reviews a fiscal year that has ended: 自评时间 2022-03-10 → 2021).
 */
function assessedFiscalYear(evaluationDate: string | null): number | null {
  return evaluationDate === null ? null : Number(evaluationDate.slice(0, 4)) - 1;
}

const emptyReportFields = {
  fiscal_year: null,
  fiscal_year_source: null,
  project_name: null,
  department_name: null,
  competent_department: null,
  implementing_unit: null,
  budget_unit: null,
  implementing_office: null,
  subordinate_units: null,
  recurring: null,
  budget_current_year: null,
  budget_previous_year: null,
  executed: null,
  execution_rate: null,
  evaluation_date: null,
  grade: null,
  goals_expected: null,
  goals_actual: null,
  annual_goal: null,
  achievements: null,
  problems: null,
  improvements: null,
} satisfies Partial<ReportsRow>;

function kindFields(record: JxRecord, key: string): Partial<ReportsRow> {
  switch (record.kind) {
    case "project_self_eval":
      return {
        fiscal_year: record.fiscal_year,
        fiscal_year_source: record.fiscal_year === null ? null : "form",
        project_name: record.project_name,
        competent_department: record.competent_department,
        implementing_unit: record.implementing_unit,
        goals_expected: record.goals.expected,
        goals_actual: record.goals.actual,
      };
    case "department_self_eval":
      return {
        fiscal_year: record.fiscal_year,
        fiscal_year_source: record.fiscal_year === null ? null : "form",
        department_name: record.department_name,
        subordinate_units: toCount(record.subordinate_units, `${key} subordinate_units`),
        goals_expected: record.goals.expected,
        goals_actual: record.goals.actual,
      };
    case "project_self_assessment": {
      const evaluationDate = record.evaluation_date === null ? null : toDate(record.evaluation_date, `${key} evaluation_date`);
      const fiscalYear = assessedFiscalYear(evaluationDate);
      return {
        fiscal_year: fiscalYear,
        fiscal_year_source: fiscalYear === null ? null : "evaluation_date",
        project_name: record.project_name,
        budget_unit: record.budget_unit,
        implementing_office: record.implementing_office,
        recurring: record.recurring,
        budget_current_year: record.budget_current_year,
        budget_previous_year: record.budget_previous_year,
        executed: record.executed,
        execution_rate: record.execution_rate,
        evaluation_date: evaluationDate,
        grade: record.grade,
        annual_goal: record.annual_goal,
        achievements: record.achievements,
        problems: record.problems,
        improvements: record.improvements,
      };
    }
  }
}

function reportRow(record: JxRecord, keys: ReportKeyColumns): ReportsRow {
  const review = record.review;
  return {
    ...keys,
    kind: record.kind,
    ...emptyReportFields,
    ...kindFields(record, keys.report_key),
    total_weight: record.total.weight,
    total_score: record.total.score,
    confidence: record.confidence,
    indicator_count: record.indicators.length,
    flag_count: record.flags.length,
    review_flag_count: record.flags.filter((f) => f.severity === "review").length,
    pages: pagesText(record.source.pages),
    // Records stored before source.money_unit existed were read from forms in 元.
    money_unit: record.source.money_unit ?? "元",
    review_state: review.state,
    reviewed_by: review.by,
    reviewed_at: review.at === null ? null : toTimestamp(review.at, `${keys.report_key} review.at`),
  };
}

function fundsRows(record: JxRecord, keys: ReportKeyColumns): FundsTableRow[] {
  const row = (section: "funds" | "spending", name: string, r: Partial<FundsRow>): FundsTableRow => ({
    ...keys,
    section,
    row: name,
    initial_budget: r.initial_budget ?? null,
    annual_budget: r.annual_budget ?? null,
    executed: r.executed ?? null,
    weight: r.weight ?? null,
    execution_rate: r.execution_rate ?? null,
    score: r.score ?? null,
    pages: pagesOf(record, `${section}.${name}`),
    review_state: record.review.state,
  });
  switch (record.kind) {
    case "project_self_eval":
      return Object.entries(record.funds).map(([name, r]) => row("funds", name, r));
    case "department_self_eval":
      return Object.entries(record.spending).map(([name, r]) => row("spending", name, r));
    case "project_self_assessment":
      return [];
  }
}

function parsed(p: ParsedTarget | null | undefined): { op: string | null; value: number | null; unit: string | null } {
  return { op: p?.op ?? null, value: p?.value ?? null, unit: p?.unit ?? null };
}

function indicatorRows(record: JxRecord, keys: ReportKeyColumns): IndicatorsRow[] {
  return record.indicators.map((ind, index) => {
    // The kinds' indicator rows share most fields; a field a kind does not have is null.
    const i: Partial<ProjectIndicator & DepartmentIndicator & AssessmentIndicator> = ind;
    const target = parsed(i.target_parsed);
    const actual = parsed(i.actual_parsed);
    return {
      ...keys,
      index,
      level1: i.level1 ?? null,
      level1_weight: i.level1_weight ?? null,
      level2: i.level2 ?? null,
      name: i.name ?? null,
      target: i.target ?? null,
      actual: i.actual ?? null,
      weight: i.weight ?? null,
      score: i.score ?? null,
      deviation: i.deviation ?? null,
      explanation: i.explanation ?? null,
      note: i.note ?? null,
      confidence: ind.confidence,
      target_op: target.op,
      target_value: target.value,
      target_unit: target.unit,
      actual_op: actual.op,
      actual_value: actual.value,
      actual_unit: actual.unit,
      pages: pagesOf(record, `indicators[${index}]`),
      review_state: record.review.state,
    };
  });
}

/** Parts of a path that name a row of a table below the report: indicators[3], funds.total, spending.fiscal. */
const ROW_PREFIX_KEYS: { readonly [top: string]: number } = { indicators: 2, funds: 2, spending: 2 };

/**
 * Where a flag's path points in the flat tables: the indicator row it lies in, and the column of
 * the value it names in its row (indicators[3].score → 3, "score"; funds.total.executed → null,
 * "executed"; total.score → null, "total_score"). A path that names no value field of the form
 * model (a whole row, a list, the report, a derived part) has no field.
 */
export function flagTarget(record: JxRecord, path: string): { indicator_index: number | null; field: string | null } {
  const keys = parsePath(path);
  if (!keys || keys.length === 0) return { indicator_index: null, field: null };
  const indicator_index = keys[0] === "indicators" && typeof keys[1] === "number" ? keys[1] : null;
  if (!fieldAt(record.kind, path)) return { indicator_index, field: null };
  return { indicator_index, field: keys.slice(ROW_PREFIX_KEYS[keys[0] as string] ?? 0).join("_") };
}

function flagRows(record: JxRecord, keys: ReportKeyColumns): FlagsRow[] {
  return record.flags.map((flag, index) => ({
    ...keys,
    index,
    code: flag.code,
    severity: flag.severity,
    path: flag.path,
    paths: flag.paths ? flag.paths.join("|") : null,
    ...flagTarget(record, flag.path),
    message: flag.message,
    pages: pagesOf(record, flag.path),
    review_state: record.review.state,
  }));
}

/**
 * One record as rows of the flat tables. `ordinal` is the record's position in its file
 * (0-based), which makes its stable key "<sha256>:<ordinal>".
 */
export function flattenRecord(record: JxRecord, ordinal: number): FlatRecord {
  const keys = keyColumns(record, ordinal);
  return {
    reports: reportRow(record, keys),
    funds: fundsRows(record, keys),
    indicators: indicatorRows(record, keys),
    flags: flagRows(record, keys),
  };
}
