import type { RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { checkFundsColumns, runChecks } from "./checks.js";
import { RecordBuilder } from "./RecordBuilder.js";

const ind = (weight: number | null, score: number | null, level1: string | null = "产出指标", level1_weight: number | null = null) => ({ weight, score, level1, level1_weight });
const codesAt = (b: RecordBuilder, path: string) => b.flags.filter((f) => f.path === path).map((f) => f.code);

describe("runChecks", () => {
  it("confirms weights and scores that sum to the total, with the budget row's points", () => {
    const b = new RecordBuilder();
    const confirmed = runChecks(b, {
      indicators: [ind(50, 45), ind(40, 40)],
      total: { weight: 100, score: 93 },
      budgetRow: { weight: 10, score: 8, path: "funds.total" },
      rates: [{ path: "funds.total", budget: 100, executed: 80, rate: 80 }],
      level1Weights: false,
    });
    expect(b.flags).toEqual([]);
    expect([...confirmed].sort()).toEqual(
      [
        "total.weight", "total.score", "indicators[0].weight", "indicators[1].weight", "indicators[0].score", "indicators[1].score",
        "funds.total.execution_rate", "funds.total.executed", "funds.total.annual_budget", "funds.total.score", "funds.total.weight",
      ].sort(),
    );
  });

  it("flags weights and scores that do not sum", () => {
    const b = new RecordBuilder();
    const confirmed = runChecks(b, { indicators: [ind(50, 45), ind(40, 40)], total: { weight: 100, score: 80 }, rates: [], level1Weights: false });
    expect(codesAt(b, "indicators")).toEqual(["weights_do_not_sum", "scores_do_not_sum"]);
    expect(codesAt(b, "total.weight")).toEqual(["weights_do_not_sum"]);
    expect(codesAt(b, "total.score")).toEqual(["scores_do_not_sum"]);
    expect(b.flags.every((f) => f.severity === "review")).toBe(true);
    expect(b.flags[0]!.message).toContain("90");
    expect(confirmed.size).toBe(0);
  });

  it("doubts the weights and scores, not the table's rows, when every row is accounted for", () => {
    const b = new RecordBuilder();
    runChecks(b, { indicators: [ind(50, 45), ind(40, 40)], total: { weight: 100, score: 80 }, rates: [], level1Weights: false }, { rowsComplete: true });
    expect(codesAt(b, "indicators")).toEqual([]);
    const sums = b.flags.filter((f) => f.paths);
    expect(sums.map((f) => [f.code, f.paths])).toEqual([
      ["weights_do_not_sum", ["indicators[0].weight", "indicators[1].weight"]],
      ["scores_do_not_sum", ["indicators[0].score", "indicators[1].score"]],
    ]);
    expect(codesAt(b, "total.weight")).toEqual(["weights_do_not_sum"]);
  });

  it("doubts the scores, not the table's rows, when the weights' sum holds (a row lost would break it too)", () => {
    // 45 + 40 against 80: no single confused digit explains it, so the scores are doubted.
    const b = new RecordBuilder();
    runChecks(b, { indicators: [ind(50, 45), ind(50, 40)], total: { weight: 100, score: 80 }, rates: [], level1Weights: false });
    expect(codesAt(b, "indicators")).toEqual([]);
    expect(b.flags.filter((f) => f.paths).map((f) => [f.code, f.paths])).toEqual([["scores_do_not_sum", ["indicators[0].score", "indicators[1].score"]]]);
    // With the weights failing as well, a row may be lost: the whole table.
    const both = new RecordBuilder();
    runChecks(both, { indicators: [ind(50, 45), ind(40, 40)], total: { weight: 100, score: 80 }, rates: [], level1Weights: false });
    expect(codesAt(both, "indicators")).toEqual(["weights_do_not_sum", "scores_do_not_sum"]);
  });

  it("tolerates printed rounding in the score sum but not in the weight sum", () => {
    const b = new RecordBuilder();
    runChecks(b, { indicators: [ind(33.3, 33.3), ind(66.6, 66.65)], total: { weight: 100, score: 100 }, rates: [], level1Weights: false });
    expect(codesAt(b, "total.score")).toEqual([]);
    expect(codesAt(b, "total.weight")).toEqual(["weights_do_not_sum"]);
  });

  it("doubts the total row, not the rows, when the weights make 100 and the total reads otherwise", () => {
    const b = new RecordBuilder();
    const confirmed = runChecks(b, { indicators: [ind(60, 50), ind(40, 40)], total: { weight: 10, score: 90 }, rates: [], level1Weights: false });
    expect(codesAt(b, "total.weight")).toEqual(["weights_do_not_sum"]);
    expect(codesAt(b, "indicators")).toEqual([]);
    expect(b.flags[0]!.message).toContain("the total row was misread");
    expect(confirmed.has("indicators[0].score")).toBe(true);
    // Weights that do not make 100 still put every row under review.
    const b2 = new RecordBuilder();
    runChecks(b2, { indicators: [ind(60, 50), ind(30, 30)], total: { weight: 100, score: 85 }, rates: [], level1Weights: false });
    expect(codesAt(b2, "indicators")).toContain("weights_do_not_sum");
  });

  it("puts the rows of the level-1 blocks that hold the whole excess under review, not the whole list", () => {
    // Block 产出 (50) reads 50; block 效益 (30) reads 3 + 37 + 20 = 60: a weight "7" read "37".
    const rows = [ind(30, 30, "产出指标", 50), ind(20, 20, "产出指标", 50), ind(3, 3, "效益指标", 30), ind(37, 7, "效益指标", 30), ind(20, 20, "效益指标", 30), ind(20, 20, "满意度指标", 20)];
    const b = new RecordBuilder();
    runChecks(b, { indicators: rows, total: { weight: 100, score: 100 }, rates: [], level1Weights: true });
    expect(codesAt(b, "indicators")).toEqual([]);
    expect([2, 3, 4].map((k) => codesAt(b, `indicators[${k}]`))).toEqual([["weights_do_not_sum"], ["weights_do_not_sum"], ["weights_do_not_sum"]]);
    expect(codesAt(b, "indicators[0]")).toEqual([]);
    expect(codesAt(b, "total.weight")).toEqual(["weights_do_not_sum"]);
    // A block short of its weight (a row may be missing) keeps the whole list in doubt.
    const short = [ind(30, 30, "产出指标", 50), ind(10, 10, "产出指标", 50), ...rows.slice(2)];
    const b2 = new RecordBuilder();
    runChecks(b2, { indicators: short, total: { weight: 100, score: 100 }, rates: [], level1Weights: true });
    expect(codesAt(b2, "indicators")).toContain("weights_do_not_sum");
    // Level-1 weights that do not make the total keep it too.
    const off = rows.map((r) => (r.level1 === "满意度指标" ? { ...r, level1_weight: 25 } : r));
    const b3 = new RecordBuilder();
    runChecks(b3, { indicators: off, total: { weight: 100, score: 100 }, rates: [], level1Weights: true });
    expect(codesAt(b3, "indicators")).toContain("weights_do_not_sum");
  });

  it("checks the scores against a total row whose one number sits in the weight cell (shifted by a column)", () => {
    // The total row printed 100 | 93.42; OCR lost the 100 and read 93.42 as the weight.
    const rows = [ind(50, 48.42), ind(30, 30), ind(20, 15)];
    const b = new RecordBuilder();
    const confirmed = runChecks(b, { indicators: rows, total: { weight: 93.42, score: null }, rates: [], level1Weights: false });
    expect(codesAt(b, "total.score")).toEqual(["missing_total_score"]);
    expect(codesAt(b, "indicators")).toEqual([]);
    expect(["indicators[0].score", "indicators[1].score", "indicators[2].score"].every((p) => confirmed.has(p))).toBe(true);
    // A score misread 5 → 3 fails that check and is named (the weights prove no row is missing).
    const b2 = new RecordBuilder();
    const confirmed2 = runChecks(b2, { indicators: [ind(50, 48.42), ind(30, 30), ind(20, 13)], total: { weight: 93.42, score: null }, rates: [], level1Weights: false });
    expect(codesAt(b2, "indicators[2].score")).toContain("digit_suspect");
    expect(codesAt(b2, "indicators")).toEqual([]);
    expect(confirmed2.has("indicators[2].score")).toBe(false);
    // Not explained by a confused digit: every row is under review.
    const b3 = new RecordBuilder();
    runChecks(b3, { indicators: [ind(50, 40), ind(30, 30), ind(20, 15)], total: { weight: 93.42, score: null }, rates: [], level1Weights: false });
    expect(codesAt(b3, "indicators")).toEqual(["scores_do_not_sum"]);
  });

  it("flags a score above its weight, and missing weights and scores", () => {
    const b = new RecordBuilder();
    runChecks(b, { indicators: [ind(10, 12), ind(null, 5), ind(5, null)], total: { weight: null, score: null }, rates: [], level1Weights: false });
    expect(codesAt(b, "indicators[0].score")).toEqual(["score_above_weight"]);
    // Either may be the misread one: one review item over the score and the weight.
    expect(b.flags.find((f) => f.code === "score_above_weight")?.paths).toEqual(["indicators[0].score", "indicators[0].weight"]);
    expect(codesAt(b, "indicators[1].weight")).toEqual(["missing_weight"]);
    expect(codesAt(b, "indicators[2].score")).toEqual(["missing_score"]);
    expect(codesAt(b, "total")).toEqual(["missing_total"]);
    // Without a total, nothing proves the rows are complete: the whole list is under review.
    expect(codesAt(b, "indicators")).toEqual(["missing_total"]);
  });

  it("flags a report without indicators on the list", () => {
    const b = new RecordBuilder();
    runChecks(b, { indicators: [], total: { weight: 100, score: 100 }, rates: [], level1Weights: false });
    expect(b.flags.map((f) => [f.code, f.path])).toEqual([["no_indicators", "indicators"]]);
  });

  it("checks execution rate = executed / budget, skipping a zero budget and doubting the two values read when the third was not", () => {
    const b = new RecordBuilder();
    const confirmed = runChecks(b, {
      indicators: [ind(100, 100)],
      total: { weight: 100, score: 100 },
      rates: [
        { path: "spending.fiscal", budget: 113569961.85, executed: 107247165.67, rate: 94.43 },
        { path: "spending.basic", budget: 200, executed: 100, rate: 60 },
        { path: "spending.other", budget: 0, executed: 0, rate: 0 },
        { path: "spending.project", budget: null, executed: 10, rate: 5 },
        { path: "spending.carryover", budget: 5, executed: null, rate: null },
      ],
      level1Weights: false,
    });
    expect(b.flags.map((f) => [f.code, f.path])).toEqual([
      ["rate_mismatch", "spending.basic.execution_rate"],
      ["rate_unchecked", "spending.project.executed"],
      ["rate_unchecked", "spending.project.execution_rate"],
    ]);
    // A failed rate is one doubt over the rate and both amounts: any of them may be misread.
    expect(b.flags[0]!.paths).toEqual(["spending.basic.execution_rate", "spending.basic.annual_budget", "spending.basic.executed"]);
    expect(b.flags[0]!.message).toContain("50.00%");
    expect(confirmed.has("spending.fiscal.execution_rate")).toBe(true);
    expect(confirmed.has("spending.other.execution_rate")).toBe(false);
  });

  it("leaves amounts another check confirmed out of a failed rate's doubt", () => {
    const b = new RecordBuilder();
    runChecks(b, { indicators: [ind(100, 100)], total: { weight: 100, score: 100 }, rates: [{ path: "funds.total", budget: 200, executed: 100, rate: 60 }], level1Weights: false }, { known: new Set(["funds.total.annual_budget", "funds.total.executed"]) });
    expect(b.flags.map((f) => [f.code, f.path, f.paths])).toEqual([["rate_mismatch", "funds.total.execution_rate", undefined]]);
  });

  it("checks the budget row's score = rate × weight, capped at the weight", () => {
    const ok = new RecordBuilder();
    runChecks(ok, {
      indicators: [ind(90, 90)], total: { weight: 100, score: 100 },
      budgetRow: { weight: 10, score: 10, path: "funds.total" },
      rates: [{ path: "funds.total", budget: 100, executed: 120, rate: 120 }], level1Weights: false,
    });
    expect(codesAt(ok, "funds.total.score")).toEqual([]);
    const bad = new RecordBuilder();
    runChecks(bad, {
      indicators: [ind(90, 90)], total: { weight: 100, score: 99 },
      budgetRow: { weight: 10, score: 9, path: "funds.total" },
      rates: [{ path: "funds.total", budget: 100, executed: 80, rate: 80 }], level1Weights: false,
    });
    expect(codesAt(bad, "funds.total.score")).toEqual(["budget_score_mismatch"]);
  });

  it("checks level-1 block weights when asked", () => {
    const b = new RecordBuilder();
    const confirmed = runChecks(b, {
      indicators: [ind(20, 20, "产出指标", 40), ind(20, 20, "产出指标", 40), ind(50, 50, "效益指标", 60), ind(10, 10, "满意度指标", null)],
      total: { weight: 100, score: 100 },
      rates: [],
      level1Weights: true,
    });
    expect(confirmed.has("indicators[0].level1_weight")).toBe(true);
    expect(confirmed.has("indicators[1].level1_weight")).toBe(true);
    expect(codesAt(b, "indicators[2].level1_weight")).toEqual(["block_weights_do_not_sum"]);
    expect(codesAt(b, "indicators[3].level1_weight")).toEqual(["missing_level1_weight"]);
    const off = new RecordBuilder();
    runChecks(off, { indicators: [ind(10, 10, "产出指标", null)], total: { weight: 10, score: 10 }, rates: [], level1Weights: false });
    expect(off.flags).toEqual([]);
  });

  it("takes a weight read below its own score as the score when the weights fall short of the total by the difference", () => {
    const run = (rows: ReturnType<typeof ind>[], totalWeight = 100) => {
      const b = new RecordBuilder();
      const implied = new Map<string, number>();
      const confirmed = runChecks(b, { indicators: rows, total: { weight: totalWeight, score: null }, rates: [], level1Weights: false }, { implied });
      return { b, implied, confirmed };
    };
    // A 5 read 4: the weights sum to 99.
    const { b, implied, confirmed } = run([ind(50, 50), ind(45, 45), ind(4, 5)]);
    expect(Object.fromEntries(implied)).toEqual({ "indicators[2].weight": 5 });
    expect(codesAt(b, "indicators[2].weight")).toEqual(["weight_from_total"]);
    expect(confirmed.has("total.weight")).toBe(true);
    expect(b.flags.some((f) => f.code === "score_above_weight")).toBe(false);
    // A gap the difference does not close, or two such rows: the checks say what is wrong.
    for (const rows of [[ind(50, 50), ind(44, 44), ind(4, 5)], [ind(50, 50), ind(44, 45), ind(4, 5)]]) {
      const other = run(rows);
      expect(other.implied.has("indicators[2].weight")).toBe(false);
      expect(codesAt(other.b, "indicators[2].score")).toContain("score_above_weight");
    }
  });

  it("with several scores not read, checks a read score by full marks (equal to its weight) and doubts the others", () => {
    const rows = [ind(40, 40), ind(20, null), ind(30, null), ind(10, 8)];
    const full = new RecordBuilder();
    const confirmed = runChecks(full, { indicators: rows, total: { weight: 100, score: 100 }, rates: [], level1Weights: false });
    expect(confirmed.has("indicators[0].score")).toBe(true);
    expect(codesAt(full, "indicators[0].score")).toEqual([]);
    expect(codesAt(full, "indicators[3].score")).toEqual(["scores_unread"]);
    const partial = new RecordBuilder();
    runChecks(partial, { indicators: rows, total: { weight: 100, score: 99 }, rates: [], level1Weights: false });
    expect(codesAt(partial, "indicators[0].score")).toEqual(["scores_unread"]);
  });

  it("takes full marks: with the total score equal to the total weight, every score is its row's weight", () => {
    const run = (rows: ReturnType<typeof ind>[], doubted: string[] = [], total = { weight: 100, score: 100 }) => {
      const b = new RecordBuilder();
      for (const p of doubted) b.confidence[p] = 0.5;
      const implied = new Map<string, number>();
      const confirmed = runChecks(b, { indicators: rows, total, rates: [], level1Weights: false }, { implied });
      return { b, implied, confirmed };
    };
    // A score not read and one read in doubt as 3 (a 5 whose stem the scan lost) are their weights.
    const { b, implied, confirmed } = run([ind(50, 50), ind(45, null), ind(5, 3)], ["indicators[2].score"]);
    expect(Object.fromEntries(implied)).toEqual({ "indicators[1].score": 45, "indicators[2].score": 5 });
    expect(b.flags.filter((f) => f.severity === "review").map((f) => `${f.code}:${f.path}`)).toEqual(["score_from_total:indicators[1].score", "score_from_total:indicators[2].score"]);
    expect(confirmed.has("indicators[0].score")).toBe(true);
    // A weight not read is its row's score, when the weights so filled make the total.
    const w = run([ind(50, 50), ind(null, 45), ind(5, 5)]);
    expect(Object.fromEntries(w.implied)).toEqual({ "indicators[1].weight": 45 });
    expect(w.confirmed.has("total.weight")).toBe(true);
    // Nothing is taken when a score read sure differs from its weight, when the weights do not make
    // the total (a weight may be the misread one), or when the total is not full marks.
    for (const [rows, total] of [
      [[ind(50, 50), ind(45, null), ind(5, 3)], { weight: 100, score: 100 }],
      [[ind(50, 50), ind(0.5, 4.5), ind(5, null)], { weight: 100, score: 100 }],
      [[ind(50, 50), ind(45, null), ind(5, 3)], { weight: 100, score: 98 }],
    ] as const) {
      const r = run([...rows], [], total);
      expect(r.b.flags.filter((f) => f.message.includes("the total score is the total weight"))).toEqual([]);
      expect(r.implied.get("indicators[2].score")).toBeUndefined();
    }
  });

  it("takes a level-1 weight not read when its block's weights and the total less the other level-1 weights make the same", () => {
    const rows = () => [ind(20, 20, "产出指标", 40), ind(20, 20, "产出指标", 40), ind(50, 50, "效益指标", 50), ind(6, 6, "满意度指标", null), ind(4, 4, "满意度指标", null)];
    const b = new RecordBuilder();
    const implied = new Map<string, number>();
    const confirmed = runChecks(b, { indicators: rows(), total: { weight: 100, score: 100 }, rates: [], level1Weights: true }, { implied });
    expect([implied.get("indicators[3].level1_weight"), implied.get("indicators[4].level1_weight")]).toEqual([10, 10]);
    expect(confirmed.has("indicators[4].level1_weight")).toBe(true);
    expect(b.flags.filter((f) => f.severity === "review")).toEqual([]);
    // The two sums disagree (the total says 12), or a row's weight was not read: nothing is taken.
    for (const [list, totalWeight] of [[rows(), 102], [[...rows().slice(0, 4), ind(null, 4, "满意度指标", null)], 100]] as const) {
      const other = new RecordBuilder();
      const none = new Map<string, number>();
      runChecks(other, { indicators: [...list], total: { weight: totalWeight, score: 99 }, rates: [], level1Weights: true }, { implied: none });
      expect(none.has("indicators[3].level1_weight")).toBe(false);
      expect(codesAt(other, "indicators[3].level1_weight")).toEqual(["missing_level1_weight"]);
    }
  });

  it("doubts every weight of a level-1 block whose sum no confused digit explains, unless the total vouches for them", () => {
    // 效益指标 (35) read as 5 + 3 + 9 + 3: no one- or two-digit misread makes 35; several may be wrong.
    const rows = [ind(20, 20, "产出指标", 20), ind(5, 5, "效益指标", 35), ind(3, 3, "效益指标", 35), ind(9, 9, "效益指标", 35), ind(3, 3, "效益指标", 35), ind(45, 45, "满意度指标", 45)];
    const b = new RecordBuilder();
    const confirmed = runChecks(b, { indicators: rows, total: { weight: null, score: null }, rates: [], level1Weights: true });
    for (const k of [1, 2, 3, 4]) expect(codesAt(b, `indicators[${k}].weight`)).toContain("block_weights_do_not_sum");
    // A block that sums confirms its weights as well as its level-1 weight.
    for (const k of [0, 5]) {
      expect(codesAt(b, `indicators[${k}].weight`)).toEqual([]);
      expect(confirmed.has(`indicators[${k}].weight`)).toBe(true);
    }
  });

  it("does not doubt a block whose only gap is its one weight not read, by what the total implies", () => {
    const rows = [ind(30, 30, "产出指标", 30), ind(null, 4, "效益指标", 35), ind(31, 31, "效益指标", 35), ind(35, 35, "满意度指标", 35)];
    const b = new RecordBuilder();
    runChecks(b, { indicators: rows, total: { weight: 100, score: 100 }, rates: [], level1Weights: true });
    expect(codesAt(b, "indicators[1].weight")).toEqual(["weight_from_total", "missing_weight"]);
    expect(b.flags.filter((f) => f.code === "block_weights_do_not_sum")).toEqual([]);
    // The total implies another value than the block: the block's weights are in doubt.
    const other = new RecordBuilder();
    runChecks(other, { indicators: rows, total: { weight: 90, score: 100 }, rates: [], level1Weights: true });
    expect(codesAt(other, "indicators[1].level1_weight")).toContain("block_weights_do_not_sum");
  });

  it("takes a score the total implies above its row's weight (or below 0) for a failed sum", () => {
    // The total read 99.46 for 93.46: the one score not read would be 16, over its weight of 10.
    const rows = [ind(10, null), ind(40, 40), ind(40, 33.46), ind(10, 10)];
    const b = new RecordBuilder();
    runChecks(b, { indicators: rows, total: { weight: 100, score: 99.46 }, rates: [], level1Weights: false });
    expect(codesAt(b, "indicators[0].score")).toContain("score_from_total");
    expect(codesAt(b, "total.score")).toContain("scores_do_not_sum");
    // A score the total implies within its weight is taken as the check's answer.
    const fits = new RecordBuilder();
    runChecks(fits, { indicators: rows, total: { weight: 100, score: 93.46 }, rates: [], level1Weights: false });
    expect(codesAt(fits, "total.score")).toEqual([]);
  });

  it("does not doubt a level-1 weight whose block is short only by weights not read, when the level-1 weights make the total", () => {
    const rows = [ind(20, 20, "产出指标", 50), ind(null, 10, "产出指标", 50), ind(null, 10, "产出指标", 50), ind(50, 50, "效益指标", 50)];
    const b = new RecordBuilder();
    const confirmed = runChecks(b, { indicators: rows, total: { weight: 100, score: 90 }, rates: [], level1Weights: true });
    for (const k of [0, 1, 2]) expect(codesAt(b, `indicators[${k}].level1_weight`)).toEqual([]);
    expect(confirmed.has("indicators[0].level1_weight")).toBe(true);
    // Level-1 weights that miss the total vouch for nothing: the short block's weight is doubted.
    const off = new RecordBuilder();
    runChecks(off, { indicators: rows.map((r) => (r.level1 === "效益指标" ? { ...r, level1_weight: 40 } : r)), total: { weight: 100, score: 90 }, rates: [], level1Weights: true });
    expect(codesAt(off, "indicators[0].level1_weight")).toContain("block_weights_do_not_sum");
  });

  it("doubts each read weight or score when several others were not read (no sum checks them)", () => {
    const rows = [ind(20, 20), ind(null, null), ind(null, null), ind(30, 28)];
    const b = new RecordBuilder();
    runChecks(b, { indicators: rows, total: { weight: 100, score: 98 }, rates: [], level1Weights: false });
    for (const k of [0, 3]) {
      expect(codesAt(b, `indicators[${k}].weight`)).toEqual(["weights_unread"]);
      expect(codesAt(b, `indicators[${k}].score`)).toEqual(["scores_unread"]);
    }
    expect(codesAt(b, "total.weight")).toEqual(["weights_unread"]);
    // One value not read: the total implies it, and the others are not doubted for it.
    const one = new RecordBuilder();
    runChecks(one, { indicators: [ind(20, 20), ind(null, 50), ind(30, 28)], total: { weight: 100, score: 98 }, rates: [], level1Weights: false });
    expect(codesAt(one, "indicators[0].weight")).toEqual([]);
    expect(codesAt(one, "indicators[1].weight")).toEqual(["weight_from_total", "missing_weight"]);
  });

  it("hands the caller the one weight or score the total implies, under its review flag, when it asks", () => {
    const implied = new Map<string, number>();
    const b = new RecordBuilder();
    runChecks(b, { indicators: [ind(20, 20), ind(null, 50), ind(30, null)], total: { weight: 100, score: 98 }, rates: [], level1Weights: false }, { implied });
    expect([...implied]).toEqual([["indicators[1].weight", 50], ["indicators[2].score", 28]]);
    expect(codesAt(b, "indicators[1].weight")).toEqual(["weight_from_total"]);
    expect(b.flags.find((f) => f.path === "indicators[1].weight")?.message).toContain("taken as 50");
    expect(codesAt(b, "indicators[2].score")).toEqual(["score_from_total"]);
    // A failed sum with one explanation by a confused digit, in a value read in OCR doubt: that digit.
    const rows = [ind(60, 60), ind(35, 35), ind(3, 3)];
    const digits = new Map<string, number>();
    const doubted = new RecordBuilder();
    doubted.confidence["indicators[2].weight"] = 0.5;
    runChecks(doubted, { indicators: rows, total: { weight: 100, score: 98 }, rates: [], level1Weights: false }, { implied: digits });
    expect([...digits]).toEqual([["indicators[2].weight", 5]]);
    expect(doubted.flags.find((f) => f.code === "digit_suspect")?.message).toContain("taken as 5");
    // The same digit read without doubt is only flagged.
    const sure = new Map<string, number>();
    const read = new RecordBuilder();
    runChecks(read, { indicators: rows, total: { weight: 100, score: 98 }, rates: [], level1Weights: false }, { implied: sure });
    expect([...sure]).toEqual([]);
    expect(codesAt(read, "indicators[2].weight")).toContain("digit_suspect");
    // An implied value that cannot be (a weight of 0 or less, a score above its weight) is not handed over.
    const none = new Map<string, number>();
    runChecks(new RecordBuilder(), { indicators: [ind(60, 20), ind(null, 50), ind(30, null)], total: { weight: 90, score: 120 }, rates: [], level1Weights: false }, { implied: none });
    expect([...none]).toEqual([]);
  });
});

function cell(text: string, confidence = 1, page = 1): RowCell {
  return {
    text, x0: 0, x1: 1, col: 0, colSpan: 1, rowSpan: 1, confidence,
    prov: [{ page, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, unit: "px" }],
    repairs: [], inherited: false,
  };
}

describe("RecordBuilder", () => {
  it("reads numbers and rates, flags text that is not a number", () => {
    const b = new RecordBuilder();
    expect(b.number("total.weight", cell("1,199,900"))).toBe(1199900);
    expect(b.number("funds.total.execution_rate", cell("80.88%"), true)).toBe(80.88);
    expect(b.number("a", cell("—"))).toBeNull();
    expect(b.number("b", undefined)).toBeNull();
    expect(b.number("indicators[0].weight", cell("十"))).toBeNull();
    expect(b.flags).toEqual([{ code: "not_a_number", severity: "review", path: "indicators[0].weight", message: '"十" is not a number' }]);
    expect(b.provenance["total.weight"]).toHaveLength(1);
    expect(b.provenance["b"]).toBeUndefined();
  });

  it("reads a number with a dot but no digit before it (dust before a digit) as its digits, with a review flag", () => {
    const b = new RecordBuilder();
    expect(b.number("indicators[4].weight", cell(".3"))).toBe(3);
    expect(b.number("indicators[5].weight", cell("..15"))).toBe(15);
    expect(b.number("indicators[6].weight", cell("0.3"))).toBe(0.3);
    expect(b.number("indicators[7].weight", cell("3.5"))).toBe(3.5);
    expect(b.number("indicators[8].weight", cell(":3"))).toBe(3);
    expect(b.flags.map((f) => [f.code, f.severity, f.path])).toEqual([
      ["leading_dot", "review", "indicators[4].weight"],
      ["leading_dot", "review", "indicators[5].weight"],
      ["leading_dot", "review", "indicators[8].weight"],
    ]);
  });

  it("joins and cleans text cells; empty markers are null", () => {
    const b = new RecordBuilder();
    expect(b.text("goals.expected", [cell("<p>巩固受帮扶地区脱贫"), cell("攻坚成果</p>"), undefined])).toBe("巩固受帮扶地区脱贫攻坚成果");
    expect(b.text("x", [cell("—")])).toBeNull();
    expect(b.text("y", [])).toBeNull();
    expect(b.provenance["goals.expected"]).toHaveLength(2);
  });

  it("records pages, the lowest confidence and the cells' repairs", () => {
    const b = new RecordBuilder();
    const c = { ...cell("坚成果", 0.7, 3), repairs: [{ code: "duplicate_char_removed" as const, severity: "info" as const, message: "m" }] };
    b.track("indicators[0].name", [cell("甲", 0.9, 2), c]);
    expect([...b.pages].sort()).toEqual([2, 3]);
    expect(b.confidence["indicators[0].name"]).toBe(0.7);
    expect(b.flags).toEqual([{ code: "duplicate_char_removed", severity: "info", path: "indicators[0].name", message: "m" }]);
    // the same flag twice is recorded once
    b.track("indicators[0].name", [c]);
    expect(b.flags).toHaveLength(1);
  });

  it("flags low OCR confidence below the threshold unless a check confirmed the value", () => {
    const b = new RecordBuilder({ minConfidence: 0.8 });
    b.number("total.weight", cell("100", 0.5));
    b.number("total.score", cell("98", 0.5));
    b.number("funds.total.weight", cell("10", 0.85));
    b.flagLowConfidence(new Set(["total.weight"]));
    expect(b.flags.map((f) => [f.code, f.path, f.severity])).toEqual([["low_ocr_confidence", "total.score", "review"]]);
    const strict = new RecordBuilder({ minConfidence: 0.9 });
    strict.number("funds.total.weight", cell("10", 0.85));
    strict.flagLowConfidence(new Set());
    expect(strict.flags.map((f) => f.path)).toEqual(["funds.total.weight"]);
  });

  it("drops the doubt on digits both engines read alike but unsure when a check confirms them", () => {
    const unsure = (text: string): RowCell => ({ ...cell(text, 0.5), repairs: [{ code: "unsure_digits", severity: "review", message: "m" }] });
    const b = new RecordBuilder();
    b.number("indicators[0].weight", unsure("5"));
    b.number("indicators[1].weight", unsure("3"));
    b.flagLowConfidence(new Set(["indicators[0].weight"]));
    expect(b.flags.map((f) => [f.code, f.path])).toEqual([["unsure_digits", "indicators[1].weight"]]);
  });

  it("says which paths a review flag covers", () => {
    const b = new RecordBuilder();
    b.flag("weights_do_not_sum", "review", "indicators", "m");
    b.flag("row_label_inferred", "info", "funds", "m");
    expect(b.underReview("indicators[3]")).toBe(true);
    expect(b.underReview("indicators")).toBe(true);
    expect(b.underReview("indicatorsX")).toBe(false);
    expect(b.underReview("funds.total")).toBe(false);
    b.flag("record_unreliable", "review", "", "m");
    expect(b.underReview("funds.total")).toBe(true);
  });

  it("flags each value a confused digit could put right when a sum fails (5 read as 3 on a coarse scan)", () => {
    const b = new RecordBuilder();
    // Block 效益指标 of 20 printed 5 5 5 5; two 5s were read as 3.
    runChecks(b, {
      indicators: [ind(20, 20, "产出指标", 20), ind(5, 5, "效益指标", 20), ind(3, 3, "效益指标", 20), ind(3, 5, "效益指标", 20), ind(5, 5, "效益指标", 20)],
      total: { weight: 40, score: 40 },
      rates: [],
      level1Weights: true,
    });
    expect(codesAt(b, "indicators[2].weight")).toContain("digit_suspect");
    expect(codesAt(b, "indicators[3].weight")).toContain("digit_suspect");
    // A 5 could only be a 3 or a 6, which do not close the gap of +4.
    expect(codesAt(b, "indicators[1].weight")).toEqual([]);
    expect(codesAt(b, "indicators[4].weight")).toEqual([]);
    // Only the block that fails: the other one sums.
    expect(codesAt(b, "indicators[0].weight")).toEqual([]);
    // The total weight fails too and names the same two (one flag each); the scores sum to 38
    // where 40 was printed, and only the 3 read for the third row's score closes that gap.
    expect(b.flags.filter((f) => f.code === "digit_suspect").map((f) => f.path).sort()).toEqual(
      ["indicators[2].weight", "indicators[3].weight", "indicators[2].score"].sort(),
    );
  });

  it("narrows a failed score sum to the digits that explain it when the weights sum (no row is missing)", () => {
    const b = new RecordBuilder();
    // Printed scores 20 5 5 (total 30); the second 5 was read as 3. The weights sum.
    runChecks(b, { indicators: [ind(20, 20), ind(5, 5), ind(5, 3)], total: { weight: 30, score: 30 }, rates: [], level1Weights: false });
    expect(codesAt(b, "indicators")).toEqual([]);
    expect(codesAt(b, "total.score")).toEqual(["scores_do_not_sum"]);
    expect(codesAt(b, "indicators[2].score")).toEqual(["digit_suspect"]);
    // A missing row breaks both sums: then every row stays in doubt.
    const missing = new RecordBuilder();
    runChecks(missing, { indicators: [ind(20, 20), ind(5, 3)], total: { weight: 30, score: 30 }, rates: [], level1Weights: false });
    expect(codesAt(missing, "indicators")).toEqual(["weights_do_not_sum", "scores_do_not_sum"]);
  });
});

describe("checkFundsColumns", () => {
  const row = (v: number | null) => ({ initial_budget: v, annual_budget: null, executed: null });
  const read = (b: RecordBuilder, funds: Record<string, { initial_budget: number | null }>, confidence: number) => {
    for (const k of Object.keys(funds)) b.confidence[`funds.${k}.initial_budget`] = confidence;
  };
  it("counts a part left blank as nothing: the column is checked all the same (a total with a digit lost is caught)", () => {
    const funds = { total: row(112322.2), fiscal: row(112322.02), carryover: row(null), other: row(0) };
    const b = new RecordBuilder();
    read(b, funds, 0.997);
    const confirmed = new Set<string>();
    checkFundsColumns(b, funds, confirmed);
    expect(codesAt(b, "funds.total.initial_budget")).toContain("funds_do_not_sum");
    const ok = { ...funds, total: row(112322.02) };
    const b2 = new RecordBuilder();
    read(b2, ok, 0.997);
    const confirmed2 = new Set<string>();
    checkFundsColumns(b2, ok, confirmed2);
    expect(b2.flags).toEqual([]);
    expect([...confirmed2].sort()).toEqual(["funds.fiscal.initial_budget", "funds.other.initial_budget", "funds.total.initial_budget"]);
  });

  it("confirms an OCR-read column that adds up and flags one that does not, on the digit that explains it", () => {
    const ok = { total: row(436500), fiscal: row(400000), carryover: row(36500), other: row(0) };
    const b = new RecordBuilder();
    read(b, ok, 0.997);
    const confirmed = new Set<string>();
    checkFundsColumns(b, ok, confirmed);
    expect(b.flags).toEqual([]);
    expect(confirmed.has("funds.total.initial_budget")).toBe(true);
    // 436500 read as 136500: one confused digit (4 → 1) of the total explains it.
    const bad = { ...ok, total: row(136500) };
    const b2 = new RecordBuilder();
    read(b2, bad, 0.997);
    checkFundsColumns(b2, bad, new Set());
    expect(codesAt(b2, "funds.total.initial_budget")).toContain("funds_do_not_sum");
    expect(b2.flags.length).toBeGreaterThan(0);
  });

  it("leaves a text layer's column alone (some forms do not add up as printed)", () => {
    const printed = { total: row(1087128), fiscal: row(0), carryover: row(0), other: row(0) };
    const b = new RecordBuilder();
    read(b, printed, 1);
    checkFundsColumns(b, printed, new Set());
    expect(b.flags).toEqual([]);
  });
});
