import { compact, cleanText, matchLabel, isEmptyValue, similarityOfCompact, splitLevelWeight, splitMisreadLevelWeight } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import { ASSESSMENT_LABELS, INDICATOR_HEADER, NON_RECORD_LABELS, TOTAL_ROW } from "./forms.js";
import type { RecordBuilder } from "./RecordBuilder.js";
import { settledLabelCell } from "./settledLabelCell.js";
import { isSectionTitle, rowsAcrossBreaks } from "./rowsAcrossBreaks.js";
import { addMissedColumns, cellsOf, columnOf, headerColumns, headerWordsIn, isNumeric, leadLabel, type HeaderColumns } from "./rowTools.js";
import { labelAmidSpecks, specksBesideLabel } from "./parseIndicatorsRows.js";

export type AssessmentValues = {
  fields: { [field: string]: RowCell[] };
  /** Unit printed in a field's own label ("当年预算数（万元）"). */
  units: { [field: string]: "元" | "万元" };
  indicators: {
    level1: string | null;
    level1_weight: number | null;
    name: string | null;
    explanation: string | null;
    weight: number | null;
    score: number | null;
    note: string | null;
  }[];
  total: { weight: number | null; score: number | null };
};

type Piece = { field: string | null; cell: RowCell };

/** Field key of labels that the record does not hold (项目负责人, 联系电话 …): their text is dropped. */
const NOT_IN_RECORD = "";

// A label's colon, or what OCR of a coarse scan reads it as (a middle dot, a full stop; a
// semicolon only near a cell's start, see splitByLabels).
const COLON = "[:：·•.．；;]";

// A bracket's closing half, or what OCR of a coarse scan reads it as ("（是/否！：" for "（是/否）：").
const CLOSE = "[)）!！|\\]]";

// Labels as regular expressions tolerant of spaces between characters, with an optional unit in
// brackets ("当年预算数（万元）"), followed by a colon. Longer spellings first, so a label that
// contains another ("项目年度总目标" ⊃ "年度总目标") is found whole.
const LABEL_RES: [string, RegExp][] = [
  ...Object.entries(ASSESSMENT_LABELS),
  [NOT_IN_RECORD, NON_RECORD_LABELS.filter((l) => l.length >= 3 || /电话|备注|说明/.test(l))] as const,
].flatMap(([field, spellings]) =>
  [...spellings].map((s): [string, string] => [field, s]),
).sort((a, b) => b[1].length - a[1].length).map(([field, s]) => {
  const body = [...s].map((ch) => (/[（(]/.test(ch) ? "[（(]" : /[）)]/.test(ch) ? "[）)]" : ch.replace(/[%]/, "[%％]"))).join("\\s*");
  // A money unit whose closing bracket OCR lost ("上年预算金额（万元") still is the label's unit.
  return [field, new RegExp(`${body}\\s*(?:[（(]\\s*([^（）()!！|\\]]{0,8}?)\\s*${CLOSE}|[（(]\\s*(万元|元)(?![^（）()]{0,8}[)）]))?\\s*(?:${COLON}\\s*){0,2}`, "g")];
});

/**
 * A label OCR misread by one character at the start of a cell, closed by a colon or what a scan
 * makes of one ("白评时间：" and "目评时间。" for 自评时间：): the field and the text read. Only
 * spellings of four or more characters, the same length as the text, one character changed,
 * and only when no other spelling is as close.
 */
function misreadLeadLabel(text: string): { field: string; read: string; end: number } | null {
  const m = /^\s*([^\s:：。.·•．；;]{4,10}?)\s*[:：。.·•．]/u.exec(text);
  if (!m) return null;
  const read = compact(m[1]!);
  const near = LABEL_SPELLINGS.filter(([, s]) => [...s].length === [...read].length && [...s].length >= 4 && similarityOfCompact(s, read) >= 1 - 1 / [...s].length - 1e-9);
  const fields = new Set(near.map(([f]) => f));
  return fields.size === 1 ? { field: near[0]![0], read, end: m[0].length } : null;
}

/** Splits a cell's text at label occurrences: [{field, text}] with field null for leading text. */
function splitByLabels(text: string): { field: string | null; text: string; at: number; unit?: "元" | "万元"; misread?: string }[] {
  const hits: { field: string; start: number; end: number; unit?: "元" | "万元"; semicolon?: boolean; misread?: string }[] = [];
  for (const [field, re] of LABEL_RES) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      // Only a label followed by a colon, or printed with its money unit, or at the end of the
      // cell counts (prose may repeat words).
      const tail = text.slice(m.index + m[0].length);
      const u = m[1] ?? m[2];
      if (!new RegExp(`${COLON}\\s*$`).test(m[0]) && !/^(万元|元)$/.test(u ?? "") && tail.trim() !== "") continue;
      if (hits.some((h) => m!.index < h.end && m!.index + m![0].length > h.start)) continue;
      const unit = u === "万元" ? "万元" : u === "元" ? "元" : undefined;
      const semicolon = /[；;]\s*$/.test(m[0]) && !/[:：·•.．]/.test(m[0]);
      hits.push({ field, start: m.index, end: m.index + m[0].length, ...(unit ? { unit } : {}), ...(semicolon ? { semicolon } : {}) });
    }
  }
  hits.sort((a, b) => a.start - b.start);
  if (!hits.length || hits[0]!.start > 0) {
    const lead = misreadLeadLabel(text);
    if (lead && (!hits.length || hits[0]!.start >= lead.end)) hits.unshift({ field: lead.field, start: 0, end: lead.end, misread: lead.read });
  }
  // A colon OCR read as a semicolon ("主要成效；"): prose puts semicolons after words too, so such
  // a label counts only at the cell's start or a few characters after the label before it (a
  // short value glued to it: "绩效等级：优主要成效；").
  for (let k = 0; k < hits.length; k++) {
    const h = hits[k]!;
    if (h.semicolon && [...text.slice(k ? hits[k - 1]!.end : 0, h.start)].length > 3) hits.splice(k--, 1);
  }
  const out: { field: string | null; text: string; at: number; misread?: string }[] = [];
  const at = (i: number) => [...text.slice(0, i)].length / Math.max(1, [...text].length);
  if (!hits.length) return [{ field: null, text, at: 0 }];
  if (hits[0]!.start > 0) out.push({ field: null, text: text.slice(0, hits[0]!.start), at: 0 });
  hits.forEach((h, k) => out.push({ field: h.field, text: text.slice(h.end, hits[k + 1]?.start ?? text.length), at: at(h.start), ...(h.unit ? { unit: h.unit } : {}), ...(h.misread ? { misread: h.misread } : {}) }));
  return out;
}

const ALL_SPELLINGS = Object.values(ASSESSMENT_LABELS).flat().map((s) => compact(s));
/** [field, compact spelling] of every label of the form's own fields. */
const LABEL_SPELLINGS: readonly (readonly [string, string])[] = Object.entries(ASSESSMENT_LABELS).flatMap(([f, ss]) => [...ss].map((x) => [f, compact(x)] as const));

/**
 * Joins labels wrapped onto two lines ("具体实施处（科" / "室）："): a cell that is the start of a
 * label and a cell right under it (same left edge) that completes it.
 */
function joinWrappedLabels(rows: readonly Row[]): Row[] {
  const out = rows.map((r) => ({ ...r, cells: [...r.cells] }));
  for (let i = 0; i + 1 < out.length; i++) {
    for (const [k, cell] of out[i]!.cells.entries()) {
      const t = compact(cell.text).replace(/[:：]$/, "");
      if (t.length < 2) continue;
      // A label cut inside its unit ("当年预算数（" / "万元）："), or a whole label with its unit on
      // the line below ("当年预算数" / "（元）："), is a start too.
      const stem = t.replace(/\([^()]*$/, "");
      if (!ALL_SPELLINGS.some((s) => s.startsWith(stem))) continue;
      const size = cell.prov[0] ? cell.prov[0].bbox.y1 - cell.prov[0].bbox.y0 : 1;
      const below = out[i + 1]!.cells.findIndex((d) => Math.abs(d.x0 - cell.x0) <= 0.5 * size);
      if (below < 0) continue;
      const d = out[i + 1]!.cells[below]!;
      const joined = compact(cell.text + d.text).replace(/[:：]$/, "");
      if (!ALL_SPELLINGS.includes(joined) && !ALL_SPELLINGS.includes(joined.replace(/\([^()]*\)$/, ""))) continue;
      out[i]!.cells[k] = { ...cell, text: cell.text + d.text, x1: Math.max(cell.x1, d.x1), prov: [...cell.prov, ...d.prov] };
      out[i + 1]!.cells.splice(below, 1);
    }
  }
  return out.filter((r) => r.cells.length || r.spanned.length);
}

/** Reads the 项目绩效自评价 form: label/value lines, then the indicator table. */
export function parseAssessment(allRows: readonly Row[], b: RecordBuilder, spansKnown = true): AssessmentValues {
  const rows = joinWrappedLabels(allRows);
  const fields: { [field: string]: RowCell[] } = {};
  const units: AssessmentValues["units"] = {};
  let header: HeaderColumns | null = null;
  let headerIndex = rows.length;
  // Label part: every label opens a value; text without a label continues the value whose
  // column it sits under (two-column layouts), or the last label opened.
  let lastRowLabels: { field: string; x0: number }[] = [];
  let lastField: string | null = null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const h = headerColumns(row, INDICATOR_HEADER.project_self_assessment!, 3);
    if (h || headerWordsIn(row, INDICATOR_HEADER.project_self_assessment!).length >= 4) {
      header = h;
      headerIndex = i;
      break;
    }
    const text = compact(row.cells.map((c) => c.text).join(""));
    if (/^[一二三四五六七八九十\d]+[、.]?\s*一级指标/.test(text)) break;
    const rowLabels: { field: string; x0: number }[] = [];
    const pieces: Piece[] = [];
    for (const cell of cellsOf(row, false)) {
      for (const part of splitByLabels(cell.text)) {
        if (part.field !== null) {
          // Where the label starts inside the cell, by its share of the characters.
          rowLabels.push({ field: part.field, x0: cell.x0 + part.at * (cell.x1 - cell.x0) });
          lastField = part.field;
          if (part.field === NOT_IN_RECORD) continue;
          if (part.misread) b.flag("label_not_read", "review", part.field, `"${part.misread}" was read as the label of this field, one character away`);
          fields[part.field] ??= [];
          if (part.unit) units[part.field] = part.unit;
          if (part.text.trim()) pieces.push({ field: part.field, cell: { ...cell, text: part.text } });
        } else if (part.text.trim()) {
          // Unlabelled text: in this row after a label → that label; else by column / last label.
          const inRow = rowLabels.filter((l) => l.x0 <= cell.x0 + 1e-6).pop();
          let field = inRow?.field ?? null;
          if (field === null && lastRowLabels.length > 1) {
            field = lastRowLabels.filter((l) => l.x0 <= cell.x0 + 1e-6).pop()?.field ?? lastRowLabels[0]!.field;
          }
          field ??= lastField;
          if (field) pieces.push({ field, cell: { ...cell, text: part.text } });
        }
      }
    }
    if (rowLabels.length) lastRowLabels = rowLabels;
    for (const p of pieces) if (p.field) (fields[p.field] ??= []).push(p.cell);
  }
  const values: AssessmentValues = { fields, units, indicators: [], total: { weight: null, score: null } };
  const tableRows = rows.slice(headerIndex + 1);
  if (header && tableRows.some((r) => r.source === "table")) readGrid(tableRows, header, values, b, spansKnown);
  else {
    readLines(tableRows, values, b);
    if (tableRows.some((r) => r.source === "text" && r.cells.some((c) => c.prov[0]?.unit !== "grid"))) {
      b.flag("layout_from_alignment", "review", "indicators", "the indicator table has no ruling lines; its cells were placed by text alignment");
    }
  }
  return values;
}

const weightOf = (text: string): number | null => splitLevelWeight(text).weight;

/** Indicator table with a grid: cells mapped by header column; the level-1 cell spans its block. */
function readGrid(allRows: readonly Row[], header: HeaderColumns, v: AssessmentValues, b: RecordBuilder, spansKnown: boolean): void {
  const rows: Row[] = [];
  // A page break lay before rows that were left out (a repeated header): it lies before the next row.
  let carryPageStart = false;
  for (const row of allRows) {
    const cells = cellsOf(row);
    const first = cells.find((c) => !c.inherited);
    // The header repeated at the top of a page (print titles) is not an indicator.
    const again = headerColumns(row, INDICATOR_HEADER.project_self_assessment, 3);
    if (again || isSectionTitle(row, header)) {
      b.flag("repeated_header", "info", "indicators", "the indicator header repeated after a page break was left out");
      // A column the first copy of the header missed (OCR read two of its labels as one) is
      // the table's on every page.
      if (again) addMissedColumns(header, again);
      carryPageStart ||= row.pageStart;
      continue;
    }
    const lead = leadLabel(row) ?? "";
    if (first && (TOTAL_ROW.includes(lead) || labelAmidSpecks(lead, TOTAL_ROW))) {
      const nums = cells.filter((c) => c !== first && isNumeric(c.text));
      v.total.weight = b.number("total.weight", nums[0]);
      v.total.score = b.number("total.score", nums[1]);
      break;
    }
    rows.push(carryPageStart && !row.pageStart ? { ...row, pageStart: true } : row);
    carryPageStart = false;
  }
  // Without a name, weight or score column the rows' cells there fall in no column: the table
  // cannot be read, and a person reads it (a header whose labels OCR read as one).
  const lost = (["name", "weight", "score"] as const).filter((c) => !header[c]);
  if (lost.length) b.flag("missing_column", "review", "indicators", `the indicator table's ${lost.join(", ")} column${lost.length > 1 ? "s were" : " was"} not found in its header`);
  const prepared = spansKnown ? rowsAcrossBreaks(rows, header, b) : rows;
  for (const row of prepared) {
    const cells = cellsOf(row);
    const by: { [col: string]: RowCell[] } = {};
    for (const c of cells) {
      const col = columnOf(c, header);
      if (col) (by[col] ??= []).push(c);
    }
    if (!by.name?.length && !by.weight?.length) continue;
    const path = `indicators[${v.indicators.length}]`;
    const l1 = by.level1?.[0];
    const l1Text = l1 ? compact(l1.text) : "";
    // A weight whose closing bracket OCR misread ("产出指标（45分上"): the label is the label; the
    // weight stays in doubt until the block's weights sum to it.
    const misread = matchLabel(l1Text) ? null : splitMisreadLevelWeight(l1Text);
    const l1Read = misread?.label ?? matchLabel(l1Text)?.label ?? (splitLevelWeight(l1Text).label || null);
    const l1Label = (l1Read && labelAmidSpecks(l1Read)) ?? l1Read;
    b.track(`${path}.level1`, [settledLabelCell(l1)]);
    if (l1Read && l1Label !== l1Read) b.flag("label_not_read", "review", `${path}.level1`, specksBesideLabel(l1Read, l1Label!, "level1"));
    if (!l1Label) b.flag("missing_level1", "review", `${path}.level1`, "no level-1 label found for this row");
    const l1w = misread ? misread.weight : l1 ? weightOf(l1.text) : null;
    if (l1) b.track(`${path}.level1_weight`, [l1]);
    if (misread) {
      const where = misread.at === "bracket" ? `ends in "${misread.mark}" where the weight's closing bracket prints` : `has "${misread.mark}" between the weight and its 分`;
      b.flag("stray_mark", "review", `${path}.level1_weight`, `"${l1Text}" ${where}; read as ${misread.label} (${misread.weight}分)`);
    }
    v.indicators.push({
      level1: l1Label,
      level1_weight: l1w,
      name: b.text(`${path}.name`, by.name ?? []),
      explanation: b.text(`${path}.explanation`, by.explanation ?? []),
      weight: b.number(`${path}.weight`, by.weight?.[0]),
      score: b.number(`${path}.score`, by.score?.[0]),
      note: b.text(`${path}.note`, by.note ?? []),
    });
  }
}

/**
 * Indicator table without a grid (text dumps): a level-1 label line (with "(45分)" on it or
 * the next line), then per indicator a name, optional explanation lines, and two numbers.
 */
function readLines(rows: readonly Row[], v: AssessmentValues, b: RecordBuilder): void {
  let level1: string | null = null;
  let level1Cell: RowCell | undefined;
  let level1Weight: number | null = null;
  let pending: { name: RowCell[]; explanation: RowCell[] } | null = null;
  const numbersAtEnd = /^(.*?)\s*([-\d.,]+)\s+([-\d.,]+)\s*$/;
  for (const row of rows) {
    for (let cell of cellsOf(row, false)) {
      let text = cleanText(cell.text);
      const t = compact(text);
      if (!t) continue;
      const total = TOTAL_ROW.find((w) => t.startsWith(w));
      if (total) {
        const m = numbersAtEnd.exec(text);
        if (m) {
          v.total.weight = b.number("total.weight", { ...cell, text: m[2]! });
          v.total.score = b.number("total.score", { ...cell, text: m[3]! });
        }
        return;
      }
      const label = matchLabel(t); // a weight after the label ("产出指标(45分)") is set aside by matchLabel
      if (label?.level === 1) {
        level1 = label.label;
        level1Cell = cell;
        level1Weight = weightOf(t);
        continue;
      }
      const lead = /^[（(]\s*\d+(\.\d+)?\s*分\s*[)）]/.exec(t);
      if (lead) {
        level1Weight = weightOf(lead[0]);
        if (lead[0].length === t.length) continue;
        const rest = text.replace(/^\s*[（(]\s*\d+(\.\d+)?\s*分\s*[)）]\s*/, "");
        if (!rest) continue;
        cell = { ...cell, text: rest };
        text = rest;
      }
      const m = numbersAtEnd.exec(text);
      if (m && isNumeric(m[2]!) && isNumeric(m[3]!)) {
        const head = m[1]!.trim();
        const name = head ? [{ ...cell, text: head }] : pending?.name ?? [];
        const explanation = head ? (pending ? [...pending.name, ...pending.explanation] : []) : pending?.explanation ?? [];
        const path = `indicators[${v.indicators.length}]`;
        if (head && pending) b.flag("unpaired_text", "review", path, "text lines before this indicator had no numbers");
        b.track(`${path}.level1`, [settledLabelCell(level1Cell)]);
        v.indicators.push({
          level1,
          level1_weight: level1Weight,
          name: b.text(`${path}.name`, name),
          explanation: head ? null : b.text(`${path}.explanation`, explanation),
          weight: b.number(`${path}.weight`, { ...cell, text: m[2]! }),
          score: b.number(`${path}.score`, { ...cell, text: m[3]! }),
          note: null,
        });
        pending = null;
        continue;
      }
      if (!pending) pending = { name: [cell], explanation: [] };
      else pending.explanation.push(cell);
    }
  }
  void isEmptyValue;
}
