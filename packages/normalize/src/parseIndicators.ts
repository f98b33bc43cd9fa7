import { compact, isSectionLabelPiece, matchLabel, parentOf, TAXONOMY, cleanText, isEmptyValue, hintScore } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import { joinAcrossBreak } from "@jixiao/layout";
import type { RecordBuilder } from "./RecordBuilder.js";
import { cellsOf, columnOf, isNumeric, type HeaderColumns } from "./rowTools.js";

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
  repairs: { code: string; severity: "info" | "review"; message: string; field: string }[];
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
    // A level-1 cell that is not a taxonomy label but sits in the level-1 column.
    if (!level1Cell) {
      const idx = data.findIndex((c) => columnOf(c, header) === "level1" && !isNumeric(c.text));
      if (idx >= 0 && data.length > 1 && /指标/.test(data[idx]!.text)) level1Cell = data.splice(idx, 1)[0];
    }
    const nonEmpty = data.filter((c) => !isEmptyValue(c.text) || /[—\-/]/.test(c.text));
    if (!nonEmpty.length && !level1Cell && !level2Cell) continue;
    const raw: RawIndicator = {
      level1: level1Cell ? cleanLabel(level1Cell.text) : null,
      level1Weight,
      level2: level2Cell ? cleanLabel(level2Cell.text) : null,
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
    if (!mapByColumns(nonEmpty, header, raw)) mapByOrder(nonEmpty, header, raw);
    out.push(raw);
  }
  return out;
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
  for (const r of raws) {
    const prev = merged[merged.length - 1];
    const textOnlyContinuation =
      prev && r.pageStart && !r.weight && !r.score && !r.level1Cell && !r.level2Cell && (prev.weight || prev.score) &&
      (r.name.length || r.target.length || r.actual.length || r.deviation.length);
    if (
      prev &&
      r.pageStart &&
      (textOnlyContinuation ||
        (!prev.weight && !prev.score && (r.weight || r.score) && !r.level1Cell && (!r.level2Cell || !prev.level2Cell)))
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
      prev.level2Cell ??= r.level2Cell;
      prev.level2 ??= r.level2;
      prev.repairs.push({ code: "row_joined_across_pages", severity: "info", message: "row broken by a page break joined back into one row", field: "" });
      continue;
    }
    merged.push({ ...r, repairs: [...r.repairs] });
  }

  // 2. Labels: level-2 label → its taxonomy parent; unlabelled rows continue the block above.
  const out: IndicatorValues[] = [];
  let curL1: string | null = null;
  let curL1Weight: RowCell | undefined;
  let curL2: string | null = null;
  let prevOut: IndicatorValues | null = null;
  const ownLabel: boolean[] = [];
  merged.forEach((r, i) => {
    const path = `indicators[${out.length}]`;
    let l1 = r.level1;
    const l2 = r.level2;
    const parent = l2 ? parentOf(l2) : null;
    if (parent && l1 && compact(l1).replace(/[（(].*$/, "") !== parent) {
      b.flag("label_conflict", "review", `${path}.level1`, `level-1 label "${l1}" does not hold level-2 "${l2}"`);
    }
    if (!l1 && parent) {
      l1 = parent;
      if (r.level1Cell === undefined && curL1 !== parent && curL1 !== null && !opts.spansKnown) {
        b.flag("level1_from_taxonomy", "info", `${path}.level1`, `level-1 label taken from the taxonomy parent of "${l2}"`);
      }
    }
    if (l1) {
      const l1Clean = l1.replace(/[（(]\s*\d+(\.\d+)?\s*分\s*[)）]$/, "");
      if (l1Clean !== curL1) {
        curL2 = null;
        curL1Weight = undefined;
      }
      curL1 = l1Clean;
    }
    if (r.level1Weight) curL1Weight = r.level1Weight;
    if (l2) curL2 = l2;
    else if (curL2 && curL1 && parentOf(curL2) && parentOf(curL2) !== curL1) curL2 = null;
    // Rows that hold only labels are not indicators. In a text dump (no borders), a label-only
    // row right after a page break may be the label of a block that began before the break:
    // the unlabelled rows just above it join it when their names point to its category.
    if (!r.name.length && !r.target.length && !r.actual.length && !r.weight && !r.score) {
      if (!opts.spansKnown && r.pageStart && l2) {
        for (let k = out.length - 1; k >= 0 && !ownLabel[k]; k--) {
          const prior = out[k]!;
          const name = prior.name ?? "";
          if (hintScore(name, l2) <= hintScore(name, prior.level2 ?? "")) break;
          prior.level1 = curL1;
          prior.level2 = l2;
          b.flag("label_across_page_break", "review", `indicators[${k}].level1`, `label "${l2}" printed after the page break; the name suggests this row belongs to it`);
          b.flag("label_across_page_break", "review", `indicators[${k}].level2`, `label "${l2}" printed after the page break; the name suggests this row belongs to it`);
        }
      }
      return;
    }
    const v: IndicatorValues = {
      level1: curL1,
      name: b.text(`${path}.name`, r.name),
      target: b.text(`${path}.target`, r.target),
      actual: b.text(`${path}.actual`, r.actual),
      weight: b.number(`${path}.weight`, r.weight),
      score: b.number(`${path}.score`, r.score),
      deviation: b.text(`${path}.deviation`, r.deviation),
    };
    b.track(`${path}.level1`, [r.level1Cell]);
    if (opts.withLevel2) {
      v.level2 = curL2;
      b.track(`${path}.level2`, [r.level2Cell]);
    }
    if (opts.withLevel1Weight) {
      v.level1_weight = curL1Weight ? b.number(`${path}.level1_weight`, curL1Weight) : null;
    }
    // A note spanning name..actual over a block (text dumps print it once): later rows inherit it.
    if (!v.name && !v.target && !v.actual && prevOut && prevOut.level1 === v.level1 && prevOut.name && !prevOut.target && !prevOut.actual) {
      v.name = prevOut.name;
      b.flag("name_inherited", "info", `${path}.name`, "name printed once for the block applies to this row");
    }
    for (const rep of r.repairs) b.flag(rep.code, rep.severity, rep.field ? `${path}.${rep.field}` : path, rep.message);
    if (!v.name) b.flag("missing_name", "review", `${path}.name`, "indicator row without a name");
    if (v.level1 === null) b.flag("missing_level1", "review", `${path}.level1`, "no level-1 label found for this row");
    // The form has a 二级指标 column and every indicator belongs to a level-2 category.
    if (opts.withLevel2 && v.level2 === null) b.flag("missing_level2", "review", `${path}.level2`, "no level-2 label found for this row");
    out.push(v);
    ownLabel.push(!!(r.level2Cell || r.level1Cell));
    prevOut = v;
    void i;
  });
  return out;
}
