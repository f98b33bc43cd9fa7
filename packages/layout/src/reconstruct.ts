import type { BBox, DocumentModel, Page, Provenance, Table, TextItem, Unit } from "@jixiao/schemas";
import { cleanText, isCjkLike, similarityOfCompact } from "@jixiao/core";
import { buildTables, freeItems } from "./buildTables.js";
import { groupLines, lineText, overlap1d, splitLineByGaps, union } from "./geometry.js";

/** A repair the reconstructor made; the normalizer turns it into a flag on the value it touched. */
export type Repair = {
  /**
   * row_joined_across_pages, cell_joined_across_pages, duplicate_char_removed,
   * label_from_next_page, or the code of a text item's doubt (TextItem.doubt).
   */
  code: string;
  message: string;
  /** "info" when the repair is certain, "review" when it is a guess. */
  severity: "info" | "review";
  /** A text item's doubt: what each OCR engine read (TextItem.doubt.readings). */
  readings?: readonly string[];
};

/** One cell of a logical row. x0/x1 are in the page unit and comparable within one document. */
export type RowCell = {
  text: string;
  x0: number;
  x1: number;
  /** Column index in the table's grid, null for free text. */
  col: number | null;
  colSpan: number;
  /** Logical rows this cell covers (≥ 1). */
  rowSpan: number;
  confidence: number;
  prov: Provenance[];
  repairs: Repair[];
  /** True when the cell was printed once for a block of rows and this row inherits it. */
  inherited: boolean;
};

export type Row = {
  cells: RowCell[];
  /** Cells anchored in an earlier row whose span covers this row. */
  spanned: RowCell[];
  pages: number[];
  source: "table" | "text";
  /** Identifies the (stitched) table the row belongs to; null for free text. */
  table: number | null;
  /** True for the first row printed on a new page (a page break lies before it). */
  pageStart: boolean;
};

/** A line of page furniture (page number, running header or footer) left out of the rows. */
export type Furniture = { page: number; text: string };

export type Reconstruction = { rows: Row[]; unit: Unit; furniture?: Furniture[] };

// Page numbers print anywhere a producer puts them; dates and file names count as furniture only
// in the top or bottom margin (a date inside the form is a value).
// Between its parts any punctuation or none: OCR reads the comma of "第3页，共7页" as "," "." "、"
// or loses it.
const SEP = String.raw`[^\p{L}\p{N}]*`;
const PAGE_NUMBER = [
  new RegExp(String.raw`^第\d+页(?:${SEP}共\d+页)?$`, "u"),
  new RegExp(String.raw`^共\d+页${SEP}第\d+页$`, "u"),
  /^[-—–]\d+[-—–]$/,
  new RegExp(String.raw`^(?:page|p\.)?${SEP}\d+${SEP}(?:of|\/)${SEP}\d+$`, "iu"),
  /^page\d+$/i,
];
// A labelled print stamp says what it is: in a margin it is furniture wherever it lies.
const PRINT_STAMP = /^(?:打印|制表|导出|生成|输出)(?:日期|时间)[:：]?.*\d/;
const MARGIN_ONLY = [
  // A bare page number, or a "- 6 -" whose dashes OCR garbled ("-6.", "一6", "F2-"): one to
  // three digits with at most two marks on either side (no Chinese but 一, a dash read as one).
  /^(?:[^\p{Script=Han}\d]|一){0,2}\d{1,3}(?:[^\p{Script=Han}\d]|一){0,2}$/u,
  /^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\d{1,2}:\d{2}(?::\d{2})?)?$/,
  /\.[a-z][a-z0-9]{1,4}$/i, // a file name (报表.xlsx, report.fods)
  // What OCR kept of a "- 1 -" footer on a coarse scan: its dashes (a dash reads as 一).
  /^[-—–一_~·]{1,3}$/,
  // A print stamp whose date OCR lost or read apart ("打印日期", "印日期："): its label alone.
  /^(?:打?印|制表|导出|生成|输出)(?:日期|时间)[:：,，.]?$/,
];
/**
 * Depth of the bands at the top and bottom of a page where running headers and footers print, as
 * a share of the page's longer side (the same depth on portrait and landscape pages).
 */
export const FURNITURE_MARGIN = 0.09;

/** True when a text is a page number ("第 3 页、共 7 页", "- 3 -", "Page 3 of 7"), wherever it lies. */
export function isPageNumber(text: string): boolean {
  const t = text.replace(/\s+/g, "").normalize("NFKC");
  return PAGE_NUMBER.some((re) => re.test(t));
}

/**
 * True when a line reads as "第 N 页、共 M 页" with one of its four words misread (OCR of a small
 * footer on a coarse scan: 共6项, 其6页, 第2贝). Only for a line in the top or bottom margin: inside
 * a form, "第2项" is content.
 */
export function isMisreadPageNumber(text: string): boolean {
  const t = text.replace(/\s+/g, "").normalize("NFKC");
  const m = new RegExp(String.raw`^(\p{Script=Han})?(\d{1,3})(\p{Script=Han})${SEP}(\p{Script=Han})(\d{1,3})(\p{Script=Han})?$`, "u").exec(t);
  if (!m) return false;
  const words = [m[1] === "第", m[3] === "页", m[4] === "共", m[6] === "页"];
  return words.filter(Boolean).length >= words.length - 1 && Number(m[2]) <= Number(m[5]);
}

/**
 * True when a line has the shape of "第 N 页 共 M 页" with its small print garbled beyond one word
 * (a 200 dpi bitonal footer: "第2贞 共7 贞", "第！成 共7次", "第+页.共7页"): it starts with 第, has 共
 * after one to three characters, one to three characters follow, and a digit, a mark or a Latin
 * letter is among them.
 * Only for the outermost line of a margin: nothing a form prints there reads so.
 */
export function isGarbledPageNumber(text: string, restInDoubt = false): boolean {
  const t = text.replace(/\s+/g, "").normalize("NFKC");
  // The page number itself may be lost: "第 共6明" (第 2 页 共 6 页 with "2 页" gone).
  const m = /^第([^第共]{0,3})共([^第共]{0,3})$/u.exec(t);
  // With no digit left ("第之镇 共": 2 read as 之, 页 as 镇, "8 页" lost), the two words still say it;
  // so do they around a mark or a Latin letter OCR made of a digit ("第+质 共页", "第质 共nvy"):
  // Chinese content ("第三方 共同") holds neither. Nor does it hold Chinese OCR doubted between
  // the two words (restInDoubt: "第 损 共 了 八", every piece but 第 and 共 read below
  // GARBLED_FOOTER_DOUBT), which is what a page number's digits become at 200 dpi bitonal.
  return !!m && (restInDoubt || /\d/.test(m[1]! + m[2]!) || (m[1]!.length === 2 && /^\P{Script=Han}?$/u.test(m[2]!)) || /\P{Script=Han}/u.test(m[1]! + m[2]!));
}

/** OCR confidence below which the pieces of a "第…共…" margin line are taken as garbled digits. */
export const GARBLED_FOOTER_DOUBT = 0.9;

/** True when every piece of a line other than 第 and 共 themselves was read in OCR doubt. */
function restInDoubt(line: readonly TextItem[]): boolean {
  const rest = line.filter((it) => !/^[第共\s]*$/u.test(it.text));
  return rest.length > 0 && rest.every((it) => it.confidence < GARBLED_FOOTER_DOUBT);
}

/** True when a free-text line is page furniture rather than part of a form. */
export function isPageFurniture(text: string, inMargin: boolean, outermost = inMargin): boolean {
  const t = text.replace(/\s+/g, "").normalize("NFKC");
  if (!t) return false;
  if (isPageNumber(t)) return true;
  if (inMargin && PRINT_STAMP.test(t)) return true;
  return inMargin && outermost && (MARGIN_ONLY.some((re) => re.test(t)) || isDamagedPrintStamp(t));
}

/** The labels a print stamp starts with ("打印日期：2023年3月20日"). */
const PRINT_STAMP_LABELS = ["打印", "制表", "导出", "生成", "输出"].flatMap((verb) => [`${verb}日期`, `${verb}时间`]);

/**
 * True when a line is a print stamp whose label OCR read with one character lost or misread
 * ("打印期", "打印日朗：2023年3月20日"), with or without its date: the label is what comes before
 * the first digit, without marks, three to five characters one edit from a stamp label. Only for
 * the outermost line of a margin (as MARGIN_ONLY): there a three-character near-miss of 打印日期
 * is the stamp, not a value.
 */
export function isDamagedPrintStamp(text: string): boolean {
  const t = text.replace(/\s+/g, "").normalize("NFKC");
  const label = t.split(/\d/)[0]!.replace(/[^\p{L}]/gu, "");
  // What follows the label is a date or nothing.
  const rest = t.slice(t.split(/\d/)[0]!.length);
  if (rest && !/^\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[\d:：\s]*$/.test(rest)) return false;
  if (label.length < 3 || label.length > 5) return false;
  return PRINT_STAMP_LABELS.some((l) => similarityOfCompact(label, l) >= 0.75);
}

/** A cell during stitching: anchored at logical row r0 of its table. */
type LCell = {
  text: string;
  x0: number;
  x1: number;
  col: number;
  colSpan: number;
  r0: number;
  rowSpan: number;
  openTop: boolean;
  openBottom: boolean;
  confidence: number;
  prov: Provenance[];
  repairs: Repair[];
};

type LTable = { id: number; cells: LCell[]; rows: number; pages: number[]; firstRowOfPage: Set<number> };
type Block =
  | { kind: "table"; y0: number; y1: number; page: number; table: LTable }
  | { kind: "text"; y0: number; y1: number; page: number; cells: RowCell[] };

/**
 * Joins the two parts of a cell split by a page break. A character printed on both sides of
 * the break is kept once ("…脱贫攻坚" + "坚成果" → "…脱贫攻坚成果").
 */
export function joinAcrossBreak(a: string, b: string): { text: string; repairs: Repair[] } {
  if (!a) return { text: b, repairs: [] };
  if (!b) return { text: a, repairs: [] };
  const last = [...a].pop()!;
  const first = [...b][0]!;
  if (last === first && isCjkLike(last)) {
    return {
      text: cleanText(a + b.slice(first.length)),
      repairs: [
        {
          code: "duplicate_char_removed",
          severity: "info",
          message: `"${first}" printed on both sides of the page break kept once`,
        },
      ],
    };
  }
  return { text: cleanText(a + b), repairs: [] };
}

let tableSeq = 0;

/** The doubts of the text items a cell was read from, as review repairs of the cell. */
function doubtsOf(items: readonly TextItem[]): Repair[] {
  return items.flatMap((i) =>
    i.doubt ? [{ code: i.doubt.code, severity: "review" as const, message: i.doubt.message, ...(i.doubt.readings ? { readings: i.doubt.readings } : {}) }] : [],
  );
}

function tableFromPage(t: Table, page: Page, unit: Unit): LTable {
  const cells: LCell[] = t.cells.map((c) => ({
    text: c.text,
    x0: c.bbox.x0,
    x1: c.bbox.x1,
    col: c.col,
    colSpan: c.colSpan,
    r0: c.row,
    rowSpan: c.rowSpan,
    openTop: c.open.top,
    openBottom: c.open.bottom,
    confidence: c.confidence,
    prov: c.text ? [{ page: page.number, bbox: c.bbox, unit }] : [],
    repairs: doubtsOf(c.items),
  }));
  // A loop, not a spread: a text dump's one table may hold more cells than the stack has room for.
  let rows = 0;
  for (const c of cells) rows = Math.max(rows, c.r0 + c.rowSpan);
  return { id: tableSeq++, cells, rows, pages: [page.number], firstRowOfPage: new Set([0]) };
}

/**
 * Appends table `b` (first table of the next page) to `a` (last table of the previous page).
 * Cells of `a` open at the bottom are merged with the cells of `b` open at the top that cover
 * the same horizontal range: a merged label or a row split by the page break becomes one cell.
 */
function stitch(a: LTable, b: LTable): void {
  const offset = a.rows;
  const lastRowCells = a.cells.filter((c) => c.openBottom && c.r0 + c.rowSpan === a.rows);
  const firstRowCells = b.cells.filter((c) => c.openTop && c.r0 === 0);
  const mergedInto = new Map<LCell, LCell>();
  for (const bc of firstRowCells) {
    let best: LCell | null = null;
    let bestOverlap = 0;
    for (const ac of lastRowCells) {
      const ov = overlap1d(ac.x0, ac.x1, bc.x0, bc.x1);
      if (ov > bestOverlap && ov >= 0.6 * Math.min(ac.x1 - ac.x0, bc.x1 - bc.x0)) {
        best = ac;
        bestOverlap = ov;
      }
    }
    if (best && ![...mergedInto.values()].includes(best)) mergedInto.set(bc, best);
  }
  for (const bc of b.cells) {
    const ac = mergedInto.get(bc);
    if (ac) {
      const joined = joinAcrossBreak(ac.text, bc.text);
      const label = !ac.text && bc.text;
      ac.text = joined.text;
      ac.rowSpan += bc.rowSpan;
      ac.openBottom = bc.openBottom;
      ac.prov.push(...bc.prov);
      ac.confidence = Math.min(ac.confidence, bc.confidence);
      ac.repairs.push(...joined.repairs, ...bc.repairs);
      if (ac.text && bc.text && !label && ac.prov.length > 1) {
        ac.repairs.push({
          code: "cell_joined_across_pages",
          severity: "info",
          message: "cell text continued on the next page was joined",
        });
      } else if (label) {
        ac.repairs.push({
          code: "label_from_next_page",
          severity: "info",
          message: "merged cell's text printed on the next page applies to its whole block",
        });
      }
    } else {
      a.cells.push({ ...bc, r0: bc.r0 + offset });
    }
  }
  a.rows = offset + b.rows;
  a.firstRowOfPage.add(offset);
  a.pages.push(...b.pages.filter((p) => !a.pages.includes(p)));
}

/**
 * Free text (no rulings) as rows, by alignment: a line is split into cells at wide gaps; a
 * line with a single cell directly under a row (tight line spacing) whose cell it overlaps
 * continues that cell (a wrapped cell), otherwise it starts a row.
 */
// Runs from a text layer are already split where glyphs stop touching; a gap of half an em
// between two runs on a line separates two fields.
function textBlocks(items: readonly TextItem[], page: Page, unit: Unit, gapFactor = 0.5): (Block & { kind: "text" })[] {
  const blocks: (Block & { kind: "text" })[] = [];
  let prevLine: { y0: number; y1: number } | null = null;
  /** Where the last line a cell took ended on the right (a short line ends its paragraph). */
  const lastLineEnd = new Map<RowCell, number>();
  for (const line of groupLines(items)) {
    const cells: RowCell[] = splitLineByGaps(line, gapFactor).map((part) => {
      const bbox: BBox = union(part.map((i) => i.bbox));
      return {
        text: cleanText(lineText(part)),
        x0: bbox.x0,
        x1: bbox.x1,
        col: null,
        colSpan: 1,
        rowSpan: 1,
        confidence: Math.min(...part.map((i) => i.confidence)),
        prov: [{ page: page.number, bbox, unit }],
        repairs: doubtsOf(part),
        inherited: false,
      };
    });
    const bbox = union(line.map((i) => i.bbox));
    const h = bbox.y1 - bbox.y0;
    const prev = blocks[blocks.length - 1];
    const tight = prevLine && bbox.y0 - prevLine.y1 < 0.6 * h;
    if (prev && tight && cells.length === 1 && prev.cells.length > 1 && unit !== "grid") {
      const only = cells[0]!;
      // A line of prose the gap of a space split ("…储备不多；  2、发展观念…") is one text when the
      // line under it starts at its left and runs on under its last piece: it wraps from there.
      const [first, last] = [prev.cells[0]!, prev.cells[prev.cells.length - 1]!];
      const sentence = prev.cells.every((c) => !/[:：]/.test(c.text)) && prev.cells.length === 2 && prev.y1 - prev.y0 < 1.6 * h;
      if (sentence && Math.abs(only.x0 - first.x0) < h && only.x1 > last.x0 + h && !lastLineEnd.has(first) && !/[:：]\s*$/.test(only.text)) {
        first.text = cleanText(prev.cells.map((c) => c.text).join(" "));
        first.x1 = last.x1;
        first.confidence = Math.min(...prev.cells.map((c) => c.confidence));
        first.prov.push(...prev.cells.slice(1).flatMap((c) => c.prov));
        first.repairs.push(...prev.cells.slice(1).flatMap((c) => c.repairs));
        prev.cells.splice(1);
      }
      const target = [...prev.cells]
        .map((c) => ({ c, ov: overlap1d(c.x0, c.x1, only.x0, only.x1) }))
        .sort((a, b) => b.ov - a.ov)[0];
      // A cell holding a label after other text ("…第三方预算单位：") is two fields run together: which
      // of them a wrapped line continues is left to the reader of the row, by position. A line
      // ending in a colon opens a field of its own ("取得的主要绩效：" under "绩效等级  优", whose
      // colon a scan lost), and a line under one that stopped short of its cell's right edge
      // starts a new paragraph ("思路。" then "整改措施").
      // (A line closing a bracket opened above, "室）：" under "具体实施处（科", ends a wrapped label.)
      const closesBracket = (only.text.match(/[)）]/g) ?? []).length > (only.text.match(/[(（]/g) ?? []).length;
      const opensField = /[:：]\s*$/.test(only.text) && !closesBracket;
      const endedShort = target ? (lastLineEnd.get(target.c) ?? target.c.x1) < target.c.x1 - 2 * h : false;
      if (target && target.ov >= 0.5 * (only.x1 - only.x0) && !/\S\s*[:：]/.test(target.c.text) && !opensField && !endedShort) {
        target.c.text = cleanText(target.c.text + only.text);
        lastLineEnd.set(target.c, only.x1);
        target.c.x1 = Math.max(target.c.x1, only.x1);
        target.c.prov.push(...only.prov);
        prevLine = bbox;
        prev.y1 = bbox.y1;
        continue;
      }
    }
    blocks.push({ kind: "text" as const, y0: bbox.y0, y1: bbox.y1, page: page.number, cells });
    prevLine = bbox;
  }
  return blocks;
}

/** The page without the furniture lines in its top and bottom margins, and those lines' text. */
function withoutMarginFurniture(page: Page, margin: number): { page: Page; lines: string[] } {
  if (margin <= 0) return { page, lines: [] };
  // Text between two vertical rulings sits in a table cell: it is content, whatever it reads.
  const vs = page.rulings.filter((r) => r.orientation === "v");
  const enclosed = (it: TextItem) => {
    const y = (it.bbox.y0 + it.bbox.y1) / 2;
    const around = vs.filter((r) => r.from <= y && r.to >= y);
    return around.some((r) => r.pos <= it.bbox.x0 + 1) && around.some((r) => r.pos >= it.bbox.x1 - 1);
  };
  const cy = (it: TextItem) => (it.bbox.y0 + it.bbox.y1) / 2;
  const inMargin = page.items.filter((it) => (cy(it) <= margin || cy(it) >= page.height - margin) && !enclosed(it));
  if (!inMargin.length) return { page, lines: [] };
  // A bare number, a date or a file name is a running header or footer only where no other text
  // lies further out (a weight a spreadsheet drew below the table's last ruling is not).
  const content = page.items.filter((it) => !isPageFurniture(it.text, true));
  const outermost = (box: BBox) => {
    const top = (box.y0 + box.y1) / 2 <= margin;
    const half = 0.5 * (box.y1 - box.y0);
    return !content.some((o) => (top ? o.bbox.y1 < box.y0 + half : o.bbox.y0 > box.y1 - half) && o.bbox !== box);
  };
  const dropped = new Set<TextItem>();
  const lines: string[] = [];
  // A page number OCR read in pieces ("第" "1" "页，" "共7" "页") is judged as a whole line first:
  // piece by piece a bare "1" would go and "第 页，共7 页" stay.
  for (const line of groupLines(inMargin)) {
    const t = line.map((it) => it.text).join("");
    const garbled = isGarbledPageNumber(t, restInDoubt(line)) && outermost(union(line.map((it) => it.bbox)));
    // A print stamp read in pieces ("打印日期" "2023年3月20日") is one too.
    const stamp = PRINT_STAMP.test(t.replace(/\s+/g, "").normalize("NFKC"));
    if (!isPageNumber(t) && !isMisreadPageNumber(t) && !garbled && !stamp) continue;
    for (const it of line) dropped.add(it);
    lines.push(cleanText(lineText(line)));
  }
  // A footer may share its line with text a spreadsheet drew past the table's last ruling (a
  // merged cell's clipped rest): an item that is furniture on its own goes first.
  for (const it of inMargin) {
    if (dropped.has(it) || !isPageFurniture(it.text, true, outermost(it.bbox))) continue;
    dropped.add(it);
    lines.push(cleanText(it.text));
  }
  for (const line of groupLines(inMargin.filter((it) => !dropped.has(it)))) {
    const parts = splitLineByGaps(line, 0.5);
    if (!parts.every((part) => isPageFurniture(lineText(part), true, outermost(union(part.map((i) => i.bbox)))))) continue;
    for (const it of line) dropped.add(it);
    lines.push(parts.map((part) => cleanText(lineText(part))).join(" "));
  }
  if (!dropped.size) return { page, lines };
  return { page: { ...page, items: page.items.filter((it) => !dropped.has(it)) }, lines };
}

/** Tables of a page: those the extractor knew (text dumps) or rebuilt from rulings. */
export function pageTables(page: Page): Table[] {
  return page.tables.length ? page.tables : buildTables(page);
}

/**
 * Rebuilds the logical rows of a document: tables from rulings (or the extractor's grid),
 * stitched across page breaks; free text as rows split at wide gaps; everything in reading
 * order.
 */
export function reconstruct(doc: DocumentModel): Reconstruction {
  const unit: Unit = doc.pages[0]?.unit ?? "pt";
  const blocks: Block[] = [];
  const furniture: Furniture[] = [];
  let prevTable: LTable | null = null;
  for (const source of doc.pages) {
    const margin = unit === "grid" ? -1 : FURNITURE_MARGIN * Math.max(source.width, source.height);
    // Running headers and footers go before tables are built: text just under a cell that a
    // page break left open would otherwise be taken as that cell's overflow.
    const { page, lines } = withoutMarginFurniture(source, margin);
    for (const text of lines) furniture.push({ page: page.number, text });
    const tables = pageTables(page);
    const texts = textBlocks(freeItems(page.items, tables), page, unit).filter((b) => {
      const inMargin = margin > 0 && ((b.y0 + b.y1) / 2 <= margin || (b.y0 + b.y1) / 2 >= page.height - margin);
      const furnitureLine = b.cells.every((c) => isPageFurniture(c.text, inMargin)) || isPageNumber(b.cells.map((c) => c.text).join(""));
      if (!furnitureLine) return true;
      furniture.push({ page: page.number, text: b.cells.map((c) => c.text).join(" ") });
      return false;
    });
    const pageBlocks: Block[] = [
      ...tables.map((t) => ({
        kind: "table" as const,
        y0: t.bbox.y0,
        y1: t.bbox.y1,
        page: page.number,
        table: tableFromPage(t, page, unit),
      })),
      ...texts,
    ].sort((x, y) => x.y0 - y.y0);
    const first = pageBlocks[0];
    if (
      prevTable &&
      first?.kind === "table" &&
      first.table.cells.some((c) => c.openTop) &&
      prevTable.cells.some((c) => c.openBottom)
    ) {
      stitch(prevTable, first.table);
      pageBlocks.shift();
    }
    blocks.push(...pageBlocks);
    const last = blocks[blocks.length - 1];
    prevTable = last?.kind === "table" ? last.table : null;
  }
  const rows: Row[] = [];
  let lastPage = 0;
  for (const b of blocks) {
    if (b.kind === "text") {
      rows.push({ cells: b.cells, spanned: [], pages: [b.page], source: "text", table: null, pageStart: b.page !== lastPage });
      lastPage = b.page;
      continue;
    }
    const t = b.table;
    // Cells by the row they start in, and the merged cells still open over the current row:
    // linear in the cells, whatever the table's length.
    const byRow = new Map<number, LCell[]>();
    for (const c of t.cells) {
      const list = byRow.get(c.r0);
      if (list) list.push(c);
      else byRow.set(c.r0, [c]);
    }
    let open: LCell[] = [];
    for (let r = 0; r < t.rows; r++) {
      open = open.filter((c) => c.r0 + c.rowSpan > r);
      const starting = byRow.get(r) ?? [];
      const anchored = [...starting].sort((x, y) => x.x0 - y.x0);
      const spanned = open.filter((c) => c.r0 < r).sort((x, y) => x.x0 - y.x0);
      open.push(...starting.filter((c) => c.rowSpan > 1));
      if (!anchored.length) continue;
      const pages = [...new Set(anchored.flatMap((c) => c.prov.map((p) => p.page)))].sort((x, y) => x - y);
      // The page the row starts on: a stitched label may add a later page to its cells.
      const page = Math.min(...anchored.map((c) => c.prov[0]?.page ?? b.page));
      rows.push({
        cells: anchored.map((c) => toRowCell(c, false)),
        spanned: spanned.map((c) => toRowCell(c, true)),
        pages: pages.length ? pages : [b.page],
        source: "table",
        table: t.id,
        pageStart: t.firstRowOfPage.has(r) && page !== lastPage,
      });
      lastPage = Math.max(lastPage, page);
    }
  }
  return { rows, unit, furniture };
}

function toRowCell(c: LCell, inherited: boolean): RowCell {
  return {
    text: c.text,
    x0: c.x0,
    x1: c.x1,
    col: c.col,
    colSpan: c.colSpan,
    rowSpan: c.rowSpan,
    confidence: c.confidence,
    prov: c.prov,
    repairs: c.repairs,
    inherited,
  };
}
