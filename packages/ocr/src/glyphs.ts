import type { InkMask, PixelRect } from "./greyImage.js";

type Blob = { x0: number; y0: number; x1: number; y1: number; n: number; pixels: number[] };

/** 8-connected ink blobs inside a rectangle (blobs under `minSize` pixels are dropped). */
function blobs(mask: InkMask, r: PixelRect, minSize: number): Blob[] {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  const seen = new Uint8Array(w * h);
  const out: Blob[] = [];
  for (let i = 0; i < w * h; i++) {
    const x = i % w;
    const y = (i - x) / w;
    if (seen[i] || !mask.data[(r.y0 + y) * mask.width + r.x0 + x]) continue;
    const b: Blob = { x0: x, y0: y, x1: x + 1, y1: y + 1, n: 0, pixels: [] };
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % w;
      const py = (p - px) / w;
      b.n++;
      b.pixels.push(p);
      b.x0 = Math.min(b.x0, px);
      b.y0 = Math.min(b.y0, py);
      b.x1 = Math.max(b.x1, px + 1);
      b.y1 = Math.max(b.y1, py + 1);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          const ny = py + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (!seen[q] && mask.data[(r.y0 + ny) * mask.width + r.x0 + nx]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    if (b.n >= minSize) out.push(b);
  }
  return out;
}

/**
 * Recognises "≥" or "≤" as the first glyph of a line of ink from its shape. Tesseract's
 * chi_sim and eng models have no such character and read it as "2", "过", "之", ">", "[" …
 * The glyph is two blobs: a tall chevron and, below it, a bar about as wide (flat, or slanted
 * along the chevron's lower arm as in Song faces). "=" (two flat bars), ">" and "2" (one blob
 * each) do not match. `line` is the tight ink box of one text line.
 */
export function leadingComparison(mask: InkMask, line: PixelRect): "≥" | "≤" | undefined {
  const em = line.y1 - line.y0;
  if (em < 8) return undefined;
  // The first glyph: from the first ink column to the first blank column (at most ~1 em wide).
  let x = line.x0;
  const colInk = (cx: number) => {
    let n = 0;
    for (let y = line.y0; y < line.y1; y++) n += mask.data[y * mask.width + cx]!;
    return n;
  };
  while (x < line.x1 && colInk(x) === 0) x++;
  const start = x;
  while (x < line.x1 && colInk(x) > 0 && x - start <= em) x++;
  if (x - start > em || x - start < em * 0.25) return undefined;
  const r = { x0: start, x1: x, y0: line.y0, y1: line.y1 };
  const parts = blobs(mask, r, 3);
  if (parts.length !== 2) return undefined;
  const [a, b] = parts[0]!.y0 <= parts[1]!.y0 ? [parts[0]!, parts[1]!] : [parts[1]!, parts[0]!];
  const barH = b.y1 - b.y0;
  const barW = b.x1 - b.x0;
  const chevH = a.y1 - a.y0;
  const chevW = a.x1 - a.x0;
  // A tall chevron; the bar starts in its lower half, reaches below it and is about as wide.
  if (chevH < 0.4 * em) return undefined;
  if (b.y1 <= a.y1 || b.y0 < a.y0 + 0.4 * chevH || barH > 0.7 * chevH) return undefined;
  if (barW < 0.5 * chevW || barW > 1.5 * chevW) return undefined;
  // ">" has its top ink on the left and its middle ink on the right; "<" the reverse.
  const w = r.x1 - r.x0;
  const rowX = (y0: number, y1: number) => {
    let sx = 0;
    let n = 0;
    for (const p of a.pixels) {
      const px = p % w;
      const py = (p - px) / w;
      if (py >= y0 && py < y1) {
        sx += px;
        n++;
      }
    }
    return n ? sx / n : NaN;
  };
  const top = rowX(a.y0, a.y0 + Math.max(1, Math.round(chevH * 0.2)));
  const mid = rowX(a.y0 + Math.round(chevH * 0.4), a.y0 + Math.round(chevH * 0.6) + 1);
  if (!Number.isFinite(top) || !Number.isFinite(mid) || Math.abs(mid - top) < 0.2 * chevW) return undefined;
  return mid > top ? "≥" : "≤";
}

/**
 * "≥"/"≤" read as "2", "过", "之", ">"…: when a line starts with such a character before a
 * digit, the first glyph's shape (leadingComparison over the line's ink box) decides.
 */
export function withLeadingComparison(text: string, mask: InkMask, ink: PixelRect): string {
  if (!/^[2>过之=[三≥≤<]\d/u.test(text)) return text;
  const cmp = leadingComparison(mask, ink);
  return cmp ? cmp + text.slice(1) : text;
}

/**
 * The glyphs of one line of ink, left to right: runs of columns holding ink, split at blank
 * columns, each with its tight ink box. A touching pair of glyphs is one box; a glyph broken by a
 * blank column is two. Callers compare the count with the characters they expect.
 */
export function glyphBoxes(mask: InkMask, line: PixelRect): PixelRect[] {
  const out: PixelRect[] = [];
  let start = -1;
  const close = (end: number) => {
    let y0 = line.y1;
    let y1 = line.y0;
    for (let y = line.y0; y < line.y1; y++) {
      const row = y * mask.width;
      for (let x = start; x < end; x++) {
        if (mask.data[row + x]) {
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y + 1);
          break;
        }
      }
    }
    out.push({ x0: start, x1: end, y0, y1 });
    start = -1;
  };
  for (let x = line.x0; x < line.x1; x++) {
    let ink = false;
    for (let y = line.y0; y < line.y1 && !ink; y++) ink = mask.data[y * mask.width + x] === 1;
    if (ink && start < 0) start = x;
    else if (!ink && start >= 0) close(x);
  }
  if (start >= 0) close(line.x1);
  return out;
}

/**
 * What the upper half of a digit's glyph says between 3 and 5, which coarse and bitonal scans
 * make both engines confuse: a 5 has its stem on the left under the top bar and nothing on the
 * right until the bowl; a 3 has the right side of its upper bowl there and nothing on the left
 * (only the tip of its top stroke). Looks at the rows from `from` to `to` of the glyph's height;
 * in each, whether ink lies in the left and in the right third. undefined unless one side has
 * ink on almost every row and the other on almost none (`decisive`), or the glyph is too small.
 */
export function threeOrFive(mask: InkMask, glyph: PixelRect, o: { from?: number; to?: number; decisive?: number; minHeight?: number } = {}): "3" | "5" | undefined {
  const { from = 0.22, to = 0.4, decisive = 0.75, minHeight = 9 } = o;
  const h = glyph.y1 - glyph.y0;
  const w = glyph.x1 - glyph.x0;
  if (h < minHeight || w < 3 || w > h) return undefined;
  const third = Math.max(1, Math.round(w / 3));
  let rows = 0;
  let left = 0;
  let right = 0;
  for (let y = glyph.y0 + Math.round(from * h); y < glyph.y0 + Math.round(to * h); y++) {
    rows++;
    const row = y * mask.width;
    let l = false;
    let r = false;
    for (let x = glyph.x0; x < glyph.x0 + third; x++) l ||= mask.data[row + x] === 1;
    for (let x = glyph.x1 - third; x < glyph.x1; x++) r ||= mask.data[row + x] === 1;
    if (l) left++;
    if (r) right++;
  }
  if (!rows) return undefined;
  const [ls, rs] = [left / rows, right / rows];
  if (ls >= decisive && rs <= 1 - decisive) return "5";
  if (rs >= decisive && ls <= 1 - decisive) return "3";
  return undefined;
}
