import type { RecordKind } from "@jixiao/schemas";
import type { runChecks } from "./checks.js";

type Indicator = { weight: number | null; score: number | null; level1: string | null; level1_weight?: number | null };
type Amounts = { annual_budget: number | null; executed: number | null; execution_rate: number | null };
type Total = { weight: number | null; score: number | null };

/** The parts of a record (finished, or being built by the normalizer) that the arithmetic checks read. */
export type CheckParts =
  | { kind: Extract<RecordKind, "project_self_eval">; funds: { total: Amounts & { weight: number | null; score: number | null } }; indicators: readonly Indicator[]; total: Total }
  | { kind: Extract<RecordKind, "department_self_eval">; spending: { readonly [row: string]: Amounts }; indicators: readonly Indicator[]; total: Total }
  | {
      kind: Extract<RecordKind, "project_self_assessment">;
      budget_current_year: number | null;
      executed: number | null;
      execution_rate: number | null;
      indicators: readonly Indicator[];
      total: Total;
    };

/**
 * What the form's arithmetic checks (runChecks) take for a record of each kind, built in one
 * place for the normalizer and for a correction: the project form's budget row counts towards the
 * total and has one execution rate; the department form has a rate per spending row and level-1
 * weights; the 项目绩效自评价 has one rate on the record itself and level-1 weights.
 */
export function checkInputOf(r: CheckParts): Parameters<typeof runChecks>[1] {
  if (r.kind === "project_self_eval") {
    const t = r.funds.total;
    return {
      indicators: r.indicators,
      total: r.total,
      budgetRow: { weight: t.weight, score: t.score, path: "funds.total" },
      rates: [{ path: "funds.total", budget: t.annual_budget, executed: t.executed, rate: t.execution_rate }],
      level1Weights: false,
    };
  }
  if (r.kind === "department_self_eval") {
    return {
      indicators: r.indicators,
      total: r.total,
      rates: Object.entries(r.spending).map(([k, row]) => ({ path: `spending.${k}`, budget: row.annual_budget, executed: row.executed, rate: row.execution_rate })),
      level1Weights: true,
    };
  }
  return {
    indicators: r.indicators,
    total: r.total,
    rates: [{ path: "", budget: r.budget_current_year, executed: r.executed, rate: r.execution_rate, budgetField: "budget_current_year" }],
    level1Weights: true,
  };
}
