import type { Ruling } from "@jixiao/schemas";
import type { InkMask } from "./greyImage.js";
import { mergeCollinear, segments, splitCore, thickened, toRuling, type FoundRuling } from "./rulingRuns.js";

export type { FoundRuling, Run } from "./rulingRuns.js";

export type FindRulingsOptions = {
  /** Resolution of the mask; every length below defaults to a physical size at this dpi. Default 300. */
  dpi?: number;
  /** Shortest horizontal segment kept when it meets vertical rulings at both ends. Default 0.2 in. */
  minHorizontal?: number;
  /** Shortest vertical segment kept when it meets horizontal rulings at both ends. Default 0.12 in. */
  minVertical?: number;
  /** Segments at least this long are kept without support from the other direction. Default 0.8 in. */
  strongLength?: number;
  /** Thickest line accepted (pixels). Default 0.04 in. */
  maxThickness?: number;
  /** Gaps up to this many pixels inside a run are bridged (grain, JPEG blocks). Default dpi / 150. */
  maxGap?: number;
  /**
   * A thin line that wanders by a pixel across (a deskewed one-pixel ruling, a ragged
   * thresholded stroke) is scanned as if a pixel thicker: ink on a row or the next counts. Default false.
   */
  wobble?: boolean;
  /**
   * Found rulings are extended at both ends along their line through gaps up to this many pixels
   * (a dotted, broken border). Default 0 (off).
   */
  extendGap?: number;
  /** Drop "rulings" with ink beside them on most of their length (aligned text strokes). Default true. */
  textCheck?: boolean;
};

/**
 * Share of a ruling's length with ink just beside it (on one side) from which it may be a row of
 * characters' aligned strokes rather than a table line: such a piece is not kept on its length
 * alone, and is not extended over blank paper to the rulings across it.
 */
const TEXT_SIDE_INK = 0.3;

/** Share of a length with ink (specks, a crossing line's edge) that still counts as blank paper. */
const BLANK_SHARE = 0.08;

/**
 * Widest blank strip (inches) between a cell's border and the edge of the text inside it that
 * is taken for the cell's padding rather than a row of its own. Forms centre a line of text in a
 * row drawn for two (0.17 in of padding measured on a generated 200 dpi form); a row of its own
 * holds a line of text (≥ 0.12 in) with room around it, so no blank row is this narrow.
 */
const MAX_PADDING_STRIP = 0.2;

/**
 * Share of its length a ruling with text along one side must be solid ink (within its width and
 * a pixel) to be kept. The aligned bottoms of a row of characters, bridged into a "line", leave
 * the gaps between the characters (0.49–0.62 of the length measured on a 200 dpi bitonal
 * spreadsheet scan, where such a line ran from border to border under the first line of a
 * wrapped cell); a printed border with text crammed against it is solid (≥ 0.99 on the same
 * page). A dotted border clear of text is not affected.
 */
const MIN_SOLID_BESIDE_TEXT = 0.85;

/** Whether some pixel across the line at `along`, within [lo, hi] across, is ink. */
function inkAcross(mask: InkMask, o: "h" | "v", along: number, lo: number, hi: number): boolean {
  const { width, height, data } = mask;
  const max = o === "h" ? height - 1 : width - 1;
  for (let c = Math.max(0, lo); c <= Math.min(max, hi); c++) {
    if (o === "h" ? data[c * width + along] : data[along * width + c]) return true;
  }
  return false;
}

/**
 * Share of the positions along a ruling with ink on both sides of it, just clear of its width
 * (`off` pixels) and up to `reach` further. A table line has clear paper beside it except where
 * other lines cross it; a "line" made of the aligned strokes of a row of characters is inside
 * their ink.
 */
export function sandwiched(mask: InkMask, r: Ruling, off: number, reach: number): number {
  return besideInk(mask, r, off, reach).both;
}

/** Shares of the positions along a ruling with ink beside it: on side a, side b, both. */
export function besideInk(mask: InkMask, r: Ruling, off: number, reach: number): { a: number; b: number; both: number } {
  const o = r.orientation;
  const half = r.width / 2 + off;
  const aLo = Math.floor(r.pos - half - reach);
  const aHi = Math.floor(r.pos - half);
  const bLo = Math.ceil(r.pos + half);
  const bHi = Math.ceil(r.pos + half + reach);
  const len = o === "h" ? mask.width : mask.height;
  let n = 0;
  let both = 0;
  let na = 0;
  let nb = 0;
  for (let a = Math.max(0, Math.floor(r.from)); a < Math.min(len, Math.ceil(r.to)); a++) {
    n++;
    const ia = inkAcross(mask, o, a, aLo, aHi);
    const ib = inkAcross(mask, o, a, bLo, bHi);
    if (ia) na++;
    if (ib) nb++;
    if (ia && ib) both++;
  }
  return n ? { a: na / n, b: nb / n, both: both / n } : { a: 0, b: 0, both: 0 };
}

/**
 * Extends a ruling at both ends through broken ink along its line: from an end, ink within the
 * ruling's width (plus a pixel) is followed as long as no gap exceeds `gap` and the extension is
 * mostly ink. The rulings of the other direction that cross the line (`stops`) cut it into
 * sections: the section the end lies in is extended as far as its ink goes; the line goes on
 * through a crossing into the next section only where its ink reaches the next crossing and
 * that section is `lineLike` (clear of text): a border broken at a junction, or missing a
 * whole cell's length, is completed, but a line does not run on into a merged cell's text.
 */
function extend(
  mask: InkMask,
  r: FoundRuling,
  gap: number,
  stops: number[],
  tol: number,
  lineLike: (from: number, to: number) => boolean,
  strict = false,
): FoundRuling {
  const o = r.orientation;
  const lo = Math.floor(r.pos - r.width / 2 - 1);
  const hi = Math.ceil(r.pos + r.width / 2);
  const len = o === "h" ? mask.width : mask.height;
  const walk = (start: number, dir: 1 | -1): number => {
    const ahead = stops.filter((p) => (p - start) * dir > -tol).sort((x, y) => (x - y) * dir);
    let cur = start;
    // An end already on a crossing ruling only goes on through it into a line-like section.
    let free = !ahead.some((p) => Math.abs(p - start) <= tol);
    for (;;) {
      const next = ahead.find((p) => (p - cur) * dir > tol);
      const limit = next ?? (dir > 0 ? len - 1 : 0);
      let last = cur;
      let inked = 0;
      for (let a = cur + dir; (a - limit) * dir <= 0 && Math.abs(a - last) <= gap; a += dir) {
        if (inkAcross(mask, o, a, lo, hi)) {
          last = a;
          inked++;
        }
      }
      // A dotted line is mostly ink; scattered specks are not.
      const span = Math.abs(last - cur);
      const reached = next !== undefined && Math.abs(next - last) <= gap;
      const end = Math.round(limit);
      if (free) {
        if (!reached) return span > 0 && inked >= 0.5 * span ? last : cur;
        // `strict`: the way to the crossing must be mostly ink as well (no blank bridged).
        if (strict && inked < 0.5 * Math.abs(end - cur)) return span > 0 && inked >= 0.5 * span ? last : cur;
        cur = end;
        free = false;
        continue;
      }
      if (!reached || inked < 0.6 * Math.abs(end - cur) || !lineLike(Math.min(cur, end), Math.max(cur, end))) return cur;
      cur = end;
    }
  };
  const from = walk(Math.floor(r.from), -1);
  const to = walk(Math.ceil(r.to) - 1, 1) + 1;
  return from === r.from && to === r.to ? r : { ...r, from, to };
}

/**
 * Finds the horizontal and vertical table lines of a binarized, deskewed page.
 *
 * Rows and columns are scanned for long runs of ink (small gaps bridged); runs on neighbouring
 * rows that overlap form a segment, whose position is the ink-weighted centre and whose width is
 * its thickness. Long segments are kept outright; shorter ones only where both ends meet a
 * ruling of the other direction (a short cell border), which rejects strokes of characters.
 */
export function findRulings(mask: InkMask, options: FindRulingsOptions = {}): FoundRuling[] {
  const dpi = options.dpi ?? 300;
  const minH = options.minHorizontal ?? Math.round(dpi * 0.2);
  const minV = options.minVertical ?? Math.round(dpi * 0.12);
  const strong = options.strongLength ?? Math.round(dpi * 0.8);
  const maxThick = options.maxThickness ?? Math.max(3, dpi * 0.04);
  const maxGap = options.maxGap ?? Math.max(1, Math.round(dpi / 150));
  const tol = Math.max(4, dpi / 30);

  const wobble = options.wobble ?? false;
  const build = (o: "h" | "v", minLen: number) =>
    mergeCollinear(
      segments(wobble ? thickened(mask, o) : mask, o, minLen, maxGap)
        .flatMap((g) => splitCore(g, Math.ceil(maxThick) + 1))
        .map((g) => {
          const r = toRuling(g, o);
          // The thickened mask has each line a pixel thicker, half a pixel before it.
          if (wobble) {
            r.pos += 0.5;
            r.width = Math.max(1, r.width - 1);
          }
          return r;
        })
        .filter((r) => r.to - r.from >= minLen && r.width <= maxThick),
      Math.max(2, dpi / 100),
      Math.max(2, dpi / 30),
    ).filter((r) => r.width <= maxThick);

  // Aligned strokes of a row (or column) of characters can line up into a "ruling" (their
  // tops, bottoms or middles, more so where gaps are bridged); such a line runs along the
  // characters' ink, which lies beside it on most of its length, on one side or on both.
  // A table line has paper beside it except where lines cross it or text comes close: a line
  // with ink on both sides is dropped; one with ink along one side (text crammed against a
  // border, or a row of characters) is not taken for a table line on its length alone.
  const off = 2;
  const reach = Math.max(3, Math.round(dpi / 40));
  const textCheck = options.textCheck ?? true;
  const sideInk = new WeakMap<FoundRuling, number>();
  const clear = (r: FoundRuling, maxSide = 1) => {
    if (!textCheck) return true;
    const s = besideInk(mask, r, off, reach);
    sideInk.set(r, Math.max(s.a, s.b));
    return s.both < 0.2 && Math.max(s.a, s.b) <= maxSide;
  };
  const inky = (r: FoundRuling) => (sideInk.get(r) ?? 0) >= TEXT_SIDE_INK;
  const long = (r: FoundRuling) => r.to - r.from >= strong && !inky(r);
  let hs = build("h", minH).filter((r) => clear(r));
  let vs = build("v", minV).filter((r) => clear(r));
  const extendGap = options.extendGap ?? 0;
  if (extendGap > 0) {
    // Lines broken into pieces: extend each piece along its line (up to the next ruling across
    // it), keep the extension only where the line stays clear of text, and merge the pieces.
    const grown = (rs: FoundRuling[], others: FoundRuling[]) =>
      mergeCollinear(
        rs.map((r) => {
          // A short upright piece may be a character's stroke (a "1"): only pieces as long as
          // two short cell borders are extended.
          if (r.orientation === "v" && r.to - r.from < 2 * minV) return r;
          const stops = others.filter((x) => r.pos >= x.from - tol && r.pos <= x.to + tol).map((x) => x.pos);
          const lineLike = (from: number, to: number) => {
            const side = besideInk(mask, { ...r, from, to }, off, reach);
            return side.both < 0.2 && Math.max(side.a, side.b) < 0.3;
          };
          // A piece with ink along a side on much of its length may be the aligned bottoms (or
          // tops) of a row of characters, which stops where the text stops, short of the cell's
          // borders: bridging that blank to the borders would make it a "ruling" that meets
          // both and so cuts a merged cell's text in two (an extra table row). Such a piece
          // only reaches a crossing ruling with its own ink; a real border crammed against
          // text meets the borders at its junctions anyway.
          const e = extend(mask, r, extendGap, stops, Math.max(2, Math.round(dpi / 100)), lineLike, (sideInk.get(r) ?? 0) >= TEXT_SIDE_INK);
          return e === r || clear(e, Math.max(0.5, (sideInk.get(r) ?? 0) + 0.05)) ? e : r;
        }),
        Math.max(2, dpi / 100),
        Math.max(2, dpi / 30),
      );
    const h0 = hs;
    hs = grown(hs, vs).filter((r) => clear(r));
    vs = grown(vs, h0).filter((r) => clear(r));
  }

  // A row of characters just inside a cell can line up into a "ruling" along its tops or
  // bottoms, a padding's width from the cell's real border, which runs on the other side of a
  // blank strip: a strip narrower than any row can be (a line of text is taller) holds no row.
  // Such a piece, with the text on its far side, is the text's edge, not a border.
  if (textCheck) hs = hs.filter((r) => !textEdgeBesideBorder(mask, r, hs, off, reach, Math.round(dpi * MAX_PADDING_STRIP), tol));
  // A "ruling" along text that is broken where the characters' gaps are is their edge.
  if (textCheck) {
    const solid = (r: FoundRuling) => !inky(r) || solidShare(mask, r) >= MIN_SOLID_BESIDE_TEXT;
    hs = hs.filter(solid);
    vs = vs.filter(solid);
  }

  // A ruling end "meets" a ruling of the other direction when it lies on it (within tol).
  const meets = (end: number, pos: number, other: FoundRuling) =>
    Math.abs(other.pos - end) <= tol + other.width / 2 && pos >= other.from - tol && pos <= other.to + tol;
  const crosses = (r: FoundRuling, other: FoundRuling) =>
    other.pos >= r.from - tol && other.pos <= r.to + tol && r.pos >= other.from - tol && r.pos <= other.to + tol;
  const supported = (r: FoundRuling, others: FoundRuling[]) => {
    const a = others.some((o) => meets(r.from, r.pos, o));
    const b = others.some((o) => meets(r.to, r.pos, o));
    if (a && b) return true;
    // A segment ending on one ruling and crossing at least one more is also a border.
    return (a || b) && !inky(r) && others.filter((o) => crosses(r, o)).length >= 2 && r.to - r.from >= 2 * minV;
  };

  let keptH = hs.filter(long);
  let keptV = vs.filter(long);
  for (let pass = 0; pass < 3; pass++) {
    const nh = hs.filter((r) => long(r) || supported(r, keptV));
    const nv = vs.filter((r) => long(r) || supported(r, nh));
    const stable = nh.length === keptH.length && nv.length === keptV.length;
    keptH = nh;
    keptV = nv;
    if (stable) break;
  }
  // Long isolated strokes (a rule under a title, a signature line) carry no table; keep only
  // rulings that cross or meet at least one ruling of the other direction.
  keptH = keptH.filter((r) => keptV.some((v) => crosses(r, v)));
  keptV = keptV.filter((r) => keptH.some((h) => crosses(r, h)));
  return [...keptH, ...keptV];
}

/** Share of the positions along a ruling with ink within its width and a pixel either side. */
export function solidShare(mask: InkMask, r: Ruling): number {
  const len = r.orientation === "h" ? mask.width : mask.height;
  const lo = Math.floor(r.pos - r.width / 2) - 1;
  const hi = Math.ceil(r.pos + r.width / 2) + 1;
  let n = 0;
  let inked = 0;
  for (let a = Math.max(0, Math.ceil(r.from)); a < Math.min(len, Math.floor(r.to)); a++) {
    n++;
    if (inkAcross(mask, r.orientation, a, lo, hi)) inked++;
  }
  return n ? inked / n : 0;
}

/**
 * Whether horizontal ruling `r` has text along one side (ink beside it on a share of its length
 * of at least TEXT_SIDE_INK) and, on its other, clear side, another horizontal ruling spanning
 * its length within `maxStrip` pixels, with blank paper between the two.
 */
export function textEdgeBesideBorder(
  mask: InkMask,
  r: Ruling,
  others: readonly Ruling[],
  off: number,
  reach: number,
  maxStrip: number,
  endSkip: number,
): boolean {
  const s = besideInk(mask, r, off, reach);
  const textSide = s.b >= TEXT_SIDE_INK && s.a <= BLANK_SHARE ? 1 : s.a >= TEXT_SIDE_INK && s.b <= BLANK_SHARE ? -1 : 0;
  if (!textSide) return false;
  const len = r.to - r.from;
  return others.some((q) => {
    if (q === r) return false;
    const d = (r.pos - q.pos) * textSide; // > 0: q lies on the clear side
    if (d <= 0 || d > maxStrip) return false;
    if (Math.min(q.to, r.to) - Math.max(q.from, r.from) < 0.8 * len) return false;
    // The strip between the two lines, clear of the border by a pixel and of the text's edge by
    // `off` and a pixel (the text's first row of ink may reach just past its aligned strokes),
    // and inside the cell: its ends, where the borders across run, are left out.
    const y0 = textSide > 0 ? Math.ceil(q.pos + q.width / 2 + 1) : Math.ceil(r.pos + r.width / 2 + off + 1);
    const y1 = textSide > 0 ? Math.floor(r.pos - r.width / 2 - off - 1) : Math.floor(q.pos - q.width / 2 - 1);
    if (y1 < y0) return true; // two pieces of one thick line
    let inked = 0;
    let n = 0;
    for (let x = Math.max(0, Math.floor(r.from + endSkip)); x < Math.min(mask.width, Math.ceil(r.to - endSkip)); x++) {
      n++;
      if (inkAcross(mask, "h", x, y0, y1)) inked++;
    }
    return n > 0 && inked / n <= BLANK_SHARE;
  });
}

/** Drops the pixel runs, leaving plain `Ruling`s for the page model. */
export function toPageRulings(found: readonly FoundRuling[]): Ruling[] {
  return found.map(({ orientation, pos, from, to, width }) => ({
    orientation,
    pos: Math.round(pos * 10) / 10,
    from,
    to,
    width: Math.round(width * 10) / 10,
  }));
}

/**
 * Clears the rulings from a mask and paints them white in a grey image, so that OCR crops near
 * a border see no line remnants. Two passes: the pixel runs each ruling was built from (widened
 * by `grow` across the line), and a straight strip along the ruling's position, as wide as
 * the ruling plus `grow` on each side, which also takes the pieces of a noisy or blurred line
 * too broken to have formed runs (the page is deskewed, so the line is straight).
 */
export function eraseRulings(found: readonly FoundRuling[], width: number, grey?: Uint8Array, mask?: Uint8Array, grow = 1): void {
  const height = (grey ?? mask)!.length / width;
  const clear = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = y * width + x;
    if (grey) grey[i] = 255;
    if (mask) mask[i] = 0;
  };
  for (const r of found) {
    const h = r.orientation === "h";
    // Runs: `line` is the row (h) or column (v), from..to along the ruling.
    for (const run of r.runs) {
      for (let d = -grow; d <= grow; d++) {
        for (let i = run.from - grow; i < run.to + grow; i++) {
          if (h) clear(i, run.line + d);
          else clear(run.line + d, i);
        }
      }
    }
    const half = r.width / 2 + grow;
    for (let along = Math.floor(r.from) - grow; along < Math.ceil(r.to) + grow; along++) {
      const c = r.pos;
      for (let across = Math.floor(c - half); across <= Math.ceil(c + half); across++) {
        if (h) clear(along, across);
        else clear(across, along);
      }
    }
  }
}
