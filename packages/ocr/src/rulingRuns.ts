import type { Ruling } from "@jixiao/schemas";
import type { InkMask } from "./greyImage.js";

// How findRulings turns ink into candidate lines: runs along rows (or columns), grouped across
// neighbouring rows into segments, split from text that touches them, merged when collinear.

/** A ruling plus the pixel runs it was built from (used to erase the line before OCR). */
export type FoundRuling = Ruling & { runs: Run[] };

/** One run of ink along a row (for "h") or a column (for "v"): line index and extent. */
export type Run = { line: number; from: number; to: number };

type Group = { runs: Run[]; from: number; to: number; last: number; weight: number; posSum: number };

/**
 * Collects runs of ink at least `minLen` long along rows (orientation "h") or columns ("v"),
 * bridging gaps up to `maxGap`, and groups runs of neighbouring rows that overlap into segments.
 */
export function segments(mask: InkMask, orientation: "h" | "v", minLen: number, maxGap: number): Group[] {
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

/** A group of the given runs (from, to, weight and position recomputed). */
function groupOf(runs: Run[]): Group {
  const g: Group = { runs, from: Infinity, to: -Infinity, last: 0, weight: 0, posSum: 0 };
  for (const r of runs) {
    g.from = Math.min(g.from, r.from);
    g.to = Math.max(g.to, r.to);
    g.last = Math.max(g.last, r.line);
    g.weight += r.to - r.from;
    g.posSum += (r.line + 0.5) * (r.to - r.from);
  }
  return g;
}

/**
 * Share of the heaviest line's ink from which a line of a group belongs to its core (see
 * `splitCore`). A line tilted by the residual skew spreads its ink evenly over the lines it
 * steps through (each holds a similar share), while text beside a ruling adds lines holding only
 * the text's width (a tenth of a table row's length or less).
 */
const CORE_LINE_SHARE = 0.25;

/**
 * Text that touches a ruling joins its group (the text's lines of ink, gaps bridged, overlap
 * the ruling), and the group then spans the text's height: its position moves to the middle of
 * the text and the ruling is lost among them. When a group spans more lines than a ruling can be
 * thick, its core (the heavy lines around the heaviest one, at most `maxThick` of them) is split
 * off as its own group, and the runs above and below it form two more.
 */
export function splitCore(g: Group, maxThick: number): Group[] {
  const byLine = new Map<number, number>();
  for (const r of g.runs) byLine.set(r.line, (byLine.get(r.line) ?? 0) + r.to - r.from);
  const lines = [...byLine.keys()].sort((a, b) => a - b);
  if (lines.length === 0 || lines[lines.length - 1]! - lines[0]! + 1 <= maxThick) return [g];
  let heaviest = lines[0]!;
  for (const l of lines) if (byLine.get(l)! > byLine.get(heaviest)!) heaviest = l;
  const floor = CORE_LINE_SHARE * byLine.get(heaviest)!;
  const heavy = (l: number) => (byLine.get(l) ?? 0) >= floor;
  // The core: heavy lines around the heaviest, a one-line gap allowed.
  let lo = heaviest;
  let hi = heaviest;
  while (heavy(lo - 1) || (heavy(lo - 2) && !byLine.has(lo - 1))) lo -= heavy(lo - 1) ? 1 : 2;
  while (heavy(hi + 1) || (heavy(hi + 2) && !byLine.has(hi + 1))) hi += heavy(hi + 1) ? 1 : 2;
  if (hi - lo + 1 > maxThick) return [g];
  const parts = [
    g.runs.filter((r) => r.line < lo),
    g.runs.filter((r) => r.line >= lo && r.line <= hi),
    g.runs.filter((r) => r.line > hi),
  ];
  return parts.filter((runs) => runs.length > 0).map(groupOf);
}

export function toRuling(g: Group, orientation: "h" | "v"): FoundRuling {
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
export function mergeCollinear(rs: FoundRuling[], posTol: number, gapTol: number): FoundRuling[] {
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

/** Ink of `mask` or of the next row ("h") or column ("v"): a one-pixel wobble across a line closes. */
export function thickened(mask: InkMask, o: "h" | "v"): InkMask {
  const { width, height, data } = mask;
  const out = new Uint8Array(data.length);
  const next = o === "h" ? width : 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const lastX = o === "h" ? width : width - 1;
    const ok = o === "v" || y + 1 < height;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      out[i] = data[i] || (ok && x < lastX && data[i + next]) ? 1 : 0;
    }
  }
  return { width, height, data: out };
}
