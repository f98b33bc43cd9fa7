import { TAXONOMY, compact, hintScore, parentOf, splitLevelWeight } from "@jixiao/core";
import type { FlagCode } from "@jixiao/schemas";
import type { RowCell } from "@jixiao/layout";
import type { RawIndicator } from "./parseIndicatorsRows.js";

export const BLOCK_DOUBT_MESSAGE =
  "this row lies between two blocks at a page break and the dump does not show which block it belongs to (its label may have printed on the next page)";

export type PendingFlag = [code: FlagCode, severity: "info" | "review", field: string, message: string];

/** An indicator row with the labels it was given, before its values are typed. */
export type LabelledRow = {
  r: RawIndicator;
  l1: string | null;
  l2: string | null;
  /** The level-1 weight cell that applies to the row, and the one printed on the row itself. */
  l1Weight: RowCell | undefined;
  l1WeightCell: RowCell | undefined;
  pending: PendingFlag[];
  /** Fields whose value is a guess between two blocks (each gets one review flag). */
  doubt: ("level1" | "level2" | "level1_weight")[];
};

/**
 * An indicator row (row = its index) or a line holding only labels (row = null), with the labels
 * printed on it and whether a page break comes right before it.
 */
export type LabelEvent = { row: number | null; l1: string | null; l2: string | null; l1Weight: RowCell | undefined; pageStart: boolean };

export function stripPoints(l1: string): string {
  return splitLevelWeight(l1).label;
}

/**
 * Text dumps have no borders, so a merged label shows only on the row it printed on. On one page
 * a block's label prints on its first row and an unlabelled row continues the block above. Where
 * a page break falls between two blocks, the label of the second one may have printed on the next
 * page (on the first row of its part there, on its middle row, or on a line of its own), so the
 * unlabelled rows around the break belong either to the block before them (C) or to the block
 * whose label follows them (N): some first rows to C, the rest to N.
 *
 * Which split is possible is decided by what is certain: the taxonomy (a row that carries a
 * level-1 label belongs to a child of it; a level-1 label line is inside its block), a block has
 * at least one row, the department form's level-1 weight is the sum of its rows' weights, and the
 * meaning of the names (LEVEL2_HINTS: a 及时性 name is timeliness, a 满意度 name is not a cost).
 * A row that every possible split puts in the same block is certain. A row that some split puts
 * in C and another in N keeps C (it continues the block above, as on one page) and gets a review
 * flag on exactly the fields that differ between the two blocks.
 */
export function resolveAcrossBreaks(rows: LabelledRow[], events: readonly LabelEvent[], withLevel1Weight: boolean): void {
  let from = 0;
  for (let bi = 0; bi < events.length; bi++) {
    if (!events[bi]!.pageStart || bi < from) continue;
    // The zone: events without a level-2 label on both sides of the break.
    let s = bi;
    while (s > 0 && !events[s - 1]!.l2) s--;
    let e = bi;
    while (e < events.length && !events[e]!.l2) e++;
    from = e;
    const zone = events.slice(s, e);
    const zoneRows = zone.filter((ev) => ev.row !== null).map((ev) => ev.row!);
    if (!zoneRows.length || e >= events.length) continue;
    const nL2 = events[e]!.l2!;
    const nL1 = parentOf(nL2);
    if (!nL1) continue; // a block outside the taxonomy keeps its own wording
    const before = s > 0 ? events[s - 1]! : null;
    const cL2 = before?.l2 ?? null;
    if (cL2 !== null && compact(cL2) === compact(nL2)) continue;
    // The block before the zone: its level-2 label and level-1 (as the rows in order gave them).
    const cL1 = cL2 ? (parentOf(cL2) ?? null) : null;
    if (cL2 !== null && !cL1) continue;
    let minP = 0;
    let maxP = zoneRows.length;
    if (cL2 === null) maxP = 0; // nothing before: the rows belong to the block that follows
    // A block has at least one row: a block whose label printed on a line of its own just before
    // the zone has no row yet.
    if (cL2 !== null && before && before.row === null) {
      const prevRow = s > 1 ? events[s - 2] : undefined;
      const cHasRow = prevRow?.row != null && rows[prevRow.row]!.l2 !== null && compact(rows[prevRow.row]!.l2!) === compact(cL2);
      if (!cHasRow) minP = Math.max(minP, 1);
    }
    // Level-1 labels inside the zone pin the rows they print on, and a level-1 label line lies
    // inside its block.
    let idx = 0;
    for (const ev of zone) {
      if (ev.l1 && TAXONOMY[ev.l1]) {
        const inN = ev.l1 === nL1;
        const inC = ev.l1 === cL1;
        if (ev.row !== null) {
          if (inN && !inC) maxP = Math.min(maxP, idx);
          if (inC && !inN) minP = Math.max(minP, idx + 1);
        } else {
          // A label line lies inside its block: the rows after it are in it, and so is the row
          // above it when it closes a page, or the row below it when it opens one.
          const j = zone.indexOf(ev);
          const closesPage = zone[j + 1]?.pageStart ?? (e < events.length && events[e]!.pageStart);
          if (inN && !inC) maxP = Math.min(maxP, closesPage && idx > 0 ? idx - 1 : idx);
          if (inC && !inN) minP = Math.max(minP, ev.pageStart && idx < zoneRows.length ? idx + 1 : idx);
        }
      }
      if (ev.row !== null) idx++;
    }
    if (minP > maxP) {
      // The evidence contradicts itself: keep the order reading and flag every row of the zone.
      minP = 0;
      maxP = zoneRows.length;
    }
    let splits = range(minP, maxP);
    // The department form: the level-1 weight is the sum of its block's weights.
    if (withLevel1Weight && cL1 && cL1 !== nL1 && splits.length > 1) {
      const wCell = rows.find((x, k) => k < zoneRows[0]! && x.l1 === cL1 && x.l1Weight)?.l1Weight ?? eventsWeight(events, s, cL1);
      const w = wCell ? toNumber(wCell.text) : null;
      if (w !== null) {
        let sumBefore = 0;
        for (let k = zoneRows[0]! - 1; k >= 0 && rows[k]!.l1 === cL1; k--) sumBefore += toNumber(rows[k]!.r.weight?.text) ?? NaN;
        const fits = splits.filter((p) => {
          let sum = sumBefore;
          for (let i = 0; i < p; i++) sum += toNumber(rows[zoneRows[i]!]!.r.weight?.text) ?? NaN;
          return Math.abs(sum - w) < 0.005;
        });
        if (fits.length) splits = fits;
      }
    }
    // The meaning of the names chooses among the possible splits, but it is a guess: a 质量 name
    // may be filed under 数量指标. Rows it decides keep their review flag.
    let hMin = 0;
    let hMax = zoneRows.length;
    zoneRows.forEach((k, i) => {
      const name = rows[k]!.r.name.map((c) => c.text).join("");
      const hC = cL2 ? hintScore(name, cL2) : 0;
      const hN = hintScore(name, nL2);
      if (hC && !hN) hMin = Math.max(hMin, i + 1);
      if (hN && !hC) hMax = Math.min(hMax, i);
    });
    const hinted = splits.filter((q) => q >= hMin && q <= hMax);
    const p = Math.max(...(hinted.length ? hinted : splits));
    const cRow = before?.row != null ? rows[before.row]! : null;
    const nWeight = events[e]!.l1Weight ?? eventsWeight(events, s, nL1);
    zoneRows.forEach((k, i) => {
      const row = rows[k]!;
      const toC = i < p;
      const certain = splits.every((q) => i < q === toC);
      const own = events.find((ev) => ev.row === k)!.l1;
      if (toC) {
        row.l2 = cL2;
        if (!own) row.l1 = cL1;
        if (cRow && cRow.l1 === row.l1) row.l1Weight = cRow.l1Weight ?? row.l1Weight;
      } else {
        row.l2 = nL2;
        if (!own) row.l1 = nL1;
      }
      if (!certain) {
        row.doubt.push("level2");
        if (cL1 !== nL1 && !own) {
          row.doubt.push("level1");
          if (withLevel1Weight) row.doubt.push("level1_weight");
        }
      }
    });
    // Rows given N's block take its level-1 weight.
    if (withLevel1Weight && nWeight) for (const k of zoneRows) if (rows[k]!.l1 === nL1 && !rows[k]!.l1WeightCell) rows[k]!.l1Weight = nWeight;
  }
  // A level-1 weight printed once for a block belongs to every row of the block.
  if (withLevel1Weight) {
    let k = 0;
    while (k < rows.length) {
      let j = k;
      while (j + 1 < rows.length && rows[j + 1]!.l1 === rows[k]!.l1) j++;
      const at = events.findIndex((ev) => ev.row === k);
      const cell = rows.slice(k, j + 1).find((x) => x.l1WeightCell)?.l1WeightCell ?? (rows[k]!.l1 ? eventsWeight(events, at, rows[k]!.l1!) : undefined);
      if (cell && rows[k]!.l1) for (let i = k; i <= j; i++) rows[i]!.l1Weight = cell;
      k = j + 1;
    }
  }
}

/** The level-1 weight printed on a label line for level-1 `l1`, near event `at`. */
function eventsWeight(events: readonly LabelEvent[], at: number, l1: string): RowCell | undefined {
  for (let d = 0; d < events.length; d++) {
    for (const i of [at + d, at - d]) {
      const ev = events[i];
      if (ev && ev.l1 === l1 && ev.l1Weight) return ev.l1Weight;
    }
  }
  return undefined;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function toNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.replace(/[,，\s]/g, "");
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}
