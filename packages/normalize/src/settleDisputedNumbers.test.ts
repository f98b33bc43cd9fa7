import type { Repair, RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { RecordBuilder, SETTLED_CONFIDENCE } from "./RecordBuilder.js";
import { settleDisputedNumbers } from "./settleDisputedNumbers.js";

const disputed = (paddle: string, tess: string): RowCell => ({
  text: paddle, x0: 0, x1: 1, col: 0, colSpan: 1, rowSpan: 1, confidence: 0.5, inherited: false,
  prov: [{ page: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, unit: "px" }],
  repairs: [{ code: "ocr_disagreement", severity: "review", message: `PP-OCR "${paddle}", Tesseract "${tess}"`, readings: [paddle, tess] } satisfies Repair],
});
const sure = (text: string): RowCell => ({ ...disputed(text, text), confidence: 0.997, repairs: [] });

function department(cells: { weights: RowCell[]; scores: RowCell[]; total: [RowCell, RowCell] }) {
  const b = new RecordBuilder();
  const indicators = cells.weights.map((w, k) => ({
    level1: "产出指标", weight: b.number(`indicators[${k}].weight`, w), score: b.number(`indicators[${k}].score`, cells.scores[k]),
  }));
  const total = { weight: b.number("total.weight", cells.total[0]), score: b.number("total.score", cells.total[1]) };
  const parts = { kind: "department_self_eval" as const, spending: {}, indicators, total };
  settleDisputedNumbers(b, parts);
  return { b, indicators, total };
}

describe("settleDisputedNumbers", () => {
  it("takes the other engine's reading when it alone makes a failed sum hold", () => {
    // 5 read as 3 by PP-OCR, 5 by Tesseract: the weights make 100 only with 5.
    const { b, indicators } = department({
      weights: [sure("50"), sure("45"), disputed("3", "5")],
      scores: [sure("50"), sure("45"), sure("5")],
      total: [sure("100"), sure("100")],
    });
    expect(indicators[2]!.weight).toBe(5);
    expect(b.flags.filter((f) => f.severity === "review")).toEqual([]);
    expect(b.flags.map((f) => [f.code, f.path])).toEqual([["disagreement_settled", "indicators[2].weight"]]);
    expect(b.confidence["indicators[2].weight"]).toBe(SETTLED_CONFIDENCE);
  });

  it("keeps the reading and its doubt when no reading, or more than one, makes the sum hold", () => {
    const none = department({ weights: [sure("50"), sure("40"), disputed("3", "8")], scores: [sure("1"), sure("1"), sure("1")], total: [sure("100"), sure("3")] });
    expect(none.indicators[2]!.weight).toBe(3);
    expect(none.b.flags.map((f) => f.code)).toEqual(["ocr_disagreement"]);
    // Two disputed weights, each of which could close the gap: the sum cannot tell which.
    const two = department({ weights: [disputed("48", "50"), disputed("43", "45"), sure("5")], scores: [sure("1"), sure("1"), sure("1")], total: [sure("96"), sure("3")] });
    expect(two.indicators.map((i) => i.weight)).toEqual([48, 43, 5]);
    expect(two.b.flags.filter((f) => f.code === "ocr_disagreement")).toHaveLength(2);
    // A sum that holds as read settles nothing.
    const holds = department({ weights: [sure("50"), sure("47"), disputed("3", "5")], scores: [sure("1"), sure("1"), sure("1")], total: [sure("100"), sure("3")] });
    expect(holds.indicators[2]!.weight).toBe(3);
  });

  it("settles a disputed execution rate by executed ÷ budget", () => {
    const b = new RecordBuilder();
    const row = { annual_budget: b.money("spending.basic.annual_budget", sure("1000")), executed: b.money("spending.basic.executed", sure("927.5")), execution_rate: b.number("spending.basic.execution_rate", disputed("92.35%", "92.75%"), true) };
    settleDisputedNumbers(b, { kind: "department_self_eval", spending: { basic: row }, indicators: [], total: { weight: null, score: null } });
    expect(row.execution_rate).toBe(92.75);
    expect(b.flags.map((f) => f.code)).toEqual(["disagreement_settled"]);
  });

  it("takes executed ÷ budget for an OCR-read rate that is it without its leading digit, in doubt", () => {
    const rate = (text: string, executed: string, read = sure) => {
      const b = new RecordBuilder();
      const row = { annual_budget: b.money("spending.basic.annual_budget", sure("1000")), executed: b.money("spending.basic.executed", sure(executed)), execution_rate: b.number("spending.basic.execution_rate", read(text), true) };
      settleDisputedNumbers(b, { kind: "department_self_eval", spending: { basic: row }, indicators: [], total: { weight: null, score: null } });
      return [row.execution_rate, b.flags.map((f) => `${f.severity}:${f.code}`)];
    };
    expect(rate("6.68%", "966.8")).toEqual([96.68, ["review:digit_suspect"]]);
    // Digits that are not the quotient's tail, and a text layer's rate, stay as read.
    expect(rate("6.86%", "966.8")).toEqual([6.86, []]);
    expect(rate("6.68%", "966.8", (t) => ({ ...sure(t), confidence: 1 }))).toEqual([6.68, []]);
  });
});
