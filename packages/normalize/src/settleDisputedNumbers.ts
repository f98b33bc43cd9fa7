import type { CheckParts } from "./checkInput.js";
import type { RecordBuilder } from "./RecordBuilder.js";

/** A number of the record being built: where it is, and how to read and set it. */
type Slot = { path: string; get: () => number | null; set: (v: number) => void };

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * One sum of the form (addends = total) that fails as read: when exactly one way of taking
 * another engine's reading for one of its numbers makes it hold, that reading is taken
 * (RecordBuilder.settle). Two or more ways, or none: the values stay as read and the checks flag
 * them as before.
 */
function settleSum(b: RecordBuilder, addends: readonly Slot[], total: Slot, tolerance: number, what: string): void {
  const values = addends.map((s) => s.get());
  const t = total.get();
  if (t === null || values.some((v) => v === null)) return;
  const s = round2(values.reduce<number>((a, v) => a + v!, 0));
  if (Math.abs(s - t) <= tolerance) return;
  const ways: { slot: Slot; value: number }[] = [];
  addends.forEach((slot, k) => {
    for (const a of b.alternatives.get(slot.path) ?? []) {
      if (a !== values[k] && Math.abs(round2(s - values[k]! + a) - t) <= tolerance) ways.push({ slot, value: a });
    }
  });
  for (const a of b.alternatives.get(total.path) ?? []) if (a !== t && Math.abs(s - a) <= tolerance) ways.push({ slot: total, value: a });
  if (ways.length !== 1) return;
  const { slot, value } = ways[0]!;
  slot.set(value);
  b.settle(slot.path, value, `only this reading makes ${what} come out`);
}

/** execution rate = executed ÷ budget × 100, settled the same way. */
function settleRate(b: RecordBuilder, budget: Slot, executed: Slot, rate: Slot): void {
  const [bu, ex, ra] = [budget.get(), executed.get(), rate.get()];
  if (bu === null || ex === null || ra === null || bu === 0) return;
  const holds = (bv: number, ev: number, rv: number) => bv !== 0 && Math.abs((ev / bv) * 100 - rv) <= 0.051;
  if (holds(bu, ex, ra)) return;
  // An OCR-read rate that is executed ÷ budget without its leading digit ("6.68" for 96.68: a
  // scan lost the 9 at the cell's edge): its digits confirm the quotient's. Taken, in doubt.
  const quotient = round2((ex / bu) * 100);
  if ((b.confidence[rate.path] ?? 1) < 1 && quotient >= 10 && quotient <= 1000 && ra > 0 && ra < quotient && quotient.toFixed(2).endsWith(ra.toFixed(2))) {
    rate.set(quotient);
    b.flag("digit_suspect", "review", rate.path, `read ${ra}, but executed ÷ budget = ${quotient}: a leading digit the scan lost; taken as ${quotient}`);
    return;
  }
  const ways: { slot: Slot; value: number }[] = [];
  for (const a of b.alternatives.get(budget.path) ?? []) if (a !== bu && holds(a, ex, ra)) ways.push({ slot: budget, value: a });
  for (const a of b.alternatives.get(executed.path) ?? []) if (a !== ex && holds(bu, a, ra)) ways.push({ slot: executed, value: a });
  for (const a of b.alternatives.get(rate.path) ?? []) if (a !== ra && holds(bu, ex, a)) ways.push({ slot: rate, value: a });
  if (ways.length !== 1) return;
  const { slot, value } = ways[0]!;
  slot.set(value);
  b.settle(slot.path, value, "only this reading makes executed ÷ budget come out");
}

/**
 * Before the checks: a number the two OCR engines read differently (PP-OCR's reading kept) is
 * settled by the form's arithmetic when one reading, and only one, makes a failed sum hold —
 * the indicator weights and scores against the total (with the project form's budget row), and
 * each execution rate against its amounts. Two independent sources then agree on it: the other
 * engine and the sum. A rate read without its leading digit is taken from its amounts, in doubt.
 * Mutates the parts (the record being built).
 */
export function settleDisputedNumbers(b: RecordBuilder, parts: CheckParts): void {
  const rows = (key: "weight" | "score") => parts.indicators.map((i, k) => slot(i, key, `indicators[${k}].${key}`));
  const budgetRow = parts.kind === "project_self_eval" ? parts.funds.total : null;
  for (const key of ["weight", "score"] as const) {
    const extra = budgetRow ? [slot(budgetRow, key, `funds.total.${key}`)] : [];
    settleSum(b, [...rows(key), ...extra], slot(parts.total, key, `total.${key}`), key === "weight" ? 0.011 : 0.051, `the ${key}s' sum`);
  }
  if (parts.kind === "project_self_assessment") {
    settleRate(b, slot(parts, "budget_current_year", "budget_current_year"), slot(parts, "executed", "executed"), slot(parts, "execution_rate", "execution_rate"));
    return;
  }
  const rateRows = parts.kind === "project_self_eval" ? [["funds.total", parts.funds.total] as const] : Object.entries(parts.spending).map(([k, o]) => [`spending.${k}`, o] as const);
  for (const [path, o] of rateRows) {
    settleRate(b, slot(o, "annual_budget", `${path}.annual_budget`), slot(o, "executed", `${path}.executed`), slot(o, "execution_rate", `${path}.execution_rate`));
  }
}

/** A number field of the record being built, as a Slot (the parts are the record's own objects). */
function slot<K extends string>(o: { readonly [k in K]: number | null }, key: K, path: string): Slot {
  const target = o as { [k in K]: number | null };
  return { path, get: () => o[key] ?? null, set: (v) => (target[key] = v) };
}
