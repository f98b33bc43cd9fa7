import { CHECK_FLAG_CODES, JxRecord as RecordSchema, type Flag, type FlagCode, type JxRecord, type ReviewTrailEntry } from "@jixiao/schemas";
import { copiesOfOneCell, holderOf, isEditablePath, isUnderPath, parseTarget, valueAt } from "@jixiao/core";
import { RecordBuilder } from "./RecordBuilder.js";
import { checkFundsColumns, runChecks } from "./checks.js";
import { checkInputOf } from "./checkInput.js";

/** Flag codes the arithmetic checks raise (runChecks); a correction re-derives exactly these (the flag-code table's `check` codes). */
export const CHECK_CODES: ReadonlySet<FlagCode> = CHECK_FLAG_CODES;

/** Runs the form's arithmetic checks on a finished record; returns the flags they raise. */
export function checkRecord(record: JxRecord): Flag[] {
  const b = new RecordBuilder();
  // As the normalizer checks: amounts the funds grid's column sums confirm are not doubted by a failed rate.
  const known = new Set<string>();
  if (record.kind === "project_self_eval") {
    const sums = new RecordBuilder();
    Object.assign(sums.confidence, record.source.confidence);
    checkFundsColumns(sums, record.funds, known);
  }
  // The rows were found complete when the record was read if a failed sum doubted its weights or
  // scores rather than the whole table; unknown otherwise (a failed sum then doubts the table).
  const rowsComplete = record.flags.some((f) => (f.code === "weights_do_not_sum" || f.code === "scores_do_not_sum") && (f.paths?.length ?? 0) > 1);
  runChecks(b, checkInputOf(record), { known, rowsComplete });
  return b.flags.map((f) => ({ ...f, path: f.path.replace(/^\./, "") }));
}

export type CorrectionOutcome =
  | { ok: true; record: JxRecord; before: unknown; after: unknown; newlyFailing: Flag[] }
  | { ok: false; reason: "bad_path"; message: string }
  | { ok: false; reason: "stale"; message: string; current: unknown }
  | { ok: false; reason: "invalid"; message: string; issues: { path: string; message: string }[] };

function isLeafValue(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies one person's correction to a record, purely: sets the value at `path` (which must be an
 * existing value field), validates the result with the record schema, and re-derives the
 * arithmetic-check flags. `expected` is the value the person saw: if the stored one differs, the
 * correction is refused as stale. Reports which checks fail now that did not before
 * (`newlyFailing`); whether to accept those is the caller's decision.
 */
export function correctRecord(record: JxRecord, path: string, value: unknown, expected: unknown): CorrectionOutcome {
  if (typeof path !== "string" || !isEditablePath(record.kind, path)) {
    return { ok: false, reason: "bad_path", message: `"${String(path)}" is not a value field of a ${record.kind} record (see the form model)` };
  }
  const copy = structuredClone(record) as unknown as { [k: string]: unknown };
  const at = holderOf(copy, path);
  if (!at) return { ok: false, reason: "bad_path", message: `${path} does not exist in this record` };
  const holder = at.holder;
  const leaf = at.key;
  const before = holder[leaf];
  if (!isLeafValue(before)) return { ok: false, reason: "bad_path", message: `${path} is not a single value` };
  if (!sameJson(before, expected)) {
    return { ok: false, reason: "stale", message: `${path} is ${JSON.stringify(before)} now, not ${JSON.stringify(expected)}`, current: before };
  }
  // Text is stored cleaned, as the pipeline would have: trimmed, and an empty cell is null.
  const stored = typeof value === "string" ? (value.trim() === "" ? null : value.trim()) : value;
  const set = (h: { [k: string]: unknown }, k: string) => {
    h[k] = stored;
    // A parsed form beside a corrected target/actual follows the text.
    if ((k === "target" || k === "actual") && isUnderPath(path, "indicators")) {
      h[`${k}_parsed`] = typeof stored === "string" ? parseTarget(stored) : null;
    }
  };
  set(holder, leaf);
  // One value read from one place (a merged cell copied into several rows) is one doubt: its
  // correction applies to every path the flag names that still holds what the person saw.
  for (const other of samePlacePaths(record, path)) {
    const there = holderOf(copy, other);
    if (there && sameJson(there.holder[there.key], expected)) set(there.holder, there.key);
  }
  const parsed = RecordSchema.safeParse(copy);
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid",
      message: `the corrected record fails the schema`,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, ""), message: i.message })),
    };
  }
  const next = parsed.data;
  const oldChecks = checkRecord(record);
  const newChecks = checkRecord(next);
  const key = (f: Flag) => `${f.code}|${f.path}`;
  const had = new Set(oldChecks.map(key));
  const newlyFailing = newChecks.filter((f) => f.severity === "review" && !had.has(key(f)));
  // The record's check flags now describe the corrected values; every other flag stays as history.
  next.flags = [...next.flags.filter((f) => !CHECK_CODES.has(f.code)), ...newChecks];
  return { ok: true, record: next, before, after: holder[leaf], newlyFailing };
}

/** The other paths of flags that name `path` among copies of one cell (`paths`, copiesOfOneCell). */
function samePlacePaths(record: JxRecord, path: string): string[] {
  const out = new Set<string>();
  for (const f of record.flags) {
    if (f.paths?.includes(path) && copiesOfOneCell(f.paths)) for (const p of f.paths) if (p !== path) out.add(p);
  }
  return [...out];
}

/**
 * The review flags of a (corrected) record that a person's correction of the field at `path`
 * resolves: those about that value, or about the row or section that holds it (`indicators[3]`,
 * `funds.total`). Not resolved by one correction: a flag about a whole list (`indicators`: rows may
 * be missing) or the whole record (""), which need an acknowledgement or an approval, and the
 * arithmetic checks (CHECK_CODES), which correctRecord re-derives from the values: they go away
 * when the values add up, and otherwise stay open.
 */
export function flagsResolvedByCorrection(record: JxRecord, path: string): Flag[] {
  return record.flags.filter((f) => {
    if (f.severity !== "review" || CHECK_CODES.has(f.code) || f.path === "") return false;
    if (!(f.paths ?? [f.path]).some((p) => isUnderPath(path, p))) return false;
    const at = valueAt(record, f.path);
    return at.found && !Array.isArray(at.value);
  });
}

/**
 * Re-processing a document yields fresh records; the people's corrections must not vanish with
 * the old ones. For each record, each corrected field is set again to its last corrected value
 * when the pipeline still reads what it read before the first correction; when it now reads
 * something else, the new reading is kept and a review flag says so. Records with corrections
 * applied are `corrected` (by, at of the last one). Approvals are not carried over: the record's
 * flags may have changed, so a person approves again.
 */
export function reapplyCorrections(records: readonly JxRecord[], trail: readonly ReviewTrailEntry[]): JxRecord[] {
  return records.map((record, ordinal) => {
    const mine = trail.filter((t) => t.ordinal === ordinal && t.action === "correct");
    if (mine.length === 0) return record;
    const byPath = new Map<string, { first: unknown; last: unknown; reviewer: string; at: string }>();
    for (const t of mine) {
      const seen = byPath.get(t.fieldPath);
      byPath.set(t.fieldPath, { first: seen ? seen.first : t.before, last: t.after, reviewer: t.reviewer, at: t.at });
    }
    let current = record;
    let applied: { reviewer: string; at: string } | null = null;
    const notApplied: Flag[] = [];
    for (const [path, c] of byPath) {
      const now = valueAt(current, path);
      if (now.found && sameJson(now.value, c.first)) {
        const out = correctRecord(current, path, c.last, c.first);
        if (out.ok) {
          current = out.record;
          if (!applied || c.at > applied.at) applied = { reviewer: c.reviewer, at: c.at };
          continue;
        }
      } else if (now.found && sameJson(now.value, c.last)) {
        continue; // the pipeline now reads what the person wrote
      }
      notApplied.push({
        code: "correction_not_reapplied",
        severity: "review",
        path,
        message: `${c.reviewer} corrected this to ${JSON.stringify(c.last)}; re-processing now reads ${now.found ? JSON.stringify(now.value) : "no such field"}`,
      });
    }
    const flags = [...current.flags, ...notApplied];
    const review = applied ? { state: "corrected" as const, by: applied.reviewer, at: applied.at } : current.review;
    return { ...current, flags, review };
  });
}
