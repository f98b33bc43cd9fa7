import type { GreyImage, InkMask } from "./greyImage.js";

/** Grey-level histogram (256 bins), optionally of every `step`-th pixel. */
export function histogram(img: GreyImage, step = 1): Uint32Array {
  const h = new Uint32Array(256);
  const d = img.data;
  for (let i = 0; i < d.length; i += step) h[d[i]!]!++;
  return h;
}

/**
 * Otsu's threshold: the grey level that best separates the histogram into two classes
 * (maximum between-class variance). Pixels at or below it count as ink. Levels with no pixels
 * between the classes give every threshold in the gap the same score: the middle of the gap is
 * taken (a bitonal scan gives 127, not 0: once the page is deskewed, the grey edges of thin
 * strokes must count as ink).
 */
export function otsuThreshold(hist: ArrayLike<number>): number {
  let total = 0;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i]!;
    sumAll += i * hist[i]!;
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 127;
  let plateauEnd = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best * (1 + 1e-12)) {
      best = between;
      threshold = t;
      plateauEnd = t;
    } else if (between >= best * (1 - 1e-12)) {
      plateauEnd = t;
    }
  }
  return Math.floor((threshold + plateauEnd) / 2);
}

/**
 * Binarizes with a global threshold (Otsu's by default). The threshold is capped so that a
 * nearly blank page (where Otsu would split paper grain) does not turn grain into ink.
 */
export function binarize(img: GreyImage, threshold?: number): InkMask {
  const t = threshold ?? inkThreshold(img);
  const out = new Uint8Array(img.data.length);
  const d = img.data;
  for (let i = 0; i < d.length; i++) out[i] = d[i]! <= t ? 1 : 0;
  return { width: img.width, height: img.height, data: out };
}

/**
 * Threshold for a bitonal scan once it has been resampled (deskewed): a pixel a quarter covered
 * by ink counts as ink, so that a one-pixel ruling shifted by half a pixel (two pixels at half
 * grey) stays a line.
 */
export const BITONAL_THRESHOLD = 191;

/**
 * The ink threshold of an image: Otsu's, kept within [60, 200]; for a bitonal image (two grey
 * levels only, as a CCITT or JBIG2 scan), BITONAL_THRESHOLD.
 */
export function inkThreshold(img: GreyImage): number {
  const step = img.data.length > 4_000_000 ? 3 : 1;
  const hist = histogram(img, step);
  if (greyLevels(hist) === 2) return BITONAL_THRESHOLD;
  return Math.max(60, Math.min(200, otsuThreshold(hist)));
}

/** Number of grey levels in use, counted up to 3. */
function greyLevels(hist: ArrayLike<number>): number {
  let levels = 0;
  for (let i = 0; i < 256 && levels <= 2; i++) if (hist[i]) levels++;
  return levels;
}

/** Whether an image holds only two grey levels (a bitonal scan: CCITT, JBIG2, 1-bit Flate). */
export function isBitonal(img: GreyImage): boolean {
  return greyLevels(histogram(img, img.data.length > 4_000_000 ? 3 : 1)) === 2;
}
