import { binarize, inkThreshold } from "./binarize.js";
import type { GreyImage, InkMask } from "./greyImage.js";
import { labelRuns } from "./labelRuns.js";
import { rotateQuarter } from "./pdfImages.js";

/** A quarter turn, degrees clockwise. */
export type QuarterTurn = 0 | 90 | 180 | 270;

export type PageOrientation = {
  /** Clockwise turn that makes the page upright: rotateQuarter(image, rotation). */
  rotation: QuarterTurn;
  /** Horizontal-lines evidence: > 1 means text runs along the rows as given, < 1 along the columns. */
  lineRatio: number;
  /** Punctuation votes (small marks at the foot of their line) for upright vs upside down, after the 0/90 choice. */
  votes: { upright: number; flipped: number };
};

type Box = { x0: number; y0: number; x1: number; y1: number; n: number };

/** Connected components (8-connected) of a mask, as bounding boxes with pixel counts, in raster order of their first pixel. */
function components(mask: InkMask): Box[] {
  const runs = labelRuns(mask);
  const boxes = new Map<number, Box>();
  for (let r = 0; r < runs.count; r++) {
    const c = runs.component[r]!;
    const x0 = runs.x0[r]!;
    const x1 = runs.x1[r]!;
    const y = runs.y[r]!;
    const b = boxes.get(c);
    if (!b) boxes.set(c, { x0, y0: y, x1, y1: y + 1, n: x1 - x0 });
    else {
      if (x0 < b.x0) b.x0 = x0;
      if (x1 > b.x1) b.x1 = x1;
      if (y + 1 > b.y1) b.y1 = y + 1;
      b.n += x1 - x0;
    }
  }
  return [...boxes.values()];
}

const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/**
 * Boxes bucketed by their centre on a square grid of side `cell`: `near(x, y)` gives the boxes
 * whose centres lie in the 3×3 cells around (x, y).
 */
function boxGrid(boxes: readonly Box[], cell: number): { near: (x: number, y: number) => Box[] } {
  const key = (gx: number, gy: number) => gy * 100_003 + gx;
  const grid = new Map<number, Box[]>();
  for (const b of boxes) {
    const k = key(Math.floor((b.x0 + b.x1) / 2 / cell), Math.floor((b.y0 + b.y1) / 2 / cell));
    const list = grid.get(k);
    if (list) list.push(b);
    else grid.set(k, [b]);
  }
  return {
    near(x, y) {
      const gx = Math.floor(x / cell);
      const gy = Math.floor(y / cell);
      const out: Box[] = [];
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) out.push(...(grid.get(key(gx + dx, gy + dy)) ?? []));
      return out;
    },
  };
}

/**
 * How strongly the character-sized components line up along rows rather than columns: for each
 * character, the share of its near neighbours (within 1.6 character heights) that sit beside
 * it (overlapping its rows) versus above or below it (overlapping its columns).
 */
function lineEvidence(chars: Box[], size: number): { rows: number; cols: number } {
  const grid = boxGrid(chars, Math.max(4, Math.round(size * 1.6)));
  let rows = 0;
  let cols = 0;
  for (const c of chars) {
    const cx = (c.x0 + c.x1) / 2;
    const cy = (c.y0 + c.y1) / 2;
    // Nearest neighbour beside and nearest above/below.
    let beside = Infinity;
    let above = Infinity;
    for (const o of grid.near(cx, cy)) {
      if (o === c) continue;
      const ox = (o.x0 + o.x1) / 2;
      const oy = (o.y0 + o.y1) / 2;
      const overlapY = Math.min(c.y1, o.y1) - Math.max(c.y0, o.y0);
      const overlapX = Math.min(c.x1, o.x1) - Math.max(c.x0, o.x0);
      if (overlapY > 0.5 * Math.min(c.y1 - c.y0, o.y1 - o.y0)) beside = Math.min(beside, Math.abs(ox - cx));
      if (overlapX > 0.5 * Math.min(c.x1 - c.x0, o.x1 - o.x0)) above = Math.min(above, Math.abs(oy - cy));
    }
    // Characters in a line are closer to their neighbours beside than to the next line.
    if (beside < above) rows++;
    else if (above < beside) cols++;
  }
  return { rows, cols };
}

/**
 * Punctuation and decimal points (，。、., small marks) sit at the foot of their line in
 * upright text and at its head when the page is upside down. For each small mark, the line it
 * belongs to is taken from the characters beside it; its place in that line votes.
 */
function footVotes(chars: Box[], marks: Box[], size: number, all: Box[]): { upright: number; flipped: number } {
  const cell = Math.max(4, Math.round(size * 2));
  const grid = boxGrid(chars, cell);
  const allGrid = boxGrid(all, cell);
  let upright = 0;
  let flipped = 0;
  for (const m of marks) {
    const mx = (m.x0 + m.x1) / 2;
    const my = (m.y0 + m.y1) / 2;
    let left: Box | undefined;
    let right: Box | undefined;
    for (const c of grid.near(mx, my)) {
      // A character of the same line: its rows hold the mark's centre, it is close beside.
      if (my < c.y0 - 0.1 * size || my > c.y1 + 0.1 * size) continue;
      if (c.x1 <= m.x0 + 1 && m.x0 - c.x1 < 1.2 * size && (!left || c.x1 > left.x1)) left = c;
      if (c.x0 >= m.x1 - 1 && c.x0 - m.x1 < 1.2 * size && (!right || c.x0 < right.x0)) right = c;
    }
    if (!left || !right) continue;
    const top = Math.min(left.y0, right.y0);
    const bottom = Math.max(left.y1, right.y1);
    const ch = bottom - top;
    if (ch < 0.5 * size || ch > 1.6 * size) continue;
    // Both neighbours must be of one line (their tops and bottoms agree).
    if (Math.abs(left.y0 - right.y0) > 0.3 * ch || Math.abs(left.y1 - right.y1) > 0.3 * ch) continue;
    // Punctuation stands alone in its column of the line; a dot of a character (the top dot of
    // 主 or 文, the dots of 点 or 心) has the rest of its character above or below it.
    const alone = !allGrid.near(mx, my).some(
      (o) => o !== m && o.y1 > top && o.y0 < bottom && Math.min(o.x1, m.x1) - Math.max(o.x0, m.x0) > 0,
    );
    if (!alone) continue;
    const t = (my - top) / ch;
    if (t > 0.62) upright++;
    else if (t < 0.38) flipped++;
  }
  return { upright, flipped };
}

/** Erases horizontal and vertical ink runs longer than `maxRun` (table rulings, underlines). */
function eraseLongRuns(mask: InkMask, maxRun: number): void {
  const { width: w, height: h, data } = mask;
  const erase = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let x = 0;
    while (x < w) {
      if (!data[y * w + x]) {
        x++;
        continue;
      }
      const s = x;
      while (x < w && data[y * w + x]) x++;
      if (x - s > maxRun) erase.fill(1, y * w + s, y * w + x);
    }
  }
  for (let x = 0; x < w; x++) {
    let y = 0;
    while (y < h) {
      if (!data[y * w + x]) {
        y++;
        continue;
      }
      const s = y;
      while (y < h && data[y * w + x]) y++;
      if (y - s > maxRun) for (let k = s; k < y; k++) erase[k * w + x] = 1;
    }
  }
  for (let i = 0; i < data.length; i++) if (erase[i]) data[i] = 0;
}

/** Shrinks by an integer factor, averaging f × f blocks (cheaper than resizeArea). */
function shrink(img: GreyImage, f: number): GreyImage {
  const W = Math.floor(img.width / f);
  const H = Math.floor(img.height / f);
  const acc = new Uint32Array(W);
  const out = new Uint8Array(W * H);
  const d = img.data;
  for (let Y = 0; Y < H; Y++) {
    acc.fill(0);
    for (let k = 0; k < f; k++) {
      const row = (Y * f + k) * img.width;
      for (let X = 0, x = 0; X < W; X++) {
        let s = 0;
        for (let j = 0; j < f; j++, x++) s += d[row + x]!;
        acc[X]! += s;
      }
    }
    const n = f * f;
    for (let X = 0; X < W; X++) out[Y * W + X] = (acc[X]! / n) | 0;
  }
  return { width: W, height: H, data: out };
}

/**
 * How decisive the punctuation votes must be to turn a page by a half turn. The votes are weak
 * evidence: on upright pages of generated scans (seed 43, 430 pages in five conditions, and
 * corpus/scan) up to 3.9 times as many marks voted "upside down" as "upright" (7 against 27:
 * quotes, the tops of 、 and table remnants count as marks too), while truly upside-down pages
 * gave at least 5.6 times as many (2 against 14), most with no upright vote at all. A wrong
 * half turn is not fatal (readPageImage reads an unsure page again the other way up) but costs
 * the page a second reading, and upright pages are the many: a half turn needs FLIP_RATIO.
 */
const FLIP_RATIO = 4.5;
/** Fewest "upside down" votes for a half turn. */
const FLIP_MIN_VOTES = 6;

/** Whether the votes say the page (its lines already horizontal) is upside down: only on clear evidence. */
export function upsideDown(votes: { upright: number; flipped: number }): boolean {
  return votes.flipped >= FLIP_MIN_VOTES && votes.flipped >= FLIP_RATIO * votes.upright;
}

/**
 * Decides which quarter turn makes a page of horizontal Chinese (or Latin) text upright.
 *
 * On a copy shrunk to about 100 dpi and binarized, with rulings erased: character-sized
 * components are found; whether they line up along rows or along columns (each character's
 * nearest neighbour is beside it, or above/below it) tells 0/180 from 90/270. Then the small
 * marks (，。、 and the points and commas of amounts) tell upright from upside down: they sit at
 * the foot of their line. A page with too little evidence is left as it is (rotation 0).
 */
export function orientPage(img: GreyImage, dpi: number): PageOrientation {
  const f = Math.max(1, Math.round(dpi / 100));
  const small = f > 1 ? shrink(img, f) : img;
  const scale = 1 / f;
  const mask = binarize(small, inkThreshold(small));
  const sdpi = dpi * scale;
  eraseLongRuns(mask, Math.round(sdpi * 0.5));
  const boxes = components(mask);
  // Character-sized: between 1.5 mm and 12 mm each way.
  const minC = sdpi * 0.06;
  const maxC = sdpi * 0.5;
  const isChar = (b: Box) => {
    const bw = b.x1 - b.x0;
    const bh = b.y1 - b.y0;
    return Math.max(bw, bh) >= minC && bw <= maxC && bh <= maxC;
  };
  const chars = boxes.filter(isChar);
  const size = median(chars.map((b) => Math.max(b.x1 - b.x0, b.y1 - b.y0))) || sdpi * 0.15;
  const ev = lineEvidence(chars, size);
  const lineRatio = (ev.rows + 1) / (ev.cols + 1);
  const sideways = lineRatio < 1;
  const turn = (b: Box): Box => ({ x0: b.y0, y0: mask.width - b.x1, x1: b.y1, y1: mask.width - b.x0, n: b.n }); // 90° counter-clockwise
  
  const turned = sideways ? boxes.map(turn) : boxes;
  const marks = turned
    .filter((b) => {
      const bw = b.x1 - b.x0;
      const bh = b.y1 - b.y0;
      return Math.max(bw, bh) <= 0.4 * size && Math.max(bw, bh) >= Math.max(2, 0.08 * size) && b.n >= 3;
    });
  const votes = footVotes(turned.filter((b) => isChar(b)), marks, size, turned);
  let rotation: QuarterTurn = 0;
  const flipped = upsideDown(votes);
  // Sideways: the boxes were turned 90° counter-clockwise; upright there means the page needs
  // a 270° clockwise turn, upside down there a 90° one.
  if (sideways) rotation = flipped ? 90 : 270;
  else if (flipped) rotation = 180;
  return { rotation, lineRatio, votes };
}

/** Turns a page image upright as orientPage decides; returns the image and the turn applied. */
export function uprightPage(img: GreyImage, dpi: number): { image: GreyImage; rotation: QuarterTurn } {
  const { rotation } = orientPage(img, dpi);
  return { image: rotation ? rotateQuarter(img, rotation) : img, rotation };
}
