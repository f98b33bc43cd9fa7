import { foldRadicals, isCjkLike } from "@jixiao/core";
import type { BBox, Ruling, TextItem } from "@jixiao/schemas";
import type { PageViewport, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { applyMatrix, multiply, type Matrix } from "./extractRulings.js";

/** Ascent and descent as fractions of the font size (CJK fonts: em box ≈ 0.88 / 0.12). */
const ASCENT = 0.88;
const DESCENT = 0.12;
/** Two glyphs share a line when their baselines differ by less than this × size. */
const SAME_LINE = 0.3;
/** Glyphs join into one run when the gap between them is below this × size... */
const JOIN_GAP = 0.6;
/**
 * Between two CJK glyphs (set solid, full-width advance) a smaller gap already separates two
 * fields: a value that fills its column stops less than half an em before the next label.
 */
const CJK_JOIN_GAP = 0.35;
/** ...and a space is inserted when the gap exceeds this × size (or the text layer had one). */
const SPACE_GAP = 0.25;
/**
 * The next glyph must start at least this × size after the previous glyph's start. Not measured
 * from the previous glyph's end: Chrome squeezes adjacent CJK punctuation ("）》", "》《") to
 * half width, so such a glyph starts well inside the previous glyph's advance.
 */
const MIN_ADVANCE = 0.1;
/** A space item narrower than this × size between Chinese and Latin text is autospacing. */
const AUTOSPACE_MAX = 0.23;
/** A ruling blocks a join when it overlaps the text band by more than this × band height. */
const RULING_OVERLAP = 0.25;

/** The fields of a pdf.js text item used here. */
export interface PdfTextItemLike {
  str: string;
  transform: ArrayLike<number>;
  width: number;
  height: number;
}

/** One text-layer item (usually one glyph) in page space. */
export interface Glyph {
  text: string;
  /** Baseline start in page space (top-left origin, y down). */
  x: number;
  y: number;
  /** Unit vector of the writing direction in page space. */
  dx: number;
  dy: number;
  /** Advance along the writing direction (pt). */
  advance: number;
  /** Font size (pt). */
  size: number;
  bbox: BBox;
  /** True for whitespace-only items (the text layer's spaces). */
  space: boolean;
}

/**
 * Converts a pdf.js text item to a glyph in page space. `pageTransform` is the viewport
 * transform at scale 1 (PDF user space -> top-left page space, /Rotate applied).
 */
export function glyphFromItem(item: PdfTextItemLike, pageTransform: Matrix): Glyph | null {
  const t = item.transform;
  if (t.length < 6) return null;
  const m = multiply(pageTransform, [t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!]);
  // In glyph space (1 unit = the font size) the baseline runs along x and "up" along y.
  const along = Math.hypot(m[0], m[1]);
  const up = Math.hypot(m[2], m[3]);
  const size = up > 0 ? up : along;
  if (!(size > 0) || !Number.isFinite(size)) return null;
  const [x, y] = applyMatrix(m, 0, 0);
  const dx = along > 0 ? m[0] / along : 1;
  const dy = along > 0 ? m[1] / along : 0;
  const ux = up > 0 ? m[2] / up : 0;
  const uy = up > 0 ? m[3] / up : -1;
  const advance = Math.max(0, item.width);
  return {
    text: item.str,
    x,
    y,
    dx,
    dy,
    advance,
    size,
    bbox: boxOf(x, y, dx, dy, ux, uy, 0, advance, ASCENT * size, -DESCENT * size),
    space: item.str.trim() === "",
  };
}

/**
 * The bounding box of the four corners (x, y) + (dx, dy)·a + (ux, uy)·v for a in {a0, a1} and
 * v in {v0, v1}: a glyph's box from its baseline start, writing direction and up direction.
 * Scalar code (this runs for every character of every page), with the same arithmetic per corner.
 */
function boxOf(x: number, y: number, dx: number, dy: number, ux: number, uy: number, a0: number, a1: number, v0: number, v1: number): BBox {
  const x00 = x + dx * a0 + ux * v0;
  const x01 = x + dx * a0 + ux * v1;
  const x10 = x + dx * a1 + ux * v0;
  const x11 = x + dx * a1 + ux * v1;
  const y00 = y + dy * a0 + uy * v0;
  const y01 = y + dy * a0 + uy * v1;
  const y10 = y + dy * a1 + uy * v0;
  const y11 = y + dy * a1 + uy * v1;
  return {
    x0: Math.min(x00, x01, x10, x11),
    y0: Math.min(y00, y01, y10, y11),
    x1: Math.max(x00, x01, x10, x11),
    y1: Math.max(y00, y01, y10, y11),
  };
}

/** Nominal advance of a character in ems, for placing the characters of a multi-glyph item. */
function nominalAdvance(ch: string): number {
  return isCjkLike(ch) ? 1 : 0.55;
}

/**
 * Splits a glyph that holds several characters (producers such as LibreOffice and Word draw a
 * whole string with one operator, and pdf.js joins nearby strings with a space) into one glyph
 * per character, placed by nominal advances: CJK characters one em, others about half, spaces
 * taking what is left of the item's width. A string that runs over a cell border can then be
 * cut at the ruling like single glyphs are.
 */
function splitGlyph(g: Glyph): Glyph[] {
  const chars = [...g.text];
  if (chars.length < 2 || g.space) return [g];
  const spaces = chars.filter((c) => c.trim() === "").length;
  const ink = chars.reduce((s, c) => s + (c.trim() === "" ? 0 : nominalAdvance(c)), 0) * g.size;
  // Without spaces the characters share the width in proportion; with spaces, the spaces absorb
  // what the characters' nominal widths leave over (a gap pdf.js turned into one space).
  const spaceWidth = spaces ? Math.max(0, g.advance - ink) / spaces : 0;
  const scale = spaces ? Math.min(1, g.advance / Math.max(ink, 1e-9)) : g.advance / Math.max(ink, 1e-9);
  const nx = -g.dy;
  const ny = g.dx;
  // The band across the writing direction is the item's own; only the extent along it changes.
  const across0 = (g.bbox.x0 - g.x) * nx + (g.bbox.y0 - g.y) * ny;
  const across1 = (g.bbox.x1 - g.x) * nx + (g.bbox.y1 - g.y) * ny;
  const out: Glyph[] = [];
  let at = 0;
  for (const ch of chars) {
    const space = ch.trim() === "";
    const adv = space ? spaceWidth : nominalAdvance(ch) * g.size * scale;
    const x = g.x + g.dx * at;
    const y = g.y + g.dy * at;
    out.push({
      text: ch, x, y, dx: g.dx, dy: g.dy, advance: adv, size: g.size,
      bbox: boxOf(g.x, g.y, g.dx, g.dy, nx, ny, at, at + adv, across0, across1),
      space,
    });
    at += adv;
  }
  return out;
}

interface Run {
  text: string;
  glyphs: Glyph[];
  last: Glyph;
  /** Width of the space item the text layer had after the last glyph (0: none). */
  pendingSpace: number;
}

/**
 * True when a ruling perpendicular to the writing direction lies between the centres of two
 * glyphs and crosses their text band: they sit in different cells and must not be joined.
 */
function rulingBetween(a: Glyph, b: Glyph, rulings: readonly Ruling[]): boolean {
  const horizontal = Math.abs(a.dx) >= Math.abs(a.dy);
  const orientation = horizontal ? "v" : "h";
  // Centres along the writing axis and the text band across it, in page coordinates.
  const centreA = horizontal ? (a.bbox.x0 + a.bbox.x1) / 2 : (a.bbox.y0 + a.bbox.y1) / 2;
  const centreB = horizontal ? (b.bbox.x0 + b.bbox.x1) / 2 : (b.bbox.y0 + b.bbox.y1) / 2;
  const lo = Math.min(centreA, centreB);
  const hi = Math.max(centreA, centreB);
  const band0 = horizontal ? Math.min(a.bbox.y0, b.bbox.y0) : Math.min(a.bbox.x0, b.bbox.x0);
  const band1 = horizontal ? Math.max(a.bbox.y1, b.bbox.y1) : Math.max(a.bbox.x1, b.bbox.x1);
  const minOverlap = RULING_OVERLAP * (band1 - band0);
  for (const r of rulings) {
    if (r.orientation !== orientation || r.pos <= lo || r.pos >= hi) continue;
    if (Math.min(r.to, band1) - Math.max(r.from, band0) > minOverlap) return true;
  }
  return false;
}

/** How `next` attaches to the end of `run`: null = start a new run, else the separator. */
function joinSeparator(run: Run, next: Glyph, rulings: readonly Ruling[]): string | null {
  const prev = run.last;
  if (prev.dx * next.dx + prev.dy * next.dy < 0.99) return null; // different direction
  const size = Math.max(prev.size, next.size);
  const ex = next.x - prev.x;
  const ey = next.y - prev.y;
  const along = ex * prev.dx + ey * prev.dy;
  const across = ey * prev.dx - ex * prev.dy;
  if (Math.abs(across) >= SAME_LINE * size) return null;
  const gap = along - prev.advance;
  const cjkPair = isCjkLike([...prev.text].pop()) && isCjkLike([...next.text][0]);
  if (gap >= (cjkPair ? CJK_JOIN_GAP : JOIN_GAP) * size || along < MIN_ADVANCE * size) return null;
  if (rulingBetween(prev, next, rulings)) return null;
  // Word processors widen the gap between Chinese and Latin text by about a fifth of an em
  // (LibreOffice's and Word's "autospace"); a space item that narrow at such a boundary is that
  // spacing, not a space in the text.
  const boundary = isCjkLike([...prev.text].pop()) !== isCjkLike([...next.text][0]);
  const spaceItem = run.pendingSpace > 0 && (!boundary || run.pendingSpace >= AUTOSPACE_MAX * size);
  const needSpace = spaceItem || gap > SPACE_GAP * size;
  if (!needSpace || run.text.endsWith(" ") || next.text.startsWith(" ")) return "";
  return " ";
}

function isDuplicate(a: Glyph, b: Glyph): boolean {
  // Fake-bold producers draw the same glyph twice at (almost) the same place.
  const tol = 0.05 * Math.max(a.size, b.size);
  return a.text === b.text && Math.abs(a.x - b.x) < tol && Math.abs(a.y - b.y) < tol;
}

function union(a: BBox, b: BBox): BBox {
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * Merges glyphs (in content-stream order) into runs: consecutive glyphs on the same baseline
 * with a gap below 0.6 × size join, with one space inserted where the text layer had a space
 * or the gap exceeds 0.25 × size. A run never crosses a ruling perpendicular to it (a table
 * cell border). Radical look-alikes are folded to ideographs; text is otherwise kept as is.
 */
export function mergeGlyphs(glyphs: readonly Glyph[], rulings: readonly Ruling[] = []): TextItem[] {
  const runs: Run[] = [];
  let run: Run | null = null;
  for (const g of glyphs) {
    if (g.space) {
      if (run) run.pendingSpace = Math.max(run.pendingSpace, g.advance || 1e-3);
      continue;
    }
    if (g.text === "") continue;
    if (run && isDuplicate(run.last, g)) continue;
    const sep = run ? joinSeparator(run, g, rulings) : null;
    if (run && sep !== null) {
      run.text += sep + g.text;
      run.glyphs.push(g);
      run.last = g;
      run.pendingSpace = 0;
    } else {
      run = { text: g.text, glyphs: [g], last: g, pendingSpace: 0 };
      runs.push(run);
    }
  }
  return runs.map((r) => {
    const bbox = r.glyphs.map((g) => g.bbox).reduce(union);
    return {
      text: foldRadicals(r.text),
      bbox: { x0: round(bbox.x0), y0: round(bbox.y0), x1: round(bbox.x1), y1: round(bbox.y1) },
      size: round(Math.max(...r.glyphs.map((g) => g.size))),
      confidence: 1,
      origin: "pdf-text" as const,
    };
  });
}

/** Glyphs of a page's text content in page space (viewport transform applied), split per character. */
export function glyphsOf(content: { items: readonly unknown[] }, viewport: PageViewport): Glyph[] {
  const t = viewport.transform;
  const pageTransform: Matrix = [t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!];
  const glyphs: Glyph[] = [];
  for (const item of content.items) {
    if (!item || typeof item !== "object" || !("str" in item)) continue; // marked-content markers
    const g = glyphFromItem(item as PdfTextItemLike, pageTransform);
    if (!g) continue;
    if (g.space || g.text.length < 2) glyphs.push(g); // one character: nothing to split (splitGlyph would return it)
    else for (const part of splitGlyph(g)) glyphs.push(part);
  }
  return glyphs;
}
