import { z } from "zod";

/**
 * The flat tables of the warehouse export (`jixiao export`), defined once. The zod row schemas,
 * the published JSON Schema (`table_<name>.schema.json`), the CSV header and the Parquet column
 * types are all derived from these column specs, so they cannot drift apart.
 */

/** Bump when a table gains, loses, renames or retypes a column. */
export const EXPORT_SCHEMA_VERSION = 3;

export const ExportFormat = z.enum(["jsonl", "csv", "parquet"]);
export type ExportFormat = z.infer<typeof ExportFormat>;

/**
 * How CSV files are written. `warehouse` (the default): the exact text, no byte order mark, for
 * loaders (DuckDB, PostgreSQL COPY, BigQuery). `spreadsheet`: a UTF-8 byte order mark (so Excel
 * reads UTF-8) and text cells that would start a formula prefixed with a single quote.
 */
export const CsvPreset = z.enum(["warehouse", "spreadsheet"]);
export type CsvPreset = z.infer<typeof CsvPreset>;

/**
 * Logical column types. In row objects (and jsonl): string, number, boolean; `date` is
 * "YYYY-MM-DD" and `timestamp` an ISO 8601 UTC instant ("2024-05-01T08:30:00.000Z").
 * Parquet: UTF8 string, DOUBLE, INT32, BOOLEAN, DATE, TIMESTAMP (millis, UTC).
 */
export const ColumnType = z.enum(["string", "double", "int", "bool", "date", "timestamp"]);
export type ColumnType = z.infer<typeof ColumnType>;

export interface ColumnSpec<N extends string = string, T extends ColumnType = ColumnType, Nu extends boolean = boolean> {
  readonly name: N;
  readonly type: T;
  readonly nullable: Nu;
  readonly description: string;
}

export interface TableSpec<C extends readonly ColumnSpec[] = readonly ColumnSpec[]> {
  readonly name: string;
  readonly description: string;
  readonly columns: C;
  /** The columns that identify a row (schema.sql's PRIMARY KEY). */
  readonly primaryKey: readonly C[number]["name"][];
}

type ValueOf<T extends ColumnType> = T extends "double" | "int" ? number : T extends "bool" ? boolean : string;

/** The row object type of a table: one key per column, null allowed where the column is nullable. */
export type RowOf<C extends readonly ColumnSpec[]> = {
  [K in C[number] as K["name"]]: ValueOf<K["type"]> | (K["nullable"] extends true ? null : never);
};

function col<const N extends string, const T extends ColumnType, const Nu extends boolean>(
  name: N,
  type: T,
  nullable: Nu,
  description: string,
): ColumnSpec<N, T, Nu> {
  return { name, type, nullable, description };
}

/** Every row names its report the same way. */
const keyColumns = [
  col("report_key", "string", false, 'Stable key of the report: "<document_sha256>:<ordinal>".'),
  col("document_sha256", "string", false, "SHA-256 of the input file the report was read from."),
  col("file", "string", false, "Input file: its path relative to the directory or file named when it was processed (a/report.pdf)."),
  col("ordinal", "int", false, "Position of the report in its file (0-based); stable across re-processing."),
] as const;

const reviewStateColumn = col(
  "review_state",
  "string",
  false,
  "Review state of the report: pending, approved or corrected.",
);

function pagesColumn(what: string) {
  return col("pages", "string", true, `Pages ${what} was read from, ascending, comma-separated ("1,2"); null when unknown.`);
}

const reports = {
  name: "reports",
  description: "One row per report (record). Columns of the three record kinds are nullable; a kind leaves the others' columns null.",
  columns: [
    ...keyColumns,
    col("kind", "string", false, "project_self_eval, department_self_eval or project_self_assessment."),
    col(
      "fiscal_year",
      "int",
      true,
      "Fiscal year the report is about: as printed near the title (project_self_eval, department_self_eval); for project_self_assessment, whose form prints no year, the year before 自评时间 (a self-assessment reviews a year that has ended). fiscal_year_source says which.",
    ),
    col(
      "fiscal_year_source",
      "string",
      true,
      "Where fiscal_year comes from: form (printed on the form) or evaluation_date (the year before 自评时间); null when fiscal_year is null.",
    ),
    col("project_name", "string", true, "项目名称."),
    col("department_name", "string", true, "部门名称 (department_self_eval)."),
    col("competent_department", "string", true, "主管部门 (project_self_eval)."),
    col("implementing_unit", "string", true, "实施单位 (project_self_eval)."),
    col("budget_unit", "string", true, "预算单位 (project_self_assessment)."),
    col("implementing_office", "string", true, "具体实施处（科室） (project_self_assessment)."),
    col("subordinate_units", "int", true, "下属单位个数 (department_self_eval), a count."),
    col("recurring", "bool", true, "是否为经常性项目 (project_self_assessment)."),
    col("budget_current_year", "double", true, "当年预算数, yuan (project_self_assessment)."),
    col("budget_previous_year", "double", true, "上年预算金额, yuan (project_self_assessment)."),
    col("executed", "double", true, "预算执行数, yuan (project_self_assessment)."),
    col("execution_rate", "double", true, "预算执行率, percent (project_self_assessment)."),
    col("evaluation_date", "date", true, "自评时间 (project_self_assessment)."),
    col("grade", "string", true, "绩效等级 (project_self_assessment)."),
    col("goals_expected", "string", true, "预期目标 / 年初设定目标."),
    col("goals_actual", "string", true, "实际完成情况 / 全年完成情况."),
    col("annual_goal", "string", true, "项目年度总目标 (project_self_assessment)."),
    col("achievements", "string", true, "主要绩效 (project_self_assessment)."),
    col("problems", "string", true, "主要问题 (project_self_assessment)."),
    col("improvements", "string", true, "改进措施 (project_self_assessment)."),
    col("total_weight", "double", true, "总分 / 合计 row: weight."),
    col("total_score", "double", true, "总分 / 合计 row: score."),
    col("confidence", "double", false, "Confidence of the record, in [0, 1]."),
    col("indicator_count", "int", false, "Number of indicator rows of the report."),
    col("flag_count", "int", false, "Number of flags of the report."),
    col("review_flag_count", "int", false, "Number of flags of severity review."),
    col("pages", "string", false, 'Pages the report came from, ascending, comma-separated ("1,2").'),
    col("money_unit", "string", false, "Money unit the form printed: 元 or 万元 (money columns are always in 元)."),
    reviewStateColumn,
    col("reviewed_by", "string", true, "Who approved or corrected the report."),
    col("reviewed_at", "timestamp", true, "When the report was approved or corrected (UTC)."),
  ],
  primaryKey: ["report_key"],
} as const satisfies TableSpec;

const funds = {
  name: "funds",
  description:
    "One row per funds row (project_self_eval: section funds, rows total/fiscal/carryover/other) or spending row (department_self_eval: section spending, rows fiscal/other/basic/project).",
  columns: [
    ...keyColumns,
    col("section", "string", false, "funds or spending."),
    col("row", "string", false, "total, fiscal, carryover, other (funds); fiscal, other, basic, project (spending)."),
    col("initial_budget", "double", true, "年初预算数, yuan (funds only)."),
    col("annual_budget", "double", true, "全年预算数, yuan."),
    col("executed", "double", true, "全年执行数, yuan."),
    col("weight", "double", true, "分值 (funds only)."),
    col("execution_rate", "double", true, "执行率, percent."),
    col("score", "double", true, "得分 (funds only)."),
    pagesColumn("the row"),
    reviewStateColumn,
  ],
  primaryKey: ["report_key", "section", "row"],
} as const satisfies TableSpec;

const indicators = {
  name: "indicators",
  description: "One row per indicator row of a report, in document order. Fields a kind does not have are null.",
  columns: [
    ...keyColumns,
    col("index", "int", false, "Position of the indicator in the report (0-based), as in the path indicators[index]."),
    col("level1", "string", true, "一级指标."),
    col("level1_weight", "double", true, "Weight of the level-1 block (department_self_eval, project_self_assessment)."),
    col("level2", "string", true, "二级指标 (project_self_eval, department_self_eval)."),
    col("name", "string", true, "三级指标 / 指标名称."),
    col("target", "string", true, "年度指标值, as printed."),
    col("actual", "string", true, "实际完成值 / 全年完成值, as printed."),
    col("weight", "double", true, "分值 / 权重."),
    col("score", "double", true, "得分 / 自评分."),
    col("deviation", "string", true, "偏差原因分析及改进措施."),
    col("explanation", "string", true, "指标解释 (project_self_assessment)."),
    col("note", "string", true, "备注 (project_self_assessment)."),
    col("confidence", "double", false, "Confidence of the row, in [0, 1]."),
    col("target_op", "string", true, "Parsed target: comparison (=, >=, <=, >, <)."),
    col("target_value", "double", true, "Parsed target: number."),
    col("target_unit", "string", true, "Parsed target: unit."),
    col("actual_op", "string", true, "Parsed actual: comparison."),
    col("actual_value", "double", true, "Parsed actual: number."),
    col("actual_unit", "string", true, "Parsed actual: unit."),
    pagesColumn("the row"),
    reviewStateColumn,
  ],
  primaryKey: ["report_key", "index"],
} as const satisfies TableSpec;

const flags = {
  name: "flags",
  description: "One row per flag of a report: a repair the pipeline made (info) or something a person should look at (review).",
  columns: [
    ...keyColumns,
    col("index", "int", false, "Position of the flag in the report's flags (0-based)."),
    col("code", "string", false, "Flag code (snake_case)."),
    col("severity", "string", false, "info or review."),
    col("path", "string", false, 'Record path the flag is about ("indicators[3].name", "funds.total", "" for the whole report).'),
    col("paths", "string", true, 'Every path, joined with "|", when one doubt concerns several fields (a merged cell copied into rows); null otherwise.'),
    col(
      "indicator_index",
      "int",
      true,
      'The indicator row path lies in (indicators[3].name → 3): joins the indicators row of the same report_key and index; null when path is not in an indicator row.',
    ),
    col(
      "field",
      "string",
      true,
      'The column of the value path names, in the row it lies in: the indicators row (indicators[3].name → name), the funds row of path (funds.total.executed → executed), else the reports row (project_name, total.score → total_score, goals.actual → goals_actual); null when path names a whole row, a list or the report.',
    ),
    col("message", "string", false, "Human-readable explanation."),
    pagesColumn("what the flag is about"),
    reviewStateColumn,
  ],
  primaryKey: ["report_key", "index"],
} as const satisfies TableSpec;

const reviews = {
  name: "reviews",
  description: "The review audit trail: one row per correction or approval of an exported report.",
  columns: [
    col("review_id", "int", false, "Id of the audit-trail entry."),
    ...keyColumns,
    col("action", "string", false, "correct, approve (the whole report) or acknowledge (one review flag)."),
    col("field_path", "string", false, 'Corrected field path ("indicators[3].score"), the acknowledged flag\'s path; "" for an approval of the whole report.'),
    col("flag_code", "string", true, "Code of the acknowledged review flag (acknowledge); null otherwise."),
    col("before", "string", true, "Corrected value before, as JSON text (\"null\" for a null value); null for an approval or acknowledgement."),
    col("after", "string", true, "Corrected value after, as JSON text (\"null\" for a null value); null for an approval or acknowledgement."),
    col("reviewer", "string", false, "Who reviewed."),
    col("at", "timestamp", false, "When (UTC)."),
    pagesColumn("the reviewed field"),
    col("review_state", "string", false, "Current review state of the report: pending, approved or corrected."),
  ],
  primaryKey: ["review_id"],
} as const satisfies TableSpec;

/** The tables, in the order they are written. */
export const exportTables = { reports, funds, indicators, flags, reviews } as const;
export type ExportTableName = keyof typeof exportTables;
export const exportTableNames = Object.keys(exportTables) as ExportTableName[];

function zodOf(column: ColumnSpec): z.ZodType {
  const base: z.ZodType = (() => {
    switch (column.type) {
      case "string":
        return z.string();
      case "double":
        return z.number();
      case "int":
        return z.int32();
      case "bool":
        return z.boolean();
      case "date":
        return z.iso.date();
      case "timestamp":
        return z.iso.datetime();
    }
  })();
  return (column.nullable ? base.nullable() : base).meta({ description: column.description });
}

/** The zod schema of one table's rows (strict: a key that is not a column is an error). */
export function tableRowSchema<C extends readonly ColumnSpec[]>(table: TableSpec<C>): z.ZodType<RowOf<C>> {
  const shape: { [name: string]: z.ZodType } = {};
  for (const column of table.columns) shape[column.name] = zodOf(column);
  return z.strictObject(shape).meta({ title: table.name, description: table.description }) as unknown as z.ZodType<RowOf<C>>;
}

export const ReportsRow = tableRowSchema(reports);
export type ReportsRow = z.infer<typeof ReportsRow>;
export const FundsTableRow = tableRowSchema(funds);
export type FundsTableRow = z.infer<typeof FundsTableRow>;
export const IndicatorsRow = tableRowSchema(indicators);
export type IndicatorsRow = z.infer<typeof IndicatorsRow>;
export const FlagsRow = tableRowSchema(flags);
export type FlagsRow = z.infer<typeof FlagsRow>;
export const ReviewsRow = tableRowSchema(reviews);
export type ReviewsRow = z.infer<typeof ReviewsRow>;

/** Row schema and row type by table name. */
export const exportRowSchemas = {
  reports: ReportsRow,
  funds: FundsTableRow,
  indicators: IndicatorsRow,
  flags: FlagsRow,
  reviews: ReviewsRow,
} as const;
export type ExportRow<T extends ExportTableName> = z.infer<(typeof exportRowSchemas)[T]>;

/** manifest.json, written last into an export directory. */
export const ExportManifest = z
  .object({
    schema_version: z.int().meta({ description: "Version of the table definitions (EXPORT_SCHEMA_VERSION)." }),
    format: ExportFormat,
    created_at: z.iso.datetime(),
    approved_only: z.boolean().meta({ description: "Only reports with no open review were exported." }),
    report_key: z.string().meta({ description: "How report_key is made." }),
    records: z.int().min(0).meta({ description: "Number of reports exported." }),
    records_file: z.string().nullable().meta({ description: "Full records, one per line (jsonl format only)." }),
    schema_sql: z.string().meta({ description: "File name of the tables' DDL (CREATE TABLE for PostgreSQL and DuckDB), written next to the tables." }),
    tables: z.array(
      z.object({
        name: z.string(),
        file: z.string(),
        rows: z.int().min(0),
        json_schema: z.string().meta({ description: "File name of the table's JSON Schema, written next to the tables (the same as in schemas/json)." }),
        columns: z.array(z.object({ name: z.string(), type: ColumnType, nullable: z.boolean() })),
      }),
    ),
    csv: z
      .object({
        preset: CsvPreset,
        encoding: z.literal("utf-8"),
        bom: z.boolean(),
        delimiter: z.literal(","),
        record_delimiter: z.literal("\r\n"),
        header: z.literal(true),
        null: z.string().meta({ description: "How null is written: an empty, unquoted field." }),
        text_prefix: z
          .string()
          .nullable()
          .meta({ description: "Prefix put before text cells that start with = + - @ tab or CR (spreadsheet preset); null: text is written exactly." }),
      })
      .nullable(),
  })
  .meta({ title: "export manifest" });
export type ExportManifest = z.infer<typeof ExportManifest>;
