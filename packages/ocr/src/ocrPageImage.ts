import type { Page, TextItem } from "@jixiao/schemas";
import { buildTables } from "@jixiao/layout";
import { boxBlur3, type GreyImage } from "./greyImage.js";
import type { OcrPool } from "./OcrPool.js";
import type { PaddleRecognizer } from "./PaddleRecognizer.js";
import { planCellJobs, planFreeLineJobs, preparePage } from "./pageJobs.js";
import { readLinesTesseract, type TesseractOnlyOptions } from "./readLinesTesseract.js";
import { readLinesTwice, type TwoEngineOptions } from "./readLinesTwice.js";

/** Options of the per-page image pipeline; every field has a default. */
export type PageImageOptions = {
  /** Images with more pixels are downscaled first (the page's dpi drops accordingly). Default 40 000 000. */
  maxPixels?: number;
  /**
   * Pages scanned finer than this are read at this resolution (area downscale, the page's dpi
   * drops accordingly): a 600 dpi archive scan costs four times the image work of a 300 dpi one
   * and reads no better. Default 300. (Reading 300 dpi pages at 200 saved no measurable time —
   * the downscale costs what the smaller page saves — and cost 7 of 5,697 fields on seed 43's
   * 300 dpi grey scans.)
   */
  maxDpi?: number;
  /** Largest skew searched, degrees. Default 6 (scans come skewed up to 5°). */
  maxSkewDegrees?: number;
  /** Skews smaller than this are left alone (degrees). Default 0.03. */
  minSkewDegrees?: number;
  /** Cells whose interior has a smaller share of ink are treated as blank. Default 0.001. */
  minInkRatio?: number;
  /**
   * A second engine: PP-OCR reads every line and Tesseract (the pool) checks the readings it
   * is unsure of (readLinesTwice). Without it, Tesseract reads everything, with its retries
   * (readLinesTesseract).
   */
  paddle?: PaddleRecognizer;
  /** How the two engines share the work (readLinesTwice). */
  twoEngines?: TwoEngineOptions;
  /** Without `paddle`: when Tesseract reads a line again (readLinesTesseract). */
  tesseractOnly?: TesseractOnlyOptions;
  /** With `paddle`: blur a bitonal page (3×3) before the engines read it. Default true. */
  softenBitonal?: boolean;
};

/** The defaults of PageImageOptions (besides the engines' own). */
export const PAGE_IMAGE_DEFAULTS = {
  maxPixels: 40_000_000,
  maxDpi: 300,
  maxSkewDegrees: 6,
  minSkewDegrees: 0.03,
  minInkRatio: 0.001,
  softenBitonal: true,
};

/** What the page pipeline found, for tests and diagnostics. */
export type PageImageResult = {
  page: Page;
  /** Number of OCR jobs run for table cells and for text outside tables. */
  jobs: { cells: number; lines: number };
};

/**
 * Prepares one page image and reads it, in named passes:
 *
 * 1. `preparePage`: clamp to `maxPixels` (area downscale), remove a red seal, binarize (Otsu),
 *    measure the skew and rotate the grey image by −skew (bilinear); find the table rulings on
 *    the deskewed mask, put them on the page (unit px), erase them and remove dust;
 * 2. `planCellJobs`: `buildTables` gives the cells; every cell with ink becomes a job over its
 *    text bands (a cell holding only a dash is recognised from its shape);
 * 3. `planFreeLineJobs`: text outside the table frames is grouped into line pieces, one job each;
 * 4. the jobs are read from the deskewed grey image with the lines erased: by two engines
 *    (`readLinesTwice`, with `paddle`), else by Tesseract alone with its second readings
 *    (`readLinesTesseract`).
 *
 * Every recognised line becomes a TextItem (origin "ocr", bbox in pixels of the deskewed image),
 * so the layout reconstructor assigns them to the same cells. `image` is consumed (modified).
 *
 * The image work (passes 1–3) is done before this returns. Not an async function, on purpose: V8
 * keeps every value an async function has handled (parameters, variables, temporaries) until it
 * returns, which would hold the page as given, replaced by the deskewed image (8.7 MB at 300 dpi
 * A4), all the while the lines are read.
 */
export function ocrPageImage(
  image: GreyImage,
  number: number,
  dpi: number,
  pool: OcrPool,
  options: PageImageOptions = {},
): Promise<PageImageResult> {
  try {
    return readPage(image, number, dpi, pool, options);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** ocrPageImage's work, throwing where ocrPageImage rejects. */
function readPage(image: GreyImage, number: number, dpi: number, pool: OcrPool, options: PageImageOptions): Promise<PageImageResult> {
  const o = { ...PAGE_IMAGE_DEFAULTS, ...withoutUndefined(options) };
  const prepared = preparePage(image, dpi, o);
  const { grey, mask, rulings } = prepared;
  const { width, height } = grey;
  const page: Page = {
    number,
    width,
    height,
    unit: "px",
    origin: "top-left",
    items: [],
    rulings,
    tables: [],
    image: { width, height, dpi: Math.round(prepared.dpi * 100) / 100, skewDegrees: prepared.skewDegrees },
  };

  const tables = buildTables(page);
  const cells = planCellJobs(prepared, tables, o.minInkRatio);
  const freeLines = planFreeLineJobs(prepared, tables);
  const jobs = [...cells.jobs, ...freeLines];

  let reading: Promise<TextItem[]>;
  if (options.paddle) {
    // Two engines: PP-OCR reads every line, Tesseract checks the ones it is unsure of.
    // A bitonal scan's strokes have ragged, broken edges; both engines read them better softened.
    const ocrGrey = prepared.bitonal && o.softenBitonal ? boxBlur3(grey) : grey;
    reading = readLinesTwice(ocrGrey, mask, prepared.dpi, jobs, options.paddle, pool, options.twoEngines);
  } else {
    reading = readLinesTesseract(grey, mask, prepared.dpi, jobs, pool, options.tesseractOnly);
  }
  return reading.then((read) => {
    page.items = wrappedFullStops([...cells.direct, ...read].sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0));
    return { page, jobs: { cells: cells.jobs.length, lines: freeLines.length } };
  });
}

/**
 * A paragraph's full stop wrapped onto a line of its own is read as a round letter or sign
 * ("O", "o", "°"): such an item, under a line of text ending in a Chinese character (at its
 * left edge, within two of its heights below it, no taller than half of it), is "。".
 */
export function wrappedFullStops(items: TextItem[]): TextItem[] {
  for (const it of items) {
    if (!/^[oO°]$/.test(it.text)) continue;
    const h = it.bbox.y1 - it.bbox.y0;
    const above = items.find((o) => {
      const oh = o.bbox.y1 - o.bbox.y0;
      return o !== it && /\p{Script=Han}$/u.test(o.text) && h <= 0.5 * oh && it.bbox.y0 >= o.bbox.y1 && it.bbox.y0 - o.bbox.y1 <= 2 * oh && Math.abs(it.bbox.x0 - o.bbox.x0) <= oh;
    });
    if (above) it.text = "。";
  }
  return items;
}

/** The options given, without those explicitly undefined (they take the default, as `??` did). */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
