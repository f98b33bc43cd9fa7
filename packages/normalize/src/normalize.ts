import { compact, similarity, cleanText, readMoney, readRate, parseTarget, JixiaoError, indexOfPath, isUnderPath, matchLabel } from "@jixiao/core";
import type { Reconstruction, Row, RowCell } from "@jixiao/layout";
import { JxRecord as RecordSchema, type JxRecord, type RecordKind, type Flag } from "@jixiao/schemas";
import { TITLES, INDICATOR_HEADER, FUNDS_HEADER, DEPARTMENT_KV, FORM_MODELS, MONEY_UNIT_MARKERS, DAMAGED_WANYUAN_MARKER, type FieldSpec } from "./forms.js";
import { RecordBuilder, type NormalizeOptions } from "./RecordBuilder.js";
import { parseTabular, type TabularValues } from "./parseTabular.js";
import { parseAssessment } from "./parseAssessment.js";
import { checkFundsColumns, runChecks } from "./checks.js";
import { settleDisputedNumbers } from "./settleDisputedNumbers.js";
import { checkInputOf } from "./checkInput.js";
import { cellsOf, headerColumns } from "./rowTools.js";
import { fieldConfidences, flagDoubtfulRows, mergeSameCellFlags, recordConfidence } from "./fieldConfidence.js";

export type NormalizeResult = { records: JxRecord[]; issues: { code: string; message: string }[] };

/** Which form a title row names, with its similarity; null when the row is not a title. */
export function titleKind(row: Row): RecordKind | null {
  const t = compact(row.cells.map((c) => c.text).join(""))
    .replace(/[《》#*“”"]/g, "")
    // Specks OCR read as punctuation before the title ("，项自绩效自评价").
    .replace(/^[\p{P}\p{S}]+/u, "")
    .replace(/^(附件|附表|表)\s*[\d一二三四五六七八九十]+(-\d+)?[:：.、]?/, "")
    .replace(/^\d{4}年度?/, "")
    .replace(/[（(][^（）()]*[)）]$/, "");
  if (!t || t.length > 24) return null;
  let best: RecordKind | null = null;
  let bestScore = 0.8;
  for (const [kind, titles] of Object.entries(TITLES) as [RecordKind, readonly string[]][]) {
    for (const title of titles) {
      const s = similarity(t, title);
      if (s >= bestScore) {
        best = kind;
        bestScore = s;
      }
    }
  }
  return best;
}

/**
 * How many label–value captions of the 项目绩效自评价 a row holds ("项目名称：…  预算单位：…"):
 * two on one line are that form's opening lines, which no other form prints.
 */
function assessmentCaptions(row: Row): number {
  const text = compact(row.cells.map((c) => c.text).join(""));
  return Object.values(FORM_MODELS.project_self_assessment.fields).filter((spec) => spec.labels.some((l) => text.includes(`${compact(l)}:`))).length;
}

/** Guesses the form from its headers when no title was found. */
function kindFromHeaders(rows: readonly Row[]): RecordKind | null {
  const votes: { [k in RecordKind]: number } = { project_self_eval: 0, department_self_eval: 0, project_self_assessment: 0 };
  for (const row of rows) {
    if (headerColumns(row, FUNDS_HEADER, 4)) votes.project_self_eval += 2;
    if (headerColumns(row, DEPARTMENT_KV, 2)) votes.department_self_eval += 2;
    if (headerColumns(row, INDICATOR_HEADER.department_self_eval!, 8)) votes.department_self_eval += 1;
    if (headerColumns(row, INDICATOR_HEADER.project_self_assessment!, 4)) votes.project_self_assessment += 2;
    if (assessmentCaptions(row) >= 2) votes.project_self_assessment += 1;
  }
  const [kind, n] = (Object.entries(votes) as [RecordKind, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return n >= 2 ? kind : null;
}

/**
 * Splits a document's rows into reports: each report starts at a form title. A 项目绩效自评价
 * whose title was not read (OCR garbled it) still starts a report at its opening caption line
 * inside a report of another form; `untitled` marks it.
 */
export function splitReports(rows: readonly Row[]): { kind: RecordKind; rows: Row[]; untitled?: boolean }[] {
  const reports: { kind: RecordKind; rows: Row[]; untitled?: boolean }[] = [];
  let current: { kind: RecordKind; rows: Row[]; untitled?: boolean } | null = null;
  const preamble: Row[] = [];
  for (const row of rows) {
    const kind = titleKind(row);
    if (kind) {
      current = { kind, rows: [row] };
      reports.push(current);
    } else if (current && current.kind !== "project_self_assessment" && row.source === "text" && assessmentCaptions(row) >= 2) {
      current = { kind: "project_self_assessment", rows: [row], untitled: true };
      reports.push(current);
    } else if (current) current.rows.push(row);
    else preamble.push(row);
  }
  if (!reports.length) {
    const kind = kindFromHeaders(preamble);
    if (kind) reports.push({ kind, rows: preamble });
  }
  return reports;
}

/**
 * Turns a reconstructed document into records: one per report, values typed per the record
 * format, checks as flags, confidence and provenance on everything.
 */
export function normalize(
  recon: Reconstruction,
  meta: { file: string; sha256: string },
  options: NormalizeOptions = {},
): NormalizeResult {
  const issues: { code: string; message: string }[] = [];
  const records: JxRecord[] = [];
  const spansKnown = recon.unit !== "grid";
  for (const report of splitReports(recon.rows)) {
    const b = new RecordBuilder(options);
    const unit = moneyUnitOf(report.kind, report.rows, b);
    b.moneyUnit = unit;
    let record: Omit<JxRecord, "source" | "confidence" | "flags" | "review">;
    let confirmed: Set<string>;
    if (report.kind === "project_self_assessment") {
      ({ record, confirmed } = buildAssessment(report.rows, b, spansKnown));
    } else {
      ({ record, confirmed } = buildTabular(report.kind, report.rows, b, spansKnown));
    }
    b.flagMoneyUnit();
    if (report.untitled) {
      b.flag("title_not_read", "review", "kind", "no form title was read: the report's kind comes from its opening label lines");
    }
    b.flagLowConfidence(confirmed);
    const pages = new Set(report.rows.flatMap((r) => r.pages));
    const furniture = (recon.furniture ?? []).filter((f) => pages.has(f.page));
    if (furniture.length) {
      const shown = furniture.slice(0, 3).map((f) => `"${f.text}"`).join(", ");
      b.flag("page_furniture", "info", "", `${furniture.length} page header/footer line(s) left out (${shown})`);
    }
    const full = finish(record, b, { ...meta, moneyUnit: unit }, report.rows, confirmed, options);
    const parsed = RecordSchema.safeParse(full);
    if (!parsed.success) {
      issues.push({ code: "INVALID_RECORD", message: `${meta.file}: a ${report.kind} record failed validation: ${parsed.error.message}` });
      continue;
    }
    records.push(parsed.data);
  }
  if (!records.length) {
    throw new JixiaoError("NO_FORM_FOUND", `${meta.file}: no performance self-evaluation form was recognised`, { file: meta.file });
  }
  return { records, issues };
}

/**
 * The unit a report prints its amounts in: a 万元 marker (`项目资金（万元）`, `单位：万元`) above the
 * indicator table makes it 万元; none makes it 元. Indicator texts are not read for it (an
 * indicator may well be counted in 万元). Markers of both units give a review flag on the money.
 */
export function moneyUnitOf(kind: RecordKind, rows: readonly Row[], b: RecordBuilder): "元" | "万元" {
  const model = FORM_MODELS[kind];
  const indHeader = INDICATOR_HEADER[kind];
  const seen = { 元: [] as RowCell[], 万元: [] as RowCell[] };
  const damaged: RowCell[] = [];
  for (const row of rows) {
    if (headerColumns(row, indHeader, Math.min(3, model.minIndicatorHits))) break;
    const cells = cellsOf(row, false);
    cells.forEach((cell, i) => {
      let t = compact(cell.text);
      // "单位：万元" read as two pieces ("单位" | "万元": the colon lost, or the gap after it
      // taken for a column break) is the same marker.
      const next = cells[i + 1];
      if (/单位[:：]?$/.test(t) && next && /^[:：]?万?元$/.test(compact(next.text))) t = `${t.replace(/[:：]$/, "")}：${compact(next.text).replace(/^[:：]/, "")}`;
      if (MONEY_UNIT_MARKERS.万元.test(t)) seen.万元.push(cell);
      else if (MONEY_UNIT_MARKERS.元.test(t)) seen.元.push(cell);
      else if (DAMAGED_WANYUAN_MARKER.test(t)) damaged.push(cell);
    });
  }
  if (!seen.万元.length && !seen.元.length && damaged[0]) {
    b.track("source.money_unit", damaged);
    b.doubtUnitMarker(compact(damaged[0].text));
    return "万元";
  }
  if (!seen.万元.length) {
    b.moneyUnitPrinted = seen.元.length > 0;
    return "元";
  }
  b.track("source.money_unit", seen.万元);
  if (seen.元.length) {
    const path = model.money ? model.money.path : "";
    b.flag("money_unit_mixed", "review", path || "budget_current_year", "the form prints amounts both in 元 and in 万元; they were read as 万元");
  }
  return "万元";
}

/** Review flags that say an indicator row may be misplaced, joined, cut or left out. */
const ROW_DOUBTS: ReadonlySet<string> = new Set([
  "row_out_of_line", "extra_cells_joined", "name_joined_across_ruling", "unpaired_text", "cell_position_guessed", "missing_name", "missing_level1", "row_joined_across_pages", "layout_from_alignment",
]);

/**
 * Whether every row of the indicator table is accounted for, so that a failed sum means a
 * misread number and not a row lost: the table was placed by its rulings, no row of it was left
 * out empty, every row read a name and one number of its own (a weight or a score: two rows a
 * lost ruling joined would hold two numbers in each, which read as none), and no flag doubts a
 * row's place or extent.
 */
function rowsComplete(b: RecordBuilder, v: TabularValues, indicators: readonly { name: string | null; weight: number | null; score: number | null }[]): boolean {
  return (
    v.found.indicators &&
    !v.fromText.has("indicators") &&
    v.emptyIndicatorRows === 0 &&
    indicators.length > 0 &&
    indicators.every((i) => i.name !== null && (i.weight !== null || i.score !== null)) &&
    !b.flags.some((f) => ROW_DOUBTS.has(f.code) && isUnderPath(f.path, "indicators"))
  );
}

function emptyFunds() {
  return { initial_budget: null, annual_budget: null, executed: null, weight: null, execution_rate: null, score: null };
}

function buildTabular(kind: "project_self_eval" | "department_self_eval", rows: Row[], b: RecordBuilder, spansKnown: boolean) {
  const v = parseTabular(kind, rows, b, spansKnown);
  for (const [part, found] of Object.entries(v.found)) {
    if (!found) b.flag(`missing_${part as keyof typeof v.found}`, "review", part === "money" ? (kind === "project_self_eval" ? "funds" : "spending") : part === "indicators" ? "indicators" : part, `the ${part} part of the form was not found`);
  }
  if (spansKnown) {
    const paths = { money: kind === "project_self_eval" ? "funds" : "spending", goals: "goals", indicators: "indicators" };
    for (const part of v.fromText) {
      b.flag("layout_from_alignment", "review", paths[part], `the ${part} table has no ruling lines; its cells were placed by text alignment`);
    }
  }
  flagMissing(b, kind, v);
  splitGluedLabels(b, kind, v.kv);
  flagTitleInValues(b, v.kv);
  const anyKv = Object.values(v.kv).some((x) => x !== null && x !== undefined);
  if (!v.found.money && !v.found.indicators && !anyKv) {
    // Only a title: a piece of another page (columns printed on a page of their own), or a form
    // of another kind. Everything of it is in doubt, its kind and its boundary too.
    b.flag("record_unreliable", "review", "", "no label–value, money or indicator part was read under this title: the record's kind and extent are in doubt");
  }
  const indicators = v.indicators.map((ind) => ({
    ...ind,
    confidence: 1,
    target_parsed: parseTarget(ind.target),
    actual_parsed: parseTarget(ind.actual),
  }));
  indicators.forEach((ind, k) => {
    flagImplausiblePercent(b, `indicators[${k}]`, ind.target_parsed, ind.actual_parsed);
    flagLostPercent(b, `indicators[${k}]`, ind.target_parsed, ind.actual_parsed);
  });
  flagLoneOperators(b, indicators);
  flagNamesOutOfLine(b, indicators);
  let confirmed: Set<string>;
  let record;
  if (kind === "project_self_eval") {
    const funds = {
      total: { ...emptyFunds(), ...v.money.total },
      fiscal: { ...emptyFunds(), ...v.money.fiscal },
      carryover: { ...emptyFunds(), ...v.money.carryover },
      other: { ...emptyFunds(), ...v.money.other },
    };
    for (const k of ["total", "fiscal", "carryover", "other"]) if (!v.money[k]) b.flag("missing_funds_row", "review", `funds.${k}`, `funds row "${k}" not found`);
    settleDisputedNumbers(b, { kind, funds, indicators, total: v.total });
    // The funds grid's column sums first: an amount they confirm is not doubted by a failed rate.
    const fundsConfirmed = new Set<string>();
    checkFundsColumns(b, funds, fundsConfirmed);
    const implied = new Map<string, number>();
    confirmed = runChecks(b, checkInputOf({ kind, funds, indicators, total: v.total }), { known: fundsConfirmed, rowsComplete: rowsComplete(b, v, indicators), implied });
    takeImplied(indicators, implied);
    flagInferredRows(b, v.inferredRows, "funds", confirmed);
    flagGuessedTotal(b, v, confirmed);
    record = {
      kind,
      fiscal_year: v.fiscal_year,
      project_name: (v.kv.project_name as string | null) ?? null,
      competent_department: (v.kv.competent_department as string | null) ?? null,
      implementing_unit: (v.kv.implementing_unit as string | null) ?? null,
      funds,
      goals: v.goals,
      indicators: indicators.map((i) => ({
        level1: i.level1, level2: i.level2 ?? null, name: i.name, target: i.target, actual: i.actual,
        weight: i.weight, score: i.score, deviation: i.deviation,
        confidence: i.confidence, target_parsed: i.target_parsed, actual_parsed: i.actual_parsed,
      })),
      total: v.total,
    };
  } else {
    const empty = { annual_budget: null, executed: null, execution_rate: null };
    const spending = {
      fiscal: { ...empty, ...v.money.fiscal },
      other: { ...empty, ...v.money.other },
      basic: { ...empty, ...v.money.basic },
      project: { ...empty, ...v.money.project },
    };
    for (const k of Object.keys(spending)) if (!v.money[k]) b.flag("missing_spending_row", "review", `spending.${k}`, `spending row "${k}" not found`);
    settleDisputedNumbers(b, { kind, spending, indicators, total: v.total });
    const implied = new Map<string, number>();
    confirmed = runChecks(b, checkInputOf({ kind, spending, indicators, total: v.total }), { rowsComplete: rowsComplete(b, v, indicators), implied });
    takeImplied(indicators, implied);
    flagInferredRows(b, v.inferredRows, "spending", confirmed);
    flagGuessedTotal(b, v, confirmed);
    record = {
      kind,
      fiscal_year: v.fiscal_year,
      department_name: (v.kv.department_name as string | null) ?? null,
      subordinate_units: (v.kv.subordinate_units as number | null) ?? null,
      spending,
      goals: v.goals,
      indicators: indicators.map((i) => ({
        level1: i.level1, level1_weight: i.level1_weight ?? null, level2: i.level2 ?? null, name: i.name,
        target: i.target, actual: i.actual, weight: i.weight, score: i.score, deviation: i.deviation,
        confidence: i.confidence, target_parsed: i.target_parsed, actual_parsed: i.actual_parsed,
      })),
      total: v.total,
    };
  }
  return { record: record as unknown as Omit<JxRecord, "source" | "confidence" | "flags" | "review">, confirmed };
}

/**
 * Review flags for what the form model says every form has and this page did not show: a
 * label–value field, the fiscal year, a money column or an indicator column (one flag per value
 * it leaves empty).
 */
/**
 * A name or unit that reads as the form's title ("整体支出绩效自评表》" for 部门名称): the title
 * line, or a piece of it, was taken for the field's value. In doubt.
 */
function flagTitleInValues(b: RecordBuilder, kv: TabularValues["kv"]): void {
  for (const [field, value] of Object.entries(kv)) {
    if (typeof value === "string" && /自评(?:价)?(?:情况)?表|绩效自评/.test(compact(value))) {
      b.flag("value_out_of_place", "review", field, `"${value}" reads as the form's title, not a ${field.replace(/_/g, " ")}: the title may have been taken for this field`);
    }
  }
}

function flagMissing(b: RecordBuilder, kind: "project_self_eval" | "department_self_eval", v: TabularValues): void {
  const model = FORM_MODELS[kind];
  for (const [field, spec] of Object.entries(model.fields)) {
    if (spec.required && (v.kv[field] === undefined || v.kv[field] === null)) {
      b.flag("missing_field", "review", field, `"${spec.labels[0]}" was not found on the form`);
    }
  }
  if (v.fiscal_year === null) b.flag("missing_field", "review", "fiscal_year", "the fiscal year was not found near the title");
  // Goals found, but one of the two texts not: its caption or column was not recognised.
  if (v.found.goals) {
    for (const g of ["expected", "actual"] as const) {
      if (v.goals[g] === null) b.flag("missing_field", "review", `goals.${g}`, `the ${g} goal text was not found`);
    }
  }
  const grid = model.money!;
  for (const col of v.missingColumns.money) {
    for (const row of Object.keys(v.money)) {
      b.flag("missing_column", "review", `${grid.path}.${row}.${col}`, `the "${grid.columns[col]!.labels[0]}" column was not found`);
    }
  }
  for (const col of v.missingColumns.indicators) {
    v.indicators.forEach((_, k) => {
      b.flag("missing_column", "review", `indicators[${k}].${col}`, `the "${model.indicatorColumns[col]!.labels[0]}" column was not found`);
    });
  }
}

/** A total row taken by its shape is certain enough when both sums confirm it. */
/**
 * Takes the weights and scores the form's sums implied (runChecks' `implied`, each under its
 * review flag): the one value of a column not read, or the confused digits that alone explain
 * a failed sum. A value two sums implied differently (NaN) is left as read.
 */
function takeImplied(indicators: { weight: number | null; score: number | null; level1_weight?: number | null }[], implied: ReadonlyMap<string, number>): void {
  for (const [path, value] of implied) {
    const m = /^indicators\[(\d+)\]\.(weight|score|level1_weight)$/.exec(path);
    const ind = m ? indicators[Number(m[1])] : undefined;
    if (ind && !Number.isNaN(value)) ind[m![2] as "weight" | "score" | "level1_weight"] = value;
  }
}

function flagGuessedTotal(b: RecordBuilder, v: TabularValues, confirmed: ReadonlySet<string>): void {
  if (!v.totalGuessed) return;
  const sure = confirmed.has("total.weight") && confirmed.has("total.score");
  b.flag("total_label_inferred", sure ? "info" : "review", "total", "total row label not recognised; the row was taken by its shape (a label and two numbers)");
}

/** A label or value as compared for a label inside a value: its letters and digits only. */
const labelKey = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, "");

/**
 * Where a value holds the label of another label–value field that was not found ("…评估项目具体实施处
 * （科室：审改科"): the text before the label, the other field and its value after the label. The
 * label is matched on letters and digits only (OCR drops and misreads brackets and colons), must
 * leave text on both sides, and labels shorter than `MIN_GLUED_LABEL` are not sought.
 */
export function gluedField(
  value: string,
  fields: { readonly [field: string]: FieldSpec },
  isMissing: (field: string) => boolean,
): { before: string; field: string; label: string; after: string } | null {
  const chars = [...value];
  // Where each letter or digit stands in `chars`, and those characters alone.
  const kept = chars.flatMap((c, i) => (/[\p{L}\p{N}]/u.test(c) ? [i] : []));
  const key = kept.map((i) => chars[i]).join("");
  // The longest label found wins; of two as long, the later ("…项目实施单位名称": 实施单位名称, not 项目实施单位).
  let best: { before: string; field: string; label: string; after: string; length: number; at: number } | null = null;
  for (const [field, spec] of Object.entries(fields)) {
    if (spec.place !== "label-value" || spec.type !== "text" || spec.prose || !isMissing(field)) continue;
    for (const label of spec.labels) {
      const lk = [...labelKey(label)];
      if (lk.length < MIN_GLUED_LABEL) continue;
      const found = key.indexOf(lk.join(""));
      if (found <= 0) continue;
      const at = [...key.slice(0, found)].length;
      if (best && (lk.length < best.length || (lk.length === best.length && at <= best.at))) continue;
      const before = chars.slice(0, kept[at]!).join("").trim();
      const after = chars.slice(kept[at + lk.length - 1]! + 1).join("").replace(/^[\s）)\]】:：]+/u, "").trim();
      if (before && after) best = { before, field, label, after, length: lk.length, at };
    }
  }
  return best && { before: best.before, field: best.field, label: best.label, after: best.after };
}

/** Labels shorter than this (letters and digits) are not sought inside another field's value. */
const MIN_GLUED_LABEL = 4;

/**
 * A short label–value text (a name, a unit) holding "label：" has most likely swallowed a
 * neighbouring field. When that is the label of a field not found, the value is split there
 * (both fields doubted: the line was read out of place); otherwise a person checks it, and
 * the optional fields not found are doubted too (the swallowed label may be theirs, misread).
 */
function splitGluedLabels(b: RecordBuilder, kind: RecordKind, values: { [field: string]: unknown }): void {
  const fields = FORM_MODELS[kind].fields;
  const isMissing = (field: string) => values[field] === null || values[field] === undefined;
  for (const [field, spec] of Object.entries(fields)) {
    const v = values[field];
    if (spec.type !== "text" || spec.prose || typeof v !== "string") continue;
    const glued = gluedField(v, fields, isMissing);
    if (glued) {
      values[field] = glued.before;
      values[glued.field] = glued.after;
      b.provenance[glued.field] = [...(b.provenance[field] ?? [])];
      b.confidence[glued.field] = b.confidence[field] ?? 1;
      b.flag("label_in_value", "review", field, `"${v}" holds the label "${glued.label}": taken as "${glued.before}", the rest as ${glued.field}`);
      b.flag("label_in_value", "review", glued.field, `"${glued.after}" was read after its label "${glued.label}" inside the ${field} value "${v}"`);
      continue;
    }
    if (/[\u4e00-\u9fff）)]\s*[:：]/.test(v)) {
      b.flag("label_in_value", "review", field, `"${v}" holds a label: a neighbouring field may be joined to it`);
      for (const [other, otherSpec] of Object.entries(fields)) {
        if (otherSpec.place === "label-value" && !otherSpec.required && isMissing(other)) {
          b.flag("missing_field", "review", other, `"${otherSpec.labels[0]}" was not found, and the ${field} value "${v}" holds a label: it may be this field's`);
        }
      }
    }
  }
}

/** A row placed by order is certain enough when its rate check held; otherwise a person looks. */
function flagInferredRows(b: RecordBuilder, rows: ReadonlySet<string>, part: string, confirmed: ReadonlySet<string>): void {
  for (const key of rows) {
    const sure = confirmed.has(`${part}.${key}.execution_rate`);
    b.flag("row_label_inferred", sure ? "info" : "review", `${part}.${key}`, "row label not recognised; the row was placed by the form's row order");
  }
}

function buildAssessment(rows: Row[], b: RecordBuilder, spansKnown: boolean) {
  const model = FORM_MODELS.project_self_assessment;
  const v = parseAssessment(rows, b, spansKnown);
  const text = (field: string) => {
    const t = b.text(field, v.fields[field] ?? []);
    // A prose field (a goal, achievements …) that holds only a number holds another field's value:
    // the label–value pairs of that line were read out of place.
    if (t !== null && model.fields[field]?.prose && /^[\d.,，\s%]+$/.test(t) && /\d/.test(t)) {
      b.flag("value_out_of_place", "review", field, `"${t}" is only a number where the form prints text: a value of another field may have been placed here`);
    }
    return t;
  };
  const num = (field: string, rate = false) => {
    let cells = v.fields[field] ?? [];
    // One or two marks left in the label's own cell after the label ("上年度预算金额（元8": its
    // closing bracket misread) are no part of the number in the cell beside it.
    const [head, ...rest] = cells;
    if (head && rest.length && /^[^\p{Script=Han}]{1,2}$/u.test(compact(head.text)) && rest.every((c) => c.x0 >= head.x1 - 1)) {
      const alone = cleanText(rest.map((c) => c.text).join(""));
      if ((rate ? readRate(alone) : readMoney(alone, v.units[field] ?? b.moneyUnit)).ok) {
        b.flag("label_in_value", "review", field, `"${compact(head.text)}" was read at the end of the label's cell, before the value "${alone}": taken as a misread part of the label`);
        cells = rest;
      }
    }
    const joined = cleanText(cells.map((c) => c.text).join(""));
    b.track(field, cells);
    // A unit printed in the field's own label ("当年预算数（万元）") decides for that field.
    const unit = v.units[field] ?? b.moneyUnit;
    if (!rate && cells.length) b.noteAmount(field);
    if (!rate) b.doubtDecimals(field, joined, unit);
    const r = rate ? readRate(joined) : readMoney(joined, unit);
    if (r.ok) return r.value;
    // A number followed by Chinese text ("40.415项目年度总体目标…"): the next label and its value
    // were read into this field's cell. The number is the field's, in doubt.
    const lead = /^([-+]?\d[\d.,，]*\s*[%％]?)\s*(?=\p{Script=Han})/u.exec(joined);
    const first = lead ? (rate ? readRate(lead[1]!) : readMoney(lead[1]!, unit)) : undefined;
    if (first?.ok && first.value !== null) {
      b.flag("label_in_value", "review", field, `"${joined.length > 24 ? `${joined.slice(0, 24)}…` : joined}" holds text after its number (the next label read into this cell): taken as ${lead![1]}`);
      return first.value;
    }
    b.flag("not_a_number", "review", field, `"${joined}" is not a number`);
    return null;
  };
  // On a scan, a field the form always fills whose label was read with nothing beside it is a
  // value OCR lost (a lone 否 taken for dust), not one the form left out.
  const scanned = rows.some((r) => r.cells.some((c) => c.confidence < 1));
  for (const [field, spec] of Object.entries(model.fields)) {
    if (spec.required && !(field in v.fields)) b.flag("missing_field", "review", field, `"${spec.labels[0]}" was not found on the form`);
    else if (spec.required && scanned && !(v.fields[field] ?? []).some((c) => c.text.trim())) {
      b.flag("missing_field", "review", field, `"${spec.labels[0]}" was found with no value read beside it: a value the scan may have lost`);
    }
  }
  const recurringText = text("recurring");
  const recurring = recurringText === null ? null : /^是/.test(recurringText) ? true : /^否/.test(recurringText) ? false : null;
  if (recurringText !== null && recurring === null) b.flag("not_yes_no", "review", "recurring", `"${recurringText}" is neither 是 nor 否`);
  const dateText = text("evaluation_date");
  const DATE = /(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})/;
  let dm = dateText ? DATE.exec(dateText) : null;
  if (dateText && !dm) {
    // A scan's specks inside a date: a colon or tick between its digits ("202:2-0:3-11"), a
    // separator read twice ("2022-03--11").
    const mended = dateText.replace(/(?<=\d)\s*[:：'‘’`·]\s*(?=\d)/g, "").replace(/([-./])\1+/g, "$1");
    dm = DATE.exec(mended);
    if (dm) b.flag("stray_mark", "review", "evaluation_date", `"${dateText}" has marks inside its date (specks read by OCR); taken as "${dm[0]}"`);
  }
  const evaluation_date = dm ? `${dm[1]}-${dm[2]!.padStart(2, "0")}-${dm[3]!.padStart(2, "0")}` : null;
  if (dateText && !dm) b.flag("not_a_date", "review", "evaluation_date", `"${dateText}" is not a date`);
  const budget = num("budget_current_year");
  const executed = num("executed");
  const rate = num("execution_rate", true);
  const indicators = v.indicators.map((i) => ({ ...i, confidence: 1 }));
  const parts = { kind: "project_self_assessment" as const, budget_current_year: budget, executed, execution_rate: rate, indicators, total: v.total };
  settleDisputedNumbers(b, parts);
  const implied = new Map<string, number>();
  const confirmed = runChecks(b, checkInputOf(parts), { implied });
  takeImplied(indicators, implied);
  const record = {
    kind: "project_self_assessment" as const,
    project_name: text("project_name"),
    budget_unit: text("budget_unit"),
    implementing_office: text("implementing_office"),
    recurring,
    budget_current_year: parts.budget_current_year,
    budget_previous_year: num("budget_previous_year"),
    executed: parts.executed,
    execution_rate: parts.execution_rate,
    annual_goal: text("annual_goal"),
    evaluation_date,
    grade: text("grade"),
    achievements: text("achievements"),
    problems: text("problems"),
    improvements: text("improvements"),
    indicators,
    total: v.total,
  };
  splitGluedLabels(b, "project_self_assessment", record);
  return { record: record as unknown as Omit<JxRecord, "source" | "confidence" | "flags" | "review">, confirmed };
}

/** Indicator columns that hold a block's label or weight (merged cells), not a row's own value. */
const BLOCK_COLUMNS = new Set(["level1", "level1_weight", "level2"]);

/**
 * Adds source, confidence, flags and review state; fixes flag paths written with a leading dot.
 * Every value gets a confidence (source.confidence); an indicator row's is its least sure
 * value's, the record's the mean of all (the expected share of its values that are right).
 */
function finish(
  record: Omit<JxRecord, "source" | "confidence" | "flags" | "review">,
  b: RecordBuilder,
  meta: { file: string; sha256: string; moneyUnit?: "元" | "万元" },
  rows: readonly Row[],
  confirmed: ReadonlySet<string>,
  options: NormalizeOptions,
): JxRecord {
  const fixPath = (p: string) => p.replace(/^\./, "");
  const provenance: { [path: string]: RowCell["prov"] } = {};
  for (const [p, prov] of Object.entries(b.provenance)) provenance[fixPath(p)] = prov;
  // A row's own cells: its indicator columns but the block's labels and level-1 weight.
  const rowColumns = Object.keys(FORM_MODELS[record.kind as RecordKind].indicatorColumns).filter((c) => !BLOCK_COLUMNS.has(c));
  const indicatorRows = (record as { indicators?: readonly object[] }).indicators ?? [];
  const flags: Flag[] = flagDoubtfulRows(
    mergeSameCellFlags(
      b.flags.map((f) => ({ ...f, path: fixPath(f.path), ...(f.paths ? { paths: f.paths.map(fixPath) } : {}) })),
      provenance,
    ),
    undefined,
    (k) => rowColumns.filter((c) => indicatorRows[k] !== undefined && c in indicatorRows[k]!),
  );
  const read: { [path: string]: number } = {};
  for (const [p, c] of Object.entries(b.confidence)) read[fixPath(p)] = c;
  const confirmedPaths = new Set([...confirmed].map(fixPath));
  const fields = fieldConfidences(record, read, flags, confirmedPaths, options.confidence);
  const pages = [...new Set([...b.pages, ...rows.flatMap((r) => r.pages)])].sort((x, y) => x - y);
  const inds = (record as { indicators: { confidence: number }[] }).indicators;
  const rowConfidence = new Map<number, number>();
  for (const [path, c] of Object.entries(fields)) {
    const k = isUnderPath(path, "indicators") ? indexOfPath(path) : null;
    if (k !== null) rowConfidence.set(k, Math.min(rowConfidence.get(k) ?? 1, c));
  }
  inds.forEach((ind, k) => {
    ind.confidence = rowConfidence.get(k) ?? 1;
  });
  return {
    ...record,
    source: { file: meta.file, sha256: meta.sha256, pages, provenance, money_unit: meta.moneyUnit ?? "元", confidence: fields },
    confidence: recordConfidence(fields),
    flags,
    review: { state: "pending", by: null, at: null },
  } as JxRecord;
}


/**
 * An indicator's name is words: a name that reads as a target value ("≥5", "100%") or as a level
 * label ("数量指标", which the level-2 column should hold) shows the row's cells shifted by a
 * column, so the whole row gets a review flag.
 */
export function flagNamesOutOfLine(b: RecordBuilder, indicators: readonly { name: string | null }[]): void {
  indicators.forEach((ind, k) => {
    const name = compact(ind.name ?? "");
    if (!name) return;
    const valueLike = /^[≥≤<>=＞＜]?[\d.]+[%％]?$/.test(name);
    if (!valueLike && !matchLabel(name)) return;
    b.flag("row_out_of_line", "review", `indicators[${k}]`, `the name "${ind.name}" reads as ${valueLike ? "a value" : "a level label"}: the row's cells may be shifted by a column`);
  });
}

/**
 * ≥ and ≤ lose their lower bar on a coarse scan and read as > and <. A form prints one kind or
 * the other (one office writes ">95%" throughout, another "≥95%"), so an OCR-read > or < is in
 * doubt where the same record reads ≥ or ≤ elsewhere: each gets a review flag.
 */
export function flagLoneOperators(b: RecordBuilder, indicators: readonly { target: string | null; actual: string | null }[]): void {
  const read = indicators.flatMap((ind, k) =>
    (["target", "actual"] as const).map((field) => ({ path: `indicators[${k}].${field}`, text: (ind[field] ?? "").trim() })),
  ).filter((v) => v.text && (b.confidence[v.path] ?? 1) < 1);
  if (!read.some((v) => /^[≥≤]/.test(v.text))) return;
  for (const v of read) {
    if (/^[<>＜＞]/.test(v.text)) {
      b.flag("ambiguous_operator", "review", v.path, `"${v.text}" starts with ${v.text[0]} where the form prints ≥ or ≤ elsewhere: a scan often loses their lower bar`);
    }
  }
}

/**
 * A target and its actual value print the same unit: where one reads a percentage and the other,
 * read by OCR, a bare number ("≥90%" against "90"), the % sign was most likely lost on the scan
 * (a bitonal % breaks into specks). The bare side gets a review flag; a text layer's is left.
 */
export function flagLostPercent(
  b: RecordBuilder,
  row: string,
  target: ReturnType<typeof parseTarget>,
  actual: ReturnType<typeof parseTarget>,
): void {
  const sides = [
    { field: "target", v: target, other: actual },
    { field: "actual", v: actual, other: target },
  ];
  for (const s of sides) {
    const path = `${row}.${s.field}`;
    if (s.v && s.v.unit === null && s.other?.unit === "%" && (b.confidence[path] ?? 1) < 1) {
      b.flag("unit_mismatch", "review", path, `${s.v.value} has no unit beside a percentage: a % sign the scan lost?`);
    }
  }
}

/**
 * A percentage target and its actual value lie on one scale: "≥290%" against "96%" is far more
 * likely a misread "≥90%" (OCR reads ≥ as 2) than a real target. When one side is above 100 %,
 * the other at most 100 %, and they differ by more than `ratio` (default 2), the side above 100
 * gets a review flag.
 */
export function flagImplausiblePercent(
  b: RecordBuilder,
  row: string,
  target: ReturnType<typeof parseTarget>,
  actual: ReturnType<typeof parseTarget>,
  ratio = 2,
): void {
  if (target?.unit !== "%" || actual?.unit !== "%") return;
  const sides = [
    { field: "target", v: target.value, other: actual.value },
    { field: "actual", v: actual.value, other: target.value },
  ];
  for (const s of sides) {
    if (s.v > 100 && s.other <= 100 && s.other > 0 && s.v / s.other > ratio) {
      b.flag("implausible_percent", "review", `${row}.${s.field}`, `${s.v}% beside ${s.other}%: a misread digit or operator (≥ read as 2)?`);
    }
  }
}
