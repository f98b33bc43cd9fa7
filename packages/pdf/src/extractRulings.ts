import type { Ruling } from "@jixiao/schemas";
import type { PageViewport, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { loadPdfjs } from "./withPdf.js";

/** Affine matrix [a, b, c, d, e, f]: (x, y) -> (a·x + c·y + e, b·x + d·y + f). */
export type Matrix = readonly [number, number, number, number, number, number];

/** The subset of pdf.js' OPS table the ruling walker needs (pass `pdfjs.OPS`). */
export type OpsTable = Readonly<Record<string, number>>;

/** What `page.getOperatorList()` returns (only the parts used here). */
export interface OperatorListLike {
  fnArray: ArrayLike<number>;
  argsArray: ArrayLike<unknown>;
}

/**
 * Path codes inside the `constructPath` buffer (pdf.js 5.x `DrawOPS`, not exported by the
 * library). Since 5.0 a path reaches the operator list as ONE op:
 *   constructPath [paintOp, [Float32Array | null], minMax | null]
 * where paintOp is the painting operator (OPS.stroke, OPS.fill, OPS.endPath, ...) and the
 * buffer is a flat list of DrawOPS codes each followed by its coordinates in user space
 * (`re` arrives already expanded to moveTo + 3 × lineTo + closePath).
 */
const DRAW_MOVE_TO = 0;
const DRAW_LINE_TO = 1;
const DRAW_CURVE_TO = 2;
const DRAW_QUADRATIC_CURVE_TO = 3;
const DRAW_CLOSE_PATH = 4;

/** A rule is horizontal/vertical when its ends differ by at most this much across (pt). */
const AXIS_TOLERANCE = 0.5;
/** Rectangles at most this thick (and longer than this) are rulings. */
const THIN_RECT = 3;
/** Merging: same position within this much, gaps up to this much are bridged (pt). */
const MERGE_POS_TOLERANCE = 1;
const MERGE_GAP = 2;
/** Merged rulings shorter than this are dropped (corner squares, specks). */
const MIN_RULING_LENGTH = 3;
/** Colours with every channel at least this are treated as white (invisible on paper). */
const NEAR_WHITE = 0xf0;

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface GState {
  ctm: Matrix;
  lineWidth: number;
  strokeVisible: boolean;
  fillVisible: boolean;
  strokeAlpha: number;
  fillAlpha: number;
  clip: Rect | null;
}

interface Subpath {
  /** Vertices in page space (top-left origin); curves break the vertex list. */
  points: Array<[number, number]>;
  /** Straight segments in page space. */
  segments: Array<[number, number, number, number]>;
  closed: boolean;
  hasCurve: boolean;
}

/** Product m·n: apply n first, then m (canvas `transform` semantics: ctm = ctm · n). */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

export function applyMatrix(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function asMatrix(v: unknown): Matrix | null {
  if (v === null || typeof v !== "object" || !("length" in v) || (v as ArrayLike<unknown>).length !== 6) return null;
  const a = Array.from(v as ArrayLike<unknown>);
  if (!a.every((x) => typeof x === "number" && Number.isFinite(x))) return null;
  return a as unknown as Matrix;
}

/** True when a colour argument (pdf.js 5 sends "#rrggbb") is white or nearly so. */
function isNearWhite(color: unknown): boolean {
  let rgb: number[] | null = null;
  if (typeof color === "string" && /^#[0-9a-f]{6}$/i.test(color)) {
    rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  } else if (Array.isArray(color) && color.length === 3 && color.every((c) => typeof c === "number")) {
    rgb = color as number[];
  }
  return rgb !== null && rgb.every((c) => c >= NEAR_WHITE);
}

/** Parses a constructPath buffer into subpaths transformed to page space. */
function parsePath(buf: ArrayLike<number>, ctm: Matrix): Subpath[] {
  const subpaths: Subpath[] = [];
  let cur: Subpath | null = null;
  let start: [number, number] = [0, 0];
  let last: [number, number] = [0, 0];
  const open = (p: [number, number]): Subpath => {
    const sp: Subpath = { points: [p], segments: [], closed: false, hasCurve: false };
    subpaths.push(sp);
    start = p;
    last = p;
    return sp;
  };
  for (let i = 0; i < buf.length; ) {
    const code = buf[i++];
    if (code === DRAW_MOVE_TO) {
      cur = open(applyMatrix(ctm, buf[i]!, buf[i + 1]!));
      i += 2;
    } else if (code === DRAW_LINE_TO) {
      const p = applyMatrix(ctm, buf[i]!, buf[i + 1]!);
      i += 2;
      // A lineTo right after closePath starts a new subpath at the closed one's start.
      if (!cur || cur.closed) cur = open(start);
      cur.segments.push([last[0], last[1], p[0], p[1]]);
      cur.points.push(p);
      last = p;
    } else if (code === DRAW_CURVE_TO || code === DRAW_QUADRATIC_CURVE_TO) {
      const n = code === DRAW_CURVE_TO ? 6 : 4;
      const p = applyMatrix(ctm, buf[i + n - 2]!, buf[i + n - 1]!);
      i += n;
      if (!cur || cur.closed) cur = open(start);
      cur.hasCurve = true;
      cur.points.push(p);
      last = p;
    } else if (code === DRAW_CLOSE_PATH) {
      if (cur && !cur.closed) {
        if (last[0] !== start[0] || last[1] !== start[1]) cur.segments.push([last[0], last[1], start[0], start[1]]);
        cur.closed = true;
        last = start;
      }
    } else {
      break; // unknown code: the rest of the buffer cannot be parsed reliably
    }
  }
  return subpaths;
}

/** The axis-aligned rectangle a subpath draws, or null when it is anything else. */
function subpathRect(sp: Subpath): Rect | null {
  if (sp.hasCurve) return null;
  const pts = sp.points.slice();
  const first = pts[0];
  const lastPt = pts[pts.length - 1];
  if (pts.length === 5 && first && lastPt && Math.abs(first[0] - lastPt[0]) < 0.01 && Math.abs(first[1] - lastPt[1]) < 0.01) {
    pts.pop();
  }
  if (pts.length !== 4) return null;
  for (let k = 0; k < 4; k++) {
    const p = pts[k]!;
    const q = pts[(k + 1) % 4]!;
    if (Math.abs(p[0] - q[0]) > AXIS_TOLERANCE && Math.abs(p[1] - q[1]) > AXIS_TOLERANCE) return null;
  }
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function intersect(a: Rect | null, b: Rect): Rect {
  if (!a) return b;
  return { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
}

/** A horizontal or vertical segment as a ruling, or null when it is slanted or empty. */
function segmentRuling(x1: number, y1: number, x2: number, y2: number, width: number): Ruling | null {
  const dx = Math.abs(x2 - x1);
  const dy = Math.abs(y2 - y1);
  if (dy <= AXIS_TOLERANCE && dx > dy) {
    return { orientation: "h", pos: (y1 + y2) / 2, from: Math.min(x1, x2), to: Math.max(x1, x2), width };
  }
  if (dx <= AXIS_TOLERANCE && dy > dx) {
    return { orientation: "v", pos: (x1 + x2) / 2, from: Math.min(y1, y2), to: Math.max(y1, y2), width };
  }
  return null;
}

/** A thin rectangle as one ruling (its centre line), or null when it is not thin. */
function thinRectRuling(r: Rect, extraWidth: number): Ruling | null {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  if (h <= THIN_RECT && w > THIN_RECT && h <= w) {
    return { orientation: "h", pos: (r.y0 + r.y1) / 2, from: r.x0, to: r.x1, width: h + extraWidth };
  }
  if (w <= THIN_RECT && h > THIN_RECT) {
    return { orientation: "v", pos: (r.x0 + r.x1) / 2, from: r.y0, to: r.y1, width: w + extraWidth };
  }
  return null;
}

/** Cuts a ruling to the clip rectangle; null when nothing is left. */
function clipRuling(r: Ruling, clip: Rect | null): Ruling | null {
  if (!clip) return r;
  const tol = 0.5;
  const [across0, across1, along0, along1] =
    r.orientation === "h" ? [clip.y0, clip.y1, clip.x0, clip.x1] : [clip.x0, clip.x1, clip.y0, clip.y1];
  if (r.pos < across0 - tol || r.pos > across1 + tol) return null;
  const from = Math.max(r.from, along0);
  const to = Math.min(r.to, along1);
  if (to - from <= 0) return null;
  return { ...r, from, to };
}

/**
 * Collects ruling segments from an operator list. `pageTransform` maps PDF user space to the
 * page model's space (the viewport transform at scale 1: top-left origin, y down, /Rotate
 * applied). Segments are returned unmerged; see `mergeRulings`.
 */
export function collectRulingSegments(opList: OperatorListLike, pageTransform: Matrix, OPS: OpsTable): Ruling[] {
  const op = (name: string): number => OPS[name] ?? -1;
  const O = {
    save: op("save"),
    restore: op("restore"),
    transform: op("transform"),
    setLineWidth: op("setLineWidth"),
    setGState: op("setGState"),
    setStrokeRGBColor: op("setStrokeRGBColor"),
    setFillRGBColor: op("setFillRGBColor"),
    setStrokeTransparent: op("setStrokeTransparent"),
    setFillTransparent: op("setFillTransparent"),
    setStrokeColorN: op("setStrokeColorN"),
    setFillColorN: op("setFillColorN"),
    clip: op("clip"),
    eoClip: op("eoClip"),
    constructPath: op("constructPath"),
    paintFormXObjectBegin: op("paintFormXObjectBegin"),
    paintFormXObjectEnd: op("paintFormXObjectEnd"),
    beginGroup: op("beginGroup"),
    endGroup: op("endGroup"),
  };
  const strokeOps = new Set(
    ["stroke", "closeStroke", "fillStroke", "eoFillStroke", "closeFillStroke", "closeEOFillStroke"].map(op),
  );
  const fillOps = new Set(
    ["fill", "eoFill", "fillStroke", "eoFillStroke", "closeFillStroke", "closeEOFillStroke"].map(op),
  );

  let gs: GState = {
    ctm: pageTransform,
    lineWidth: 1,
    strokeVisible: true,
    fillVisible: true,
    strokeAlpha: 1,
    fillAlpha: 1,
    clip: null,
  };
  const stack: GState[] = [];
  let pendingClip = false;
  const out: Ruling[] = [];
  const emit = (r: Ruling | null): void => {
    const c = r && clipRuling(r, gs.clip);
    if (c) out.push(c);
  };

  const n = opList.fnArray.length;
  for (let i = 0; i < n; i++) {
    const fn = opList.fnArray[i];
    const args = opList.argsArray[i] as unknown[] | null | undefined;
    switch (fn) {
      case O.save:
      case O.beginGroup:
        stack.push(gs);
        gs = { ...gs };
        if (fn === O.beginGroup) {
          gs.strokeAlpha = 1;
          gs.fillAlpha = 1;
        }
        break;
      case O.restore:
      case O.endGroup:
      case O.paintFormXObjectEnd:
        gs = stack.pop() ?? gs;
        break;
      case O.transform: {
        const m = asMatrix(args);
        if (m) gs.ctm = multiply(gs.ctm, m);
        break;
      }
      case O.paintFormXObjectBegin: {
        stack.push(gs);
        gs = { ...gs };
        const m = asMatrix(args?.[0]);
        if (m) gs.ctm = multiply(gs.ctm, m);
        break;
      }
      case O.setLineWidth:
        if (typeof args?.[0] === "number") gs.lineWidth = args[0];
        break;
      case O.setGState: {
        const entries = args?.[0];
        if (!Array.isArray(entries)) break;
        for (const entry of entries) {
          if (!Array.isArray(entry)) continue;
          const [key, value] = entry as [unknown, unknown];
          if (typeof value !== "number") continue;
          if (key === "LW") gs.lineWidth = value;
          else if (key === "CA") gs.strokeAlpha = value;
          else if (key === "ca") gs.fillAlpha = value;
        }
        break;
      }
      case O.setStrokeRGBColor:
        gs.strokeVisible = !isNearWhite(args?.[0]);
        break;
      case O.setFillRGBColor:
        gs.fillVisible = !isNearWhite(args?.[0]);
        break;
      case O.setStrokeTransparent:
        gs.strokeVisible = false;
        break;
      case O.setFillTransparent:
        gs.fillVisible = false;
        break;
      case O.setStrokeColorN: // pattern colour: unknown, assume visible
        gs.strokeVisible = true;
        break;
      case O.setFillColorN:
        gs.fillVisible = true;
        break;
      case O.clip:
      case O.eoClip:
        pendingClip = true;
        break;
      case O.constructPath: {
        const paintOp = args?.[0];
        const data = args?.[1];
        const buf = Array.isArray(data) ? (data[0] as unknown) : null;
        const isBuffer = buf instanceof Float32Array || Array.isArray(buf);
        const subpaths = isBuffer ? parsePath(buf as ArrayLike<number>, gs.ctm) : [];
        if (pendingClip) {
          pendingClip = false;
          // Only rectangular clips are tracked (Chrome clips to the page's content box).
          const rects = subpaths.map(subpathRect);
          const only = rects.length === 1 ? rects[0] : null;
          if (only) gs.clip = intersect(gs.clip, only);
        }
        if (typeof paintOp !== "number" || subpaths.length === 0) break;
        const stroke = strokeOps.has(paintOp) && gs.strokeVisible && gs.strokeAlpha > 0.05;
        const fill = fillOps.has(paintOp) && gs.fillVisible && gs.fillAlpha > 0.05;
        if (!stroke && !fill) break;
        const scale = Math.sqrt(Math.abs(gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]));
        const lw = gs.lineWidth * scale;
        for (const sp of subpaths) {
          const rect = subpathRect(sp);
          if (fill && rect) emit(thinRectRuling(rect, 0));
          if (!stroke) continue;
          if (rect && (sp.closed || sp.points.length === 5)) {
            const w = rect.x1 - rect.x0;
            const h = rect.y1 - rect.y0;
            const thin = thinRectRuling(rect, lw);
            if (thin) emit(thin);
            else if (w > THIN_RECT && h > THIN_RECT) {
              emit({ orientation: "h", pos: rect.y0, from: rect.x0, to: rect.x1, width: lw });
              emit({ orientation: "h", pos: rect.y1, from: rect.x0, to: rect.x1, width: lw });
              emit({ orientation: "v", pos: rect.x0, from: rect.y0, to: rect.y1, width: lw });
              emit({ orientation: "v", pos: rect.x1, from: rect.y0, to: rect.y1, width: lw });
            }
            continue;
          }
          for (const [x1, y1, x2, y2] of sp.segments) emit(segmentRuling(x1, y1, x2, y2, lw));
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/**
 * Merges collinear segments: same orientation, positions within 1 pt, overlapping or with a
 * gap of at most 2 pt. The merged position is the length-weighted mean, the width the largest.
 * Result is sorted: horizontal first, then by position and start.
 */
export function mergeRulings(segments: readonly Ruling[]): Ruling[] {
  const out: Ruling[] = [];
  for (const orientation of ["h", "v"] as const) {
    const segs = segments.filter((s) => s.orientation === orientation).sort((a, b) => a.pos - b.pos);
    // Cluster by position against the running mean, so a ladder of close lines cannot chain.
    const clusters: Ruling[][] = [];
    let cluster: Ruling[] = [];
    let mean = 0;
    for (const s of segs) {
      if (cluster.length > 0 && s.pos - mean > MERGE_POS_TOLERANCE) {
        clusters.push(cluster);
        cluster = [];
      }
      cluster.push(s);
      mean += (s.pos - mean) / cluster.length;
    }
    if (cluster.length > 0) clusters.push(cluster);

    for (const c of clusters) {
      c.sort((a, b) => a.from - b.from);
      let acc: { from: number; to: number; width: number; posSum: number; lenSum: number; n: number; posPlain: number } | null =
        null;
      const flush = (): void => {
        if (!acc) return;
        const pos = acc.lenSum > 0 ? acc.posSum / acc.lenSum : acc.posPlain / acc.n;
        if (acc.to - acc.from >= MIN_RULING_LENGTH) {
          out.push({ orientation, pos: round(pos), from: round(acc.from), to: round(acc.to), width: round(acc.width) });
        }
      };
      for (const s of c) {
        const len = s.to - s.from;
        if (acc && s.from <= acc.to + MERGE_GAP) {
          acc.to = Math.max(acc.to, s.to);
          acc.width = Math.max(acc.width, s.width);
          acc.posSum += s.pos * len;
          acc.lenSum += len;
          acc.posPlain += s.pos;
          acc.n++;
        } else {
          flush();
          acc = { from: s.from, to: s.to, width: s.width, posSum: s.pos * len, lenSum: len, n: 1, posPlain: s.pos };
        }
      }
      flush();
    }
  }
  return out.sort((a, b) =>
    a.orientation !== b.orientation ? (a.orientation === "h" ? -1 : 1) : a.pos - b.pos || a.from - b.from,
  );
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * Table borders of a page as merged rulings in page space (top-left origin, points, /Rotate
 * applied through the viewport at scale 1).
 */
export async function extractRulings(page: PDFPageProxy, viewport?: PageViewport): Promise<Ruling[]> {
  const pdfjs = await loadPdfjs();
  const vp = viewport ?? page.getViewport({ scale: 1 });
  const opList = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
  const transform = asMatrix(vp.transform);
  if (!transform) throw new Error("unexpected viewport transform");
  return mergeRulings(collectRulingSegments(opList, transform, pdfjs.OPS as unknown as OpsTable));
}
