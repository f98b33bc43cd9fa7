import type { GreyImage, InkMask } from "./greyImage.js";

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
  const seen = new Uint8Array(W * H);
  const stack: number[] = [];
  const blob: number[] = [];
  let removed = 0;
  for (let start = 0; start < data.length; start++) {
    if (!data[start] || seen[start]) continue;
    stack.push(start);
    seen[start] = 1;
    blob.length = 0;
    let x0 = W;
    let y0 = H;
    let x1 = -1;
    let y1 = -1;
    let small = true;
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % W;
      const py = (p - px) / W;
      if (small) {
        blob.push(p);
        if (px < x0) x0 = px;
        if (px > x1) x1 = px;
        if (py < y0) y0 = py;
        if (py > y1) y1 = py;
        if (x1 - x0 >= maxSize || y1 - y0 >= maxSize) small = false;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= W) continue;
          const q = ny * W + nx;
          if (data[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    if (!small) continue;
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
    for (const p of blob) {
      data[p] = 0;
      if (grey) grey.data[p] = 255;
    }
  }
  return removed;
}
