import type { GreyImage, InkMask } from "./greyImage.js";
import { labelRuns } from "./labelRuns.js";

/**
 * Removes specks: connected ink blobs (8-neighbourhood) whose bounding box is at most
 * `maxSize` pixels in both directions. They are cleared from the mask and painted white in the
 * grey image, so that dust next to a word neither widens its crop nor comes out as "。", "-"
 * or a stray letter. A blob with ink on both sides within `reach` pixels in its own rows is
 * kept: that is a decimal point between digits ("3.00"), as small as a speck at 200 dpi. A
 * full-width point ("３．００") lies further from its digits; it is kept up to `baselineReach`
 * pixels away when it sits on their baseline: on each side, ink beside its bottom rows that
 * rises above it and goes no lower (a speck seldom lands exactly there). The dot of a "；" is kept
 * too: a narrow mark (its comma) just below it and a glyph beside it.
 * Returns the number of blobs removed.
 */
export function removeSpecks(mask: InkMask, grey: GreyImage | undefined, maxSize: number, reach = 5 * maxSize, baselineReach = 10 * maxSize): number {
  const { width: W, height: H, data } = mask;
  const { count, x0: rx0, x1: rx1, y: ry, component } = labelRuns(mask);
  // Each component's bounds, kept under its name (its first run), and its runs chained in order.
  const minX = new Int32Array(count);
  const maxX = new Int32Array(count);
  const maxY = new Int32Array(count);
  const next = new Int32Array(count).fill(-1);
  const last = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = component[i]!;
    if (c === i) {
      minX[c] = rx0[i]!;
      maxX[c] = rx1[i]! - 1;
    } else {
      if (rx0[i]! < minX[c]!) minX[c] = rx0[i]!;
      if (rx1[i]! - 1 > maxX[c]!) maxX[c] = rx1[i]! - 1;
      next[last[c]!] = i;
    }
    maxY[c] = ry[i]!;
    last[c] = i;
  }
  let removed = 0;
  // Blobs in raster order of their first pixel: a blob removed is gone for the checks of the next.
  for (let c = 0; c < count; c++) {
    if (component[c] !== c) continue;
    const x0 = minX[c]!;
    const x1 = maxX[c]!;
    const y0 = ry[c]!;
    const y1 = maxY[c]!;
    if (x1 - x0 >= maxSize || y1 - y0 >= maxSize) continue;
    const inkIn = (xa: number, xb: number, ya: number, yb: number) => {
      for (let y = Math.max(0, ya); y <= Math.min(H - 1, yb); y++) {
        for (let x = Math.max(0, xa); x <= Math.min(W - 1, xb); x++) {
          const i = y * W + x;
          if (data[i] && !(x >= x0 && x <= x1 && y >= y0 && y <= y1)) return true;
        }
      }
      return false;
    };
    if (inkIn(x0 - reach, x0 - 1, y0 - 1, y1 + 1) && inkIn(x1 + 1, x1 + reach, y0 - 1, y1 + 1)) continue;
    // On the baseline of glyphs on both sides: ink beside its bottom rows, above its top, and
    // none below it.
    const onBaseline = (xa: number, xb: number) =>
      inkIn(xa, xb, y1 - 1, y1 + 1) && inkIn(xa, xb, y0 - 3 * maxSize, y0 - maxSize) && !inkIn(xa, xb, y1 + 2, y1 + 1 + maxSize);
    if (onBaseline(x0 - baselineReach, x0 - 1) && onBaseline(x1 + 1, x1 + baselineReach)) continue;
    // The dot of a "；" (or "：", "!"): a narrow mark right below it, in its columns, and a glyph
    // beside it. Without it PP-OCR reads the semicolon as a comma.
    let top = -1;
    for (let y = y1 + 1; y <= y1 + 2 * maxSize && top < 0; y++) if (inkIn(x0 - 1, x1 + 1, y, y)) top = y;
    // The comma below is taller than a speck (the lower dot of a "：" is not, and both go).
    const markBelow =
      top >= 0 &&
      inkIn(x0 - 2, x1 + 1, top + 2 * maxSize - 1, top + 2 * maxSize - 1) &&
      !inkIn(x0 - 1 - maxSize, x0 - 3, y1 + 1, y1 + 3 * maxSize) &&
      !inkIn(x1 + 2, x1 + 1 + maxSize, y1 + 1, y1 + 3 * maxSize);
    if (markBelow && (inkIn(x0 - baselineReach, x0 - 1, y0 - 2 * maxSize, y1 + 3 * maxSize) || inkIn(x1 + 1, x1 + baselineReach, y0 - 2 * maxSize, y1 + 3 * maxSize))) continue;
    removed++;
    for (let i = c; i >= 0; i = next[i]!) {
      const row = ry[i]! * W;
      data.fill(0, row + rx0[i]!, row + rx1[i]!);
      grey?.data.fill(255, row + rx0[i]!, row + rx1[i]!);
    }
  }
  return removed;
}
