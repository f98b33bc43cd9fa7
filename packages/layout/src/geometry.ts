import type { BBox, Page, TextItem } from "@jixiao/schemas";

/** Tolerance for "same position" in a page's unit: 2 pt, scaled for pixel pages. */
export function tolerance(page: Pick<Page, "unit" | "image">): number {
  if (page.unit === "px") return Math.max(2, ((page.image?.dpi ?? 300) / 72) * 2);
  if (page.unit === "grid") return 0.01;
  return 2;
}

/** Clusters sorted numbers: values closer than eps to the previous one share a cluster (mean). */
export function clusterPositions(values: readonly number[], eps: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  let group: number[] = [];
  for (const v of sorted) {
    if (group.length && v - group[group.length - 1]! > eps) {
      out.push(group.reduce((s, x) => s + x, 0) / group.length);
      group = [];
    }
    group.push(v);
  }
  if (group.length) out.push(group.reduce((s, x) => s + x, 0) / group.length);
  return out;
}

export const center = (b: BBox) => ({ x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 });

export function union(boxes: readonly BBox[]): BBox {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

export function overlap1d(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

const itemSize = (it: TextItem) => it.size ?? it.bbox.y1 - it.bbox.y0;

/**
 * Groups text items into lines (by vertical overlap of their boxes), each line sorted left to
 * right; lines sorted top to bottom.
 */
export function groupLines(items: readonly TextItem[]): TextItem[][] {
  const sorted = [...items].sort((a, b) => center(a.bbox).y - center(b.bbox).y || a.bbox.x0 - b.bbox.x0);
  const lines: { y0: number; y1: number; items: TextItem[] }[] = [];
  for (const it of sorted) {
    const h = it.bbox.y1 - it.bbox.y0;
    const line = lines.find((l) => overlap1d(l.y0, l.y1, it.bbox.y0, it.bbox.y1) >= 0.5 * Math.min(h, l.y1 - l.y0));
    if (line) {
      line.items.push(it);
      line.y0 = Math.min(line.y0, it.bbox.y0);
      line.y1 = Math.max(line.y1, it.bbox.y1);
    } else lines.push({ y0: it.bbox.y0, y1: it.bbox.y1, items: [it] });
  }
  lines.sort((a, b) => a.y0 - b.y0);
  return lines.map((l) => l.items.sort((a, b) => a.bbox.x0 - b.bbox.x0));
}

/** Text of one line: items joined, a space where the gap is wider than a third of the size. */
export function lineText(line: readonly TextItem[]): string {
  let s = "";
  let prev: TextItem | undefined;
  for (const it of line) {
    if (prev && it.bbox.x0 - prev.bbox.x1 > 0.3 * itemSize(it) && !s.endsWith(" ")) s += " ";
    s += it.text;
    prev = it;
  }
  return s;
}

/**
 * Splits a line into cells where the horizontal gap between items exceeds `gapFactor` × size.
 */
export function splitLineByGaps(line: readonly TextItem[], gapFactor = 1.5): TextItem[][] {
  const cells: TextItem[][] = [];
  let cur: TextItem[] = [];
  for (const it of line) {
    const prev = cur[cur.length - 1];
    if (prev && it.bbox.x0 - prev.bbox.x1 > gapFactor * itemSize(it)) {
      cells.push(cur);
      cur = [];
    }
    cur.push(it);
  }
  if (cur.length) cells.push(cur);
  return cells;
}
