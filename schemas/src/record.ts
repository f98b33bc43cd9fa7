import { z } from "zod";
import { BBox, Unit } from "./page.js";
import type { FlagCode } from "./flagCodes.js";

/** Numbers (money, weights, scores, rates in percent units) or null for an empty cell. */
const Num = z.number().finite().nullable();
const Text = z.string().nullable();

export const FlagSeverity = z.enum(["info", "review"]);
export type FlagSeverity = z.infer<typeof FlagSeverity>;

/**
 * A repair the pipeline made (info) or something a person should look at (review).
 * `path` uses record paths: "indicators[3].name", "funds.total.execution_rate", "indicators",
 * or "" for the whole record. A review flag covers everything under its path.
 */
export const Flag = z.object({
  /**
   * A code of the flag-code table (flagCodes.ts). The record contract leaves codes open, so
   * validation accepts any snake_case code (records from other versions stay readable); the
   * type is the table's, so the pipeline can only raise codes the table describes.
   */
  code: z.string().regex(/^[a-z][a-z0-9_]*$/) as unknown as z.ZodType<FlagCode, string>,
  severity: FlagSeverity,
  path: z.string(),
  message: z.string(),
  /**
   * Every path the flag is about, when one doubt concerns several fields: a merged cell copied
   * into several rows is one flag. `path` is the first of them. Absent for a single path.
   */
  paths: z.array(z.string()).min(2).optional(),
});
export type Flag = z.infer<typeof Flag>;

/** Where one value was read: page number and box (in the page's unit). */
export const Provenance = z.object({
  page: z.number().int().positive(),
  bbox: BBox,
  unit: Unit,
});
export type Provenance = z.infer<typeof Provenance>;

export const Source = z.object({
  /** The input's path relative to what the user named: under a named directory, or the base name of a named file. */
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pages: z.array(z.number().int().positive()),
  /** Field path → where its value was read. */
  provenance: z.record(z.string(), z.array(Provenance)).default({}),
  /** The money unit the form printed; money values are always in 元 (converted from 万元). */
  money_unit: z.enum(["元", "万元"]).default("元"),
  /**
   * Value path → confidence in [0, 1] that the value is right: from the text layer or the OCR
   * engines, checks that confirm it, repairs, and review flags that cover it.
   */
  confidence: z.record(z.string(), z.number().min(0).max(1)).default({}),
});
export type Source = z.infer<typeof Source>;

export const ReviewState = z.object({
  state: z.enum(["pending", "approved", "corrected"]),
  by: z.string().nullable().default(null),
  at: z.string().nullable().default(null),
});
export type ReviewState = z.infer<typeof ReviewState>;

export const ParsedTarget = z.object({
  op: z.enum(["=", ">=", "<=", ">", "<"]).nullable(),
  value: z.number(),
  unit: z.string().nullable(),
});
export type ParsedTarget = z.infer<typeof ParsedTarget>;

const extras = {
  source: Source,
  confidence: z.number().min(0).max(1),
  flags: z.array(Flag),
  review: ReviewState,
};

const indicatorExtras = {
  confidence: z.number().min(0).max(1),
  target_parsed: ParsedTarget.nullable().optional(),
  actual_parsed: ParsedTarget.nullable().optional(),
};

export const FundsRow = z.object({
  initial_budget: Num,
  annual_budget: Num,
  executed: Num,
  weight: Num,
  execution_rate: Num,
  score: Num,
});
export type FundsRow = z.infer<typeof FundsRow>;

export const Total = z.object({ weight: Num, score: Num });

export const ProjectIndicator = z.object({
  level1: Text,
  level2: Text,
  name: Text,
  target: Text,
  actual: Text,
  weight: Num,
  score: Num,
  deviation: Text,
  ...indicatorExtras,
});
export type ProjectIndicator = z.infer<typeof ProjectIndicator>;

export const ProjectSelfEval = z.object({
  kind: z.literal("project_self_eval"),
  fiscal_year: z.number().int().nullable(),
  project_name: Text,
  competent_department: Text,
  implementing_unit: Text,
  funds: z.object({ total: FundsRow, fiscal: FundsRow, carryover: FundsRow, other: FundsRow }),
  goals: z.object({ expected: Text, actual: Text }),
  indicators: z.array(ProjectIndicator),
  total: Total,
  ...extras,
});
export type ProjectSelfEval = z.infer<typeof ProjectSelfEval>;

export const SpendingRow = z.object({ annual_budget: Num, executed: Num, execution_rate: Num });

export const DepartmentIndicator = z.object({
  level1: Text,
  level1_weight: Num,
  level2: Text,
  name: Text,
  target: Text,
  actual: Text,
  weight: Num,
  score: Num,
  deviation: Text,
  ...indicatorExtras,
});
export type DepartmentIndicator = z.infer<typeof DepartmentIndicator>;

export const DepartmentSelfEval = z.object({
  kind: z.literal("department_self_eval"),
  fiscal_year: z.number().int().nullable(),
  department_name: Text,
  subordinate_units: Num,
  spending: z.object({ fiscal: SpendingRow, other: SpendingRow, basic: SpendingRow, project: SpendingRow }),
  goals: z.object({ expected: Text, actual: Text }),
  indicators: z.array(DepartmentIndicator),
  total: Total,
  ...extras,
});
export type DepartmentSelfEval = z.infer<typeof DepartmentSelfEval>;

export const AssessmentIndicator = z.object({
  level1: Text,
  level1_weight: Num,
  name: Text,
  explanation: Text,
  weight: Num,
  score: Num,
  note: Text,
  confidence: z.number().min(0).max(1),
});
export type AssessmentIndicator = z.infer<typeof AssessmentIndicator>;

export const ProjectSelfAssessment = z.object({
  kind: z.literal("project_self_assessment"),
  project_name: Text,
  budget_unit: Text,
  implementing_office: Text,
  recurring: z.boolean().nullable(),
  budget_current_year: Num,
  budget_previous_year: Num,
  executed: Num,
  execution_rate: Num,
  annual_goal: Text,
  evaluation_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  grade: Text,
  achievements: Text,
  problems: Text,
  improvements: Text,
  indicators: z.array(AssessmentIndicator),
  total: Total,
  ...extras,
});
export type ProjectSelfAssessment = z.infer<typeof ProjectSelfAssessment>;

export const RecordKind = z.enum(["project_self_eval", "department_self_eval", "project_self_assessment"]);
export type RecordKind = z.infer<typeof RecordKind>;

export const JxRecord = z.discriminatedUnion("kind", [ProjectSelfEval, DepartmentSelfEval, ProjectSelfAssessment]);
/** One report's record (named JxRecord so that TypeScript's own Record<K, V> stays visible). */
export type JxRecord = z.infer<typeof JxRecord>;

/**
 * One entry of a record's review audit trail, as re-processing replays it: a person's correction
 * of one field (`before` → `after`), an approval of the whole record (`fieldPath` "", before/after
 * null), or an acknowledgement of one review flag (`fieldPath` the flag's path, `flagCode` its
 * code, before/after null). `ordinal` is the record's position in its file; `at` is ISO 8601.
 */
export interface ReviewTrailEntry {
  ordinal: number;
  action: "correct" | "approve" | "acknowledge";
  fieldPath: string;
  /** The acknowledged flag's code (acknowledge only; null otherwise). */
  flagCode?: string | null;
  before: unknown;
  after: unknown;
  reviewer: string;
  at: string;
}
