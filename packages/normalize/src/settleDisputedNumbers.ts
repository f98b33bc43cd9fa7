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
  const ind = parts.indicators as unknown as Record<string, number | null>[];
  const total = parts.total as unknown as Record<string, number | null>;
  const field = (o: Record<string, number | null>, key: string, path: string): Slot => ({ path, get: () => o[key] ?? null, set: (v) => (o[key] = v) });
  const rows = (key: "weight" | "score") => ind.map((i, k) => field(i, key, `indicators[${k}].${key}`));
  const budgetRow = parts.kind === "project_self_eval" ? (parts.funds.total as unknown as Record<string, number | null>) : null;
  for (const key of ["weight", "score"] as const) {
    const extra = budgetRow ? [field(budgetRow, key, `funds.total.${key}`)] : [];
    settleSum(b, [...rows(key), ...extra], field(total, key, `total.${key}`), key === "weight" ? 0.011 : 0.051, `the ${key}s' sum`);
  }
  const rateRows: { o: Record<string, number | null>; path: string; budget: string }[] =
    parts.kind === "project_self_eval"
      ? [{ o: parts.funds.total as unknown as Record<string, number | null>, path: "funds.total", budget: "annual_budget" }]
      : parts.kind === "department_self_eval"
        ? Object.entries(parts.spending).map(([k, o]) => ({ o: o as unknown as Record<string, number | null>, path: `spending.${k}`, budget: "annual_budget" }))
        : [{ o: parts as unknown as Record<string, number | null>, path: "", budget: "budget_current_year" }];
  for (const r of rateRows) {
    const p = (k: string) => (r.path ? `${r.path}.${k}` : k);
    settleRate(b, field(r.o, r.budget, p(r.budget)), field(r.o, "executed", p("executed")), field(r.o, "execution_rate", p("execution_rate")));
  }
}
