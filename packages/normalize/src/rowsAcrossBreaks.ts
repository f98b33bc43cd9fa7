import { compact, isEmptyValue, matchLabel, splitLevelWeight } from "@jixiao/core";
import { joinAcrossBreak, type Row, type RowCell } from "@jixiao/layout";
import type { RecordBuilder } from "./RecordBuilder.js";
import { cellsOf, columnOf, isExtraColumn, type HeaderColumns } from "./rowTools.js";

// How table rows are put back together where a producer closed the table at a page break and
// printed the rest under a repeated header: used for every form's indicator table.

/**
 * Spreadsheets print a merged cell that a page break cuts in both parts, each part with the
 * text (clipped, or only where it falls): "投入管理指" above the break and "投入管理指标" below,
 * or its 权重 only below. Where the first row after a break and the last row before it hold the
 * same merged cell in a column (one text the start of the other, or the level-1 block going on
 * with its weight printed on one side only), both parts get the whole text.
 */
/**
 * Whether an empty cell before a page break takes the text of the cell after it: a level-1 label
 * merged over the rows after the break (an empty level-1 cell has no block of its own), and,
 * within that block, its weight and merged cells.
 */
function backFills(col: string, p: RowCell, q: RowCell, sameBlock: boolean): boolean {
  if (col === "level1") return q.rowSpan > 1 || p.inherited || p.rowSpan > 1;
  if (col === "level1_weight") return sameBlock;
  const merged = p.inherited || p.rowSpan > 1 || q.rowSpan > 1;
  return merged && (sameBlock || ((p.inherited || p.rowSpan > 1) && p.rowSpan + q.rowSpan > 2));
}

/** A level-1 label with no weight printed after it ("产出指标"). */
const isBareLevel1 = (t: string) => matchLabel(t)?.level === 1 && splitLevelWeight(t).weight === null;
/** A level-1 weight with no label before it ("(45分)"). */
const isBareWeight = (t: string) => {
  const s = splitLevelWeight(t);
  return !s.label && s.weight !== null;
};

export function unifyMergedAcrossBreaks(rows: readonly Row[], cols: HeaderColumns, b: RecordBuilder): Row[] {
  const out: Row[] = rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c })), spanned: r.spanned.map((c) => ({ ...c })) }));
  const cellIn = (r: Row, col: string, anchoredOnly = false) =>
    (anchoredOnly ? r.cells : [...r.cells, ...r.spanned]).find((c) => columnOf(c, cols) === col);
  // A part that takes its text from the other part takes that part's doubt with it (an OCR
  // disagreement below the break is a doubt about the rows above it too).
  const setText = (upTo: number, from: number, prov: RowCell["prov"], text: string, sources: readonly RowCell[]) => {
    for (let k = from; k < upTo; k++) {
      for (const c of [...out[k]!.cells, ...out[k]!.spanned]) {
        if (c.prov !== prov) continue;
        c.text = text;
        for (const s of sources) {
          if (s.prov === prov) continue;
          c.confidence = Math.min(c.confidence, s.confidence);
          c.repairs = [...c.repairs, ...s.repairs.filter((r) => !c.repairs.some((o) => o.code === r.code && o.message === r.message))];
        }
      }
    }
  };
  const order = ["level1", "level2", ...Object.keys(cols).filter((c) => c !== "level1" && c !== "level2" && !isExtraColumn(c))];
  for (let i = 1; i < out.length; i++) {
    const row = out[i]!;
    if (!row.pageStart) continue;
    const prev = out[i - 1]!;
    let sameBlock = false;
    for (const col of order) {
      const p = cellIn(prev, col);
      // After the break every cell not shared with the row above began on this page.
      const q = cellIn(row, col);
      if (!p || !q || p.prov === q.prov) continue;
      const pt = compact(p.text);
      const qt = compact(q.text);
      const merged = p.inherited || p.rowSpan > 1 || q.rowSpan > 1;
      let text: string | null = null;
      let sources = [p, q];
      // One part clipped at the break: the other holds its start or its end ("理指标" below
      // "投入管理指标"); a shorter part that is a whole label of its own is a new block.
      const [shorter, longer] = qt.length < pt.length ? [qt, pt] : [pt, qt];
      const clipped = shorter.length < longer.length && (longer.startsWith(shorter) || longer.endsWith(shorter)) && !matchLabel(shorter);
      if (pt && qt && clipped && (merged || col === "level1" || col === "level2")) {
        text = qt.length >= pt.length ? q.text : p.text;
        sources = qt.length >= pt.length ? [q] : [p];
      } else if (pt && pt === qt && col === "level1") {
        sameBlock = true;
      } else if (!pt && qt && backFills(col, p, q, sameBlock)) {
        // The part before the break drew nothing (its text printed on the next page only).
        text = q.text;
        sources = [q];
      } else if (pt && qt && (col === "level1" || col === "level2") && !matchLabel(pt) && !matchLabel(qt) && matchLabel(joinAcrossBreak(pt, qt).text)) {
        // A label cut in two by the break ("可持续影响指" | "标").
        text = joinAcrossBreak(p.text, q.text).text;
      } else if (pt && qt && col === "level1" && merged && isBareLevel1(pt) && isBareWeight(qt)) {
        // The break fell between the lines of the merged level-1 cell: its label above
        // ("产出指标"), its weight below ("(45分)").
        text = `${p.text}${q.text}`;
      } else if (pt && !qt && col === "level1") {
        // The part after the break drew nothing: the label above it goes on.
        text = p.text;
        sources = [p];
      }
      if (col === "level1" && text) sameBlock = true;
      if (text === null) continue;
      const start = out.findIndex((r) => [...r.cells, ...r.spanned].some((c) => c.prov === p.prov));
      setText(i, Math.max(0, start), p.prov, text, sources);
      setText(out.length, i, q.prov, text, sources);
      b.flag("merged_cell_across_pages", "info", "indicators", "a merged cell printed on both sides of a page break was read as one");
    }
  }
  return out;
}

/**
 * A row holding one cell that spans the table (a section title such as "分解目标自评"). The cell
 * starts where the header's first column does, give or take `SECTION_TITLE_SLACK` of the table's
 * width: a scan's pages sit a few pixels apart, and the header may come from another page.
 */
export function isSectionTitle(row: Row, cols: HeaderColumns): boolean {
  const cells = cellsOf(row, false);
  if (cells.length !== 1 || row.spanned.length) return false;
  const c = cells[0]!;
  const ranges = Object.values(cols);
  const x0 = Math.min(...ranges.map((r) => r.x0));
  const x1 = Math.max(...ranges.map((r) => r.x1));
  return c.x0 <= x0 + Math.max(1, SECTION_TITLE_SLACK * (x1 - x0)) && c.x1 >= x0 + 0.8 * (x1 - x0) && [...compact(c.text)].length <= 16;
}

/** How far (a share of the table's width) a section title's cell may start right of the header's first column. */
const SECTION_TITLE_SLACK = 0.01;

/**
 * Joins an indicator row that a page break cut in two when the producer closed the table at the
 * break (Word and LibreOffice Writer print the row's rest under the repeated header): a row at
 * the top of a page with nothing in the weight and score columns continues the row above, cell
 * by cell ("可持续影响" + "指标" → "可持续影响指标").
 */
function joinSplitRows(rows: readonly Row[], cols: HeaderColumns, b: RecordBuilder): Row[] {
  const out: Row[] = [];
  const numbersOf = (r: Row) => cellsOf(r, false).filter((c) => {
    const col = columnOf(c, cols);
    return (col === "weight" || col === "score") && !isEmptyValue(c.text);
  });
  // The page break lay before a row that was joined to the one above: it lies before the next.
  let carryPageStart = false;
  for (const original of rows) {
    const row = carryPageStart && !original.pageStart ? { ...original, pageStart: true } : original;
    carryPageStart = false;
    const prev = out[out.length - 1];
    const cells = cellsOf(row, false);
    if (!prev || !row.pageStart || !cells.length || numbersOf(row).length || !numbersOf(prev).length) {
      out.push(row);
      continue;
    }
    // A row of its own starts with a taxonomy label (its weight and score are what it lacks).
    if (cells.some((c) => matchLabel(c.text))) {
      out.push(row);
      continue;
    }
    carryPageStart = true;
    const joined: RowCell[] = [...prev.cells];
    for (const c of cells) {
      const k = joined.findIndex((p) => columnOf(p, cols) !== null && columnOf(p, cols) === columnOf(c, cols));
      if (k < 0) {
        joined.push(c);
        continue;
      }
      const p = joined[k]!;
      const j = joinAcrossBreak(p.text, c.text);
      joined[k] = {
        ...p, text: j.text, prov: [...p.prov, ...c.prov], confidence: Math.min(p.confidence, c.confidence),
        repairs: [...p.repairs, ...c.repairs, ...j.repairs, { code: "cell_joined_across_pages", severity: "info", message: "cell text continued on the next page was joined" }],
      };
    }
    out[out.length - 1] = { ...prev, cells: joined.sort((x, y) => x.x0 - y.x0), pages: [...new Set([...prev.pages, ...row.pages])] };
    b.flag("row_joined_across_pages", "info", "indicators", "a row cut by a page break was joined back into one row");
  }
  return out;
}


/**
 * Spreadsheets draw a merged cell's text centred on its whole range, so after a page break it
 * may print above the repeated header, outside the table, while the cells of the range's part on
 * this page are drawn empty. A line of free text right before a table row, whose pieces each lie
 * in a column where that row's cell is empty, is those cells' text (for every row the cells span).
 */
function placeFloatingText(rows: readonly Row[], cols: HeaderColumns, b: RecordBuilder): Row[] {
  const out: Row[] = rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c })), spanned: r.spanned.map((c) => ({ ...c })) }));
  for (let i = 0; i + 1 < out.length; i++) {
    const f = out[i]!;
    const n = out[i + 1]!;
    if (f.source !== "text" || n.source !== "table" || f.pages[0] !== n.pages[0]) continue;
    const pieces = cellsOf(f, false);
    const targets = pieces.map((c) => {
      const col = columnOf(c, cols);
      return col ? n.cells.find((d) => columnOf(d, cols) === col && !d.text.trim()) : undefined;
    });
    if (!pieces.length || targets.some((t) => !t)) continue;
    pieces.forEach((piece, k) => {
      const target = targets[k]!;
      const prov = target.prov;
      for (const r of out.slice(i + 1)) {
        for (const c of [...r.cells, ...r.spanned]) {
          if (c.prov !== prov) continue;
          c.text = piece.text;
          c.repairs = [...c.repairs, ...piece.repairs];
        }
      }
      prov.push(...piece.prov);
    });
    out[i + 1] = { ...n, pageStart: n.pageStart || f.pageStart };
    out.splice(i, 1);
    b.flag("merged_cell_across_pages", "info", "indicators", "a merged cell's text printed outside its part of the table was put back");
    i--;
  }
  return out;
}

/** The columns of an indicator's own values: a cell spanning two rows in all of them is one indicator's. */
const VALUE_COLUMNS = ["target", "actual", "weight", "score"] as const;

/**
 * Joins a name cell that a stray horizontal ruling cut in two (a line through the text of a
 * scan, a broken stroke taken for a rule): a row whose only own text is in the name column,
 * while every value column the header has (at least two of target, actual, weight, score) is a
 * cell spanned from the row above, is the rest of that row's name. Without it the row became a
 * second indicator with the first one's values. The joined name is in review (the part below the
 * stray ruling is often misread with it).
 */
export function joinNamesCutByRulings(rows: readonly Row[], cols: HeaderColumns): Row[] {
  const values = VALUE_COLUMNS.filter((k) => cols[k]);
  const out: Row[] = [];
  for (const row of rows) {
    const prev = out[out.length - 1];
    const own = cellsOf(row, false).filter((c) => !isEmptyValue(c.text));
    const spannedFromPrev = (k: string) => row.spanned.some((s) => columnOf(s, cols) === k && prev!.cells.some((p) => p.prov === s.prov));
    const k = prev ? prev.cells.findIndex((p) => columnOf(p, cols) === "name") : -1;
    if (!prev || k < 0 || own.length !== 1 || columnOf(own[0]!, cols) !== "name" || values.length < 2 || !values.every(spannedFromPrev)) {
      out.push(row);
      continue;
    }
    const name = prev.cells[k]!;
    const rest = own[0]!;
    const joined = [...prev.cells];
    joined[k] = {
      ...name,
      text: name.text + rest.text,
      prov: [...name.prov, ...rest.prov],
      confidence: Math.min(name.confidence, rest.confidence),
      repairs: [
        ...name.repairs,
        ...rest.repairs,
        { code: "name_joined_across_ruling", severity: "review", message: `the name's cell was cut in two by a line; its parts "${name.text}" and "${rest.text}" were joined (its values span both)` },
      ],
    };
    out[out.length - 1] = { ...prev, cells: joined };
  }
  return out;
}

/**
 * An indicator table's rows put back together where page breaks cut it (see the functions above,
 * in the order they apply): floating merged-cell text placed, cut rows joined, merged cells
 * printed on both sides of a break read as one; then name cells a stray ruling cut in two.
 */
export function rowsAcrossBreaks(rows: readonly Row[], cols: HeaderColumns, b: RecordBuilder): Row[] {
  return joinNamesCutByRulings(unifyMergedAcrossBreaks(joinSplitRows(placeFloatingText(rows, cols, b), cols, b), cols, b), cols);
}
