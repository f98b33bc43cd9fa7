import { compact, isSectionLabelPiece, matchLabel, parentOf, TAXONOMY, cleanText, isEmptyValue, hintScore, splitLevelWeight } from "@jixiao/core";
import type { FlagCode } from "@jixiao/schemas";
import type { Row, RowCell } from "@jixiao/layout";
import { joinAcrossBreak } from "@jixiao/layout";
import type { RecordBuilder } from "./RecordBuilder.js";
import { cellsOf, columnOf, isExtraColumn, isNumeric, type HeaderColumns } from "./rowTools.js";

/** Indicator row as read, before values are typed. Cells keep provenance. */
export type RawIndicator = {
  level1: string | null;
  level1Weight: RowCell | undefined;
  level2: string | null;
  level1Cell: RowCell | undefined;
  level2Cell: RowCell | undefined;
  name: RowCell[];
  target: RowCell[];
  actual: RowCell[];
  weight: RowCell | undefined;
  score: RowCell | undefined;
  deviation: RowCell[];
  pageStart: boolean;
  /** How the row's cells were mapped: by header column, or by order after removing labels. */
  mode: "columns" | "order";
  repairs: { code: FlagCode; severity: "info" | "review"; message: string; field: string }[];
};

const DATA_FIELDS = ["name", "target", "actual", "weight", "score", "deviation"] as const;

/** True when a row is a table rule ("----") or holds nothing but punctuation. */
function isRule(row: Row): boolean {
  const t = compact(row.cells.map((c) => c.text).join(""));
  return t !== "" && /^[-—_=─]+$/.test(t);
}

/**
 * Reads indicator rows between the indicator header and the total row. Labels of the national
 * taxonomy are taken wherever they landed; the other cells are mapped by header column when the
 * row is aligned with the header, otherwise in order (name, target, actual, weight, score,
 * deviation), with weight and score found as the last pair of numbers.
 */
export function readIndicatorRows(rows: readonly Row[], header: HeaderColumns): RawIndicator[] {
  const out: RawIndicator[] = [];
  // True while inside a level-1 block outside the national taxonomy (its level-2 wording is free).
  let inExtraBlock = false;
  const leftEdge = Math.min(...Object.values(header).map((r) => r.x0)) + 1e-6;
  for (const row of rows) {
    if (isRule(row)) continue;
    // A row whose own cells are all empty only repeats the merged cells over it (a producer
    // drew an empty piece of a merged cell as a row of its own).
    if (!row.cells.some((c) => c.text.trim() !== "")) continue;
    let level1Cell: RowCell | undefined;
    let level2Cell: RowCell | undefined;
    let level1Weight: RowCell | undefined;
    const data: RowCell[] = [];
    for (const cell of cellsOf(row)) {
      if (isSectionLabelPiece(cell.text)) continue;
      const m = matchLabel(cell.text);
      if (m?.level === 1 && !level1Cell) {
        level1Cell = cell;
        continue;
      }
      if (m?.level === 2 && !level2Cell) {
        level2Cell = cell;
        continue;
      }
      const col = columnOf(cell, header);
      // A section label left of the table's first column ("分解目标自评", "绩效指标") is no data.
      if (!col && cell.x1 <= leftEdge) continue;
      if (isExtraColumn(col)) continue; // 指标性质, 评分标准 …: not in the record
      if (col === "level1_weight" && isNumeric(cell.text)) {
        level1Weight = cell;
        continue;
      }
      if (col === "level1" && cell.inherited) continue; // a spanning non-taxonomy level-1 label
      data.push(cell);
    }
    // A non-taxonomy level-1 block (投入管理指标…) keeps its own level-2 wording in the level-2 column.
    if (level1Cell) inExtraBlock = !TAXONOMY[compact(level1Cell.text).replace(/[（(].*$/, "")];
    else if (level2Cell) inExtraBlock = false;
    if (!level2Cell && inExtraBlock) {
      const idx = data.findIndex((c) => columnOf(c, header) === "level2");
      if (idx >= 0) level2Cell = data.splice(idx, 1)[0];
    }
    // A cell in the level-2 column of a taxonomy block that does not read as a label (OCR misread
    // a character: 质最指标) is the row's level-2 label all the same when the row has its name in
    // the name column: left among the data it would be taken for the name and push the real name
    // into another field. Its label is the block's one it is a character away from, if any; the
    // row's level2 is in doubt either way.
    let level2Misread: string | undefined;
    if (!level2Cell && !inExtraBlock) {
      // Text that tells no label (not a character away from one, not ending in 指标 as every
      // taxonomy level-2 label does) is only taken when the row's cells are where the header puts
      // them, its score in the score column: a text dump leaves a merged level-2 cell out of the
      // rows under its first, so their cells come one column left and the name
      // ("促进部门工作提质增效") sits in the level-2 column.
      const inPlace = data.some((c) => columnOf(c, header) === "score" && isNumeric(c.text));
      const idx = data.findIndex(
        (c) => columnOf(c, header) === "level2" && isLabelLike(c.text) && (inPlace || nearestLevel2(c.text) !== null || /指标$/.test(compact(c.text))),
      );
      if (idx >= 0 && data.some((c, i) => i !== idx && columnOf(c, header) === "name" && !isEmptyValue(c.text))) {
        level2Cell = data.splice(idx, 1)[0];
        level2Misread = compact(level2Cell!.text);
      }
    }
    // A level-1 cell that is not a taxonomy label but sits in the level-1 column.
    let level1Misread: string | undefined;
    if (!level1Cell) {
      const idx = data.findIndex((c) => columnOf(c, header) === "level1" && !isNumeric(c.text));
      if (idx >= 0 && data.length > 1 && /指标/.test(data[idx]!.text)) level1Cell = data.splice(idx, 1)[0];
      // A taxonomy level-1 label misread or cut ("满意度指" of a label on two lines) is that label,
      // in doubt, rather than text of the name.
      else if (idx >= 0 && data.length > 1 && isLabelLike(data[idx]!.text) && nearestLabel(data[idx]!.text, Object.keys(TAXONOMY))) {
        level1Cell = data.splice(idx, 1)[0];
        level1Misread = compact(level1Cell!.text);
      }
    }
    const nonEmpty = data.filter((c) => !isEmptyValue(c.text) || /[—\-/]/.test(c.text));
    if (!nonEmpty.length && !level1Cell && !level2Cell) continue;
    const raw: RawIndicator = {
      level1: level1Misread !== undefined ? nearestLabel(level1Misread, Object.keys(TAXONOMY)) : level1Cell ? cleanLabel(level1Cell.text) : null,
      level1Weight,
      level2: level2Misread !== undefined ? (nearestLevel2(level2Misread, level1Misread !== undefined ? (nearestLabel(level1Misread, Object.keys(TAXONOMY)) ?? undefined) : level1Cell?.text) ?? cleanLabel(level2Cell!.text)) : level2Cell ? cleanLabel(level2Cell.text) : null,
      level1Cell,
      level2Cell,
      name: [],
      target: [],
      actual: [],
      weight: undefined,
      score: undefined,
      deviation: [],
      pageStart: row.pageStart,
      mode: "columns",
      repairs: [],
    };
    if (level1Misread !== undefined) {
      raw.repairs.push({ code: "label_not_read", severity: "review", message: `"${level1Misread}" in the level1 column is no taxonomy label; read as "${raw.level1}"`, field: "level1" });
    }
    if (level2Misread !== undefined) {
      raw.repairs.push({ code: "label_not_read", severity: "review", message: `"${level2Misread}" in the level2 column is no taxonomy label; read as "${raw.level2}"`, field: "level2" });
    }
    if (!mapByColumns(nonEmpty, header, raw)) mapByOrder(nonEmpty, header, raw);
    out.push(raw);
  }
  return out;
}

/** Text that may be a label: two or more CJK characters and no digit. */
function isLabelLike(text: string): boolean {
  const t = compact(text);
  return /[\u4e00-\u9fff].*[\u4e00-\u9fff]/.test(t) && !/\d/.test(t);
}

/**
 * The label of `pool` that `text` is a misreading of: the same label with one character misread,
 * or its first part (the rest of a label printed on two lines was lost) of at least
 * MIN_LABEL_PART characters, with at most one misread character when four or more are left.
 * Null when no label or more than one fits.
 */
export function nearestLabel(text: string, pool: readonly string[]): string | null {
  const t = compact(text);
  if (pool.includes(t)) return t;
  const misread = (l: string) => [...t].filter((ch, i) => ch !== l[i]).length;
  const hits = [...new Set(pool)].filter((l) => {
    if (t.length > l.length || t.length < MIN_LABEL_PART) return false;
    const m = misread(l);
    return t.length === l.length ? m === 1 : m === 0 || (m === 1 && t.length >= MIN_LABEL_PART + 1);
  });
  return hits.length === 1 ? hits[0]! : null;
}

/** Fewest characters of a label that tell it (a shorter piece is too often a word of a name). */
const MIN_LABEL_PART = 3;

/** nearestLabel among the level-2 labels of `level1` when it is a taxonomy label, else all. */
export function nearestLevel2(text: string, level1?: string): string | null {
  const l1 = level1 ? compact(level1).replace(/[（(].*$/, "") : undefined;
  return nearestLabel(text, l1 && TAXONOMY[l1] ? TAXONOMY[l1]! : Object.values(TAXONOMY).flat());
}

function cleanLabel(text: string): string {
  return cleanText(text).replace(/\s+/g, "");
}

function mapByColumns(cells: RowCell[], header: HeaderColumns, raw: RawIndicator): boolean {
  const seen = new Set<string>();
  const assigned: [string, RowCell][] = [];
  for (const c of cells) {
    const col = columnOf(c, header);
    if (!col || !(DATA_FIELDS as readonly string[]).includes(col)) return false;
    if (seen.has(col) && col !== "name" && col !== "deviation") return false;
    seen.add(col);
    assigned.push([col, c]);
  }
  for (const [col, c] of assigned) {
    if ((col === "weight" || col === "score") && !isEmptyValue(c.text) && (!isNumeric(c.text) || /[%％]/.test(c.text))) return false;
  }
  // A row aligned with the header has its name in the name column (continuations have no numbers).
  // (A row holding only its numbers inherits a name printed once for its block.)
  if (!seen.has("name") && (seen.has("target") || seen.has("actual"))) return false;
  // A name is required unless the row is a continuation or inherits it.
  for (const [col, c] of assigned) {
    if (col === "weight") raw.weight = c;
    else if (col === "score") raw.score = c;
    else raw[col as "name" | "target" | "actual" | "deviation"].push(c);
  }
  raw.mode = "columns";
  return true;
}

function mapByOrder(cells: RowCell[], header: HeaderColumns, raw: RawIndicator): void {
  raw.mode = "order";
  const data = [...cells];
  // Weight and score: the last pair of adjacent numeric cells.
  let j = -1;
  for (let i = data.length - 2; i >= 1; i--) {
    if (isNumeric(data[i]!.text) && isNumeric(data[i + 1]!.text)) {
      j = i;
      break;
    }
  }
  if (j < 0) {
    // No pair: a row without its numbers (continued on the next page) or an odd layout.
    raw.name = data.slice(0, 1);
    const rest = data.slice(1);
    for (const c of rest) {
      const col = columnOf(c, header);
      if (col === "target" || col === "actual" || col === "deviation") raw[col].push(c);
      // A cell in the weight/score column is that value even when it does not read as a
      // number: typing it raises a not_a_number review flag instead of hiding it elsewhere.
      else if (col === "weight" && !raw.weight) raw.weight = c;
      else if (col === "score" && !raw.score) raw.score = c;
      else raw.deviation.push(c);
    }
    return;
  }
  raw.weight = data[j];
  raw.score = data[j + 1];
  raw.name = data.slice(0, 1);
  const middle = data.slice(1, j);
  if (middle.length === 2) {
    raw.target = [middle[0]!];
    raw.actual = [middle[1]!];
  } else if (middle.length === 1) {
    const col = columnOf(middle[0]!, header);
    (col === "actual" ? raw.actual : raw.target).push(middle[0]!);
    raw.repairs.push({ code: "cell_position_guessed", severity: "review", message: "one of target/actual is missing; placed by column", field: col === "actual" ? "actual" : "target" });
  } else if (middle.length > 2) {
    raw.name.push(...middle.slice(0, middle.length - 2));
    raw.target = [middle[middle.length - 2]!];
    raw.actual = [middle[middle.length - 1]!];
    raw.repairs.push({ code: "extra_cells_joined", severity: "review", message: "more cells than fields; extra text joined into the name", field: "name" });
    // Text joined from a label column is a label that was not read ("满意度指" for 满意度指标):
    // the row's label there was taken from the rows above and is in doubt too.
    for (const c of raw.name) {
      const col = columnOf(c, header);
      if ((col === "level1" && !raw.level1Cell) || (col === "level2" && !raw.level2Cell)) {
        raw.repairs.push({ code: "label_not_read", severity: "review", message: `"${compact(c.text)}" in the ${col} column was not read as a label; the row's ${col} was taken from the rows above`, field: col });
      }
    }
  }
  raw.deviation = data.slice(j + 2);
}

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
    b.track(`${path}.level1`, [r.level1Cell]);
    if (opts.withLevel2) {
      v.level2 = row.l2;
      b.track(`${path}.level2`, [r.level2Cell]);
    }
    if (opts.withLevel1Weight) {
      v.level1_weight = row.l1Weight ? b.number(`${path}.level1_weight`, row.l1Weight) : null;
    }
    // A note spanning name..actual over a block (text dumps print it once): later rows inherit it.
    if (!v.name && !v.target && !v.actual && prevOut && prevOut.level1 === v.level1 && prevOut.name && !prevOut.target && !prevOut.actual) {
      v.name = prevOut.name;
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

const BLOCK_DOUBT_MESSAGE =
  "this row lies between two blocks at a page break and the dump does not show which block it belongs to (its label may have printed on the next page)";

type PendingFlag = [code: FlagCode, severity: "info" | "review", field: string, message: string];

/** An indicator row with the labels it was given, before its values are typed. */
type LabelledRow = {
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
type LabelEvent = { row: number | null; l1: string | null; l2: string | null; l1Weight: RowCell | undefined; pageStart: boolean };

function stripPoints(l1: string): string {
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
