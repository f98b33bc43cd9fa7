import type { Cell, DocumentModel, Page, Table, TextItem } from "@jixiao/schemas";
import { JixiaoError, cleanText, foldRadicals } from "@jixiao/core";

/**
 * Reads a tab-separated text dump (one table row per line, fields separated by tabs; free text
 * lines without tabs; a blank line between two table rows is a page break) into the page model.
 * There is no geometry: a field at row r, column c gets the box {c, r, c + 1, r + 1}, unit "grid".
 */
export function readTextDump(text: string, meta: { file: string; sha256: string }): DocumentModel {
  if (!text.trim()) throw new JixiaoError("EMPTY_FILE", `${meta.file}: the text dump holds no text`, { file: meta.file });
  if (text.includes("\u0000")) {
    throw new JixiaoError("UNSUPPORTED_INPUT", `${meta.file}: binary data, not a text dump`, { file: meta.file });
  }
  const lines = foldRadicals(text.replace(/^\uFEFF/, "")).split(/\r?\n/);
  const pages: Page[] = [];
  let page = newPage(1);
  let row = 0;
  let table: Table | null = null;
  let blankSinceTableRow = false;
  const closeTable = () => {
    if (table && table.cells.length) page.tables.push(table);
    table = null;
  };
  for (const raw of lines) {
    const line = raw.replace(/^#+\s*/, "");
    if (!line.trim()) {
      if (table) blankSinceTableRow = true;
      continue;
    }
    const isRow = line.includes("\t");
    if (isRow && blankSinceTableRow && table) {
      // A blank line inside a table: the table continues on the next page.
      closeTable();
      pages.push(finishPage(page));
      page = newPage(pages.length + 1);
      row = 0;
    }
    blankSinceTableRow = false;
    if (isRow) {
      if (!table) table = { bbox: { x0: 0, y0: row, x1: 0, y1: row }, colEdges: [], rowEdges: [], cells: [], method: "text-dump" };
      const fields = line.split("\t");
      fields.forEach((f, col) => {
        const t = cleanText(f);
        if (!t) return;
        table!.cells.push(cell(t, row, col));
      });
      table.bbox.x1 = Math.max(table.bbox.x1, fields.length);
      table.bbox.y1 = row + 1;
    } else {
      closeTable();
      page.items.push(item(cleanText(line), row, 0));
    }
    row++;
  }
  closeTable();
  pages.push(finishPage(page));
  return { file: meta.file, sha256: meta.sha256, inputKind: "text-dump", pages: pages.filter((p) => p.items.length || p.tables.length) };
}

function newPage(number: number): Page {
  return { number, width: 0, height: 0, unit: "grid", origin: "top-left", items: [], rulings: [], tables: [] };
}

function finishPage(p: Page): Page {
  // Loops, not Math.max(...list): a spread over every cell overflows the stack on a long dump.
  let width = 1;
  let height = 1;
  for (const t of p.tables) {
    for (const c of t.cells) {
      width = Math.max(width, c.bbox.x1);
      height = Math.max(height, c.bbox.y1);
    }
  }
  for (const i of p.items) {
    width = Math.max(width, i.bbox.x1);
    height = Math.max(height, i.bbox.y1);
  }
  p.width = width;
  p.height = height;
  for (const t of p.tables) {
    let cols = 0;
    for (const c of t.cells) cols = Math.max(cols, c.col + 1);
    t.colEdges = Array.from({ length: cols + 1 }, (_, i) => i);
    t.rowEdges = Array.from({ length: t.bbox.y1 - t.bbox.y0 + 1 }, (_, i) => t.bbox.y0 + i);
    // Rows are numbered within the table.
    for (const c of t.cells) c.row -= t.bbox.y0;
  }
  return p;
}

function item(text: string, row: number, col: number): TextItem {
  return { text, bbox: { x0: col, y0: row, x1: col + 1, y1: row + 1 }, confidence: 1, origin: "text-dump" };
}

function cell(text: string, row: number, col: number): Cell {
  const it = item(text, row, col);
  return { text, bbox: it.bbox, row, col, rowSpan: 1, colSpan: 1, confidence: 1, open: { top: false, bottom: false }, items: [it] };
}
