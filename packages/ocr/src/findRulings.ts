import type { Ruling } from "@jixiao/schemas";
import type { InkMask } from "./greyImage.js";

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
};

/** A ruling plus the pixel runs it was built from (used to erase the line before OCR). */
export type FoundRuling = Ruling & { runs: Run[] };

/** One run of ink along a row (for "h") or a column (for "v"): line index and extent. */
export type Run = { line: number; from: number; to: number };

type Group = { runs: Run[]; from: number; to: number; last: number; weight: number; posSum: number };

/**
 * Collects runs of ink at least `minLen` long along rows (orientation "h") or columns ("v"),
 * bridging gaps up to `maxGap`, and groups runs of neighbouring rows that overlap into segments.
 */
function segments(mask: InkMask, orientation: "h" | "v", minLen: number, maxGap: number): Group[] {
  const { width, height, data } = mask;
  const lines = orientation === "h" ? height : width;
  const len = orientation === "h" ? width : height;
  const stride = orientation === "h" ? 1 : width;
  const lineStep = orientation === "h" ? width : 1;
  const done: Group[] = [];
  let active: Group[] = [];
  for (let l = 0; l < lines; l++) {
    const runs: Run[] = [];
    let i = 0;
    let base = l * lineStep;
    while (i < len) {
      if (!data[base + i * stride]) {
        i++;
        continue;
      }
      const s = i;
      let e = i; // last ink position
      i++;
      while (i < len) {
        if (data[base + i * stride]) {
          e = i;
          i++;
        } else if (i - e <= maxGap) i++;
        else break;
      }
      if (e + 1 - s >= minLen) runs.push({ line: l, from: s, to: e + 1 });
    }
    const next: Group[] = [];
    for (const r of runs) {
      let g: Group | undefined;
      for (const a of active) {
        const ov = Math.min(a.to, r.to) - Math.max(a.from, r.from);
        if (ov >= 0.3 * Math.min(a.to - a.from, r.to - r.from)) {
          g = a;
          break;
        }
      }
      if (!g) {
        g = { runs: [], from: r.from, to: r.to, last: l, weight: 0, posSum: 0 };
      }
      g.runs.push(r);
      g.from = Math.min(g.from, r.from);
      g.to = Math.max(g.to, r.to);
      g.last = l;
      g.weight += r.to - r.from;
      g.posSum += (l + 0.5) * (r.to - r.from);
      if (!next.includes(g)) next.push(g);
    }
    // Groups not continued on this line (or the one before) are finished.
    for (const a of active) {
      if (next.includes(a)) continue;
      if (l - a.last <= 1) next.push(a);
      else done.push(a);
    }
    active = next;

  }
  done.push(...active);
  return done;
}

function toRuling(g: Group, orientation: "h" | "v"): FoundRuling {
  const lines = new Set(g.runs.map((r) => r.line));
  // Thickness: ink per unit of length, which is robust to a slightly tilted line.
  const width = g.weight / Math.max(1, g.to - g.from);
  return {
    orientation,
    pos: g.posSum / g.weight,
    from: g.from,
    to: g.to,
    width: Math.max(1, Math.min(width, lines.size)),
    runs: g.runs,
  };
}

/**
 * Merges collinear pieces of one line (same position, small gap between them). Repeated until
 * nothing changes: a merge can make a piece reach another one it did not touch before.
 */
function mergeCollinear(rs: FoundRuling[], posTol: number, gapTol: number): FoundRuling[] {
  let cur = rs.map((r) => ({ ...r, runs: [...r.runs] }));
  for (;;) {
    const sorted = [...cur].sort((a, b) => a.pos - b.pos || a.from - b.from);
    const out: FoundRuling[] = [];
    let merged = false;
    for (const r of sorted) {
      const m = out.find(
        (o) => Math.abs(o.pos - r.pos) <= posTol && r.from <= o.to + gapTol && o.from <= r.to + gapTol,
      );
      if (!m) {
        out.push(r);
        continue;
      }
      const lm = m.to - m.from;
      const lr = r.to - r.from;
      m.pos = (m.pos * lm + r.pos * lr) / (lm + lr);
      m.width = (m.width * lm + r.width * lr) / (lm + lr);
      m.from = Math.min(m.from, r.from);
      m.to = Math.max(m.to, r.to);
      m.runs.push(...r.runs);
      merged = true;
    }
    if (!merged) return out;
    cur = out;
  }
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

  const build = (o: "h" | "v", minLen: number) =>
    mergeCollinear(
      segments(mask, o, minLen, maxGap)
        .map((g) => toRuling(g, o))
        .filter((r) => r.to - r.from >= minLen && r.width <= maxThick),
      Math.max(2, dpi / 100),
      Math.max(2, dpi / 30),
    ).filter((r) => r.width <= maxThick);

  const hs = build("h", minH);
  const vs = build("v", minV);

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
    return (a || b) && others.filter((o) => crosses(r, o)).length >= 2 && r.to - r.from >= 2 * minV;
  };

  let keptH = hs.filter((r) => r.to - r.from >= strong);
  let keptV = vs.filter((r) => r.to - r.from >= strong);
  for (let pass = 0; pass < 3; pass++) {
    const nh = hs.filter((r) => r.to - r.from >= strong || supported(r, keptV));
    const nv = vs.filter((r) => r.to - r.from >= strong || supported(r, nh));
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
