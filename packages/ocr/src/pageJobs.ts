import type { Ruling, Table, TextItem } from "@jixiao/schemas";
import { binarize, inkThreshold, isBitonal } from "./binarize.js";
import { eraseRulings, findRulings, toPageRulings, type FindRulingsOptions } from "./findRulings.js";
import { dashOf, findTextLines, inkProfile, trimBand, type InkBand } from "./findTextLines.js";
import { workingImage, type GreyImage, type InkMask, type PixelRect } from "./greyImage.js";
import { measureSkew } from "./measureSkew.js";
import type { Psm } from "./OcrPool.js";
import type { LineJob } from "./readLinesTwice.js";
import { removeSeal } from "./removeSeal.js";
import { removeSpecks } from "./removeSpecks.js";
import { rotateImage } from "./rotateImage.js";
import { splitTallBand, typicalLineHeight } from "./splitBands.js";

/*
 * The first passes of a page image, before any OCR: the image is prepared (size, seal, skew,
 * rulings, dust) and cut into reading jobs (table cells, and lines of text outside the tables).
 * Both ways of reading the jobs (readLinesTwice with two engines, readLinesTesseract alone) take
 * the same jobs.
 */

/** On a bitonal scan, gaps up to dpi / this many pixels inside a ruling are bridged. */
const BITONAL_RULING_GAP = 33;
/** On a bitonal scan, found ruling pieces are extended along their line through gaps up to dpi / this (a dotted border). */
const BITONAL_EXTEND_GAP = 14;
/** Ink blobs up to dpi / this many pixels across are dust (removeSpecks). */
const SPECK_SIZE = 70;
/** A job's rectangle reaches dpi / this many pixels beyond its ink (at least 2). */
const MARGIN = 100;
/** Least ink (pixels at 300 dpi, scaled with the area) for a cell to be read. */
const MIN_CELL_INK_300DPI = 40;
/** A band at most this tall (inches) and four times as wide is a flat bar (a ruling's remnant, an underline), not text. */
const FLAT_BAR_INCHES = 0.03;
/** Confidence of a dash recognised from the ink's shape (dashOf), not by OCR. */
const DASH_CONFIDENCE = 0.9;

/** The page image prepared for reading. */
export type PreparedPage = {
  /** Deskewed, with the rulings erased. */
  grey: GreyImage;
  /** Its ink, with the rulings and dust removed. */
  mask: InkMask;
  /** Resolution after the size clamp. */
  dpi: number;
  /** The skew removed (0 when below `minSkewDegrees`). */
  skewDegrees: number;
  /** Whether the scan was black and white (its strokes are ragged). */
  bitonal: boolean;
  /** The table rulings, in pixels of `grey`. */
  rulings: Ruling[];
};

/** One reading job of a page: a table cell's interior, or a line of text outside the tables. */
export type PageJob = LineJob & {
  /** Tight bounds of the job's ink: the box of a one-line reading (Tesseract's can be loose). */
  ink: PixelRect;
  /** Page segmentation mode of Tesseract's first reading: 7 one line of ink, 6 several. */
  psm: Psm;
  free: boolean;
};

/** The page image turned straight: clamped, unsealed, binarized and deskewed. */
export type DeskewedPage = Pick<PreparedPage, "grey" | "mask" | "dpi" | "skewDegrees" | "bitonal">;

/**
 * Pass 1, preparation: `deskewPage`, then the table rulings found on the deskewed mask
 * (`rulingOptions`), erased, and dust removed. `image` is consumed.
 */
export function preparePage(
  image: GreyImage,
  dpi: number,
  o: { maxPixels: number; maxDpi: number; maxSkewDegrees: number; minSkewDegrees: number },
): PreparedPage {
  const page = deskewPage(image, dpi, o);
  const { grey, mask, dpi: pageDpi } = page;
  const found = findRulings(mask, rulingOptions(pageDpi, page.bitonal));
  const rulings: Ruling[] = toPageRulings(found);
  eraseRulings(found, grey.width, grey.data, mask.data, 2);
  // Dust and grain specks (and what is left of the rulings) are removed before text is sought.
  removeSpecks(mask, grey, Math.max(2, Math.round(pageDpi / SPECK_SIZE)));
  return { ...page, rulings };
}

/**
 * Downscale to `maxDpi` and `maxPixels` (area averaging), whiten a red seal, binarize (Otsu), measure the skew
 * from long horizontal runs and rotate the grey image by −skew (bilinear). `image` is consumed.
 */
export function deskewPage(
  image: GreyImage,
  dpi: number,
  o: { maxPixels: number; maxDpi: number; maxSkewDegrees: number; minSkewDegrees: number },
): DeskewedPage {
  const { image: clamped, dpi: pageDpi } = workingImage(image, dpi, o);
  // A red seal scanned to grey: its mid-grey ink is whitened inside its ring, the print stays.
  const unsealed = removeSeal(clamped, pageDpi).image;
  const threshold = inkThreshold(unsealed);
  const bitonal = isBitonal(unsealed);
  let grey = unsealed;
  const mask = binarize(grey, threshold);
  let skew = measureSkew(mask, { maxDegrees: o.maxSkewDegrees });
  if (Math.abs(skew) >= o.minSkewDegrees) {
    grey = rotateImage(grey, -skew);
    // binarize(grey, threshold), written over the first mask (one page-sized buffer less).
    const g = grey.data;
    const m = mask.data;
    for (let i = 0; i < g.length; i++) m[i] = g[i]! <= threshold ? 1 : 0;
  } else {
    skew = 0;
  }
  return { grey, mask, dpi: pageDpi, skewDegrees: skew, bitonal };
}

/**
 * How rulings are sought on a page. A bitonal scan's rulings come out ragged and broken by the
 * scanner's threshold: wider gaps along them are bridged (BITONAL_RULING_GAP pixels per inch),
 * a one-pixel wobble across the line is closed, and found pieces are extended along their line
 * through gaps up to dpi / BITONAL_EXTEND_GAP (a dotted border).
 */
export function rulingOptions(dpi: number, bitonal: boolean): FindRulingsOptions {
  return bitonal
    ? {
        dpi,
        maxGap: Math.max(2, Math.round(dpi / BITONAL_RULING_GAP)),
        wobble: true,
        extendGap: Math.round(dpi / BITONAL_EXTEND_GAP),
      }
    : { dpi };
}

/** The margin of a job's rectangle around its ink, in pixels. */
export function jobMargin(dpi: number): number {
  return Math.max(2, Math.round(dpi / MARGIN));
}

/**
 * Pass 2, the table cells: each cell with ink becomes a job over its text bands (flat bars and
 * dust left out, tall bands that are two touching lines split); a cell holding only a dash is
 * recognised from the ink's shape and comes back in `direct`.
 */
export function planCellJobs(
  prepared: PreparedPage,
  tables: readonly Table[],
  minInkRatio: number,
): { jobs: PageJob[]; direct: TextItem[] } {
  const { mask, dpi } = prepared;
  const maxRuling = prepared.rulings.reduce((m, r) => Math.max(m, r.width), 0);
  const inset = Math.ceil(maxRuling / 2) + 2;
  const minInk = Math.max(12, Math.round(MIN_CELL_INK_300DPI * (dpi / 300) ** 2));
  const margin = jobMargin(dpi);
  const direct: TextItem[] = [];

  // First each cell's ink profile and candidate text bands; the page's typical line height comes
  // from all of them (a band much taller than it may be two touching lines).
  const cellInks: { interior: PixelRect; bands: InkBand[] }[] = [];
  for (const table of tables) {
    for (const cell of table.cells) {
      const interior: PixelRect = {
        x0: Math.round(cell.bbox.x0 + inset),
        y0: Math.round(cell.bbox.y0 + inset),
        x1: Math.round(cell.bbox.x1 - inset),
        y1: Math.round(cell.bbox.y1 - inset),
      };
      if (interior.x1 - interior.x0 < 4 || interior.y1 - interior.y0 < 4) continue;
      const prof = inkProfile(mask, interior, dpi);
      if (!prof.bounds) continue;
      const dash = dashOf(mask, prof, dpi);
      if (dash) {
        const b = prof.bounds;
        direct.push({ text: dash, bbox: { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 }, size: b.y1 - b.y0, confidence: DASH_CONFIDENCE, origin: "ocr" });
        continue;
      }
      const area = (interior.x1 - interior.x0) * (interior.y1 - interior.y0);
      if (prof.ink < minInk || prof.ink / area < minInkRatio) continue;
      // Bands that cannot be text: flat bars (what is left of a ruling, an underline) and dust;
      // dust beside the words is trimmed off.
      const bands = prof.bands
        .filter((b) => !(b.y1 - b.y0 <= dpi * FLAT_BAR_INCHES && b.x1 - b.x0 >= 4 * (b.y1 - b.y0)))
        .map((b) => trimBand(mask, b, dpi))
        .filter((b): b is InkBand => b !== undefined);
      if (!bands.length) continue;
      cellInks.push({ interior, bands });
    }
  }
  const lineHeight = typicalLineHeight(cellInks.flatMap((c) => c.bands));
  const jobs: PageJob[] = [];
  for (const { interior, bands: found } of cellInks) {
    // Two lines that touch (or are one blank row apart on a coarse scan) come as one tall
    // band: split where the projection has a near-empty row between two line-tall parts.
    const bands = lineHeight ? found.flatMap((b) => splitTallBand(mask, b, lineHeight, dpi)) : found;
    const ink: PixelRect = {
      x0: Math.min(...bands.map((b) => b.x0)),
      y0: bands[0]!.y0,
      x1: Math.max(...bands.map((b) => b.x1)),
      y1: bands[bands.length - 1]!.y1,
    };
    const rect: PixelRect = {
      x0: Math.max(interior.x0, ink.x0 - margin),
      y0: Math.max(interior.y0, ink.y0 - margin),
      x1: Math.min(interior.x1, ink.x1 + margin),
      y1: Math.min(interior.y1, ink.y1 + margin),
    };
    jobs.push({ rect, bands, ink, psm: bands.length <= 1 ? 7 : 6, free: false });
  }
  return { jobs, direct };
}

/**
 * Pass 3, text outside the tables (titles, the year line, label/value lines of forms without
 * rulings): grouped into line pieces, each a one-line job.
 */
export function planFreeLineJobs(prepared: PreparedPage, tables: readonly Table[]): PageJob[] {
  const { mask, dpi } = prepared;
  const margin = jobMargin(dpi);
  const tol = Math.max(2, (dpi / 72) * 2);
  const exclude = tables.map((t) => ({
    x0: t.bbox.x0 - tol,
    y0: t.bbox.y0 - tol,
    x1: t.bbox.x1 + tol,
    y1: t.bbox.y1 + tol,
  }));
  const tall: PixelRect[] = [];
  const lines = findTextLines(mask, { dpi, exclude, tall });
  // A paragraph whose lines touch (small print set close on a fine scan) comes as one blob too
  // tall for a line: its lines are cut from its ink profile, as a cell's are.
  const lineHeight = typicalLineHeight(lines);
  const maxH = dpi * 0.3;
  const tallBands = tall.flatMap((blob) =>
    inkProfile(mask, blob, dpi).bands.flatMap((b) => (lineHeight ? splitTallBand(mask, b, lineHeight, dpi) : [b])),
  );
  const fromTall = joinedOnLines(tallBands, dpi)
    .flatMap((b) => linePieces(mask, b, dpi))
    .filter((b) => b.y1 - b.y0 <= maxH);
  // Lines found inside a tall blob's box are cut from its profile already; two lines of such a
  // paragraph may still come as one piece within the tallest line height.
  const inside = (l: PixelRect) => tall.some((t) => (l.x0 + l.x1) / 2 > t.x0 && (l.x0 + l.x1) / 2 < t.x1 && (l.y0 + l.y1) / 2 > t.y0 && (l.y0 + l.y1) / 2 < t.y1);
  const own = lines.filter((l) => !inside(l));
  const split = lineHeight ? own.flatMap((l) => splitTallBand(mask, l, lineHeight, dpi)) : own;
  // Pieces of one line that overlap (a two-line piece split above, beside one-line pieces) are
  // one piece: read twice, their shared ink would be text twice.
  return joinedOnLines([...split, ...fromTall], dpi, 0).map((p) => ({
    rect: { x0: p.x0 - margin, y0: p.y0 - margin, x1: p.x1 + margin, y1: p.y1 + margin },
    bands: [{ y0: p.y0, y1: p.y1, x0: p.x0, x1: p.x1 }],
    ink: p,
    psm: 7,
    free: true,
  }));
}

/**
 * Bands of one text line joined into one: bands overlapping by half the lower one's height, with
 * at most `gapFactor` × the line height between them (cut from neighbouring blobs: a blob ends
 * where a wide mark's white splits a line), or overlapping (`gapFactor` 0).
 */
function joinedOnLines(bands: readonly InkBand[], dpi: number, gapFactor = 0.8): InkBand[] {
  const out: InkBand[] = [];
  for (const b of [...bands].sort((p, q) => p.x0 - q.x0)) {
    const h = b.y1 - b.y0;
    const on = out.find((o) => {
      const overlap = Math.min(o.y1, b.y1) - Math.max(o.y0, b.y0);
      const gap = b.x0 - o.x1;
      return overlap >= 0.5 * Math.min(h, o.y1 - o.y0) && (gapFactor > 0 ? gap <= gapFactor * Math.max(h, o.y1 - o.y0, dpi * 0.06) : gap < 0);
    });
    if (on) Object.assign(on, { x0: Math.min(on.x0, b.x0), x1: Math.max(on.x1, b.x1), y0: Math.min(on.y0, b.y0), y1: Math.max(on.y1, b.y1) });
    else out.push({ ...b });
  }
  return out;
}

/**
 * A band of text cut at wide gaps into line pieces, as findTextLines cuts a line (a gap over
 * `gapFactor` × the line height, taken as at least 0.06 in, separates a label from its value),
 * each trimmed to its ink.
 */
function linePieces(mask: InkMask, band: InkBand, dpi: number, gapFactor = 0.8): InkBand[] {
  const h = band.y1 - band.y0;
  const join = gapFactor * Math.max(h, dpi * 0.06);
  const out: InkBand[] = [];
  let start = -1;
  let last = -1;
  const close = () => {
    const piece = trimBand(mask, { ...band, x0: start, x1: last + 1 }, dpi);
    if (piece) out.push(piece);
  };
  for (let x = band.x0; x < band.x1; x++) {
    let ink = false;
    for (let y = band.y0; y < band.y1 && !ink; y++) ink = mask.data[y * mask.width + x] === 1;
    if (!ink) continue;
    if (start >= 0 && x - last - 1 > join) close();
    if (start < 0 || x - last - 1 > join) start = x;
    last = x;
  }
  if (start >= 0) close();
  return out;
}
