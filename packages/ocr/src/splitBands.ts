import type { InkMask } from "./greyImage.js";
import { trimBand, type InkBand } from "./findTextLines.js";

/**
 * A band at least this many times the page's typical text-line height may hold two lines.
 * On 150 dpi grey JPEG scans two lines of a cell come 1–2 px apart and touch where a bracket or
 * 号 reaches down: measured bands of 41–42 px for lines of 19–20 px (page medians 19–20). A
 * single line of a larger font inside a cell stays under this.
 */
const TALL_BAND = 1.6;
/** Each part of a split must be at least this share of the typical line height (a line, not a stroke or a dot). */
const MIN_PART = 0.6;
/**
 * A valley row holds at most this share of the mean row ink of the thinner of the two parts.
 * Measured: between touching lines 0–2 ink pixels against means of 12–110 per row; inside a
 * line of text no row is that empty except at its top and bottom edges.
 */
const VALLEY = 0.2;
/** The valley lies in this middle share of the band (lines of one cell have the same height). */
const MIDDLE = 0.3;

/** The typical text-line height of a page: the median height of its bands (undefined without any). */
export function typicalLineHeight(bands: readonly InkBand[]): number | undefined {
  if (!bands.length) return undefined;
  const hs = bands.map((b) => b.y1 - b.y0).sort((a, b) => a - b);
  return hs[hs.length >> 1];
}

/**
 * Splits a band that holds two (or more) text lines read as one because the lines touch or
 * are a single blank row apart (below inkProfile's gap). Only with evidence: the band is at
 * least TALL_BAND × `lineHeight`, its horizontal projection has a near-empty row (VALLEY) in
 * its middle, and both parts are text-line tall. Parts are split again while they qualify.
 * Returns the band unchanged otherwise.
 */
export function splitTallBand(mask: InkMask, band: InkBand, lineHeight: number, dpi = 300): InkBand[] {
  const h = band.y1 - band.y0;
  if (!(lineHeight > 0) || h < TALL_BAND * lineHeight) return [band];
  const rows: number[] = [];
  for (let y = band.y0; y < band.y1; y++) {
    let n = 0;
    const base = y * mask.width;
    for (let x = band.x0; x < band.x1; x++) n += mask.data[base + x]!;
    rows.push(n);
  }
  const mean = (a: number, b: number) => {
    let s = 0;
    for (let i = a; i < b; i++) s += rows[i]!;
    return b > a ? s / (b - a) : 0;
  };
  let best = -1;
  let bestInk = Infinity;
  const lo = Math.max(Math.ceil(MIN_PART * lineHeight), Math.floor(MIDDLE * h));
  const hi = Math.min(h - Math.ceil(MIN_PART * lineHeight), Math.ceil((1 - MIDDLE) * h));
  for (let i = lo; i < hi; i++) {
    if (rows[i]! < bestInk) {
      bestInk = rows[i]!;
      best = i;
    }
  }
  if (best < 0) return [band];
  // The valley may be a run of equally empty rows; its rows (a few pixels at most) go to neither part.
  let end = best;
  while (end + 1 < hi && rows[end + 1]! === bestInk) end++;
  if (bestInk > VALLEY * Math.min(mean(0, best), mean(end + 1, h))) return [band];
  const top = trimBand(mask, { ...band, y1: band.y0 + best }, dpi);
  const bottom = trimBand(mask, { ...band, y0: band.y0 + end + 1 }, dpi);
  if (!top || !bottom) return [band];
  if (top.y1 - top.y0 < MIN_PART * lineHeight || bottom.y1 - bottom.y0 < MIN_PART * lineHeight) return [band];
  return [...splitTallBand(mask, top, lineHeight, dpi), ...splitTallBand(mask, bottom, lineHeight, dpi)];
}
