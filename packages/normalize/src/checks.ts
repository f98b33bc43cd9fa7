import type { RecordBuilder } from "./RecordBuilder.js";
import { digitExplanations, suspectsOf, type Addend } from "./digitSuspects.js";

type Ind = { weight: number | null; score: number | null; level1: string | null; level1_weight?: number | null };

/** What the weights of these forms add up to (the total row's weight). */
const FORM_TOTAL_WEIGHT = 100;

const round2 = (x: number) => Math.round(x * 100) / 100;
const sum = (xs: readonly (number | null)[]) => round2(xs.reduce<number>((s, x) => s + (x ?? 0), 0));

/** A value read with less confidence than this is in OCR doubt (two engines disagreed, or neither was sure). */
const OCR_DOUBT_BELOW = 0.9;

/**
 * A failed sum whose gap one or two commonly confused digits would close: each value that could
 * be such a misread gets its own review flag (it may or may not be the wrong one), so a person
 * looks at the values that can explain the gap and not only at the total.
 * With `implied`: when the gap has a single such explanation and every value it changes was read
 * in OCR doubt, the values it gives are put there by path for the caller to take (their flags stay).
 */
function flagDigitSuspects(b: RecordBuilder, addends: readonly Addend[], expected: number, what: string, implied?: Map<string, number>): number {
  const sum = round2(addends.reduce((s, a) => s + a.value, 0));
  const explanations = digitExplanations(addends, expected);
  const suspects = suspectsOf(addends, explanations);
  const only = implied && explanations.length === 1 ? explanations[0]! : undefined;
  const take = only?.every((c) => (b.confidence[addends[c.index]!.path] ?? 1) < OCR_DOUBT_BELOW) ? only : undefined;
  for (const c of take ?? []) {
    const path = addends[c.index]!.path;
    const before = implied!.get(path);
    // Two sums that explain the same value differently: neither is taken.
    if (before !== undefined && before !== c.value) implied!.set(path, Number.NaN);
    else implied!.set(path, c.value);
  }
  for (const d of suspects) {
    const taken = take?.some((c) => addends[c.index]!.path === d.path);
    b.flag("digit_suspect", "review", d.path, `read ${d.read}; ${what} sum to ${sum}, not ${expected}: ${d.could_be.join(" or ")} here would make it come out${taken ? `; read in doubt, taken as ${d.could_be[0]}` : ""}`);
  }
  return suspects.length;
}

const addendsOf = (indicators: readonly Ind[], rows: readonly number[], field: "weight" | "score"): Addend[] | undefined => {
  const out: Addend[] = [];
  for (const k of rows) {
    const v = indicators[k]![field];
    if (v === null) return undefined;
    out.push({ path: `indicators[${k}].${field}`, value: v });
  }
  return out;
};

/** The level-1 blocks (label and weight), each with its weight, its rows' weight sum and its rows. */
function levelOneBlocks(indicators: readonly Ind[]): { weight: number | null; sum: number; rows: number[] }[] {
  const blocks = new Map<string, { weight: number | null; sum: number; rows: number[] }>();
  indicators.forEach((ind, k) => {
    const key = `${ind.level1}|${ind.level1_weight}`;
    const blk = blocks.get(key) ?? { weight: ind.level1_weight ?? null, sum: 0, rows: [] };
    blk.sum = round2(blk.sum + (ind.weight ?? 0));
    blk.rows.push(k);
    blocks.set(key, blk);
  });
  return [...blocks.values()];
}

/**
 * The weight of a level-1 block whose own weight was not read, when two sums say the same: its
 * rows' weights (every one read) and the total weight less the other blocks' level-1 weights (every
 * one read) and the budget row's points. Otherwise null.
 */
function impliedLevelOneWeight(
  blk: { weight: number | null; sum: number; rows: number[] },
  blocks: readonly { weight: number | null; sum: number; rows: number[] }[],
  indicators: readonly Ind[],
  totalWeight: number | null,
  extraW: number,
): number | null {
  if (totalWeight === null || blk.sum <= 0 || blk.rows.some((k) => indicators[k]!.weight === null)) return null;
  const others = blocks.filter((o) => o !== blk);
  if (others.some((o) => o.weight === null)) return null;
  const rest = round2(totalWeight - extraW - sum(others.map((o) => o.weight)));
  return Math.abs(rest - blk.sum) <= 0.011 ? blk.sum : null;
}

/**
 * The one row whose weight was read below its own score (a score cannot exceed its weight) when
 * the weights, every one read, fall short of the total weight by exactly the difference: the
 * weight is the misread value (a 5 read 4), and it is the score. null otherwise (no such row,
 * several, or a gap the difference does not close: the sums then say what is wrong).
 */
function weightBelowScore(indicators: readonly Ind[], totalWeight: number | null, extraW: number): { row: number; weight: number } | null {
  if (totalWeight === null || indicators.some((i) => i.weight === null)) return null;
  const below = indicators.flatMap((i, k) => (i.score !== null && i.score > i.weight! + 1e-9 ? [k] : []));
  if (below.length !== 1) return null;
  const k = below[0]!;
  const gap = round2(totalWeight - extraW - sum(indicators.map((i) => i.weight)));
  const diff = round2(indicators[k]!.score! - indicators[k]!.weight!);
  return Math.abs(gap - diff) <= 0.011 ? { row: k, weight: indicators[k]!.score! } : null;
}

/** A score read at least this sure, and under no review flag, is taken as read by fullMarksFill. */
const SURE_SCORE = 0.99;

/**
 * Full marks: the total row's score equals its weight (and a budget row's score its points), and
 * no score can exceed its row's weight, so every score equals its row's weight. Returns the rows
 * with the value each lacks filled from the other: a score not read, or read in doubt (under a
 * review flag or below SURE_SCORE) as something other than the weight, is the weight; a weight
 * not read is the score. null when the total is not full marks, a score read sure differs from
 * its weight (the form then does not add up as printed, and the sums say so), or the weights so
 * filled do not make the total (one of them is misread: a score is not taken from it).
 */
function fullMarksFill(
  b: RecordBuilder,
  indicators: readonly Ind[],
  total: { weight: number | null; score: number | null },
  budgetRow: { weight: number | null; score: number | null } | undefined,
): { rows: Ind[]; scores: number[]; weights: number[] } | null {
  if (total.score === null || total.weight === null || Math.abs(total.score - total.weight) > 0.011) return null;
  if (budgetRow && (budgetRow.score === null || budgetRow.weight === null || Math.abs(budgetRow.score - budgetRow.weight) > 0.011)) return null;
  const scores: number[] = [];
  const weights: number[] = [];
  const rows = indicators.map((ind, k) => {
    if (ind.weight === null) {
      if (ind.score === null) return ind;
      weights.push(k);
      return { ...ind, weight: ind.score };
    }
    if (ind.score !== null && Math.abs(ind.score - ind.weight) <= 0.011) return ind;
    const path = `indicators[${k}].score`;
    if (ind.score !== null && (b.confidence[path] ?? 1) >= SURE_SCORE && !b.underReview(path)) return undefined;
    scores.push(k);
    return { ...ind, score: ind.weight };
  });
  if (!rows.every((r): r is Ind => r !== undefined)) return null;
  // The weights (read, or filled from their scores) must make the total: the scores are taken
  // from weights the sum proves, never from a weight that may be the misread one.
  const weightSum = round2(sum(rows.map((r) => r.weight)) + (budgetRow?.weight ?? 0));
  return rows.every((r) => r.weight !== null) && Math.abs(weightSum - total.weight) <= 0.011 ? { rows, scores, weights } : null;
}

/** Whether every level-1 weight was read and they (+ the budget row's points) make the total weight. */
function levelOneWeightsMakeTotal(blocks: readonly { weight: number | null }[], totalWeight: number | null, extraW: number): boolean {
  return totalWeight !== null && blocks.every((blk) => blk.weight !== null) && Math.abs(round2(sum(blocks.map((blk) => blk.weight)) + extraW) - totalWeight) <= 0.011;
}

/**
 * The rows of the level-1 blocks that hold the whole excess of the indicator weights over the
 * total: every level-1 weight was read and they (+ the budget row's points) make the total, no
 * block falls short of its weight, and the blocks over theirs are over by exactly the excess. A
 * misread weight or a row too many lies in those blocks; a row missing anywhere would leave a
 * block short. undefined when that is not so (the whole list stays in doubt).
 */
function overshootingBlockRows(indicators: readonly Ind[], totalWeight: number, extraW: number): number[] | undefined {
  const list = levelOneBlocks(indicators);
  if (!levelOneWeightsMakeTotal(list, totalWeight, extraW)) return undefined;
  let excess = 0;
  const rows: number[] = [];
  for (const blk of list) {
    const over = round2(blk.sum - blk.weight!);
    if (over < -0.011) return undefined;
    if (over > 0.011) {
      excess = round2(excess + over);
      rows.push(...blk.rows);
    }
  }
  const total = round2(sum(indicators.map((i) => i.weight)) + extraW - totalWeight);
  return excess > 0 && Math.abs(total - excess) <= 0.011 ? rows.sort((a, b) => a - b) : undefined;
}

/**
 * The form's arithmetic. Each failed check is a review flag on what it involves; each check
 * that holds confirms the values it involves (they may then pass despite low OCR confidence).
 * Returns the set of confirmed paths.
 */
export function runChecks(
  b: RecordBuilder,
  input: {
    indicators: readonly Ind[];
    total: { weight: number | null; score: number | null };
    /** The budget-execution row's weight and score that count towards the total (project form). */
    budgetRow?: { weight: number | null; score: number | null; path: string };
    /** Budget, executed and rate of a row (`budgetField` names the budget: default annual_budget). */
    rates: readonly { path: string; budget: number | null; executed: number | null; rate: number | null; budgetField?: string }[];
    level1Weights: boolean;
  },
  context: {
    /** Values other checks already confirmed (the funds grid's column sums): a failed rate does not doubt them. */
    known?: ReadonlySet<string>;
    /**
     * Every row of the indicator table is accounted for (rulings placed it, each row read a name
     * and a weight, none was left out empty or joined): a sum that fails then doubts the weights
     * (or scores), not the table's rows. Default false: a failed sum may mean a row is missing,
     * and doubts the whole table.
     */
    rowsComplete?: boolean;
    /**
     * When given, the weights and scores the sums imply are put here by path, for the caller to
     * take: a value not read that the total implies (the one missing in its column, the implied
     * value possible for it), and the confused digits that alone explain a failed sum when every
     * value they change was read in OCR doubt (flagDigitSuspects). Their review flags stay and
     * say so. Without it the flags only name the implied values.
     */
    implied?: Map<string, number>;
  } = {},
): Set<string> {
  const confirmed = new Set<string>(context.known);
  const { total } = input;
  // The budget-execution row is worth 10 points on these forms; when its weight was not read,
  // the standard 10 keeps the sum check meaningful (the missing value has its own flag).
  const extraW = input.budgetRow ? (input.budgetRow.weight ?? 10) : 0;
  const extraS = input.budgetRow?.score ?? null;
  // A weight read below its own score, short by what the weights lack of the total: it is the score.
  const raised = context.implied ? weightBelowScore(input.indicators, total.weight, extraW) : null;
  if (raised) {
    const { row, weight } = raised;
    context.implied!.set(`indicators[${row}].weight`, weight);
    b.flag("weight_from_total", "review", `indicators[${row}].weight`, `read ${input.indicators[row]!.weight}, below the row's score ${weight}, and the weights sum short of the total by the difference: taken as ${weight}`);
  }
  const read = raised ? input.indicators.map((ind, k) => (k === raised.row ? { ...ind, weight: raised.weight } : ind)) : input.indicators;
  // Full marks: the values a row lacks are taken from its other column (each in doubt), and the
  // checks below run on the rows so filled.
  const fullMarks = context.implied ? fullMarksFill(b, read, total, input.budgetRow) : null;
  const indicators = fullMarks?.rows ?? read;
  for (const k of fullMarks?.scores ?? []) {
    const before = read[k]!.score;
    context.implied!.set(`indicators[${k}].score`, indicators[k]!.score!);
    b.flag("score_from_total", "review", `indicators[${k}].score`, `${before === null ? "not read" : `read ${before} in doubt`}; taken as ${indicators[k]!.score}: the total score is the total weight, so every score is its row's weight`);
  }
  for (const k of fullMarks?.weights ?? []) {
    context.implied!.set(`indicators[${k}].weight`, indicators[k]!.weight!);
    b.flag("weight_from_total", "review", `indicators[${k}].weight`, `not read; taken as ${indicators[k]!.weight}, the row's score: the total score is the total weight, so every score is its row's weight`);
  }

  if (indicators.length === 0) {
    b.flag("no_indicators", "review", "indicators", "no indicator rows were found");
  }
  // Weights (+ the budget row's points) sum to the total's weight. When some weights were not
  // read, the sum cannot decide; if exactly one is missing, its expected value is reported on it.
  const missingW = indicators.flatMap((i, k) => (i.weight === null ? [k] : []));
  let weightsFail: { s: number; extraW: number } | undefined;
  // The one weight not read, and what the total implies for it.
  let onlyMissing: { row: number; expected: number } | null = null;
  if (total.weight !== null && indicators.length && missingW.length) {
    if (missingW.length === 1) {
      const expected = round2(total.weight - extraW - sum(indicators.map((i) => i.weight)));
      onlyMissing = { row: missingW[0]!, expected };
      const path = `indicators[${missingW[0]}].weight`;
      // A weight is more than 0 and less than the total; anything else means another value is wrong.
      const take = context.implied !== undefined && expected > 0 && expected < total.weight;
      if (take) context.implied!.set(path, expected);
      b.flag("weight_from_total", "review", path, take ? `not read; taken as ${expected}, which the total implies` : `not read; the total implies ${expected}`);
    } else b.flag("weights_unread", "review", "total.weight", `${missingW.length} weights were not read: the weights cannot be checked against the total`);
  } else if (total.weight !== null && indicators.length) {
    const s = round2(sum(indicators.map((i) => i.weight)) + extraW);
    if (Math.abs(s - total.weight) > 0.011) {
      weightsFail = { s, extraW };
    } else {
      confirmed.add("total.weight");
      indicators.forEach((_, k) => confirmed.add(`indicators[${k}].weight`));
    }
  } else if (total.weight === null) {
    b.flag("missing_total", "review", "total", "the total row was not found");
    // Without the total nothing proves the rows are complete.
    b.flag("missing_total", "review", "indicators", "the total row was not found: indicator rows cannot be checked for completeness");
  }
  // The rows' weights (+ the budget row's points) make the forms' total of 100 and the total row
  // reads something else: it is the total row that was misread, not the rows (a misread weight
  // that keeps the sum at 100 would take two errors that cancel). With no score read in it, the
  // number in its weight cell is most likely its score, shifted by a column (the weight lost):
  // the scores are checked against that number instead of going unchecked.
  const totalRowMisread = weightsFail !== undefined && weightsFail.s === FORM_TOTAL_WEIGHT;
  const shiftedScore =
    totalRowMisread && total.score === null && total.weight !== null && total.weight > 0 && total.weight < FORM_TOTAL_WEIGHT ? total.weight : null;
  let missingS = indicators.flatMap((i, k) => (i.score === null ? [k] : []));
  let scoresFail: { s: number; against: number } | undefined;
  if (fullMarks && confirmed.has("total.weight")) {
    // Full marks, and the weights make the total: every score is its weight (fullMarksFill).
    indicators.forEach((_, k) => confirmed.add(`indicators[${k}].score`));
    confirmed.add("total.score");
    missingS = [];
  } else if (total.score !== null && indicators.length && (missingS.length || (input.budgetRow && extraS === null))) {
    if (missingS.length === 1 && !(input.budgetRow && extraS === null)) {
      const expected = round2(total.score - (extraS ?? 0) - sum(indicators.map((i) => i.score)));
      const path = `indicators[${missingS[0]}].score`;
      // A score the total implies below 0 or above its row's weight cannot be: the read scores do
      // not make the total, whichever was misread.
      const weight = indicators[missingS[0]!]!.weight;
      const impossible = expected < -0.051 || (weight !== null && expected > weight + 0.051);
      if (impossible) {
        scoresFail = { s: round2(sum(indicators.map((i) => i.score)) + (extraS ?? 0)), against: total.score };
      }
      const take = context.implied !== undefined && !impossible && weight !== null && expected >= 0;
      if (take) context.implied!.set(path, expected);
      b.flag("score_from_total", "review", path, take ? `not read; taken as ${expected}, which the total implies` : `not read; the total implies ${expected}`);
    } else if (missingS.length) b.flag("scores_unread", "review", "total.score", `${missingS.length} scores were not read: the scores cannot be checked against the total`);
  } else if (total.score === null && total.weight !== null && indicators.length) {
    // The total row was read, its score was not: nothing confirms the scores, and the total
    // score the form states is missing from the record.
    b.flag("missing_total_score", "review", "total.score", "the total row's score was not read");
    if (shiftedScore !== null && !missingS.length && !(input.budgetRow && extraS === null)) {
      const s = round2(sum(indicators.map((i) => i.score)) + (extraS ?? 0));
      if (Math.abs(s - shiftedScore) <= 0.051) indicators.forEach((_, k) => confirmed.add(`indicators[${k}].score`));
      else scoresFail = { s, against: shiftedScore };
    }
  } else if (total.score !== null && indicators.length) {
    const s = round2(sum(indicators.map((i) => i.score)) + (extraS ?? 0));
    if (Math.abs(s - total.score) > 0.051) {
      scoresFail = { s, against: total.score };
    } else {
      confirmed.add("total.score");
      indicators.forEach((_, k) => confirmed.add(`indicators[${k}].score`));
    }
  }
  // A failed sum is a review flag on the total and on what can explain it. When one or two
  // confused digits explain it and the other sum holds (so no row is missing or extra: a row
  // adds both a weight and a score), the doubt is those digits and the total; otherwise it is
  // every indicator row.
  if (weightsFail && total.weight !== null) {
    const { s, extraW: w } = weightsFail;
    if (totalRowMisread) {
      b.flag("weights_do_not_sum", "review", "total.weight", `indicator weights sum to ${s}, the total row reads ${total.weight}: the total row was misread`);
    } else {
      b.flag("weights_do_not_sum", "review", "total.weight", `indicator weights sum to ${s}`);
      const addends = addendsOf(indicators, indicators.map((_, k) => k), "weight");
      const explained = addends ? flagDigitSuspects(b, addends, round2(total.weight - w), "the indicator weights", context.implied) : 0;
      if (!explained || !confirmed.has("total.score")) {
        const message = `indicator weights${w ? " + budget points" : ""} sum to ${s}, total weight is ${total.weight}`;
        const rows = input.level1Weights ? overshootingBlockRows(indicators, total.weight, w) : undefined;
        if (rows) for (const k of rows) b.flag("weights_do_not_sum", "review", `indicators[${k}]`, `${message}: the excess lies in this row's level-1 block`);
        else if (context.rowsComplete) b.flagAll("weights_do_not_sum", "review", indicators.map((_, k) => `indicators[${k}].weight`), `${message}: one of the weights was misread`);
        else b.flag("weights_do_not_sum", "review", "indicators", message);
      }
    }
  }
  if (scoresFail) {
    const { s, against } = scoresFail;
    const shifted = total.score === null;
    b.flag("scores_do_not_sum", "review", "total.score", shifted ? `indicator scores sum to ${s}; the total row's one number is ${against}` : `indicator scores sum to ${s}`);
    const addends = addendsOf(indicators, indicators.map((_, k) => k), "score");
    const explained = addends ? flagDigitSuspects(b, addends, round2(against - (extraS ?? 0)), "the indicator scores", context.implied) : 0;
    // Narrowed to the digits only when the weights prove no row is missing or extra.
    if (!explained || !(confirmed.has("total.weight") || totalRowMisread)) {
      const message = `indicator scores${extraS ? " + budget score" : ""} sum to ${s}, total score is ${against}`;
      // The weights' sum holding proves the rows as well: a row lost or extra would move it too.
      if (context.rowsComplete || confirmed.has("total.weight")) b.flagAll("scores_do_not_sum", "review", indicators.map((_, k) => `indicators[${k}].score`), `${message}: one of the scores was misread`);
      else b.flag("scores_do_not_sum", "review", "indicators", message);
    }
  }
  indicators.forEach((ind, k) => {
    if (ind.weight !== null && ind.score !== null && ind.score > ind.weight + 1e-9) {
      // Either may be the misread one: one review item over both.
      b.flagAll("score_above_weight", "review", [`indicators[${k}].score`, `indicators[${k}].weight`], `score ${ind.score} is above weight ${ind.weight}: one of them is misread`);
    }
    // A value taken from the total keeps the flag that says so, not one that calls it missing.
    if (ind.weight === null && !context.implied?.has(`indicators[${k}].weight`)) b.flag("missing_weight", "review", `indicators[${k}].weight`, "no weight");
    if (ind.score === null && !context.implied?.has(`indicators[${k}].score`)) b.flag("missing_score", "review", `indicators[${k}].score`, "no score");
  });
  // Level-1 blocks sum to their weight. A block whose only gap is the one weight not read, by
  // exactly what the total implies for it, agrees with the total: nothing more is in doubt there.
  // A block with a weight not read cannot say which of its others is wrong: those are doubted
  // only when several weights were not read (below).
  // A block short of its weight by weights not read says nothing against its level-1 weight when
  // the level-1 weights (+ the budget row's points) make the total: they vouch for each other.
  if (input.level1Weights) {
    const blocks = levelOneBlocks(indicators);
    const levelOneTotal = levelOneWeightsMakeTotal(blocks, total.weight, extraW);
    for (const blk of blocks) {
      const shortByUnread = blk.weight !== null && blk.sum < blk.weight - 0.011 && blk.rows.some((k) => indicators[k]!.weight === null);
      if (blk.weight === null) {
        const implied = impliedLevelOneWeight(blk, blocks, indicators, total.weight, extraW);
        if (implied !== null && context.implied) {
          // Two sums make it alike: the block's own weights, and the total less the other blocks.
          for (const k of blk.rows) {
            context.implied.set(`indicators[${k}].level1_weight`, implied);
            confirmed.add(`indicators[${k}].level1_weight`);
            b.flag("weight_from_total", "info", `indicators[${k}].level1_weight`, `level-1 weight not read; taken as ${implied}: the block's weights sum to it, and the total less the other level-1 weights is it`);
          }
        } else {
          for (const k of blk.rows) b.flag("missing_level1_weight", "review", `indicators[${k}].level1_weight`, "no level-1 weight");
        }
      } else if (shortByUnread && levelOneTotal) {
        for (const k of blk.rows) confirmed.add(`indicators[${k}].level1_weight`);
      } else if (Math.abs(blk.sum - blk.weight) > 0.011 && !(onlyMissing !== null && Math.abs(blk.weight - blk.sum - onlyMissing.expected) <= 0.011 && blk.rows.includes(onlyMissing.row))) {
        for (const k of blk.rows) {
          b.flag("block_weights_do_not_sum", "review", `indicators[${k}].level1_weight`, `block weights sum to ${blk.sum}, level-1 weight is ${blk.weight}`);
        }
        const addends = addendsOf(indicators, blk.rows, "weight");
        const explained = addends ? flagDigitSuspects(b, addends, blk.weight, "the block's weights", context.implied) : 0;
        // Not explained by confused digits (or a weight not read): any weight of the block may
        // be the wrong one, unless the total's sum vouches for them all.
        if (!explained && !confirmed.has("total.weight") && blk.rows.every((k) => indicators[k]!.weight !== null)) {
          for (const k of blk.rows) {
            if (indicators[k]!.weight !== null) b.flag("block_weights_do_not_sum", "review", `indicators[${k}].weight`, `block weights sum to ${blk.sum}, level-1 weight is ${blk.weight}: this weight may be misread`);
          }
        }
      } else {
        for (const k of blk.rows) {
          confirmed.add(`indicators[${k}].level1_weight`);
          confirmed.add(`indicators[${k}].weight`);
        }
      }
    }
  }
  // Several weights or scores not read: the sums check none of the others (the table is likely
  // damaged where it was read too). Each value no other check confirmed is doubted.
  if (total.weight !== null && missingW.length > 1) {
    indicators.forEach((ind, k) => {
      if (ind.weight !== null && !confirmed.has(`indicators[${k}].weight`)) b.flag("weights_unread", "review", `indicators[${k}].weight`, `${missingW.length} weights were not read: this one is checked by no sum`);
    });
  }
  if (total.score !== null && missingS.length > 1) {
    // A total of full marks (score = weight) says every score is its row's weight, read or not:
    // a score read equal to its weight is checked by that.
    const full = total.weight !== null && Math.abs(total.score - total.weight) <= 0.011;
    indicators.forEach((ind, k) => {
      if (ind.score === null) return;
      if (full && ind.weight !== null && Math.abs(ind.score - ind.weight) <= 0.011) confirmed.add(`indicators[${k}].score`);
      else b.flag("scores_unread", "review", `indicators[${k}].score`, `${missingS.length} scores were not read: this one is checked by no sum`);
    });
  }
  // 执行率 = 执行数 ÷ 预算数.
  for (const r of input.rates) {
    const paths = { budget: `${r.path}.${r.budgetField ?? "annual_budget"}`, executed: `${r.path}.executed`, rate: `${r.path}.execution_rate` };
    const read = (["budget", "executed", "rate"] as const).filter((k) => r[k] !== null);
    // Two of the three read: the rate cannot check them, and nothing else checks an amount.
    if (read.length === 2 && r.budget !== 0) {
      const missing = (["budget", "executed", "rate"] as const).find((k) => r[k] === null)!;
      for (const k of read) b.flag("rate_unchecked", "review", paths[k], `the ${missing === "rate" ? "execution rate" : missing} was not read: this value is checked by no rate`);
      continue;
    }
    if (r.rate === null || r.budget === null || r.executed === null) continue;
    if (r.budget === 0) continue;
    const expected = (r.executed / r.budget) * 100;
    if (Math.abs(expected - r.rate) > 0.051) {
      const message = `execution rate ${r.rate} but executed / budget = ${expected.toFixed(2)}%`;
      // Any of the three may be the misread one: one doubt over the rate and the amounts no other
      // check vouches for.
      b.flagAll("rate_mismatch", "review", [paths.rate, ...[paths.budget, paths.executed].filter((p) => !confirmed.has(p))], message);
    } else {
      for (const p of Object.values(paths)) confirmed.add(p);
    }
  }
  // The budget row's score = rate × weight, capped at the weight.
  if (input.budgetRow && input.rates[0]) {
    const { weight, score, path } = input.budgetRow;
    const rate = input.rates[0].rate;
    if (weight !== null && score !== null && rate !== null) {
      const expected = Math.min(weight, (rate / 100) * weight);
      if (Math.abs(expected - score) > 0.051) {
        b.flag("budget_score_mismatch", "review", `${path}.score`, `score ${score} but rate × weight = ${expected.toFixed(2)}`);
      } else {
        confirmed.add(`${path}.score`);
        confirmed.add(`${path}.weight`);
      }
    }
  }
  return confirmed;
}

/**
 * The funds grid's columns: 合计 = 财政拨款 + 上年结转 + 其他资金, for the initial budget, the
 * annual budget and what was executed. Only where OCR read one of the four (a text layer prints
 * what the office typed, and some offices' forms do not add up): a column that adds up confirms
 * its four values; one that does not is flagged on its total and on the parts a confused digit
 * could put right, or on every part when none could.
 */
export function checkFundsColumns(
  b: RecordBuilder,
  funds: { readonly [row: string]: { readonly [column: string]: number | null } },
  confirmed: Set<string>,
): void {
  const parts = ["fiscal", "carryover", "other"];
  for (const column of ["initial_budget", "annual_budget", "executed"]) {
    const total = funds.total?.[column] ?? null;
    const values = parts.map((p) => funds[p]?.[column] ?? null);
    // A part left blank (a carryover row with no spending) adds nothing; with no part read there
    // is nothing to check.
    if (total === null || values.every((v) => v === null)) continue;
    const paths = ["total", ...parts].map((p) => `funds.${p}.${column}`);
    if (paths.every((p) => (b.confidence[p] ?? 1) >= 1)) continue;
    const s = round2(values.reduce<number>((a, v) => a + (v ?? 0), 0));
    if (Math.abs(s - total) <= 0.011) {
      for (const [k, p] of paths.entries()) if (k === 0 || values[k - 1] !== null) confirmed.add(p);
      continue;
    }
    b.flag("funds_do_not_sum", "review", paths[0]!, `the funds rows' ${column} sum to ${s}, the total reads ${total}`);
    const addends = parts.map((p, k) => ({ path: `funds.${p}.${column}`, value: values[k] ?? 0 }));
    const explained = flagDigitSuspects(b, addends, total, `the funds rows' ${column}`);
    if (!explained) for (const p of paths.slice(1)) b.flag("funds_do_not_sum", "review", p, `the funds rows' ${column} sum to ${s}, the total reads ${total}`);
  }
}

