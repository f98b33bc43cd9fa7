import { compact, cleanText, readNumber } from "@jixiao/core";
import type { Row, RowCell } from "@jixiao/layout";
import type { RecordKind } from "@jixiao/schemas";
import {
  DEPARTMENT_KV, FUNDS_HEADER, FUNDS_ROWS, GOALS_HEADER, INDICATOR_HEADER, PROJECT_KV, SPENDING_HEADER,
  SPENDING_ROWS, TOTAL_ROW, type Spellings,
} from "./forms.js";
import type { RecordBuilder } from "./RecordBuilder.js";
import { readIndicatorRows, resolveIndicators, type IndicatorValues } from "./parseIndicators.js";
import { cellsOf, columnLeftOf, columnOf, headerColumns, isLabel, isNumeric, valueRightOf, whichLabel, type HeaderColumns } from "./rowTools.js";

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
};

/** Reads the two grid forms (project and department self-evaluation) from a report's rows. */
export function parseTabular(kind: Exclude<RecordKind, "project_self_assessment">, rows: readonly Row[], b: RecordBuilder, spansKnown: boolean): TabularValues {
  const project = kind === "project_self_eval";
  const kvLabels: Spellings = project ? PROJECT_KV : DEPARTMENT_KV;
  const moneyHeader: Spellings = project ? FUNDS_HEADER : SPENDING_HEADER;
  const goalsHeader = GOALS_HEADER[kind]!;
  const indHeader = INDICATOR_HEADER[kind]!;
  const moneyPath = project ? "funds" : "spending";
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
  };

  // Fiscal year: "(2022 年度)" near the title.
  for (const row of rows.slice(0, 6)) {
    const m = /(\d{4})年度?/.exec(compact(row.cells.map((c) => c.text).join("")));
    if (m) {
      out.fiscal_year = Number(m[1]);
      b.track("fiscal_year", row.cells.filter((c) => /\d{4}/.test(c.text)));
      break;
    }
  }

  let i = 0;
  let moneyCols: HeaderColumns | null = null;
  let goalsCols: HeaderColumns | null = null;
  let indCols: HeaderColumns | null = null;
  const goalCells: { expected: RowCell[]; actual: RowCell[] } = { expected: [], actual: [] };
  const indicatorRows: Row[] = [];
  for (; i < rows.length; i++) {
    const row = rows[i]!;
    const cells = cellsOf(row, false);
    if (!indCols) {
      const ih = headerColumns(row, indHeader, 4);
      if (ih && Object.keys(ih).length >= 4 && (ih.name || ih.level1)) {
        indCols = ih;
        out.found.indicators = true;
        continue;
      }
    }
    if (indCols) {
      const first = cells.find((c) => !c.inherited);
      if (first && isLabel(first.text, TOTAL_ROW, 0.99)) {
        const nums = cellsOf(row, false).filter((c) => c !== first && isNumeric(c.text));
        out.total.weight = b.number("total.weight", nums[0]);
        out.total.score = b.number("total.score", nums[1]);
        out.found.total = true;
        break;
      }
      indicatorRows.push(row);
      if (row.source === "text") out.fromText.add("indicators");
      continue;
    }
    // Label → value pairs (项目名称 | value).
    for (const cell of cells) {
      const field = whichLabel(cell.text, kvLabels);
      if (!field || out.kv[field] !== undefined) continue;
      const value = valueRightOf(row, cell, allLabels);
      if (field === "subordinate_units") out.kv[field] = b.number(field, value);
      else out.kv[field] = b.text(field, value ? [value] : []);
    }
    const mh = headerColumns(row, moneyHeader, project ? 3 : 2);
    if (mh && !moneyCols) {
      moneyCols = mh;
      out.found.money = true;
      continue;
    }
    const gh = headerColumns(row, goalsHeader, 2);
    if (gh) {
      goalsCols = gh;
      out.found.goals = true;
      continue;
    }
    if (goalsCols) {
      if (row.source === "text") out.fromText.add("goals");
      for (const c of cells) {
        // A cell across both goal columns is a section title, not a goal.
        const spansBoth = Object.values(goalsCols).every((r) => c.x0 <= r.x0 + 1 && c.x1 >= r.x1 - 1);
        if (spansBoth && Object.keys(goalsCols).length > 1) continue;
        const col = columnOf(c, goalsCols) ?? columnLeftOf(c, goalsCols, 0.5);
        if (col === "expected" || col === "actual") goalCells[col].push(c);
      }
      continue;
    }
    if (moneyCols) {
      let key = moneyRowKey(cells, project);
      // A row of amounts whose label was not recognised (OCR, other wording) takes the next
      // row of the form's fixed order; the checks later decide whether that needs a person.
      const order = project ? Object.keys(FUNDS_ROWS) : Object.keys(SPENDING_ROWS);
      const amounts = cells.filter((c) => columnOf(c, moneyCols!) && isNumeric(c.text.replace(/[%％]$/, "")));
      if (!key && amounts.length >= 2) {
        const last = Math.max(-1, ...Object.keys(out.money).map((k) => order.indexOf(k)));
        const next = order[last + 1];
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
          if (!col) continue;
          money[col] = b.number(`${moneyPath}.${key.key}.${col}`, c, col === "execution_rate");
        }
        b.track(`${moneyPath}.${key.key}`, [key.cell]);
        out.money[key.key] = money;
      }
    }
  }
  out.goals.expected = b.text("goals.expected", goalCells.expected);
  out.goals.actual = b.text("goals.actual", goalCells.actual);
  if (indCols) {
    const raws = readIndicatorRows(indicatorRows, indCols);
    out.indicators = resolveIndicators(raws, b, { withLevel1Weight: !project, withLevel2: true, spansKnown });
  }
  return out;
}

function moneyRowKey(cells: readonly RowCell[], project: boolean): { key: string; cell: RowCell } | null {
  for (const c of cells) {
    if (project) {
      const key = whichLabel(c.text, FUNDS_ROWS, 0.7);
      if (key) return { key, cell: c };
    } else {
      const t = compact(c.text);
      for (const [key, re] of Object.entries(SPENDING_ROWS)) if (re.test(t)) return { key, cell: c };
    }
  }
  return null;
}

export { cleanText, readNumber };
