import { inkBounds } from "./findTextLines.js";
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
  // The bar starts where the chevron does: a "2" whose diagonal a coarse scan broke is an arc
  // over a base stroke that reaches well left of the arc (scripts/measure-digit-shapes.mts).
  if (Math.abs(b.x0 - a.x0) > 0.25 * chevW) return undefined;
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
  // A chevron's arm crosses its top rows as a short slanted stroke; a "2" begins with the flat top
  // of its arc, a long run across the glyph.
  const widest = new Map<number, number>();
  for (const p of a.pixels) {
    const py = (p - (p % w)) / w;
    if (py < a.y0 + Math.max(1, Math.round(chevH * 0.15))) widest.set(py, (widest.get(py) ?? 0) + 1);
  }
  if (Math.max(...widest.values()) > 0.4 * chevW) return undefined;
  const top = rowX(a.y0, a.y0 + Math.max(1, Math.round(chevH * 0.2)));
  const mid = rowX(a.y0 + Math.round(chevH * 0.4), a.y0 + Math.round(chevH * 0.6) + 1);
  if (!Number.isFinite(top) || !Number.isFinite(mid) || Math.abs(mid - top) < 0.2 * chevW) return undefined;
  return mid > top ? "≥" : "≤";
}

/**
 * Whether the second glyph of a line of ink is "=": two flat bars, one above the other, about
 * as wide as each other, in the middle of the line, standing on their own between the first
 * glyph and the third. PP-OCR reads the ASCII pair ">=" of a form typed without ≥ as ">" alone.
 */
export function equalsSecond(mask: InkMask, ink: PixelRect): boolean {
  const line = inkBounds(mask, ink);
  if (!line) return false;
  const em = line.y1 - line.y0;
  if (em < 8) return false;
  const glyphs = glyphBoxes(mask, line);
  if (glyphs.length < 3) return false;
  const g = glyphs[1]!;
  const parts = blobs(mask, g, 2);
  if (parts.length !== 2) return false;
  const [a, b] = parts[0]!.y0 <= parts[1]!.y0 ? [parts[0]!, parts[1]!] : [parts[1]!, parts[0]!];
  const flat = (p: Blob) => p.x1 - p.x0 >= 2.5 * (p.y1 - p.y0) && p.y1 - p.y0 <= 0.2 * em;
  if (!flat(a) || !flat(b) || b.y0 <= a.y1) return false;
  const wa = a.x1 - a.x0;
  const wb = b.x1 - b.x0;
  if (Math.min(wa, wb) < 0.7 * Math.max(wa, wb) || Math.abs(a.x0 - b.x0) > 0.3 * wa) return false;
  // Between the line's top and bottom quarters (g's rows are relative to g.y0).
  const top = g.y0 + a.y0 - line.y0;
  const bottom = g.y0 + b.y1 - line.y0;
  return top >= 0.15 * em && bottom <= 0.9 * em;
}

/**
 * "≥"/"≤" read as "2", "过", "之", ">"…: when a line starts with such a character before a
 * digit, the first glyph's shape (leadingComparison over the line's ink box) decides; a reading
 * that starts with a digit read right of the first glyph (`firstX`, where the recogniser read
 * its first character) gets the comparison that glyph is, if it is one. A ">" or "<"
 * read before a digit where the ink holds ">=" or "<=" (equalsSecond) gets its "=" back.
 */
export function withLeadingComparison(text: string, mask: InkMask, ink: PixelRect, firstX?: number): string {
  if (/^[<>]\d/.test(text) && equalsSecond(mask, ink)) return `${text[0]}=${text.slice(1)}`;
  if (/^[2>过之=[三≥≤<]\d/u.test(text)) {
    const cmp = leadingComparison(mask, ink);
    return cmp ? cmp + text.slice(1) : text;
  }
  // PP-OCR may leave a "⩾" before a number out altogether ("60次" for "≥60 次"); a leading 2
  // is taken for the comparison itself, above. Only where the recogniser read its first
  // character (`firstX`) right of the comparison's glyph: a broken 9 can look like ≤ itself.
  if (/^[013-9]/.test(text) && firstX !== undefined) {
    const cmp = leadingComparison(mask, ink);
    return cmp && (glyphBoxes(mask, ink)[0]?.x1 ?? Infinity) <= firstX ? cmp + text : text;
  }
  return text;
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
 * The ink of a line (inside `ink`) cut into one glyph per character of `key` (a reading key without spaces), or
 * undefined when the cut gives another count (touching or broken glyphs), or a glyph does not
 * have the size of its character: a digit other than 1 is most of the line's height and not a
 * sliver, a point or comma is low. (A glyph broken in two next to two that touch gives the right
 * count with every glyph paired with its neighbour's character.)
 */
export function glyphsOfCharacters(key: string, mask: InkMask, ink: PixelRect): PixelRect[] | undefined {
  const line = inkBounds(mask, ink);
  if (!line) return undefined;
  const glyphs = glyphBoxes(mask, line);
  const chars = [...key];
  if (glyphs.length !== chars.length) return undefined;
  const lineH = line.y1 - line.y0;
  const fits = (g: PixelRect, ch: string) => {
    const w = g.x1 - g.x0;
    const h = g.y1 - g.y0;
    if (/[02-9]/.test(ch)) return h >= 0.6 * lineH && w >= 0.35 * h;
    if (ch === "." || ch === ",") return h <= 0.4 * lineH;
    return true;
  };
  return glyphs.every((g, i) => fits(g, chars[i]!)) ? glyphs : undefined;
}

/**
 * What the upper half of a digit's glyph says between 3 and 5, which coarse and bitonal scans
 * make both engines confuse. Below the top stroke, from `from` to `to` of the glyph's height, a 3
 * has the right side of its upper bowl (a thick stroke) and nothing on the left but the tip of
 * its top arc; a 5 has nothing on the right until its bowl, and its stem on the left, a thin
 * stroke that a bitonal scan often loses (then only its flat top bar is left above the bowl).
 * In each row: is there ink in the left third, in the right third? "3" when the right has ink on
 * almost every row (`decisive`) and the left on almost none; "5" when the right has ink on almost
 * none and either the left on almost every row or the top rows hold a flat bar across most of
 * the glyph. undefined otherwise, or when the glyph is too small to tell.
 */
export function threeOrFive(mask: InkMask, glyph: PixelRect, o: { from?: number; to?: number; decisive?: number; minHeight?: number } = {}): "3" | "5" | undefined {
  const { from = 0.22, to = 0.4, decisive = 0.75, minHeight = 9 } = o;
  const h = glyph.y1 - glyph.y0;
  const w = glyph.x1 - glyph.x0;
  // A digit is narrower than tall (a Chinese character is about square).
  if (h < minHeight || w < 3 || w > 0.8 * h) return undefined;
  const third = Math.max(1, Math.round(w / 3));
  const inkAt = (x: number, y: number) => mask.data[y * mask.width + x] === 1;
  let rows = 0;
  let left = 0;
  let right = 0;
  for (let y = glyph.y0 + Math.round(from * h); y < glyph.y0 + Math.round(to * h); y++) {
    rows++;
    let l = false;
    let r = false;
    for (let x = glyph.x0; x < glyph.x0 + third; x++) l ||= inkAt(x, y);
    for (let x = glyph.x1 - third; x < glyph.x1; x++) r ||= inkAt(x, y);
    if (l) left++;
    if (r) right++;
  }
  if (!rows) return undefined;
  const [ls, rs] = [left / rows, right / rows];
  if (rs >= decisive && ls <= 0.5) return "3";
  if (rs > 1 - decisive) return undefined;
  if (ls >= decisive) return "5";
  // A flat top bar: a row near the top inked across most of the glyph.
  for (let y = glyph.y0; y < glyph.y0 + Math.max(1, Math.round(from * h)); y++) {
    let run = 0;
    for (let x = glyph.x0; x < glyph.x1; x++) run += inkAt(x, y) ? 1 : 0;
    if (run >= 0.6 * w) return "5";
  }
  return undefined;
}

/** A punctuation mark of Chinese prose that sits low in its character cell, told by its shape. */
export type LowMark = "、" | "，" | "。" | "；";

/**
 * What the ink in columns `x0…x1` of a line of text is, when it is one of the low marks of
 * Chinese prose: "。" (a small ring: ink round a hole), "、" (a short stroke falling to the
 * right), "，" (a head with a tail, taller than wide, not falling to the right), "；" (a "，"
 * with a dot above it).
 * `band` is the line's ink band (its height is the type's em). "ink" when the columns hold
 * something else (a character's strokes, a mark high in the line), undefined when they hold
 * no ink, null when a low mark is there but its shape does not say which.
 */
export function lowMarkAt(mask: InkMask, band: PixelRect, x0: number, x1: number): LowMark | "ink" | null | undefined {
  const em = band.y1 - band.y0;
  if (em < 10) return null;
  const r = { x0: Math.max(0, Math.round(x0)), x1: Math.min(mask.width, Math.round(x1)), y0: band.y0, y1: band.y1 };
  const w = r.x1 - r.x0;
  if (w <= 0) return undefined;
  // Ink touching either side of the columns is a neighbouring character's, unless it reaches
  // their middle (a 一 as wide as the columns).
  const all = blobs(mask, r, Math.max(2, Math.round((0.04 * em) ** 2)));
  if (all.some((p) => (p.x0 === 0 || p.x1 === w) && p.x0 < 0.6 * w && p.x1 > 0.4 * w)) return "ink";
  const parts = all.filter((p) => p.x0 > 0 && p.x1 < w);
  if (!parts.length) return undefined;
  const small = (p: Blob, size: number) => p.y1 - p.y0 <= size * em && p.x1 - p.x0 <= size * em;
  if (parts.length > 2 || !parts.every((p) => small(p, MARK_SIZE))) return "ink";
  if (parts.length === 2) {
    // "；": a dot over a comma, sharing columns.
    const [dot, comma] = parts[0]!.y0 <= parts[1]!.y0 ? [parts[0]!, parts[1]!] : [parts[1]!, parts[0]!];
    const overlap = Math.min(dot.x1, comma.x1) - Math.max(dot.x0, comma.x0);
    if (overlap <= 0 || dot.y1 > comma.y0 + 1 || !small(dot, MARK_SIZE / 2) || hasHole(dot, w)) return "ink";
    return tall(comma) && leans(comma, w) !== "right" ? "；" : null;
  }
  const mark = parts[0]!;
  if (hasHole(mark, w)) return "。";
  // A flat piece is a stroke's (a 一 a coarse scan broke), not a mark.
  if (mark.x1 - mark.x0 >= 1.5 * (mark.y1 - mark.y0)) return null;
  const lean = leans(mark, w);
  return lean === "right" ? "、" : tall(mark) ? "，" : null;
}

/** A comma's ink: at least half as tall again as it is wide (a dot or a "、" is not). */
const tall = (b: Blob) => b.y1 - b.y0 >= 1.5 * (b.x1 - b.x0);

/** The most, in ems, a mark's ink spans across or down. */
const MARK_SIZE = 0.4;

/** Which way a blob's ink falls from top to bottom: the sign of the x–y correlation of its pixels. */
function leans(b: Blob, width: number): "left" | "right" | "none" {
  const pts = b.pixels.map((p) => [p % width, (p - (p % width)) / width] as const);
  const n = pts.length;
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  if (!sxx || !syy) return "none";
  const corr = sxy / Math.sqrt(sxx * syy);
  return corr >= MARK_LEAN ? "right" : corr <= -MARK_LEAN ? "left" : "none";
}

/** The x–y correlation a mark's ink needs to fall one way (、 right, ， left). */
const MARK_LEAN = 0.3;

/**
 * Whether a blob closes round blank pixels (a ring, "。"): blank inside its box that the box's
 * border cannot reach through blank pixels. `width` is the width of the rectangle its pixels index.
 */
function hasHole(b: Blob, width: number): boolean {
  const w = b.x1 - b.x0 + 2;
  const h = b.y1 - b.y0 + 2;
  if (w < 5 || h < 5) return false;
  // The blob's box with a blank frame of one pixel.
  const ink = new Uint8Array(w * h);
  for (const p of b.pixels) {
    const x = p % width;
    ink[((p - x) / width - b.y0 + 1) * w + (x - b.x0 + 1)] = 1;
  }
  const seen = new Uint8Array(w * h);
  const stack = [0];
  seen[0] = 1;
  let reached = 1;
  while (stack.length) {
    const q = stack.pop()!;
    const x = q % w;
    const y = (q - x) / w;
    for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const k = ny * w + nx;
      if (seen[k] || ink[k]) continue;
      seen[k] = 1;
      reached++;
      stack.push(k);
    }
  }
  return reached + b.n < w * h;
}

/**
 * A line of prose as PP-OCR read it, with the low marks its glyphs' shapes say were misread or
 * left out (lowMarkAt), as one string; undefined when nothing changes. `chars` are the
 * characters read, `xs` where each was read (LineReading.xs), `band` the line's ink band.
 * - "，" where the ink is "；" (PP-OCR reads the semicolon's dot away on long lines);
 * - "一" where the ink is a low mark ("、" read as the character one);
 * - a low mark between two characters (or a closing and an opening bracket or quote) read far
 *   apart (at least MARK_GAP character pitches, the pitch being the median step between
 *   neighbouring Chinese characters), where it left out a "、" or "，".
 */
export function proseMarksByShape(chars: readonly string[], xs: readonly number[], mask: InkMask, band: PixelRect): string | undefined {
  if (chars.length !== xs.length || chars.length < 2) return undefined;
  const han = (c: string | undefined) => c !== undefined && /\p{Script=Han}/u.test(c);
  const steps: number[] = [];
  for (let i = 0; i + 1 < chars.length; i++) if (han(chars[i]) && han(chars[i + 1])) steps.push(xs[i + 1]! - xs[i]!);
  if (steps.length < 5) return undefined;
  const pitch = steps.sort((a, b) => a - b)[steps.length >> 1]!;
  const out: string[] = [];
  let changed = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const x = xs[i]!;
    let put = ch;
    if (ch === "，" || ch === ",") {
      if (lowMarkAt(mask, band, x - 0.45 * pitch, x + 0.45 * pitch) === "；") put = "；";
    } else if (ch === "一") {
      const mark = lowMarkAt(mask, band, x - 0.45 * pitch, x + 0.45 * pitch);
      if (mark === "、" || mark === "，" || mark === "。") put = mark;
    }
    if (put !== ch) changed = true;
    out.push(put);
    const next = xs[i + 1];
    // After a character or a closing bracket or quote, before a character or an opening one.
    const before = han(ch) || /[》）”』」]/u.test(ch);
    const after = han(chars[i + 1]) || /[《（“『「]/u.test(chars[i + 1] ?? "");
    if (next === undefined || next - x < MARK_GAP * pitch || !before || !after) continue;
    const mark = lowMarkAt(mask, band, x + 0.55 * pitch, next - 0.55 * pitch);
    if (mark === "、" || mark === "，") {
      out.push(mark);
      changed = true;
    }
  }
  return changed ? out.join("") : undefined;
}

/** Character pitches between two characters read, beyond which a mark between them may have been left out. */
const MARK_GAP = 1.7;
