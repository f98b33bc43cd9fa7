import { compact, cleanText, isEmptyValue, isSectionLabelPiece, matchLabel, readNumber } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import type { RecordKind } from "@jixiao/schemas";
import { FORM_MODELS, type MoneyGrid, type Spellings } from "./forms.js";
import type { RecordBuilder } from "./RecordBuilder.js";
import { readIndicatorRows, resolveIndicators, type IndicatorValues } from "./parseIndicators.js";
import { labelAmidSpecks } from "./parseIndicatorsRows.js";
import { isSectionTitle, rowsAcrossBreaks } from "./rowsAcrossBreaks.js";
import {
  addMissedColumns, cellsOf, columnLeftOf, columnOf, findFiscalYear, headerColumns, isExtraColumn, isLabel, isNonRecordRow, isNumeric, leadLabel,
  labelsOf, splitCaptioned, splitLabelValue, valueRightOf, whichLabel, type HeaderColumns,
} from "./rowTools.js";

type Money = { [field: string]: number | null };

export type TabularValues = {
  fiscal_year: number | null;
  kv: { [field: string]: string | number | null };
  money: { [row: string]: Money };
  goals: { expected: string | null; actual: string | null };
  indicators: IndicatorValues[];
  total: { weight: number | null; score: number | null };
  found: { money: boolean; goals: boolean; indicators: boolean; total: boolean };
  /** Parts read from free-text rows (no grid): their layout was guessed from alignment. */
  fromText: Set<"money" | "goals" | "indicators">;
  /** Money rows whose label was not recognised and were placed by the form's row order. */
  inferredRows: Set<string>;
  /** The total row's label was damaged (OCR) and the row was taken by its shape. */
  totalGuessed: boolean;
  /** Header columns the form model has and the page did not show (money grid and indicator table). */
  missingColumns: { money: string[]; indicators: string[] };
  /** Rows of the indicator table with no text of their own, left out (readIndicatorRows). */
  emptyIndicatorRows: number;
};

/** Reads the two grid forms (project and department self-evaluation) from a report's rows. */
export function parseTabular(kind: Exclude<RecordKind, "project_self_assessment">, rows: readonly Row[], b: RecordBuilder, spansKnown: boolean): TabularValues {
  const model = FORM_MODELS[kind];
  const project = kind === "project_self_eval";
  const kvLabels: Spellings = labelsOf(model.fields);
  const grid = model.money!;
  const moneyHeader: Spellings = labelsOf(grid.columns);
  const goalsHeader: Spellings = { expected: model.goals!.expected, actual: model.goals!.actual };
  const indHeader: Spellings = labelsOf(model.indicatorColumns);
  const moneyPath = grid.path;
  const allLabels: Spellings = { ...kvLabels, ...moneyHeader };

  const out: TabularValues = {
    fiscal_year: null,
    kv: {},
    money: {},
    goals: { expected: null, actual: null },
    indicators: [],
    total: { weight: null, score: null },
    found: { money: false, goals: false, indicators: false, total: false },
    fromText: new Set(),
    inferredRows: new Set(),
    missingColumns: { money: [], indicators: [] },
    totalGuessed: false,
    emptyIndicatorRows: 0,
  };

  const year = findFiscalYear(rows.slice(0, 8));
  if (year) {
    out.fiscal_year = year.year;
    b.track("fiscal_year", [year.cell]);
  }

  let moneyCols: HeaderColumns | null = null;
  let goalsCols: HeaderColumns | null = null;
  let indCols: HeaderColumns | null = null;
  const goalCells: { expected: RowCell[]; actual: RowCell[] } = { expected: [], actual: [] };
  const indicatorRows: Row[] = [];
  // A page break lay before rows that were left out (a repeated header): it lies before the next row.
  let carryPageStart = false;
  for (const row of rows) {
    const cells = cellsOf(row, false);
    if (!indCols) {
      const ih = headerColumns(row, indHeader, model.minIndicatorHits);
      if (ih && (ih.name || ih.level1)) {
        indCols = ih;
        out.found.indicators = true;
        const extra = cells.filter((c) => isExtraColumn(columnOf(c, ih, 0.9))).map((c) => compact(c.text));
        if (extra.length) b.flag("extra_column", "info", "indicators", `columns the record does not hold were left out: ${extra.join("、")}`);
        out.missingColumns.indicators = Object.entries(model.indicatorColumns)
          .filter(([k, spec]) => spec.required && !ih[k] && k !== "level1" && k !== "level2")
          .map(([k]) => k);
        continue;
      }
    }
    if (indCols) {
      const first = cells.find((c) => !c.inherited);
      const total = first ? totalRowLabel(row, first, indCols, model.totalRow) : null;
      if (first && total) {
        if (total === "guessed") out.totalGuessed = true;
        const nums = cells.filter((c) => c !== first && !isExtraColumn(columnOf(c, indCols!)) && isNumeric(c.text));
        out.total.weight = b.number("total.weight", nums[0]);
        out.total.score = b.number("total.score", nums[1]);
        out.found.total = true;
        break;
      }
      // The header repeated at the top of a page (print titles) is not an indicator; nor is a
      // section title repeated with it ("分解目标自评" across the table).
      const repeated = headerColumns(row, indHeader, Math.min(3, model.minIndicatorHits));
      if (repeated || isSectionTitle(row, indCols)) {
        b.flag("repeated_header", "info", "indicators", "the indicator header repeated after a page break was left out");
        // OCR may garble a label in one copy of the header and read it in another: a column the
        // first copy missed, where it has no other column, is the table's on every page.
        if (repeated && addMissedColumns(indCols, repeated)) {
          out.missingColumns.indicators = out.missingColumns.indicators.filter((k) => !indCols![k]);
        }
        carryPageStart ||= row.pageStart;
        continue;
      }
      if (isNonRecordRow(row)) {
        b.flag("non_record_row", "info", "", `row "${compact(cells.map((c) => c.text).join(" ")).slice(0, 40)}" is not part of the record`);
        carryPageStart ||= row.pageStart;
        continue;
      }
      indicatorRows.push(carryPageStart && !row.pageStart ? { ...row, pageStart: true } : row);
      carryPageStart = false;

      continue;
    }
    if (isNonRecordRow(row)) {
      b.flag("non_record_row", "info", "", `row "${compact(cells.map((c) => c.text).join(" ")).slice(0, 40)}" is not part of the record`);
      goalsCols = goalsCols && null;
      continue;
    }
    // Label → value pairs (项目名称 | value, or 项目名称：value in one cell).
    let kvFound = false;
    for (const cell of cells) {
      const inCell = splitLabelValue(cell.text, kvLabels);
      const field = inCell?.field ?? whichLabel(cell.text, kvLabels);
      if (!field) continue;
      kvFound = true;
      if (out.kv[field] !== undefined) continue;
      const value = inCell?.value ? { ...cell, text: inCell.value } : valueRightOf(row, cell, allLabels);
      if (model.fields[field]!.type === "count") out.kv[field] = b.number(field, value);
      else out.kv[field] = b.text(field, value ? [value] : []);
    }
    if (kvFound) {
      goalsCols = null;
      continue;
    }
    const mh = headerColumns(row, moneyHeader, grid.minHeaderHits);
    if (mh && !moneyCols) {
      moneyCols = mh;
      out.found.money = true;
      out.missingColumns.money = Object.entries(grid.columns).filter(([k, spec]) => spec.required && !mh[k]).map(([k]) => k);
      continue;
    }
    // Goals printed as captions inside one row ("预期目标：…" | "实际完成情况：…").
    const captioned = splitCaptioned(cells, model.goals!.captions);
    if (captioned) {
      out.found.goals = true;
      goalCells.expected.push(...captioned.expected);
      goalCells.actual.push(...captioned.actual);
      goalsCols = captioned.columns;
      continue;
    }
    // Goal headers side by side ("预期目标 | 实际完成情况"), or one above its text (spreadsheets
    // stack them: "年初设定目标" / text / "全年完成情况" / text).
    // Beside the goals row's own label (年度总体目标) one caption read is enough to know the
    // header: the other is then matched loosely ("子期目标" read for 预期目标 on a bitonal scan).
    const besideRowLabel = cellsOf(row, false).some((c) => isLabel(c.text, model.goals!.rowLabels));
    const gh =
      headerColumns(row, goalsHeader, 2) ??
      (besideRowLabel ? headerColumns(row, goalsHeader, 1) : null) ??
      singleGoalHeader(row, goalsHeader, model.goals!.rowLabels);
    if (gh) {
      goalsCols = gh;
      out.found.goals = true;
      continue;
    }
    if (goalsCols) {
      // A title across the table, left of the goal columns ("分解目标自评"), ends the goals.
      const left = Math.min(...Object.values(goalsCols).map((r) => r.x0));
      if (cells.length === 1 && cells[0]!.x0 < left - 1 && cells[0]!.x1 > left + 1 && !row.spanned.length) {
        goalsCols = null;
        continue;
      }
      if (row.source === "text") out.fromText.add("goals");
      for (const c of cells) {
        if (isLabel(c.text, model.goals!.rowLabels)) continue;
        // A cell across both goal columns is a section title, not a goal.
        const spansBoth = Object.values(goalsCols).every((r) => c.x0 <= r.x0 + 1 && c.x1 >= r.x1 - 1);
        if (spansBoth && Object.keys(goalsCols).length > 1) continue;
        const col = columnOf(c, goalsCols) ?? columnLeftOf(c, goalsCols, 0.5);
        if (col === "expected" || col === "actual") goalCells[col].push(c);
      }
      continue;
    }
    if (moneyCols) {
      let key = moneyRowKey(cells, project, grid.rows);
      // A row of amounts whose label was not recognised (OCR, other wording) takes the next
      // row of the form's fixed order; the checks later decide whether that needs a person.
      const order = Object.keys(grid.rows);
      const amounts = cells.filter((c) => columnOf(c, moneyCols!) && isNumeric(c.text.replace(/[%％]$/, "")));
      const last = Math.max(-1, ...Object.keys(out.money).map((k) => order.indexOf(k)));
      const next = order[last + 1];
      // A label recognised as the row the form's order puts next is confirmed by that order: it
      // only places the row, and its OCR doubts doubt nothing the record holds (the amounts
      // carry their own). A label read out of order may have put the amounts on the wrong row:
      // its doubts cover the row.
      const labelConfirmed = key !== null && key.key === next;
      if (!key && amounts.length >= 2) {
        const label = cells.find((c) => !columnOf(c, moneyCols!) && !isNumeric(c.text));
        if (next && label) {
          key = { key: next, cell: label };
          out.inferredRows.add(next);
        }
      }
      if (key && !out.money[key.key]) {
        if (row.source === "text") out.fromText.add("money");
        const money: Money = {};
        for (const field of Object.keys(moneyHeader)) money[field] = null;
        for (const c of cells) {
          if (c === key.cell) continue;
          const col = columnOf(c, moneyCols);
          if (!col || isExtraColumn(col)) continue;
          const path = `${moneyPath}.${key.key}.${col}`;
          const type = grid.columns[col]!.type;
          money[col] = type === "money" ? b.money(path, c) : b.number(path, c, type === "rate");
        }
        flagAmountGaps(b, `${moneyPath}.${key.key}`, money, moneyCols, grid.columns, cells);
        if (labelConfirmed) b.place(`${moneyPath}.${key.key}`, [key.cell]);
        else b.track(`${moneyPath}.${key.key}`, [key.cell]);
        out.money[key.key] = money;
      }
    }
  }
  out.goals.expected = b.text("goals.expected", goalCells.expected);
  out.goals.actual = b.text("goals.actual", goalCells.actual);
  if (indCols) {
    const across = spansKnown ? rowsAcrossBreaks(indicatorRows, indCols, b) : indicatorRows;
    const prepared = across.filter((_, i) => !isClippedOverflow(across, i));
    // Free text left among the rows was placed by alignment (a lone taxonomy label, such as a
    // merged label a spreadsheet drew past the page's last ruling, places nothing).
    if (prepared.some((r) => r.source === "text" && !cellsOf(r, false).every((c) => matchLabel(c.text) || isSectionLabelPiece(c.text)))) {
      out.fromText.add("indicators");
    }
    const stats = { emptyRows: 0 };
    const raws = readIndicatorRows(prepared, indCols, stats);
    out.emptyIndicatorRows = stats.emptyRows;
    out.indicators = resolveIndicators(raws, b, { withLevel1Weight: !project, withLevel2: true, spansKnown });
  }
  return out;
}

/** Characters a clipped line of a merged cell keeps at most (isClippedOverflow). */
const CLIPPED_OVERFLOW_CHARS = 3;

/**
 * A line of text a spreadsheet drew past a page's last ruling: a merged cell cut by the page
 * break prints the top of its next line below the table, and OCR reads the half glyphs as a few
 * characters in doubt ("其：负"). It is the last row of its page, placed by alignment right under a
 * row of the ruled table, and every cell is at most CLIPPED_OVERFLOW_CHARS characters without a
 * digit, read with less than full confidence (a text layer's own line is left to the labels).
 * It is no indicator row.
 */
export function isClippedOverflow(rows: readonly Row[], i: number): boolean {
  const row = rows[i]!;
  const prev = rows[i - 1];
  const next = rows[i + 1];
  if (row.source !== "text" || !prev || prev.source !== "table" || prev.pages.at(-1) !== row.pages[0]) return false;
  if (next && !next.pageStart && next.pages[0] === row.pages.at(-1)) return false;
  const cells = cellsOf(row, false);
  return cells.length > 0 && cells.every((c) => [...compact(c.text)].length <= CLIPPED_OVERFLOW_CHARS && !/\d/.test(c.text) && c.confidence < 0.99);
}

/** A row whose only cells are a goal's header (and the goals row label): that goal's column. */
function singleGoalHeader(row: Row, captions: Spellings, rowLabels: readonly string[]): HeaderColumns | null {
  const cells = cellsOf(row, false).filter((c) => !isLabel(c.text, rowLabels));
  if (cells.length !== 1) return null;
  return headerColumns({ ...row, cells }, captions, 1);
}

/**
 * Whether a row is the total row: its first cell is a total label ("exact"), or, where OCR
 * damaged the label ("总 2" for 总分), a short cell starting like one, at or left of the name
 * column, with just two numbers after it ("guessed").
 */
function totalRowLabel(row: Row, first: RowCell, cols: HeaderColumns, labels: readonly string[]): "exact" | "guessed" | null {
  const lead = leadLabel(row) ?? "";
  if (isLabel(lead, labels, 0.99)) return "exact";
  // A speck read beside the label ("·总分": dust or a ruling's stub) is no part of it.
  if (labelAmidSpecks(lead, labels)) return "exact";
  // Before the label, a cell of one or two marks or letters ("JA": what OCR makes of the clipped
  // edge of the section's merged cell on a new page) is no label; read by OCR, the edge's box
  // may come out a Chinese character too ("J口").
  const [head, next] = cellsOf(row, false).filter((c) => !c.inherited);
  const edgeJunk = (c: RowCell) => [...compact(c.text)].length <= 2 && !/\d/.test(c.text) && (c.confidence < 1 || !/\p{Script=Han}/u.test(c.text));
  if (head && next && edgeJunk(head) && isLabel(compact(next.text), labels, 0.99)) return "exact";
  const starts = new Set(labels.map((l) => [...l][0]));
  const nums = cellsOf(row, false).filter((c) => c !== first && !isExtraColumn(columnOf(c, cols)) && isNumeric(c.text) && !isEmptyValue(c.text));
  const others = cellsOf(row, false).filter((c) => c !== first && !nums.includes(c) && !isEmptyValue(c.text));
  // The label starts at or left of the name column (merged over the label columns, or in the first).
  const leftOfName = !!cols.name && first.x0 <= cols.name.x0 + 1;
  return [...lead].length <= 3 && starts.has([...lead][0] ?? "") && leftOfName && nums.length === 2 && !others.length ? "guessed" : null;
}

/**
 * Forms leave a money row's trailing amount cells blank (a carryover row with no spending), not
 * one before a filled one: on a scan, an empty amount cell left of an amount read is an amount
 * the scan lost (a thin "0" taken for dust), and gets a review flag.
 */
function flagAmountGaps(b: RecordBuilder, path: string, money: Money, cols: HeaderColumns, types: MoneyGrid["columns"], cells: readonly RowCell[]): void {
  if (!cells.some((c) => c.confidence < 1)) return;
  const amounts = Object.keys(cols).filter((c) => types[c]?.type === "money" && c in money).sort((x, y) => cols[x]!.x0 - cols[y]!.x0);
  amounts.forEach((col, i) => {
    if (money[col] === null && amounts.slice(i + 1).some((c) => money[c] !== null)) {
      b.flag("empty_amount", "review", `${path}.${col}`, "this amount cell is empty though an amount right of it was read: an amount the scan may have lost");
    }
  });
}

function moneyRowKey(cells: readonly RowCell[], project: boolean, rows: Spellings): { key: string; cell: RowCell } | null {
  for (const c of cells) {
    if (project) {
      const key = whichLabel(c.text, rows, 0.7);
      if (key) return { key, cell: c };
    } else {
      // Department rows are named by a key phrase inside a longer label ("资金来源：（1）财政拨款").
      const t = compact(c.text);
      for (const [key, phrases] of Object.entries(rows)) if (phrases.some((p) => t.includes(p))) return { key, cell: c };
    }
  }
  return null;
}

export { cleanText, readNumber };
