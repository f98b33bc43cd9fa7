import type { Page, Ruling, TextItem } from "@jixiao/schemas";
import { isCjkLike } from "@jixiao/core";
import { buildTables } from "@jixiao/layout";
import { binarize, inkThreshold, isBitonal } from "./binarize.js";

/** On a bitonal scan, gaps up to dpi / this many pixels inside a ruling are bridged. */
const BITONAL_RULING_GAP = 33;
import { eraseRulings, findRulings, toPageRulings } from "./findRulings.js";
import { dashOf, findTextLines, inkProfile, trimBand, type InkBand } from "./findTextLines.js";
import { boxBlur3, clampPixels, type GreyImage, type PixelRect } from "./greyImage.js";
import { measureSkew } from "./measureSkew.js";
import { splitTallBand, typicalLineHeight } from "./splitBands.js";
import type { OcrLine, OcrPool, Psm } from "./OcrPool.js";
import { removeSpecks } from "./removeSpecks.js";
import { removeSeal } from "./removeSeal.js";
import { rotateImage } from "./rotateImage.js";
import { fixOcrText } from "./fixOcrText.js";
import { withLeadingComparison } from "./glyphs.js";
import type { PaddleRecognizer } from "./PaddleRecognizer.js";
import { readLinesTwice, type TwoEngineOptions } from "./readLinesTwice.js";

/** Options of the per-page image pipeline; every field has a default. */
export type PageImageOptions = {
  /** Images with more pixels are downscaled first (the page's dpi drops accordingly). Default 40 000 000. */
  maxPixels?: number;
  /** Largest skew searched, degrees. Default 6 (scans come skewed up to 5°). */
  maxSkewDegrees?: number;
  /** Skews smaller than this are left alone (degrees). Default 0.03. */
  minSkewDegrees?: number;
  /** Cells whose interior has a smaller share of ink are treated as blank. Default 0.001. */
  minInkRatio?: number;
  /** Lines read with less confidence are read again at full resolution. Default 0.9. */
  retryBelowConfidence?: number;
  /**
   * A second engine: PP-OCR reads every line and Tesseract (the pool) checks the readings it
   * is unsure of (readLinesTwice). Without it, Tesseract reads everything, with its retries.
   */
  paddle?: PaddleRecognizer;
  /** How the two engines share the work (readLinesTwice). */
  twoEngines?: TwoEngineOptions;
  /** Blur a bitonal page (3×3) before the engines read it. Default true. */
  softenBitonal?: boolean;
};

/** What the page pipeline found, for tests and diagnostics. */
export type PageImageResult = {
  page: Page;
  /** Number of OCR jobs run for table cells and for text outside tables. */
  jobs: { cells: number; lines: number };
};

const LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const cjkCount = (s: string) => [...s].filter((c) => isCjkLike(c)).length;

/**
 * With eng loaded next to chi_sim, Tesseract now and then reads a Chinese word as Latin
 * letters ("TR化" for 深化, "(CH)" for (五)). A line that is mostly Chinese and holds Latin
 * letters is worth a second reading with Latin letters forbidden.
 */
export function looksMisreadAsLatin(text: string): boolean {
  const chars = [...text.replace(/\s+/g, "")];
  const cjk = chars.filter((c) => isCjkLike(c)).length;
  return cjk >= 1 && cjk >= 0.25 * chars.length && /[A-Za-z]/.test(text);
}

/**
 * Prepares one page image and reads it:
 *
 * 1. clamp to `maxPixels` (area downscale), binarize (Otsu), measure the skew from long
 *    horizontal runs and rotate the grey image by −skew (bilinear);
 * 2. find the table rulings on the deskewed mask and put them on the page (unit px);
 * 3. `buildTables` gives the cells; every cell with ink is OCR'd from the deskewed grey image
 *    with the lines erased (PSM 7 for one line of ink, PSM 6 for several);
 * 4. text outside the table frames is grouped into line pieces and OCR'd with PSM 7.
 *
 * Every recognised line becomes a TextItem (origin "ocr", bbox in pixels of the deskewed image),
 * so the layout reconstructor assigns them to the same cells. `image` is consumed (modified).
 */
export async function ocrPageImage(
  image: GreyImage,
  number: number,
  dpi: number,
  pool: OcrPool,
  options: PageImageOptions = {},
): Promise<PageImageResult> {
  const { image: clamped, scale } = clampPixels(image, options.maxPixels ?? 40_000_000);
  const pageDpi = dpi * scale;
  // A red seal scanned to grey: its mid-grey ink is whitened inside its ring, the print stays.
  const unsealed = removeSeal(clamped, pageDpi).image;
  const threshold = inkThreshold(unsealed);
  const bitonal = isBitonal(unsealed);
  let grey = unsealed;
  let mask = binarize(grey, threshold);
  let skew = measureSkew(mask, { maxDegrees: options.maxSkewDegrees ?? 6 });
  if (Math.abs(skew) >= (options.minSkewDegrees ?? 0.03)) {
    grey = rotateImage(grey, -skew);
    mask = binarize(grey, threshold);
  } else {
    skew = 0;
  }
  const { width, height } = grey;

  // A bitonal scan's rulings come out ragged and broken by the scanner's threshold: bridge
  // wider gaps along them (BITONAL_RULING_GAP pixels per inch).
  // A one-pixel wobble across the line is closed, and found pieces are extended along their line
  // through gaps up to dpi / 14 (a dotted border).
  const found = findRulings(
    mask,
    bitonal
      ? { dpi: pageDpi, maxGap: Math.max(2, Math.round(pageDpi / BITONAL_RULING_GAP)), wobble: true, extendGap: Math.round(pageDpi / 14) }
      : { dpi: pageDpi },
  );
  const rulings: Ruling[] = toPageRulings(found);
  eraseRulings(found, width, grey.data, mask.data, 2);
  // Dust and grain specks (and what is left of the rulings) are removed before text is sought.
  removeSpecks(mask, grey, Math.max(2, Math.round(pageDpi / 70)));

  const page: Page = {
    number,
    width,
    height,
    unit: "px",
    origin: "top-left",
    items: [],
    rulings,
    tables: [],
    image: { width, height, dpi: Math.round(pageDpi * 100) / 100, skewDegrees: skew },
  };

  const tables = buildTables(page);
  const maxRuling = rulings.reduce((m, r) => Math.max(m, r.width), 0);
  const inset = Math.ceil(maxRuling / 2) + 2;
  const minInk = Math.max(12, Math.round(40 * (pageDpi / 300) ** 2));
  const minRatio = options.minInkRatio ?? 0.001;
  const margin = Math.max(2, Math.round(pageDpi / 100));
  /** Page segmentation mode of each job's first Tesseract reading. */
  const jobPsm: Psm[] = [];
  const jobRects: PixelRect[] = [];
  /** Text-line bands of each job's rectangle (for finding lines Tesseract dropped). */
  const jobBands: InkBand[][] = [];
  /** Tight ink bounds of each job: the box of a one-line result (Tesseract's can be loose). */
  const jobInk: PixelRect[] = [];
  /** Items found without OCR (dash-only cells). */
  const direct: TextItem[] = [];
  let cellJobs = 0;

  // First pass: each cell's ink profile and candidate text bands; the page's typical line
  // height comes from all of them (a band much taller than it may be two touching lines).
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
      const prof = inkProfile(mask, interior, pageDpi);
      if (!prof.bounds) continue;
      const dash = dashOf(mask, prof, pageDpi);
      if (dash) {
        const b = prof.bounds;
        direct.push({ text: dash, bbox: { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 }, size: b.y1 - b.y0, confidence: 0.9, origin: "ocr" });
        continue;
      }
      const area = (interior.x1 - interior.x0) * (interior.y1 - interior.y0);
      if (prof.ink < minInk || prof.ink / area < minRatio) continue;
      // Bands that cannot be text: flat bars (what is left of a ruling, an underline) and dust;
      // dust beside the words is trimmed off.
      const bands = prof.bands
        .filter((b) => !(b.y1 - b.y0 <= pageDpi * 0.03 && b.x1 - b.x0 >= 4 * (b.y1 - b.y0)))
        .map((b) => trimBand(mask, b, pageDpi))
        .filter((b): b is InkBand => b !== undefined);
      if (!bands.length) continue;
      cellInks.push({ interior, bands });
    }
  }
  const lineHeight = typicalLineHeight(cellInks.flatMap((c) => c.bands));
  for (const { interior, bands: found } of cellInks) {
    // Two lines that touch (or are one blank row apart on a coarse scan) come as one tall
    // band: split where the projection has a near-empty row between two line-tall parts.
    const bands = lineHeight ? found.flatMap((b) => splitTallBand(mask, b, lineHeight, pageDpi)) : found;
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
    const psm: Psm = bands.length <= 1 ? 7 : 6;
    jobPsm.push(psm);
    jobRects.push(rect);
    jobBands.push(bands);
    jobInk.push(ink);
    cellJobs++;
  }

  // Text outside the tables: titles, the year line, label/value lines of forms without rulings.
  const tol = Math.max(2, (pageDpi / 72) * 2);
  const exclude = tables.map((t) => ({
    x0: t.bbox.x0 - tol,
    y0: t.bbox.y0 - tol,
    x1: t.bbox.x1 + tol,
    y1: t.bbox.y1 + tol,
  }));
  const pieces = findTextLines(mask, { dpi: pageDpi, exclude });
  for (const p of pieces) {
    const rect = { x0: p.x0 - margin, y0: p.y0 - margin, x1: p.x1 + margin, y1: p.y1 + margin };
    jobPsm.push(7);
    jobRects.push(rect);
    jobBands.push([{ y0: p.y0, y1: p.y1, x0: p.x0, x1: p.x1 }]);
    jobInk.push(p);
  }

  if (options.paddle) {
    // Two engines: PP-OCR reads every line, Tesseract checks the ones it is unsure of.
    const lineJobs = jobRects.map((rect, j) => ({ rect, bands: jobBands[j]!, free: j >= cellJobs }));
    // A bitonal scan's strokes have ragged, broken edges; both engines read them better softened.
    const ocrGrey = bitonal && (options.softenBitonal ?? true) ? boxBlur3(grey) : grey;
    const read = await readLinesTwice(ocrGrey, mask, pageDpi, lineJobs, options.paddle, pool, options.twoEngines);
    page.items = [...direct, ...read].sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
    return { page, jobs: { cells: cellJobs, lines: pieces.length } };
  }
  const results = await Promise.all(jobRects.map((rect, j) => pool.recognize(grey, rect, jobPsm[j], { dpi: pageDpi })));
  const retryBelow = options.retryBelowConfidence ?? 0.9;
  /** Block readings with a line below this are redone line by line. */
  const blockBelow = 0.8;
  const bandRect = (src: PixelRect, band: { y0: number; y1: number }): PixelRect => ({
    x0: src.x0,
    x1: src.x1,
    y0: Math.max(src.y0, band.y0 - margin),
    y1: Math.min(src.y1, band.y1 + margin),
  });
  const chars = (lines: readonly OcrLine[]) => lines.reduce((n, l) => n + [...l.text].length, 0);
  /** Whether the lines read over a band reach both ends of its ink (else glyphs were dropped). */
  const spans = (lines: readonly OcrLine[], band: InkBand) => {
    const over = lines.filter((l) => Math.min(l.bbox.y1, band.y1) - Math.max(l.bbox.y0, band.y0) > 0);
    if (!over.length) return false;
    const slack = 0.6 * (band.y1 - band.y0);
    return Math.min(...over.map((l) => l.bbox.x0)) <= band.x0 + slack && Math.max(...over.map((l) => l.bbox.x1)) >= band.x1 - slack;
  };
  /** Reads one band as a line, at the pool's resolution, then full resolution, then 100 dpi. */
  const readBand = async (r: PixelRect): Promise<OcrLine[]> => {
    for (const ocrDpi of [undefined, pageDpi, Math.min(pageDpi, 100)]) {
      const found = await pool.recognize(grey, r, 7, ocrDpi === undefined ? { dpi: pageDpi } : { dpi: pageDpi, ocrDpi });
      if (found.length) return found;
    }
    return [];
  };
  const meanConfidence = (lines: readonly OcrLine[]) => {
    let w = 0;
    let sum = 0;
    for (const l of lines) {
      const n = [...l.text].length;
      w += n;
      sum += n * l.confidence;
    }
    return w ? sum / w : 0;
  };

  // A block reading (PSM 6) that lost lines or is unsure is redone line by line: each band of
  // ink on its own with PSM 7. On dark, noisy or low-resolution scans PSM 6 can turn a
  // two-line label into garbage that the single lines do not produce.
  await Promise.all(
    results.map(async (lines, j) => {
      const bands = jobBands[j]!;
      if (bands.length < 2) return;
      if (
        lines.length >= bands.length &&
        lines.every((l) => l.confidence >= blockBelow) &&
        bands.every((b) => spans(lines, b))
      ) {
        return;
      }
      const src = jobRects[j]!;
      const perBand = (await Promise.all(bands.map((b) => pool.recognize(grey, bandRect(src, b), 7, { dpi: pageDpi })))).flat();
      const better =
        meanConfidence(perBand) > meanConfidence(lines) ||
        (chars(perBand) > chars(lines) && meanConfidence(perBand) >= blockBelow);
      if (perBand.length && better) results[j] = perBand;
    }),
  );
  // Tesseract sometimes drops a whole short line ("资金" under "上年结转", a last line "款"):
  // every band of ink with no recognised line over it is read on its own, as one line, at up
  // to three resolutions until something comes back.
  const missing: Promise<void>[] = [];
  results.forEach((lines, j) => {
    const src = jobRects[j]!;
    for (const band of jobBands[j]!) {
      // Line boxes of tiny results can be much shorter than the glyphs: any overlap counts.
      const covered = lines.some((l) => Math.min(l.bbox.y1, band.y1) - Math.max(l.bbox.y0, band.y0) > 0);
      if (covered) continue;
      missing.push(
        readBand(bandRect(src, band)).then((found) => {
          lines.push(...found);
        }),
      );
    }
  });
  await Promise.all(missing);

  // Short cells (one or two glyphs: "5", "10", "总分") are where Tesseract is confidently wrong
  // most often ("8" for 3, "区" for 5, at 0.93–0.94), and the error depends on the scale.
  // Unless the reading is near-certain, they are read at two more resolutions and the
  // majority wins (ties: the most confident reading).
  const voted = new Set<number>();
  await Promise.all(
    results.map(async (lines, j) => {
      const ink = jobInk[j]!;
      const h = ink.y1 - ink.y0;
      if (jobBands[j]!.length !== 1 || ink.x1 - ink.x0 > 2.5 * h || lines.length > 1) return;
      if (lines.length === 1 && lines[0]!.confidence >= 0.955) return;
      voted.add(j);
      const src = jobRects[j]!;
      const others = await Promise.all(
        [pageDpi, Math.min(pageDpi, 100)].map((ocrDpi) => pool.recognize(grey, src, 7, { dpi: pageDpi, ocrDpi })),
      );
      const readings = [lines, ...others].map((ls) => ({
        text: ls.map((l) => l.text).join(""),
        confidence: ls.length ? Math.min(...ls.map((l) => l.confidence)) : 0,
        lines: ls,
      }));
      const score = (t: string) => {
        const same = readings.filter((r) => r.text === t);
        return same.length * 10 + same.reduce((m, r) => Math.max(m, r.confidence), 0);
      };
      const best = readings.filter((r) => r.text).sort((a, b) => score(b.text) - score(a.text))[0];
      if (best && best.lines !== lines) results[j] = best.lines;
    }),
  );

  // Second readings: Chinese lines that came back with Latin letters are read again with Latin
  // letters forbidden; lines with low confidence are read again at the image's full resolution
  // (the first reading is at the pool's ocrDpi). The more confident reading wins.
  const retries: Promise<void>[] = [];
  results.forEach((lines, j) => {
    const src = jobRects[j]!;
    const single = lines.length === 1;
    lines.forEach((l, i) => {
      // A line of a few Latin letters among Chinese lines of the same cell is suspect too, and
      // so are one or two letters read from glyphs as wide as Chinese characters ("a" for 否).
      const short = /^[A-Za-z]{1,4}$/.test(l.text.trim());
      const ink = jobInk[j]!;
      const wideGlyphs = lines.length === 1 && ink.x1 - ink.x0 >= 0.8 * (ink.y1 - ink.y0) * l.text.trim().length;
      const latin =
        looksMisreadAsLatin(l.text) ||
        (short && (lines.some((o) => o !== l && cjkCount(o.text) >= 2) || wideGlyphs));
      // Voted cells already had their readings at other resolutions.
      if (!latin && (l.confidence >= retryBelow || voted.has(j))) return;
      // A single-line result is re-read from the job's own rectangle, which holds all its ink.
      const r: PixelRect = single
        ? src
        : {
            x0: Math.max(src.x0, l.bbox.x0 - margin),
            y0: Math.max(src.y0, l.bbox.y0 - margin),
            x1: Math.min(src.x1, l.bbox.x1 + margin),
            y1: Math.min(src.y1, l.bbox.y1 + margin),
          };
      const again = latin
        ? pool.recognize(grey, r, 7, { dpi: pageDpi, charBlacklist: LATIN }).then(async (res) =>
            res.length === 1 && res[0]!.confidence >= retryBelow
              ? res
              : pool.recognize(grey, r, 7, { dpi: pageDpi, ocrDpi: pageDpi, charBlacklist: LATIN }),
          )
        : pool.recognize(grey, r, 7, { dpi: pageDpi, ocrDpi: pageDpi });
      retries.push(
        again.then((res) => {
          const a = res.length === 1 ? res[0]! : undefined;
          if (!a || !a.text) return;
          // Without Latin letters Tesseract is often a little less sure of a correct reading; a
          // reading that put Chinese where the letters were ("(元)" for "(Ot)") is taken when
          // it is reasonably sure, one that merely dropped them ("随申办和" for "随申办APP和") is not.
          const better = latin
            ? a.confidence > l.confidence - 0.15 ||
              (cjkCount(a.text) > cjkCount(l.text) && a.confidence >= Math.min(0.6, l.confidence + 0.1))
            : a.confidence > l.confidence;
          if (better) lines[i] = { ...l, text: a.text, confidence: a.confidence };
        }),
      );
    });
  });
  await Promise.all(retries);
  const items: TextItem[] = [...direct];
  const clampX = (x: number) => Math.max(0, Math.min(width, x));
  const clampY = (y: number) => Math.max(0, Math.min(height, y));
  results.forEach((lines, j) => {
    const oneLine = lines.length === 1 && jobBands[j]!.length === 1;
    const outside = j >= cellJobs;
    for (const l of lines) {
      let text = fixOcrText(l.text);
      if (!text) continue;
      // Outside the tables a reading with no letter, digit or Chinese character is dust.
      if (outside && !/[\p{L}\p{N}]/u.test(text)) continue;
      // "≥"/"≤" are not in the models' character sets: check the first glyph's shape when the
      // reading starts with one of the characters they come out as.
      if (oneLine) text = withLeadingComparison(text, mask, jobInk[j]!);
      const b = oneLine ? jobInk[j]! : l.bbox;
      const bbox = { x0: clampX(b.x0), y0: clampY(b.y0), x1: clampX(b.x1), y1: clampY(b.y1) };
      items.push({
        text,
        bbox,
        size: bbox.y1 - bbox.y0,
        confidence: l.confidence,
        origin: "ocr",
      });
    }
  });
  items.sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  page.items = items;
  return { page, jobs: { cells: cellJobs, lines: pieces.length } };
}
