import type { Cell, Page, Ruling, Table, TextItem } from "@jixiao/schemas";
import { cleanText } from "@jixiao/core";
import { center, clusterPositions, groupLines, lineText, overlap1d, tolerance, union } from "./geometry.js";

/** Options of the grid builder; every field has a default. */
export type BuildTablesOptions = {
  /** Rulings shorter than this (page units) are ignored. Default: 4 × tolerance. */
  minRulingLength?: number;
  /** Share of a grid edge a ruling must cover to separate two units. Default 0.6. */
  minCoverage?: number;
};

type Cluster = { h: Ruling[]; v: Ruling[] };

/** Groups rulings that touch or cross into table clusters. */
function clusterRulings(rulings: readonly Ruling[], eps: number): Cluster[] {
  const n = rulings.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const touches = (a: Ruling, b: Ruling): boolean => {
    if (a.orientation === b.orientation) {
      return Math.abs(a.pos - b.pos) <= eps && a.from <= b.to + eps && b.from <= a.to + eps;
    }
    const [h, v] = a.orientation === "h" ? [a, b] : [b, a];
    return v.pos >= h.from - eps && v.pos <= h.to + eps && h.pos >= v.from - eps && h.pos <= v.to + eps;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (touches(rulings[i]!, rulings[j]!)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, Cluster>();
  rulings.forEach((r, i) => {
    const g = groups.get(find(i)) ?? { h: [], v: [] };
    (r.orientation === "h" ? g.h : g.v).push(r);
    groups.set(find(i), g);
  });
  // A vertical line touching no horizontal one (the border of a merged cell that is open at
  // both ends, on a middle page of a long table) belongs to the table whose verticals share
  // its vertical extent.
  const all = [...groups.values()];
  const tables = all.filter((g) => g.h.length > 0);
  const out = [...tables];
  for (const g of all) {
    if (g.h.length > 0) continue;
    const home = tables.find((t) =>
      g.v.every((v) => t.v.some((tv) => Math.abs(tv.from - v.from) <= eps && Math.abs(tv.to - v.to) <= eps)),
    );
    if (home) home.v.push(...g.v);
    else out.push(g);
  }
  // A merged inner column with no horizontal line splits a table in two side by side: rejoin
  // clusters with the same vertical extent and the same row lines.
  const extent = (g: Cluster) => [Math.min(...g.v.map((v) => v.from)), Math.max(...g.v.map((v) => v.to))] as const;
  const rowsOf = (g: Cluster) => clusterPositions(g.h.map((h) => h.pos), eps);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= eps);
  for (let i = 0; i < out.length; i++) {
    for (let j = out.length - 1; j > i; j--) {
      const a = out[i]!;
      const b = out[j]!;
      if (!a.v.length || !b.v.length || !a.h.length || !b.h.length) continue;
      if (same(extent(a), extent(b)) && same(rowsOf(a), rowsOf(b))) {
        a.h.push(...b.h);
        a.v.push(...b.v);
        out.splice(j, 1);
      }
    }
  }
  return out;
}

/** Length of [a, b] covered by the rulings at `pos` (within eps). */
function coverage(rulings: readonly Ruling[], pos: number, a: number, b: number, eps: number): number {
  const spans = rulings
    .filter((r) => Math.abs(r.pos - pos) <= eps)
    .map((r) => [Math.max(a, r.from - eps), Math.min(b, r.to + eps)] as const)
    .filter(([s, e]) => e > s)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = a;
  for (const [s, e] of spans) {
    const start = Math.max(s, end);
    if (e > start) {
      covered += e - start;
      end = e;
    }
  }
  return covered;
}

/** Builds the text of a cell from its items: lines joined with nothing, Chinese spaces removed. */
export function cellText(items: readonly TextItem[]): string {
  return cleanText(groupLines(items).map(lineText).join(""));
}

/**
 * Rebuilds the tables of a page from its ruling lines: the grid is every distinct vertical and
 * horizontal ruling position; grid units not separated by a ruling are merged into one cell
 * (row/column spans); text items go to the cell holding their centre. Edges of the outer frame
 * without a ruling are marked `open` (the cell continues on another page).
 */
export function buildTables(page: Page, options: BuildTablesOptions = {}): Table[] {
  const eps = tolerance(page);
  const minLen = options.minRulingLength ?? 4 * eps;
  const minCoverage = options.minCoverage ?? 0.6;
  const rulings = page.rulings.filter((r) => r.to - r.from >= minLen);
  const tables: Table[] = [];
  for (const cluster of clusterRulings(rulings, eps)) {
    if (cluster.h.length < 1 || cluster.v.length < 2) continue;
    const xs = clusterPositions(cluster.v.map((r) => r.pos), eps);
    const ys = clusterPositions(
      [...cluster.h.map((r) => r.pos), ...cluster.v.flatMap((r) => [r.from, r.to])],
      eps * 1.5,
    );
    if (xs.length < 2 || ys.length < 2) continue;
    const rows = ys.length - 1;
    const cols = xs.length - 1;
    // Union-find over grid units; neighbours merge when no ruling separates them.
    const id = (r: number, c: number) => r * cols + c;
    const parent = Array.from({ length: rows * cols }, (_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (let r = 0; r < rows; r++) {
      const y0 = ys[r]!;
      const y1 = ys[r + 1]!;
      for (let c = 0; c < cols; c++) {
        const x0 = xs[c]!;
        const x1 = xs[c + 1]!;
        if (c + 1 < cols && coverage(cluster.v, x1, y0, y1, eps) < minCoverage * (y1 - y0)) {
          parent[find(id(r, c))] = find(id(r, c + 1));
        }
        if (r + 1 < rows && coverage(cluster.h, y1, x0, x1, eps) < minCoverage * (x1 - x0)) {
          parent[find(id(r, c))] = find(id(r + 1, c));
        }
      }
    }
    // Units outside the frame (no vertical on either side at all) are dropped later by emptiness.
    const comps = new Map<number, { r0: number; r1: number; c0: number; c1: number }>();
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const k = find(id(r, c));
        const g = comps.get(k);
        if (!g) comps.set(k, { r0: r, r1: r, c0: c, c1: c });
        else {
          g.r0 = Math.min(g.r0, r);
          g.r1 = Math.max(g.r1, r);
          g.c0 = Math.min(g.c0, c);
          g.c1 = Math.max(g.c1, c);
        }
      }
    }
    const cells: Cell[] = [];
    for (const g of comps.values()) {
      const bbox = { x0: xs[g.c0]!, y0: ys[g.r0]!, x1: xs[g.c1 + 1]!, y1: ys[g.r1 + 1]! };
      const w = bbox.x1 - bbox.x0;
      const top = g.r0 === 0 && coverage(cluster.h, bbox.y0, bbox.x0, bbox.x1, eps) < minCoverage * w;
      const bottom = g.r1 === rows - 1 && coverage(cluster.h, bbox.y1, bbox.x0, bbox.x1, eps) < minCoverage * w;
      cells.push({
        text: "",
        bbox,
        row: g.r0,
        col: g.c0,
        rowSpan: g.r1 - g.r0 + 1,
        colSpan: g.c1 - g.c0 + 1,
        confidence: 1,
        open: { top, bottom },
        items: [],
      });
    }
    tables.push({
      bbox: { x0: xs[0]!, y0: ys[0]!, x1: xs[xs.length - 1]!, y1: ys[ys.length - 1]! },
      colEdges: xs,
      rowEdges: ys,
      cells,
      method: "rulings",
    });
  }
  assignItems(page.items, tables);
  return tables.sort((a, b) => a.bbox.y0 - b.bbox.y0);
}

/**
 * How far (in text lines) past a table's edge text still belongs to an open or merged edge cell:
 * a merged label centred on a range that runs onto the next page lands a few lines below.
 */
const OVERFLOW_LINES = 10;

/** Puts each text item into the cell containing its centre and computes cell texts. */
export function assignItems(items: readonly TextItem[], tables: Table[]): TextItem[] {
  const free: TextItem[] = [];
  const unplaced: TextItem[] = [];
  for (const it of items) {
    const p = center(it.bbox);
    let placed = false;
    for (const t of tables) {
      if (p.x < t.bbox.x0 || p.x > t.bbox.x1 || p.y < t.bbox.y0 || p.y > t.bbox.y1) continue;
      const cell = t.cells.find((c) => p.x >= c.bbox.x0 && p.x <= c.bbox.x1 && p.y >= c.bbox.y0 && p.y <= c.bbox.y1);
      if (cell) {
        cell.items.push(it);
        placed = true;
        break;
      }
    }
    if (!placed) unplaced.push(it);
  }
  // Text overflowing a cell cut by the page break prints just below the table's last ruling (or
  // above its first): it belongs to the open cell over (under) it. Spreadsheets also draw a
  // merged cell's text centred on the whole merged range, so on the page where the range
  // starts (ends) the text lands below (above) the table, off the part drawn empty.
  const filledByOverflow = new Set<Cell>();
  for (const it of unplaced) {
    const p = center(it.bbox);
    const h = it.bbox.y1 - it.bbox.y0;
    // An edge cell drawn empty takes text from further away than one holding text of its own.
    const reach = (c: Cell) => ((c.items.length === 0 || filledByOverflow.has(c)) && inside(c) ? OVERFLOW_LINES : 1.5) * h;
    const below = (c: Cell) => it.bbox.y0 >= c.bbox.y1 - h && it.bbox.y0 - c.bbox.y1 <= reach(c);
    // Above a table only text right over it: lines further up are the form's own (a label line,
    // a title); a merged cell's text above a repeated header is put back by the normalizer.
    const above = (c: Cell) => it.bbox.y1 <= c.bbox.y0 + h && c.bbox.y0 - it.bbox.y1 <= 1.5 * h;
    // (only text that fits inside the cell's columns: a title across the page is no cell's).
    const inside = (c: Cell) => it.bbox.x0 >= c.bbox.x0 - 1 && it.bbox.x1 <= c.bbox.x1 + 1;
    const takes = (t: Table, c: Cell, side: "top" | "bottom") =>
      c.open[side] || ((c.items.length === 0 || filledByOverflow.has(c)) && inside(c) && (side === "bottom" ? c.bbox.y1 >= t.bbox.y1 - 1e-6 : c.bbox.y0 <= t.bbox.y0 + 1e-6));
    let host: Cell | undefined;
    for (const t of tables) {
      host = t.cells.find((c) => p.x >= c.bbox.x0 && p.x <= c.bbox.x1 && ((below(c) && takes(t, c, "bottom")) || (above(c) && takes(t, c, "top"))));
      if (host) break;
    }
    if (!host) {
      free.push(it);
      continue;
    }
    if (host.items.length === 0 || filledByOverflow.has(host)) filledByOverflow.add(host);
    host.items.push(it);
  }
  for (const t of tables) moveSpilledLines(t);
  for (const t of tables) {
    for (const c of t.cells) {
      c.text = cellText(c.items);
      c.confidence = c.items.length ? Math.min(...c.items.map((i) => i.confidence)) : 1;
    }
  }
  return free;
}

/**
 * Spreadsheets clip a cell's text at its border, but the text layer keeps the lines that did not
 * fit: they land in the cell below. A line at the top of a cell that starts above the cell's top
 * ruling, left-aligned with the text of the cell over it, continues that text (with the lines
 * after it at the same pitch).
 */
function moveSpilledLines(t: Table): void {
  for (const c of t.cells) {
    if (!c.items.length) continue;
    const lines = [...c.items].sort((a, b) => a.bbox.y0 - b.bbox.y0);
    const first = lines[0]!;
    const h = first.bbox.y1 - first.bbox.y0;
    if (!(first.bbox.y0 < c.bbox.y0 - 0.05 * h)) continue;
    const px = (first.bbox.x0 + first.bbox.x1) / 2;
    const over = t.cells.find((a) => a !== c && Math.abs(a.bbox.y1 - c.bbox.y0) < 0.5 && px >= a.bbox.x0 && px <= a.bbox.x1 && a.items.length);
    if (!over) continue;
    const left = Math.min(...over.items.map((i) => i.bbox.x0));
    if (Math.abs(first.bbox.x0 - left) > 0.5 * h) continue;
    const moved = [first];
    for (const next of lines.slice(1)) {
      const prev = moved[moved.length - 1]!;
      if (Math.abs(next.bbox.x0 - left) > 0.5 * h || next.bbox.y0 - prev.bbox.y0 > 1.6 * h) break;
      moved.push(next);
    }
    over.items.push(...moved);
    c.items = c.items.filter((i) => !moved.includes(i));
  }
}

/** Items of a page not inside any of the tables (nor taken by one of their cells). */
export function freeItems(items: readonly TextItem[], tables: readonly Table[]): TextItem[] {
  const taken = new Set(tables.flatMap((t) => t.cells.flatMap((c) => c.items)));
  return items.filter((it) => {
    if (taken.has(it)) return false;
    const p = center(it.bbox);
    return !tables.some((t) => p.x >= t.bbox.x0 && p.x <= t.bbox.x1 && p.y >= t.bbox.y0 && p.y <= t.bbox.y1);
  });
}

export { union, overlap1d };
