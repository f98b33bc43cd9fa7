import { compact, similarityOfCompact, isEmptyValue, readNumber } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import { EXTRA_COLUMN_LABELS, NON_RECORD_LABELS, type FieldSpec, type Spellings } from "./forms.js";

/** Non-empty cells of a row, anchored and inherited, left to right. */
export function cellsOf(row: Row, withSpanned = true): RowCell[] {
  const cells = withSpanned ? [...row.cells, ...row.spanned] : [...row.cells];
  return cells.filter((c) => c.text.trim() !== "").sort((a, b) => a.x0 - b.x0 || a.x1 - b.x1);
}

/** All text of a row, compacted. */
export function rowText(row: Row): string {
  return compact(row.cells.map((c) => c.text).join(""));
}

/**
 * Forms of a label cell's text to compare with spellings: compacted, without a trailing colon,
 * and also without a trailing unit or note in brackets ("执行率（%）", "项目资金（万元）"), or in
 * a bracket OCR did not close ("全年预算数（万元，": its ） read as a comma).
 */
function labelForms(text: string): string[] {
  const t = compact(text).replace(/[:：]$/, "");
  if (!t) return [];
  const bare = t.replace(/\([^()]*\)$/, "").replace(/\([^()]{1,6}$/, "").replace(/[:：]$/, "");
  const forms = bare && bare !== t ? [t, bare] : [t];
  // A thin 一 that OCR read as a run of dashes, any number of them ("---级指标"), is one 一.
  const dashed = forms.map((f) => f.replace(THIN_ONE, "一")).filter((f) => !forms.includes(f));
  return [...forms, ...dashed];
}

/** A run of dashes (with or without a 一 among them) before a Chinese character. */
const THIN_ONE = /[-－—–─一]*[-－—–─][-－—–─一]*(?=\p{Script=Han})/gu;

// Spellings are few and compared often: compacted once.
const compactSpelling = new Map<string, string>();
function compacted(spelling: string): string {
  let c = compactSpelling.get(spelling);
  if (c === undefined) {
    c = compact(spelling);
    compactSpelling.set(spelling, c);
  }
  return c;
}

/** How many characters a header cell may add around a spelling it contains ("目标实际完成情况"). */
export const HEADER_WORDING_SLACK = 3;

/** Best similarity of a cell's label forms to a compacted spelling; 0 when it cannot reach `min`. */
function formsSimilarity(forms: readonly string[], s: string, contains: boolean, min = 0): number {
  let best = 0;
  for (const t of forms) {
    if (contains && s.length >= 2 && t.length - s.length <= HEADER_WORDING_SLACK && t.includes(s)) best = Math.max(best, 0.85);
    // The edit distance is at least the difference in length.
    if (1 - Math.abs(t.length - s.length) / Math.max(t.length, s.length) < min) continue;
    best = Math.max(best, similarityOfCompact(t, s));
  }
  return best;
}

/**
 * Similarity of a cell's text to one spelling (the best of its label forms). With `contains`
 * (header rows), a cell that holds the whole spelling and at most HEADER_WORDING_SLACK more
 * characters counts as 0.85.
 */
export function labelSimilarity(text: string, spelling: string, contains = false): number {
  return formsSimilarity(labelForms(text), compacted(spelling), contains);
}

/** True when the text is one of the spellings (fuzzy, tolerant of spacing and punctuation). */
export function isLabel(text: string, spellings: readonly string[], threshold = 0.8): boolean {
  const forms = labelForms(text);
  return forms.length > 0 && spellings.some((s) => formsSimilarity(forms, compacted(s), false, threshold) >= threshold);
}

/** Which field's label the text is, or null. */
export function whichLabel(text: string, labels: Spellings, threshold = 0.8, contains = false): string | null {
  let best: string | null = null;
  let bestScore = threshold;
  const forms = labelForms(text);
  if (!forms.length) return null;
  for (const [field, spellings] of Object.entries(labels)) {
    for (const s of spellings) {
      const score = formsSimilarity(forms, compacted(s), contains, bestScore);
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
  let pending: RowCell[] = [...row.cells];
  // Passes from strict to loose; a cell keeps the first field it matches. Columns the record
  // does not hold (指标性质, 评分标准 …) are taken before a looser pass could give them a field
  // ("评分标准" holds "评分"), so their cells are left out instead of landing in a neighbour.
  let extra = 0;
  const openFields = (): Spellings => Object.fromEntries(Object.entries(labels).filter(([f]) => !cols[f]));
  // `perCell`: the fields still open are taken afresh for each cell (see the last pass).
  const pass = (match: (cell: RowCell, open: Spellings) => string | null, perCell = false) => {
    const once = openFields();
    pending = pending.filter((cell) => {
      const field = match(cell, perCell ? openFields() : once);
      if (!field || cols[field]) return true;
      cols[field] = { x0: cell.x0, x1: cell.x1 };
      return false;
    });
  };
  pass((cell, open) => whichLabel(cell.text, open));
  pass((cell) => (isLabel(cell.text, EXTRA_COLUMN_LABELS) ? `${EXTRA_COLUMN}${extra++}` : null));
  // A header cell may add a word or two around a label ("目标实际完成情况", "分值（分）").
  pass((cell, open) => whichLabel(cell.text, open, 0.8, true));
  if (Object.keys(cols).filter((k) => !isExtraColumn(k)).length < minHits) return null;
  // Once the row is known to be the header, a garbled label ("-级指标" read by OCR for 一级指标)
  // still names its column: match the remaining cells to the remaining fields more loosely.
  // Here the fields still open are taken afresh for each cell: two garbled labels that match
  // two fields equally ("--级指标", "：级指标" for 一级指标 and 二级指标) get one each, where the
  // second was dropped (its column lost: a bitonal scan's level-2 labels went into the name).
  pass((cell, open) => whichLabel(cell.text, open, 0.6), true);
  // A two-character label with one character misread ("权币" for 权重 on a 200 dpi bitonal scan)
  // is half like its label: in a known header, among the fields still open, that is enough.
  pass((cell, open) => ([...compact(cell.text)].length === 2 ? whichLabel(cell.text, open, 0.5) : null), true);
  return cols;
}

const EXTRA_COLUMN = "extra:";

/** True for a header column the record does not hold (see headerColumns). */
export function isExtraColumn(column: string | null | undefined): boolean {
  return !!column && column.startsWith(EXTRA_COLUMN);
}

/** Label spellings of a form model's fields. */
export function labelsOf(fields: { readonly [field: string]: FieldSpec }): Spellings {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.labels]));
}

/**
 * A cell that holds a label and its value ("项目名称：普陀区…", "部门名称:XX"): the field and the
 * value text, or null.
 */
export function splitLabelValue(text: string, labels: Spellings): { field: string; value: string } | null {
  const m = /^([^:：]{2,16})[:：]\s*(.*)$/s.exec(text.trim());
  if (!m) return null;
  const field = whichLabel(m[1]!, labels);
  return field ? { field, value: m[2]!.trim() } : null;
}

/**
 * A row's first cell without pieces of the vertical 绩效指标 label that a spreadsheet drew into it
 * (its clipped text lands in the rows below: "总分绩效指", "标自评等级").
 */
export function leadLabel(row: Row): string | null {
  const first = cellsOf(row, false).find((c) => !c.inherited);
  if (!first) return null;
  return compact(first.text).replace(/^[绩效指标]{1,3}(?=[^绩效指标])/, "").replace(/(?<=[^绩效指标])[绩效指标]{1,3}$/, "");
}

/** True when a row is a contact, signature or note row that records do not hold. */
export function isNonRecordRow(row: Row): boolean {
  const t = leadLabel(row);
  if (!t) return false;
  const head = /^([^:：]{1,12})[:：]/.exec(t)?.[1] ?? t;
  return isLabel(head, NON_RECORD_LABELS, 0.85);
}

/**
 * Goals printed as captions inside cells ("预期目标：…", "实际完成情况：…"), in one row: the cells
 * under each caption (caption removed) and the columns they define, or null.
 */
export function splitCaptioned(
  cells: readonly RowCell[],
  captions: Spellings,
): { expected: RowCell[]; actual: RowCell[]; columns: HeaderColumns } | null {
  const found: { [field: string]: RowCell[] } = {};
  const columns: HeaderColumns = {};
  for (const c of cells) {
    // A cell may hold both captions ("预期目标：… 实际完成情况：…").
    const parts = splitAtCaptions(c.text, captions);
    for (const p of parts) {
      if (!p.field) continue;
      (found[p.field] ??= []).push({ ...c, text: p.text });
      columns[p.field] ??= { x0: c.x0, x1: c.x1 };
    }
  }
  if (!found.expected && !found.actual) return null;
  return { expected: found.expected ?? [], actual: found.actual ?? [], columns };
}

function splitAtCaptions(text: string, captions: Spellings): { field: string | null; text: string }[] {
  const hits: { field: string; start: number; end: number }[] = [];
  // Longer captions first, so "全年完成情况：" is found whole before "完成情况：" inside it.
  const all = Object.entries(captions).flatMap(([field, spellings]) => spellings.map((s) => [field, s] as const));
  for (const [field, s] of all.sort((a, b) => b[1].length - a[1].length)) {
    {
      const re = new RegExp(`${[...s].join("\\s*")}\\s*[:：]`, "g");
      let m: RegExpExecArray | null;
      while ((m = re.exec(text))) {
        if (hits.some((h) => m!.index < h.end && m!.index + m![0].length > h.start)) continue;
        hits.push({ field, start: m.index, end: m.index + m[0].length });
      }
    }
  }
  // Only captions that open the cell or follow a line of the other caption count.
  hits.sort((a, b) => a.start - b.start);
  if (!hits.length || text.slice(0, hits[0]!.start).trim()) return [];
  return hits.map((h, k) => ({ field: h.field, text: text.slice(h.end, hits[k + 1]?.start ?? text.length).trim() }));
}

/** The fiscal year near the title: "（2022年度）", "评价年度：2022", and the cell it was read from. */
export function findFiscalYear(rows: readonly Row[]): { year: number; cell: RowCell } | null {
  const patterns = [/(\d{4})\s*年度/, /年度\s*[:：]?\s*(\d{4})/, /(\d{4})\s*年(?!\s*\d{1,2}\s*月)/];
  for (const re of patterns) {
    for (const row of rows) {
      for (const cell of row.cells) {
        const m = re.exec(compact(cell.text));
        if (m) return { year: Number(m[1]), cell };
      }
      // The year may sit in the cell after a 评价年度 / 所属年度 label.
      const cells = cellsOf(row, false);
      for (let i = 0; i + 1 < cells.length; i++) {
        if (/年度[:：]?$/.test(compact(cells[i]!.text)) && /^\d{4}$/.test(compact(cells[i + 1]!.text))) {
          return { year: Number(compact(cells[i + 1]!.text)), cell: cells[i + 1]! };
        }
      }
    }
  }
  return null;
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
  if (!next || whichLabel(next.text, labels) || isLabel(next.text, NON_RECORD_LABELS, 0.85)) return undefined;
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

/**
 * Adds to `cols` the fields of `other` (the same header read again) that `cols` lacks, when
 * their column overlaps none of `cols`' columns by more than a quarter. Returns whether any was added.
 */
export function addMissedColumns(cols: HeaderColumns, other: HeaderColumns): boolean {
  let added = false;
  for (const [field, col] of Object.entries(other)) {
    if (cols[field] || isExtraColumn(field)) continue;
    // Cells of one ruled grid share their borders: a touch is not an overlap.
    const overlaps = Object.values(cols).some((c) => c && Math.min(col.x1, c.x1) - Math.max(col.x0, c.x0) > 0.25 * Math.min(col.x1 - col.x0, c.x1 - c.x0));
    if (overlaps) continue;
    cols[field] = col;
    added = true;
  }
  return added;
}
