import type { InkMask, PixelRect } from "./greyImage.js";

export type FindTextLinesOptions = {
  /** Resolution of the mask. Default 300. */
  dpi?: number;
  /** Areas to ignore (table frames already read cell by cell). */
  exclude?: readonly PixelRect[];
  /**
   * Horizontal gap that splits a line into separate pieces, as a multiple of the line height.
   * Chinese text has no spaces, so a gap of about an em separates fields (a value and the next
   * label), while full-width brackets and colons leave up to half an em of white inside a
   * field. Default 0.8.
   */
  gapFactor?: number;
  /** Tallest line accepted (pixels). Default 0.3 in. Taller blobs (stamps, figures) are skipped. */
  maxLineHeight?: number;
  /**
   * When given, the blobs taller than `maxLineHeight` are put here instead of being dropped
   * silently: a paragraph whose lines touch is one such blob, and its lines are text.
   */
  tall?: PixelRect[];
};

type Box = PixelRect & { ink: number };

const height = (b: PixelRect) => b.y1 - b.y0;
const widthOf = (b: PixelRect) => b.x1 - b.x0;

/**
 * Finds text outside the excluded areas and returns it as single-line pieces (pixel rectangles,
 * top to bottom, left to right).
 *
 * The mask is reduced by OR-ing blocks of about 1/75 in (which also bridges the gaps inside a
 * character), runs are smeared a little horizontally, and the connected blobs are merged: pieces
 * stacked within a character (三, 二) vertically, then neighbours on the same line horizontally
 * while the gap stays below `gapFactor` × line height. Wide gaps (a label and its value) keep
 * pieces apart. Each piece is finally tightened to its ink in the full-resolution mask.
 */
export function findTextLines(mask: InkMask, options: FindTextLinesOptions = {}): PixelRect[] {
  const dpi = options.dpi ?? 300;
  const gapFactor = options.gapFactor ?? 0.8;
  const maxH = options.maxLineHeight ?? dpi * 0.3;
  const exclude = options.exclude ?? [];
  const f = Math.max(1, Math.round(dpi / 75));
  const { width: W, height: H, data } = mask;
  const sw = Math.ceil(W / f);
  const sh = Math.ceil(H / f);
  const counts = new Uint16Array(sw * sh);
  const spans: number[] = [];
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const srow = ((y / f) | 0) * sw;
    const n = openSpans(exclude, y, 0, W, spans);
    for (let k = 0; k < n; k += 2) {
      for (let x = spans[k]!, end = spans[k + 1]!; x < end; x++) {
        if (data[row + x]) counts[srow + ((x / f) | 0)]!++;
      }
    }
  }
  // A block is ink when it holds at least two ink pixels (isolated grain specks do not count).
  const small = new Uint8Array(sw * sh);
  for (let i = 0; i < small.length; i++) small[i] = counts[i]! >= 2 ? 1 : 0;
  const smear = Math.max(1, Math.round((dpi * 0.03) / f));
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    let last = -1;
    for (let x = 0; x < sw; x++) {
      if (!small[row + x]) continue;
      if (last >= 0 && x - last - 1 <= smear) for (let k = last + 1; k < x; k++) small[row + k] = 1;
      last = x;
    }
  }
  // Connected components (8-neighbourhood) with an explicit stack.
  const label = new Int32Array(sw * sh);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let i = 0; i < small.length; i++) {
    if (!small[i] || label[i]) continue;
    const id = boxes.length + 1;
    const b: Box = { x0: sw, y0: sh, x1: 0, y1: 0, ink: 0 };
    label[i] = id;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % sw;
      const py = (p - px) / sw;
      b.x0 = Math.min(b.x0, px);
      b.y0 = Math.min(b.y0, py);
      b.x1 = Math.max(b.x1, px + 1);
      b.y1 = Math.max(b.y1, py + 1);
      b.ink += counts[p]!;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= sh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= sw) continue;
          const q = ny * sw + nx;
          if (small[q] && !label[q]) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    boxes.push(b);
  }
  // Back to full-resolution coordinates.
  let pieces: Box[] = boxes.map((b) => ({
    x0: b.x0 * f,
    y0: b.y0 * f,
    x1: Math.min(W, b.x1 * f),
    y1: Math.min(H, b.y1 * f),
    ink: b.ink,
  }));

  const merge = (a: Box, b: Box): Box => ({
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
    ink: a.ink + b.ink,
  });
  // Height of the box holding both (merge's, without building it: the passes test every pair).
  const mergedHeight = (a: PixelRect, b: PixelRect) => Math.max(a.y1, b.y1) - Math.min(a.y0, b.y0);
  const mergePass = (ok: (a: Box, b: Box) => boolean): boolean => {
    let changed = false;
    for (let i = 0; i < pieces.length; i++) {
      for (let j = i + 1; j < pieces.length; j++) {
        const a = pieces[i]!;
        const b = pieces[j]!;
        if (!ok(a, b)) continue;
        if (mergedHeight(a, b) > maxH) continue;
        const m = merge(a, b);
        pieces[i] = m;
        pieces.splice(j, 1);
        j = i;
        changed = true;
      }
    }
    return changed;
  };
  const xGap = (a: PixelRect, b: PixelRect) => Math.max(a.x0, b.x0) - Math.min(a.x1, b.x1);
  const yGap = (a: PixelRect, b: PixelRect) => Math.max(a.y0, b.y0) - Math.min(a.y1, b.y1);
  const yOverlap = (a: PixelRect, b: PixelRect) => -yGap(a, b);
  const charH = dpi * 0.16; // about a 11-12 pt character

  // 1) Pieces of one character stacked vertically (strokes of 三, the dots of ：).
  const vGapMax = Math.max(2, dpi * 0.035);
  mergePass((a, b) => xGap(a, b) < 0 && yGap(a, b) <= vGapMax && mergedHeight(a, b) <= Math.max(charH, height(a), height(b)));
  // 2) Neighbours on one line.
  for (let round = 0; round < 4; round++) {
    const changed = mergePass((a, b) => {
      const h = Math.max(height(a), height(b));
      const hMin = Math.min(height(a), height(b));
      // Small pieces (punctuation, a minus sign) join when they sit within the other's height.
      const sameLine = yOverlap(a, b) >= 0.5 * hMin || (hMin < 0.5 * h && yOverlap(a, b) > 0);
      return sameLine && xGap(a, b) <= gapFactor * Math.max(h, dpi * 0.06) && mergedHeight(a, b) <= 1.3 * h + 2;
    });
    if (!changed) break;
  }

  // Tighten to full-resolution ink; drop specks and oversized blobs.
  // Pieces smaller than this in both directions are dust, not text (a lone 、 or 。 outside a
  // table carries nothing either).
  const minSize = Math.max(3, dpi * 0.04);
  const out: PixelRect[] = [];
  for (const p of pieces) {
    const t = inkBounds(mask, p, exclude);
    if (!t) continue;
    if (height(t) > maxH) {
      options.tall?.push(t);
      continue;
    }
    if (height(t) < minSize && widthOf(t) < minSize) continue;
    out.push(t);
  }
  return out.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}

/**
 * The bounding box of the ink inside `rect` (rows and columns holding at least `minPerLine`
 * ink pixels), or undefined when there is none.
 */
export function inkBounds(mask: InkMask, rect: PixelRect, exclude: readonly PixelRect[] = [], minPerLine = 1): PixelRect | undefined {
  const { width: W, data } = mask;
  const x0 = Math.max(0, Math.floor(rect.x0));
  const x1 = Math.min(W, Math.ceil(rect.x1));
  const y0 = Math.max(0, Math.floor(rect.y0));
  const y1 = Math.min(mask.height, Math.ceil(rect.y1));
  const cols = new Uint32Array(Math.max(0, x1 - x0));
  let top = -1;
  let bottom = -1;
  const spans: number[] = [];
  for (let y = y0; y < y1; y++) {
    const row = y * W;
    const count = openSpans(exclude, y, x0, x1, spans);
    let n = 0;
    for (let k = 0; k < count; k += 2) {
      for (let x = spans[k]!, end = spans[k + 1]!; x < end; x++) {
        if (!data[row + x]) continue;
        n++;
        cols[x - x0]!++;
      }
    }
    if (n >= minPerLine) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  if (top < 0) return undefined;
  let left = -1;
  let right = -1;
  for (let i = 0; i < cols.length; i++) {
    if (cols[i]! >= minPerLine) {
      if (left < 0) left = i;
      right = i;
    }
  }
  if (left < 0) return undefined;
  return { x0: x0 + left, y0: top, x1: x0 + right + 1, y1: bottom + 1 };
}

/**
 * The columns of row `y` between `xa` and `xb` (exclusive) that no rectangle of `exclude`
 * covers (x covered when r.x0 ≤ x < r.x1 and r.y0 ≤ y < r.y1), as [start, end) pairs written
 * into `out`; returns the number of entries written (twice the number of spans).
 */
function openSpans(exclude: readonly PixelRect[], y: number, xa: number, xb: number, out: number[]): number {
  out.length = 0;
  if (!exclude.length) {
    if (xa < xb) out.push(xa, xb);
    return out.length;
  }
  // Covered integer columns of a rectangle: [ceil(x0), ceil(x1)).
  const cuts: [number, number][] = [];
  for (const r of exclude) if (y >= r.y0 && y < r.y1) cuts.push([Math.ceil(r.x0), Math.ceil(r.x1)]);
  cuts.sort((a, b) => a[0] - b[0]);
  let x = xa;
  for (const [a, b] of cuts) {
    if (x >= xb) break;
    if (a > x) out.push(x, Math.min(a, xb));
    if (b > x) x = b;
  }
  if (x < xb) out.push(x, xb);
  return out.length;
}

/** One text line of ink inside a rectangle. */
export type InkBand = { y0: number; y1: number; x0: number; x1: number };

/** Ink statistics of a rectangle (see inkProfile). */
export type InkProfile = {
  /** Ink pixels inside the rectangle. */
  ink: number;
  /** Tight bounds of the ink, ignoring rows/columns with a single speck. */
  bounds?: PixelRect;
  /** Text lines: bands of rows with ink, separated by blank rows (tiny bands dropped), with their ink's x extent. */
  bands: InkBand[];
  lines: number;
};

/**
 * Ink statistics of a rectangle: pixel count, tight bounds and the text lines (row bands
 * separated by at least ~1/100 in of blank rows).
 */
export function inkProfile(mask: InkMask, rect: PixelRect, dpi = 300): InkProfile {
  const { width: W, data } = mask;
  const x0 = Math.max(0, Math.floor(rect.x0));
  const x1 = Math.min(W, Math.ceil(rect.x1));
  const y0 = Math.max(0, Math.floor(rect.y0));
  const y1 = Math.min(mask.height, Math.ceil(rect.y1));
  if (x1 <= x0 || y1 <= y0) return { ink: 0, bands: [], lines: 0 };
  const rows = new Uint32Array(y1 - y0);
  let ink = 0;
  for (let y = y0; y < y1; y++) {
    let n = 0;
    const base = y * W;
    for (let x = x0; x < x1; x++) n += data[base + x]!;
    rows[y - y0] = n;
    ink += n;
  }
  // Rows/columns with a single ink pixel are grain, unless that is all there is (a thin
  // hyphen at low resolution is one pixel tall).
  const bounds = inkBounds(mask, { x0, y0, x1, y1 }, [], 2) ?? (ink >= 4 ? inkBounds(mask, { x0, y0, x1, y1 }, [], 1) : undefined);
  // Raw bands: runs of rows with ink, split at a few blank rows. Specks are gone by now, so a
  // single ink pixel in a row counts (the thin stem of a "5" must not split the digit).
  const minGap = Math.max(2, Math.round(dpi * 0.01));
  const raw: { y0: number; y1: number }[] = [];
  let start = -1;
  let end = -1;
  let blank = 0;
  for (let i = 0; i <= rows.length; i++) {
    const on = i < rows.length && rows[i]! >= 1;
    if (on) {
      if (start < 0) start = i;
      end = i;
      blank = 0;
      continue;
    }
    if (start < 0) continue;
    blank++;
    if (blank >= minGap || i === rows.length) {
      raw.push({ y0: y0 + start, y1: y0 + end + 1 });
      start = -1;
      blank = 0;
    }
  }
  // A thin band (a stroke of 三, the bar of a 5 cut off by a thin stem, a dot) joins the band
  // next to it when the gap is under half a character; thin bands left alone are dropped.
  const thin = Math.max(3, dpi * 0.04);
  const join = dpi * 0.07;
  const merged: { y0: number; y1: number }[] = [];
  for (const b of raw) {
    const prev = merged[merged.length - 1];
    if (prev && b.y0 - prev.y1 <= join && (b.y1 - b.y0 < thin || prev.y1 - prev.y0 < thin)) prev.y1 = b.y1;
    else merged.push({ ...b });
  }
  const minBand = Math.max(3, Math.round(dpi * 0.02));
  const bands: InkBand[] = [];
  for (const m of merged) {
    if (m.y1 - m.y0 < minBand) continue;
    const b = inkBounds(mask, { x0, x1, y0: m.y0, y1: m.y1 }, [], 1);
    bands.push({ y0: m.y0, y1: m.y1, x0: b?.x0 ?? x0, x1: b?.x1 ?? x1 });
  }
  return bounds ? { ink, bounds, bands, lines: bands.length } : { ink, bands, lines: bands.length };
}

/**
 * Recognises a cell holding nothing but a dash from the shape of its ink: one flat, solid bar.
 * Returns "—" for a long bar (at least ~0.07 in), "-" for a short one, undefined otherwise.
 * Tesseract reads these poorly ("-一", "_—", or nothing for a lone hyphen).
 */
export function dashOf(mask: InkMask, prof: InkProfile, dpi = 300): "—" | "-" | undefined {
  const b = prof.bounds;
  if (!b) return undefined;
  const w = b.x1 - b.x0;
  const h = b.y1 - b.y0;
  if (h > Math.max(3, dpi * 0.025) || w < Math.max(4, dpi * 0.025) || w < 3 * h) return undefined;
  // All the cell's ink must be in the bar (nothing else in the cell) and the bar must be solid.
  let inBar = 0;
  for (let y = Math.max(0, b.y0 - 1); y < Math.min(mask.height, b.y1 + 1); y++) {
    for (let x = b.x0; x < b.x1; x++) inBar += mask.data[y * mask.width + x]!;
  }
  if (inBar < 0.9 * prof.ink || inBar < 0.6 * w * h) return undefined;
  return w >= dpi * 0.07 ? "—" : "-";
}

/** Line heights a band's text must span for a small mark before it to be kept (trimBand). */
const PROSE_EMS = 8;
/** Line heights between a leading mark and the text after it, at most (trimBand). */
const LEAD_MARK_GAP = 1.2;

/**
 * Narrows a band of ink to its text: columns with ink are grouped into pieces (gaps under
 * 0.8 × the band's height join), and pieces with too little ink to be a glyph (dust, a stray
 * dot far from the words: under a tenth of the square of the line height, taken as at least
 * 0.06 in) are dropped, except a full-width mark leading a line of prose. Returns the band with its
 * x extent and rows tightened to the kept pieces, or undefined when nothing is left.
 */
export function trimBand(mask: InkMask, band: InkBand, dpi = 300): InkBand | undefined {
  const h = band.y1 - band.y0;
  const w = band.x1 - band.x0;
  if (h <= 0 || w <= 0) return undefined;
  const cols = new Uint32Array(w);
  for (let y = band.y0; y < band.y1; y++) {
    const row = y * mask.width;
    for (let x = band.x0; x < band.x1; x++) cols[x - band.x0]! += mask.data[row + x]!;
  }
  const join = Math.max(2, Math.round(0.8 * h));
  const em = Math.max(h, dpi * 0.06);
  const minInk = Math.max(8, 0.1 * em * em);
  let keep0 = -1;
  let keep1 = -1;
  // A band made taller than its text by a speck (the last line of a cell, "入", with dust by the
  // ruling; a "0" with grain under it) asks too much ink of its glyphs: a piece whose longest
  // run of inked rows is at least 0.4 of the band's height (and 0.06 in) is a glyph when it has
  // the ink of one that tall.
  const glyphTall = (start: number, end: number, ink: number) => {
    let run = 0;
    let ph = 0;
    for (let y = band.y0; y < band.y1; y++) {
      let inked = false;
      for (let x = band.x0 + start; x <= band.x0 + end && !inked; x++) inked = mask.data[y * mask.width + x] === 1;
      run = inked ? run + 1 : 0;
      ph = Math.max(ph, run);
    }
    return ph >= Math.max(0.4 * h, dpi * 0.06) && ink >= Math.max(8, 0.1 * ph ** 2);
  };
  const pieces: { start: number; end: number; ink: number }[] = [];
  let i = 0;
  while (i < w) {
    if (!cols[i]) {
      i++;
      continue;
    }
    const start = i;
    let end = i;
    let ink = 0;
    let gap = 0;
    for (; i < w; i++) {
      if (cols[i]) {
        ink += cols[i]!;
        end = i;
        gap = 0;
      } else if (++gap > join) break;
    }
    pieces.push({ start, end, ink });
    if (ink >= minInk || glyphTall(start, end, ink)) {
      if (keep0 < 0) keep0 = start;
      keep1 = end;
    }
  }
  if (keep0 < 0) return undefined;
  // A line of prose wrapped before a full-width mark starts with it ("，有力保障"): the mark's
  // glyph sits at the left of its character cell, a cell's width from the next character, and
  // has too little ink to be kept on its own. A small piece low in the line, at most
  // LEAD_MARK_GAP line heights before a line at least PROSE_EMS line heights long, is kept.
  if (keep1 - keep0 >= PROSE_EMS * h) {
    const lead = pieces.filter((p) => p.end < keep0).pop();
    if (lead && keep0 - lead.end <= LEAD_MARK_GAP * h) {
      const ink = inkBounds(mask, { x0: band.x0 + lead.start, x1: band.x0 + lead.end + 1, y0: band.y0, y1: band.y1 }, [], 1);
      if (ink && ink.y0 - band.y0 >= 0.5 * h && ink.y1 - ink.y0 <= 0.45 * h) keep0 = lead.start;
    }
  }
  const x0 = band.x0 + keep0;
  const x1 = band.x0 + keep1 + 1;
  const rows = inkBounds(mask, { x0, x1, y0: band.y0, y1: band.y1 }, [], 1);
  return rows ? { x0, x1, y0: rows.y0, y1: rows.y1 } : undefined;
}
