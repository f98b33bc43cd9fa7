import { compact, similarity, isEmptyValue, readNumber } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import type { Spellings } from "./forms.js";

/** Non-empty cells of a row, anchored and inherited, left to right. */
export function cellsOf(row: Row, withSpanned = true): RowCell[] {
  const cells = withSpanned ? [...row.cells, ...row.spanned] : [...row.cells];
  return cells.filter((c) => c.text.trim() !== "").sort((a, b) => a.x0 - b.x0 || a.x1 - b.x1);
}

/** All text of a row, compacted. */
export function rowText(row: Row): string {
  return compact(row.cells.map((c) => c.text).join(""));
}

/** True when the text is one of the spellings (fuzzy, tolerant of spacing and punctuation). */
export function isLabel(text: string, spellings: readonly string[], threshold = 0.8): boolean {
  const t = compact(text).replace(/[:：]$/, "");
  if (!t) return false;
  return spellings.some((s) => similarity(t, s) >= threshold);
}

/** Which field's label the text is, or null. */
export function whichLabel(text: string, labels: Spellings, threshold = 0.8): string | null {
  let best: string | null = null;
  let bestScore = threshold;
  const t = compact(text).replace(/[:：]$/, "");
  if (!t) return null;
  for (const [field, spellings] of Object.entries(labels)) {
    for (const s of spellings) {
      const score = similarity(t, s);
      if (score >= bestScore && (best === null || score > bestScore)) {
        best = field;
        bestScore = score;
      }
    }
  }
  return best;
}

export type HeaderColumns = { [field: string]: { x0: number; x1: number } };

/**
 * Finds the header cells of a row: field → x-range. Returns null when fewer than `minHits`
 * fields match.
 */
export function headerColumns(row: Row, labels: Spellings, minHits: number): HeaderColumns | null {
  const cols: HeaderColumns = {};
  const rest: RowCell[] = [];
  for (const cell of row.cells) {
    const field = whichLabel(cell.text, labels);
    if (field && !cols[field]) cols[field] = { x0: cell.x0, x1: cell.x1 };
    else rest.push(cell);
  }
  if (Object.keys(cols).length < minHits) return null;
  // Once the row is known to be the header, a garbled label ("-级指标" read by OCR for 一级指标)
  // still names its column: match the remaining cells to the remaining fields more loosely.
  const open: Spellings = Object.fromEntries(Object.entries(labels).filter(([f]) => !cols[f]));
  for (const cell of rest) {
    const field = whichLabel(cell.text, open, 0.6);
    if (field && !cols[field]) cols[field] = { x0: cell.x0, x1: cell.x1 };
  }
  return cols;
}

/** The header field whose column overlaps the cell most (by share of the column), or null. */
export function columnOf(cell: RowCell, cols: HeaderColumns, minShare = 0.5): string | null {
  let best: string | null = null;
  let bestLeft = Infinity;
  for (const [field, r] of Object.entries(cols)) {
    const ov = Math.max(0, Math.min(cell.x1, r.x1) - Math.max(cell.x0, r.x0));
    const share = ov / Math.max(1e-9, Math.min(r.x1 - r.x0, cell.x1 - cell.x0));
    // A cell covering several columns belongs to the leftmost one it covers.
    if (share >= minShare && r.x0 < bestLeft) {
      best = field;
      bestLeft = r.x0;
    }
  }
  return best;
}

/** True for a cell that reads as a number or as an empty marker. */
export function isNumeric(text: string): boolean {
  return !isEmptyValue(text) && readNumber(text.replace(/[%％]$/, "")).ok;
}

/** The first cell right of `cell` in the row that is not itself a label of `labels`. */
export function valueRightOf(row: Row, cell: RowCell, labels: Spellings): RowCell | undefined {
  const right = cellsOf(row, false).filter((c) => c.x0 >= cell.x1 - 1e-6 && c !== cell);
  const next = right[0];
  if (!next || whichLabel(next.text, labels)) return undefined;
  return next;
}

/** The header whose column starts nearest to the left of the cell (for wide merged headers). */
export function columnLeftOf(cell: RowCell, cols: HeaderColumns, tolerance = 1e-6): string | null {
  let best: string | null = null;
  let bestX = -Infinity;
  for (const [field, r] of Object.entries(cols)) {
    if (r.x0 <= cell.x0 + tolerance && r.x0 > bestX) {
      best = field;
      bestX = r.x0;
    }
  }
  return best;
}

/** Fields whose header words appear in the row's text (for headers printed as one line). */
export function headerWordsIn(row: Row, labels: Spellings): string[] {
  const t = compact(row.cells.map((c) => c.text).join(""));
  return Object.entries(labels)
    .filter(([, spellings]) => spellings.some((s) => t.includes(compact(s))))
    .map(([field]) => field);
}
