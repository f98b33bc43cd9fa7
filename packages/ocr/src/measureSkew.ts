import type { InkMask } from "./greyImage.js";

/** The coarse pass of measureSkew scores every this-many-th point. */
const COARSE_STRIDE = 4;

export type MeasureSkewOptions = {
  /** Largest skew searched, degrees. Default 2.5. */
  maxDegrees?: number;
  /** Shortest horizontal ink run (pixels) that counts as part of a line. Default width / 80. */
  minRun?: number;
  /** Upper bound on the number of ink points scored (they are subsampled evenly). Default 300 000. */
  maxPoints?: number;
};

/**
 * Measures the skew of a page in degrees from its long horizontal features (table rulings first,
 * text baselines second). Positive means the content is rotated clockwise on screen (a
 * horizontal line descends to the right), so rotating the image by −skew straightens it.
 *
 * Method: collect the pixels of horizontal ink runs at least `minRun` long (falling back to all
 * ink when there are too few), then search the angle whose projection profile along the rotated
 * rows is sharpest (largest sum of squared bin counts): a coarse pass every 0.1° (on a quarter of
 * the points) and a fine pass every 0.01° around the best coarse angle (on all of them).
 */
export function measureSkew(mask: InkMask, options: MeasureSkewOptions = {}): number {
  const { width, height, data } = mask;
  const maxDeg = options.maxDegrees ?? 2.5;
  const minRun = options.minRun ?? Math.max(8, Math.round(width / 80));
  const maxPoints = options.maxPoints ?? 300_000;

  const collect = (runMin: number): { xs: Int32Array; ys: Int32Array; n: number } => {
    // One pass over the mask lists the long runs (row, start, end); the points are then taken
    // from the runs alone, every `step`-th pixel of them in reading order.
    let runs = new Int32Array(3 * 1024);
    let nRuns = 0;
    let count = 0;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let x = 0;
      while (x < width) {
        if (!data[row + x]) {
          x++;
          continue;
        }
        const s = x;
        while (x < width && data[row + x]) x++;
        if (x - s < runMin) continue;
        count += x - s;
        if (3 * nRuns + 3 > runs.length) {
          const grown = new Int32Array(runs.length * 2);
          grown.set(runs);
          runs = grown;
        }
        runs[3 * nRuns] = y;
        runs[3 * nRuns + 1] = s;
        runs[3 * nRuns + 2] = x;
        nRuns++;
      }
    }
    const step = Math.max(1, Math.ceil(count / maxPoints));
    const n = Math.ceil(count / step);
    const xs = new Int32Array(n);
    const ys = new Int32Array(n);
    let k = 0;
    let seen = 0;
    for (let r = 0; r < nRuns; r++) {
      const y = runs[3 * r]!;
      const e = runs[3 * r + 2]!;
      // The first pixel of this run whose index in reading order is a multiple of step.
      let i = runs[3 * r + 1]!;
      const first = (step - (seen % step)) % step;
      seen += e - i;
      for (i += first; i < e && k < n; i += step) {
        xs[k] = i;
        ys[k] = y;
        k++;
      }
    }
    return { xs, ys, n: k };
  };

  let pts = collect(minRun);
  if (pts.n < width) pts = collect(1);
  if (pts.n === 0) return 0;

  const margin = Math.ceil(width * Math.tan((maxDeg * Math.PI) / 180)) + 2;
  const bins = new Float64Array(height + 2 * margin);
  const cx = width / 2;
  // Offsets from the centre column (exact: xs are integers, cx a multiple of ½).
  const { ys, n } = pts;
  const dxs = new Float64Array(n);
  for (let i = 0; i < n; i++) dxs[i] = pts.xs[i]! - cx;
  // The coarse pass scores every `stride`-th point (its peak is broad); the fine pass all of them.
  const score = (deg: number, stride = 1): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    bins.fill(0);
    for (let i = 0; i < n; i += stride) {
      // Linear interpolation between the two nearest bins keeps the score smooth in the angle.
      const p = ys[i]! - dxs[i]! * t + margin;
      const b = p >= 0 ? p | 0 : Math.floor(p);
      const f = p - b;
      bins[b]! += 1 - f;
      bins[b + 1]! += f;
    }
    let s = 0;
    for (let i = 0; i < bins.length; i++) s += bins[i]! * bins[i]!;
    return s;
  };

  let best = 0;
  let bestScore = -1;
  for (let d = -maxDeg; d <= maxDeg + 1e-9; d += 0.1) {
    const s = score(d, COARSE_STRIDE);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  const coarse = best;
  bestScore = -1;
  for (let d = coarse - 0.12; d <= coarse + 0.12 + 1e-9; d += 0.01) {
    const s = score(d);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  return Math.round(best * 1000) / 1000;
}
