import { compact, parentOf } from "@jixiao/core";
import type { RowCell } from "@jixiao/layout";
import { joinAcrossBreak } from "@jixiao/layout";
import type { RecordBuilder } from "./RecordBuilder.js";
import type { RawIndicator } from "./parseIndicatorsRows.js";
import { settledLabelCell } from "./settledLabelCell.js";
import {
  BLOCK_DOUBT_MESSAGE,
  resolveAcrossBreaks,
  stripPoints,
  type LabelEvent,
  type LabelledRow,
  type PendingFlag,
} from "./parseIndicatorsAcrossBreaks.js";

// Indicators of a form: readIndicatorRows reads the rows (parseIndicatorsRows.ts), then
// resolveIndicators labels, joins and types them; in a text dump the rows around a page break
// are settled by resolveAcrossBreaks (parseIndicatorsAcrossBreaks.ts).
export { nearestLabel, nearestLevel2, readIndicatorRows, type RawIndicator } from "./parseIndicatorsRows.js";

export type IndicatorValues = {
  level1: string | null;
  level1_weight?: number | null;
  level2?: string | null;
  name: string | null;
  target: string | null;
  actual: string | null;
  weight: number | null;
  score: number | null;
  deviation: string | null;
};

/**
 * Resolves labels (taxonomy parent, inheritance down a block), joins rows split by a page
 * break, and types the values. Provenance and flags go to the builder.
 */
export function resolveIndicators(
  raws: readonly RawIndicator[],
  b: RecordBuilder,
  opts: { withLevel1Weight: boolean; withLevel2: boolean; spansKnown: boolean },
): IndicatorValues[] {
  // 1. Join a row broken by a page break: a row without numbers right before a page start.
  const merged: RawIndicator[] = [];
  // Rows that a page break cut in two (the break lies after them).
  const joinedAcrossBreak = new Set<RawIndicator>();
  // Joined rows whose level-2 label printed on the part after the break.
  const labelAfterBreak = new Set<RawIndicator>();
  for (const r of raws) {
    const prev = merged[merged.length - 1];
    const textOnlyContinuation =
      prev && r.pageStart && !r.weight && !r.score && !r.level1Cell && !r.level2Cell && (prev.weight || prev.score) &&
      (r.name.length || r.target.length || r.actual.length || r.deviation.length);
    // In a text dump a line holding only labels is not the first part of a row: it tells where
    // its block is (see resolveAcrossBreaks), so it is not joined to the row after the break.
    const labelsOnly = prev && !prev.name.length && !prev.target.length && !prev.actual.length && !prev.deviation.length;
    if (
      prev &&
      r.pageStart &&
      !(labelsOnly && !opts.spansKnown) &&
      (textOnlyContinuation ||
        (!prev.weight && !prev.score && (r.weight || r.score) && (!r.level1Cell || (!prev.level1Cell && !opts.spansKnown)) && (!r.level2Cell || !prev.level2Cell)))
    ) {
      const join = (a: RowCell[], c: RowCell[]): RowCell[] => {
        if (!a.length) return c;
        if (!c.length) return a;
        const j = joinAcrossBreak(a.map((x) => x.text).join(""), c.map((x) => x.text).join(""));
        const first = a[0]!;
        return [{ ...first, text: j.text, prov: [...a, ...c].flatMap((x) => x.prov), repairs: [...a, ...c].flatMap((x) => x.repairs).concat(j.repairs), confidence: Math.min(...[...a, ...c].map((x) => x.confidence)) }];
      };
      prev.name = join(prev.name, r.name);
      prev.target = join(prev.target, r.target);
      prev.actual = join(prev.actual, r.actual);
      prev.deviation = join(prev.deviation, r.deviation);
      prev.weight = r.weight ?? prev.weight;
      prev.score = r.score ?? prev.score;
      // In a text dump a merged label moved to its block's part on the next page prints on the
      // rest of the cut row.
      if (!prev.level1Cell && r.level1Cell) {
        prev.level1Cell = r.level1Cell;
        prev.level1 = r.level1;
        prev.level1Weight ??= r.level1Weight;
      }
      if (!prev.level2Cell && r.level2Cell) labelAfterBreak.add(prev);
      prev.level2Cell ??= r.level2Cell;
      prev.level2 ??= r.level2;
      prev.repairs.push({ code: "row_joined_across_pages", severity: "info", message: "row broken by a page break joined back into one row", field: "" });
      joinedAcrossBreak.add(prev);
      continue;
    }
    merged.push({ ...r, repairs: [...r.repairs] });
  }

  // 2. Labels: level-2 label → its taxonomy parent; unlabelled rows continue the block above.
  //    Rows are first given their labels in order (no output yet), then, in a text dump, the rows
  //    around a page break whose block is in doubt are settled (resolveAcrossBreaks), and only
  //    then are values typed and flags written.
  const rows: LabelledRow[] = [];
  const events: LabelEvent[] = [];
  let curL1: string | null = null;
  let curL1Weight: RowCell | undefined;
  let curL2: string | null = null;
  let breakPending = false;
  merged.forEach((r) => {
    const k = rows.length;
    const pending: PendingFlag[] = [];
    let l1 = r.level1;
    const l2 = r.level2;
    const parent = l2 ? parentOf(l2) : null;
    if (parent && l1 && compact(l1).replace(/[（(].*$/, "") !== parent) {
      pending.push(["label_conflict", "review", "level1", `level-1 label "${l1}" does not hold level-2 "${l2}"`]);
    }
    if (!l1 && parent) {
      l1 = parent;
      if (r.level1Cell === undefined && curL1 !== parent && curL1 !== null && !opts.spansKnown) {
        pending.push(["level1_from_taxonomy", "info", "level1", `level-1 label taken from the taxonomy parent of "${l2}"`]);
      }
    }
    if (l1) {
      const l1Clean = stripPoints(l1);
      if (l1Clean !== curL1) {
        curL2 = null;
        curL1Weight = undefined;
      }
      curL1 = l1Clean;
    }
    if (r.level1Weight) curL1Weight = r.level1Weight;
    if (l2) curL2 = l2;
    else if (curL2 && curL1 && parentOf(curL2) && parentOf(curL2) !== curL1) curL2 = null;
    const ownL1 = r.level1 ? stripPoints(r.level1) : null;
    // A break lies before this row, or inside it when its level-2 label printed after the break.
    const pageStart = r.pageStart || breakPending || labelAfterBreak.has(r);
    breakPending = joinedAcrossBreak.has(r);
    // Rows that hold only labels are not indicators (in a text dump they still tell where a block is).
    if (!r.name.length && !r.target.length && !r.actual.length && !r.weight && !r.score) {
      events.push({ row: null, l1: ownL1, l2, l1Weight: r.level1Weight, pageStart });
      return;
    }
    rows.push({ r, l1: curL1, l2: curL2, l1Weight: curL1Weight, l1WeightCell: r.level1Weight, pending, doubt: [] });
    events.push({ row: k, l1: ownL1, l2, l1Weight: r.level1Weight, pageStart });
  });
  if (!opts.spansKnown && opts.withLevel2) resolveAcrossBreaks(rows, events, opts.withLevel1Weight);

  const out: IndicatorValues[] = [];
  let prevOut: IndicatorValues | null = null;
  // The last level-2 label cell read, and the doubts about it.
  let l2Source: { label: string | null; cell: RowCell; doubts: RawIndicator["repairs"] } | null = null;
  rows.forEach((row, k) => {
    const r = row.r;
    const path = `indicators[${k}]`;
    const v: IndicatorValues = {
      level1: row.l1,
      name: b.text(`${path}.name`, r.name),
      target: b.text(`${path}.target`, r.target),
      actual: b.text(`${path}.actual`, r.actual),
      weight: b.number(`${path}.weight`, r.weight),
      score: b.number(`${path}.score`, r.score),
      deviation: b.text(`${path}.deviation`, r.deviation),
    };
    b.track(`${path}.level1`, [settledLabelCell(r.level1Cell)]);
    if (opts.withLevel2) {
      v.level2 = row.l2;
      if (r.level2Cell) l2Source = { label: row.l2, cell: r.level2Cell, doubts: r.repairs.filter((x) => x.field === "level2" && x.severity === "review") };
      // A row under a label cell of the rows above has its label from that cell: it is in doubt
      // as that cell is (one review item for all the rows: the same cell's flags are merged).
      const from = r.level2Cell ?? (l2Source && l2Source.label === row.l2 ? l2Source.cell : undefined);
      b.track(`${path}.level2`, [settledLabelCell(from)]);
      if (!r.level2Cell && from) for (const rep of l2Source!.doubts) b.flag(rep.code, rep.severity, `${path}.level2`, rep.message);
    }
    if (opts.withLevel1Weight) {
      v.level1_weight = row.l1Weight ? b.number(`${path}.level1_weight`, row.l1Weight) : null;
    }
    // A note spanning name..actual over a block (text dumps print it once): later rows inherit it.
    if (!v.name && !v.target && !v.actual && prevOut && prevOut.level1 === v.level1 && prevOut.name && !prevOut.target && !prevOut.actual) {
      v.name = prevOut.name;
      b.inherit(`indicators[${k - 1}].name`, `${path}.name`);
      b.flag("name_inherited", "info", `${path}.name`, "name printed once for the block applies to this row");
    }
    for (const [code, severity, field, message] of row.pending) b.flag(code, severity, `${path}.${field}`, message);
    for (const rep of r.repairs) b.flag(rep.code, rep.severity, rep.field ? `${path}.${rep.field}` : path, rep.message);
    for (const d of row.doubt) {
      if (d === "level1_weight" && !opts.withLevel1Weight) continue;
      b.flag("label_across_page_break", "review", `${path}.${d}`, BLOCK_DOUBT_MESSAGE);
    }
    if (!v.name) b.flag("missing_name", "review", `${path}.name`, "indicator row without a name");
    if (v.level1 === null) b.flag("missing_level1", "review", `${path}.level1`, "no level-1 label found for this row");
    // The form has a 二级指标 column and every indicator belongs to a level-2 category.
    if (opts.withLevel2 && v.level2 === null) b.flag("missing_level2", "review", `${path}.level2`, "no level-2 label found for this row");
    out.push(v);
    prevOut = v;
  });
  return out;
}
