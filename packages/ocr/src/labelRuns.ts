import type { InkMask } from "./greyImage.js";

/**
 * A mask's horizontal ink runs in raster order, grouped into 8-connected components. Labelling
 * runs instead of pixels visits each ink pixel once and unites runs of neighbouring rows only:
 * on a 300 dpi page a fraction of the time of a pixel flood fill.
 */
export type LabelledRuns = {
  /** Number of runs. */
  count: number;
  /** First column of each run. */
  x0: Int32Array;
  /** Column after the last of each run (exclusive). */
  x1: Int32Array;
  /** Row of each run. */
  y: Int32Array;
  /**
   * Component of each run, named by its first run in raster order (so a component's first
   * pixel in raster order is `x0[c]`, `y[c]` of its own name c).
   */
  component: Int32Array;
};

/** The runs of `mask` (nonzero = ink) with their 8-connected components. */
export function labelRuns(mask: InkMask): LabelledRuns {
  const { width: W, height: H, data } = mask;
  let cap = 1024;
  let x0 = new Int32Array(cap);
  let x1 = new Int32Array(cap);
  let y = new Int32Array(cap);
  let parent = new Int32Array(cap);
  const grow = () => {
    cap *= 2;
    const more = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    x0 = more(x0);
    x1 = more(x1);
    y = more(y);
    parent = more(parent);
  };
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
    return a;
  };
  let n = 0;
  // Runs of the row above: [prevStart, prevEnd).
  let prevStart = 0;
  let prevEnd = 0;
  for (let r = 0; r < H; r++) {
    const row = r * W;
    const rowStart = n;
    let k = prevStart;
    let x = 0;
    while (x < W) {
      if (!data[row + x]) {
        x++;
        continue;
      }
      const s = x;
      while (x < W && data[row + x]) x++;
      if (n === cap) grow();
      x0[n] = s;
      x1[n] = x;
      y[n] = r;
      parent[n] = n;
      // Runs above that touch this one, diagonals included: above.x0 ≤ x and above.x1 ≥ s.
      while (k < prevEnd && x1[k]! < s) k++;
      for (let j = k; j < prevEnd && x0[j]! <= x; j++) {
        const a = find(j);
        const b = find(n);
        // The smaller index (earlier in raster order) names the component.
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
      n++;
    }
    prevStart = rowStart;
    prevEnd = n;
  }
  const component = new Int32Array(n);
  for (let i = 0; i < n; i++) component[i] = find(i);
  return { count: n, x0, x1, y, component };
}
