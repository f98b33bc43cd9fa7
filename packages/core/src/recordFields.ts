import type { RecordKind } from "@jixiao/schemas";
import { FORM_MODELS, type FieldType, type FormModel } from "./forms.js";
import { formatPath, indexOfPath, pathPattern, valueAt } from "./recordPaths.js";

/**
 * The record's value fields as the form model (forms.ts) describes them: every field a person
 * may correct, with its path, the form's own label (the spelling the model lists first, the one
 * the form prints most often), its type on the form and its JSON type in the record. Everything
 * else in a record is derived by the pipeline (kind, source, confidence, flags, review, an
 * indicator's confidence and parsed target/actual) and is not a field here, so not editable.
 * The review server sends this to the page (GET /api/form-model) and checks corrections with it.
 */

/** The JSON type a field's value has in the record (null aside). */
export type ValueKind = "number" | "boolean" | "text";

/** Which part of the form a field belongs to. */
export type FieldSection = "fields" | "funds" | "spending" | "goals" | "indicators" | "total";

export type RecordField = {
  /** Path pattern: "project_name", "funds.total.annual_budget", "indicators[].weight". */
  readonly path: string;
  /** The form's own label (for a grid cell: row label · column label). */
  readonly label: string;
  /** The field's type on the form. */
  readonly type: FieldType;
  /** The JSON type of its value in the record. */
  readonly value: ValueKind;
  readonly section: FieldSection;
};

const VALUE_OF: { readonly [t in FieldType]: ValueKind } = {
  text: "text",
  date: "text",
  money: "number",
  count: "number",
  rate: "number",
  score: "number",
  year: "number",
  yesno: "boolean",
};

/**
 * Record fields the form prints without a label of their own, so the parser's model has no
 * spelling for them: the year (read from the title, 2022年度…) and the 项目绩效自评价's level-1
 * weight (read from its label cell, 产出指标（45分）).
 */
const UNLABELLED = {
  fiscal_year: { label: "年度", type: "year" },
  level1_weight: { label: "一级指标分值", type: "score" },
} as const satisfies { [field: string]: { label: string; type: FieldType } };

const field = (path: string, label: string, type: FieldType, section: FieldSection): RecordField => ({
  path,
  label,
  type,
  value: VALUE_OF[type],
  section,
});

/** The fields of one kind of record, in the order the form prints them. */
function fieldsOf(m: FormModel): RecordField[] {
  const out: RecordField[] = [];
  if (m.kind !== "project_self_assessment") out.push(field("fiscal_year", UNLABELLED.fiscal_year.label, "year", "fields"));
  for (const [key, spec] of Object.entries(m.fields)) out.push(field(key, spec.labels[0]!, spec.type, "fields"));
  if (m.money) {
    for (const [row, rowLabels] of Object.entries(m.money.rows)) {
      for (const [col, spec] of Object.entries(m.money.columns)) {
        out.push(field(`${m.money.path}.${row}.${col}`, `${rowLabels[0]} · ${spec.labels[0]}`, spec.type, m.money.path));
      }
    }
  }
  if (m.goals) {
    out.push(field("goals.expected", m.goals.expected[0]!, "text", "goals"));
    out.push(field("goals.actual", m.goals.actual[0]!, "text", "goals"));
  }
  const columns = { ...m.indicatorColumns };
  for (const [key, spec] of Object.entries(columns)) out.push(field(`indicators[].${key}`, spec.labels[0]!, spec.type, "indicators"));
  if (m.kind === "project_self_assessment" && !("level1_weight" in columns)) {
    // Its level-1 weight sits in the record after level1.
    const at = out.findIndex((f) => f.path === "indicators[].level1") + 1;
    out.splice(at, 0, field("indicators[].level1_weight", UNLABELLED.level1_weight.label, "score", "indicators"));
  }
  const weight = m.indicatorColumns.weight!;
  const score = m.indicatorColumns.score!;
  out.push(field("total.weight", `${m.totalRow[0]} · ${weight.labels[0]}`, weight.type, "total"));
  out.push(field("total.score", `${m.totalRow[0]} · ${score.labels[0]}`, score.type, "total"));
  return out;
}

/** Every kind's value fields (path patterns), in form order. */
export const RECORD_FIELDS: { readonly [kind in RecordKind]: readonly RecordField[] } = {
  project_self_eval: fieldsOf(FORM_MODELS.project_self_eval),
  department_self_eval: fieldsOf(FORM_MODELS.department_self_eval),
  project_self_assessment: fieldsOf(FORM_MODELS.project_self_assessment),
};

const BY_PATH = new Map(
  (Object.entries(RECORD_FIELDS) as [RecordKind, readonly RecordField[]][]).map(([kind, fields]) => [kind, new Map(fields.map((f) => [f.path, f]))]),
);

/** The field of the form model at a concrete path ("indicators[3].score" → indicators[].score), or undefined. */
export function fieldAt(kind: RecordKind, path: string): RecordField | undefined {
  return BY_PATH.get(kind)?.get(pathPattern(path));
}

/** A value field of one record: the model's field at a concrete path, with the record's value. */
export type RecordValue = RecordField & {
  /** The concrete path ("indicators[3].score"). */
  readonly path: string;
  /** The path pattern of the model ("indicators[].score"). */
  readonly field: string;
  /** The indicator row, for indicator fields. */
  readonly row: number | null;
  readonly current: string | number | boolean | null;
};

/** Every value field of a record with its value, in form order (indicator rows expanded). */
export function recordValues(record: { kind: RecordKind; indicators: readonly unknown[] }): RecordValue[] {
  const out: RecordValue[] = [];
  const add = (f: RecordField, path: string) => {
    const at = valueAt(record, path);
    if (!at.found) return;
    const v = at.value;
    if (v !== null && typeof v === "object") return;
    out.push({ ...f, path, field: f.path, row: indexOfPath(path), current: (v ?? null) as RecordValue["current"] });
  };
  const fields = RECORD_FIELDS[record.kind];
  for (const f of fields) if (f.section !== "indicators" && f.section !== "total") add(f, f.path);
  record.indicators.forEach((_, i) => {
    for (const f of fields) if (f.section === "indicators") add(f, formatPath(["indicators", i, f.path.slice("indicators[].".length)]));
  });
  for (const f of fields) if (f.section === "total") add(f, f.path);
  return out;
}

/**
 * Whether a person may correct the value at `path` of a record of this kind: a field of the form
 * model (derived parts — kind, source, confidence, flags, review, an indicator's confidence and
 * parsed target/actual — are not).
 */
export function isEditablePath(kind: RecordKind, path: string): boolean {
  return fieldAt(kind, path) !== undefined;
}
