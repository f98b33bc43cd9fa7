import { JxRecord as RecordSchema, type Flag, type JxRecord, type ReviewTrailEntry } from "@jixiao/schemas";
import { parseTarget } from "@jixiao/core";
import { RecordBuilder } from "./RecordBuilder.js";
import { runChecks } from "./checks.js";

/** Flag codes the arithmetic checks raise (runChecks); a correction re-derives exactly these. */
export const CHECK_CODES: ReadonlySet<string> = new Set([
  "no_indicators",
  "weight_from_total",
  "weights_unread",
  "weights_do_not_sum",
  "missing_total",
  "missing_total_score",
  "score_from_total",
  "scores_unread",
  "scores_do_not_sum",
  "score_above_weight",
  "missing_weight",
  "missing_score",
  "missing_level1_weight",
  "block_weights_do_not_sum",
  "rate_mismatch",
  "budget_score_mismatch",
]);

/** Runs the form's arithmetic checks on a finished record; returns the flags they raise. */
export function checkRecord(record: JxRecord): Flag[] {
  const b = new RecordBuilder();
  if (record.kind === "project_self_eval") {
    const t = record.funds.total;
    runChecks(b, {
      indicators: record.indicators,
      total: record.total,
      budgetRow: { weight: t.weight, score: t.score, path: "funds.total" },
      rates: [{ path: "funds.total", budget: t.annual_budget, executed: t.executed, rate: t.execution_rate }],
      level1Weights: false,
    });
  } else if (record.kind === "department_self_eval") {
    runChecks(b, {
      indicators: record.indicators,
      total: record.total,
      rates: Object.entries(record.spending).map(([k, r]) => ({
        path: `spending.${k}`,
        budget: r.annual_budget,
        executed: r.executed,
        rate: r.execution_rate,
      })),
      level1Weights: true,
    });
  } else {
    runChecks(b, {
      indicators: record.indicators,
      total: record.total,
      rates: [{ path: "", budget: record.budget_current_year, executed: record.executed, rate: record.execution_rate }],
      level1Weights: true,
    });
  }
  return b.flags.map((f) => ({ ...f, path: f.path.replace(/^\./, "") }));
}

/** A record path split into keys: "indicators[3].score" → ["indicators", 3, "score"]. */
export function parsePath(path: string): (string | number)[] | null {
  if (typeof path !== "string" || path.length === 0 || path.length > 200) return null;
  const keys: (string | number)[] = [];
  const re = /([a-z][a-z0-9_]*)|\[(\d{1,6})\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    m = re.exec(path);
    if (!m) return null;
    if (m[1] !== undefined) {
      if (!expectKey) return null;
      keys.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey) return null;
      keys.push(Number(m[2]));
    } else {
      if (expectKey) return null;
      expectKey = true;
    }
    pos = re.lastIndex;
  }
  return expectKey ? null : keys;
}

/** Keys a person may not edit: identity, provenance and everything the pipeline derives. */
const NOT_EDITABLE_TOP = new Set(["kind", "source", "confidence", "flags", "review"]);
const NOT_EDITABLE_LEAF = new Set(["confidence", "target_parsed", "actual_parsed"]);

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
  const keys = parsePath(path);
  if (!keys || keys.length === 0) return { ok: false, reason: "bad_path", message: `"${String(path)}" is not a record path` };
  const top = keys[0] as string;
  const leaf = keys[keys.length - 1];
  if (NOT_EDITABLE_TOP.has(top) || (typeof leaf === "string" && keys.length > 1 && NOT_EDITABLE_LEAF.has(leaf))) {
    return { ok: false, reason: "bad_path", message: `${path} is derived by the pipeline and cannot be edited` };
  }
  const copy = structuredClone(record) as unknown as { [k: string]: unknown };
  let parent: unknown = copy;
  for (const key of keys.slice(0, -1)) {
    parent = parent !== null && typeof parent === "object" ? (parent as { [k: string]: unknown })[key as string] : undefined;
  }
  if (parent === null || typeof parent !== "object" || leaf === undefined || !Object.hasOwn(parent, leaf)) {
    return { ok: false, reason: "bad_path", message: `${path} does not exist in this record` };
  }
  const holder = parent as { [k: string]: unknown };
  const before = holder[leaf as string];
  if (!isLeafValue(before)) return { ok: false, reason: "bad_path", message: `${path} is not a single value` };
  if (!sameJson(before, expected)) {
    return { ok: false, reason: "stale", message: `${path} is ${JSON.stringify(before)} now, not ${JSON.stringify(expected)}`, current: before };
  }
  // Text is stored cleaned, as the pipeline would have: trimmed, and an empty cell is null.
  const stored = typeof value === "string" ? (value.trim() === "" ? null : value.trim()) : value;
  const set = (h: { [k: string]: unknown }, k: string) => {
    h[k] = stored;
    // A parsed form beside a corrected target/actual follows the text.
    if ((k === "target" || k === "actual") && keys[0] === "indicators") {
      h[`${k}_parsed`] = typeof stored === "string" ? parseTarget(stored) : null;
    }
  };
  set(holder, leaf as string);
  // One value read from one place (a merged cell copied into several rows) is one doubt: its
  // correction applies to every path the flag names that still holds what the person saw.
  for (const other of samePlacePaths(record, path)) {
    const at = locate(copy, other);
    if (at && sameJson(at.holder[at.key], expected)) set(at.holder, at.key);
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
  return { ok: true, record: next, before, after: holder[leaf as string], newlyFailing };
}

/** The other paths of flags that name `path` among several (`paths`): copies of one cell. */
function samePlacePaths(record: JxRecord, path: string): string[] {
  const out = new Set<string>();
  for (const f of record.flags) {
    if (f.paths?.includes(path)) for (const p of f.paths) if (p !== path) out.add(p);
  }
  return [...out];
}

/** The object holding the value at `path` and its key, or undefined. */
function locate(root: unknown, path: string): { holder: { [k: string]: unknown }; key: string } | undefined {
  const keys = parsePath(path);
  if (!keys?.length) return undefined;
  let parent: unknown = root;
  for (const key of keys.slice(0, -1)) {
    parent = parent !== null && typeof parent === "object" ? (parent as { [k: string]: unknown })[key as string] : undefined;
  }
  const key = String(keys[keys.length - 1]);
  if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, key)) return undefined;
  return { holder: parent as { [k: string]: unknown }, key };
}

/** Whether `path` is `under` itself or lies below it ("indicators[3].name" is under "indicators[3]"). */
export function pathIsUnder(path: string, under: string): boolean {
  if (under === "") return true;
  return path === under || path.startsWith(`${under}.`) || path.startsWith(`${under}[`);
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
    if (!(f.paths ?? [f.path]).some((p) => pathIsUnder(path, p))) return false;
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

function valueAt(record: JxRecord, path: string): { found: boolean; value?: unknown } {
  const keys = parsePath(path);
  if (!keys) return { found: false };
  let v: unknown = record;
  for (const k of keys) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) return { found: false };
    v = (v as { [key: string]: unknown })[k as string];
  }
  return { found: true, value: v };
}
