import { ALL_LABELS, EXTRA_LEVEL1, compact, isSectionLabelPiece, matchLabel, TAXONOMY, cleanText, isEmptyValue } from "@jixiao/core";
import type { FlagCode } from "@jixiao/schemas";
import type { Row, RowCell } from "@jixiao/layout";
import { cellsOf, columnOf, isExtraColumn, isNumeric, type HeaderColumns } from "./rowTools.js";

// Indicator rows as read from the table rows, with their labels matched to the taxonomy; the
// next step is resolveIndicators (parseIndicators.ts).

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
 * deviation), with weight and score found as the last pair of numbers. `stats.emptyRows` counts
 * the rows left out for holding no text of their own.
 */
export function readIndicatorRows(rows: readonly Row[], header: HeaderColumns, stats: { emptyRows: number } = { emptyRows: 0 }): RawIndicator[] {
  const out: RawIndicator[] = [];
  // True while inside a level-1 block outside the national taxonomy (its level-2 wording is free).
  let inExtraBlock = false;
  const leftEdge = Math.min(...Object.values(header).map((r) => r.x0)) + 1e-6;
  for (const row of rows) {
    if (isRule(row)) continue;
    // A row whose own cells are all empty only repeats the merged cells over it (a producer
    // drew an empty piece of a merged cell as a row of its own).
    if (!row.cells.some((c) => c.text.trim() !== "")) {
      stats.emptyRows++;
      continue;
    }
    let level1Cell: RowCell | undefined;
    let level2Cell: RowCell | undefined;
    let level1Weight: RowCell | undefined;
    const data: RowCell[] = [];
    for (const read of cellsOf(row)) {
      const cell = withoutComparison(read, header);
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
      // A number in the weight column with ink in the score column (a score OCR garbled: "”")
      // says so too: cells come one column left leave the score column empty.
      const inPlace =
        data.some((c) => columnOf(c, header) === "score" && isNumeric(c.text)) ||
        (data.some((c) => columnOf(c, header) === "weight" && isNumeric(c.text)) && data.some((c) => columnOf(c, header) === "score" && !isEmptyValue(c.text)));
      // In place, OCR garbage in the level-2 column ("1.Z日标" for the tail of a label split by a
      // page break) is that column's all the same, not the row's name.
      const garbled = (c: RowCell) => c.confidence < 1 && !isNumeric(c.text) && !isEmptyValue(c.text);
      // On a scan the rulings keep cells in their columns: a name of Chinese words in the name
      // column and a number in the weight column place the row too (its score may be lost).
      const placedOnScan =
        data.some((c) => c.confidence < 1 && columnOf(c, header) === "name" && /\p{Script=Han}{2}/u.test(c.text)) &&
        data.some((c) => columnOf(c, header) === "weight" && isNumeric(c.text));
      const idx = data.findIndex(
        (c) =>
          columnOf(c, header) === "level2" &&
          ((isLabelLike(c.text) && (inPlace || nearestLevel2(c.text) !== null || /指标$/.test(compact(c.text)))) || ((inPlace || placedOnScan) && garbled(c))),
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
    for (const field of ["level1", "level2"] as const) {
      const read = raw[field];
      const label = read !== null ? labelAmidSpecks(read) : undefined;
      if (read === null || label === undefined) continue;
      raw[field] = label;
      raw.repairs.push({ code: "label_not_read", severity: "review", message: specksBesideLabel(read, label, field), field });
    }
    // An OCR-read level-1 label with one character misread ("投人管理指标") is the label, in doubt:
    // the level-1 labels are few and known.
    const l1 = raw.level1;
    if (l1 !== null && level1Misread === undefined && raw.level1Cell && raw.level1Cell.confidence < 1 && !matchLabel(l1)) {
      const label = nearestLabel(l1, LEVEL1_LABELS);
      if (label) {
        raw.level1 = label;
        raw.repairs.push({ code: "label_not_read", severity: "review", message: `"${l1}" in the level1 column is no level-1 label; read as "${label}"`, field: "level1" });
      }
    }
    // On a scan, a label cell of its own (not the piece of a merged cell above) with nothing read
    // in it held a label OCR lost: the label the row gets from the rows above is in doubt.
    if (row.cells.some((c) => c.confidence < 1)) {
      for (const field of ["level1", "level2"] as const) {
        if (raw[`${field}Cell`]) continue;
        const empty = row.cells.find((c) => !c.inherited && c.text.trim() === "" && columnOf(c, header) === field);
        if (empty) raw.repairs.push({ code: "label_not_read", severity: "review", message: `the row's own ${field} cell is empty on the scan: a label OCR did not read; the label was taken from the rows above`, field });
      }
    }
    if (!mapByColumns(nonEmpty, header, raw)) mapByOrder(nonEmpty, header, raw);
    out.push(raw);
  }
  level2BetweenBlocks(out);
  return out;
}

/**
 * A level-2 label OCR garbled past recognition ("ILAWLIH标", "r+") in a taxonomy block is the
 * one label the taxonomy leaves between the labels read above and below it in the same level-1
 * block (社会效益指标 between 经济效益指标 and 生态效益指标; 可持续影响指标 after 生态效益指标 at
 * the block's end), when it leaves exactly one. Only labels read as such are anchors, not other
 * guesses. The row stays in doubt: its label_not_read repair names the guess.
 */
function level2BetweenBlocks(raws: RawIndicator[]): void {
  let current: string | null = null;
  const parents = raws.map((r) => {
    if (r.level1 !== null) current = matchLabel(r.level1)?.level === 1 ? matchLabel(r.level1)!.label : r.level1;
    return current;
  });
  const read = raws.map((r) => (r.level2 !== null && matchLabel(r.level2)?.level === 2 ? matchLabel(r.level2)!.label : undefined));
  raws.forEach((r, i) => {
    const garbled = r.level2;
    const parent = parents[i];
    const siblings = parent ? TAXONOMY[parent] : undefined;
    const repair = r.repairs.find((x) => x.code === "label_not_read" && x.field === "level2");
    if (garbled === null || read[i] !== undefined || !siblings || !repair || !r.level2Cell || r.level2Cell.confidence >= 1) return;
    const anchor = (step: 1 | -1) => {
      for (let j = i + step; j >= 0 && j < raws.length && parents[j] === parent; j += step) if (read[j]) return read[j];
      return undefined;
    };
    const [above, below] = [anchor(-1), anchor(1)];
    const between = siblings.slice(above ? siblings.indexOf(above) + 1 : 0, below ? siblings.indexOf(below) : siblings.length);
    if (between.length !== 1) return;
    r.level2 = between[0]!;
    repair.message = `"${garbled}" in the level2 column is no taxonomy label; read as "${between[0]}", the one label the taxonomy leaves between the labels above and below it`;
  });
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

/** The message of a label read with specks beside it (labelAmidSpecks), for the review flag. */
export function specksBesideLabel(read: string, label: string, field: string): string {
  return `"${read}" in the ${field} column holds the label "${label}" with specks beside it; read as the label`;
}

/**
 * A label (by default a taxonomy label) read with one or two specks beside it ("1产出指标", "产出指标.": a ruling's stub
 * or dust read as a digit, a stroke or a point), or undefined when the text is a label already or holds none.
 * Only characters that are no Chinese characters count as specks.
 */
export function labelAmidSpecks(text: string, labels: readonly string[] = ALL_LABELS): string | undefined {
  const t = compact(text);
  // Exactly a label: nothing to take off ("产出指标." would match a label loosely and keep its point).
  if (labels.includes(t)) return undefined;
  // Digits after a label are its weight, not specks.
  const m = /^([^\p{Script=Han}（）()]{0,2})(.+?)([^\p{Script=Han}（）()\d]{0,2})$/u.exec(t);
  if (!m || (!m[1] && !m[3])) return undefined;
  return labels.includes(m[2]!) ? m[2] : undefined;
}

/**
 * A weight or score column never holds a comparison sign: an OCR-read "≥5" there is "25" whose 2
 * the glyph-shape check took for ≥ (150 dpi JPEG). Left as read, it is no number and its text
 * is joined into the indicator's name. The cell with the 2 back and a review repair.
 */
function withoutComparison(cell: RowCell, header: HeaderColumns): RowCell {
  if (cell.confidence >= 1 || !/^\s*≥\s*\d/.test(cell.text)) return cell;
  const col = columnOf(cell, header);
  if (col !== "level1_weight" && col !== "weight" && col !== "score") return cell;
  const text = cell.text.replace(/^\s*≥\s*/, "2");
  return { ...cell, text, repairs: [...cell.repairs, { code: "comparison_in_number", severity: "review", message: `"${cell.text}" in the ${col} column, where no comparison is printed: read as ${text}` }] };
}

/** Every level-1 label: the taxonomy's and those of the department form's own blocks. */
const LEVEL1_LABELS: readonly string[] = [...Object.keys(TAXONOMY), ...EXTRA_LEVEL1];

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

/**
 * An OCR reading of a number with a digit misread as a mark ("2.+" for 2.4): a few characters, a
 * digit among them, no Chinese and no percent sign. In the weight or score column it is that
 * column's value, not read (not_a_number), rather than text that sends the row's cells elsewhere.
 */
function misreadNumber(cell: RowCell): boolean {
  const t = compact(cell.text);
  return cell.confidence < 1 && /\d/.test(t) && !/[\p{Script=Han}%％]/u.test(t) && [...t].length <= 8;
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
    if ((col === "weight" || col === "score") && !isEmptyValue(c.text) && (!isNumeric(c.text) || /[%％]/.test(c.text)) && !misreadNumber(c)) return false;
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
