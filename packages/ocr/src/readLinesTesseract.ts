import type { TextItem } from "@jixiao/schemas";
import { isCjkLike } from "@jixiao/core";
import { fixOcrText } from "./fixOcrText.js";
import type { InkBand } from "./findTextLines.js";
import type { GreyImage, InkMask, PixelRect } from "./greyImage.js";
import { withLeadingComparison } from "./glyphs.js";
import type { OcrLine, OcrPool } from "./OcrPool.js";
import { jobMargin, type PageJob } from "./pageJobs.js";

/**
 * Tesseract alone (createScanExtractor's `engines: "tesseract"`, or ocrPageImage without
 * `paddle`): how unsure a reading may be before it is read again. Every field has a default.
 */
export type TesseractOnlyOptions = {
  /** Lines read with less confidence are read again at full resolution; the surer reading wins. Default 0.9. */
  retryBelowConfidence?: number;
  /**
   * A block reading (PSM 6, a cell of several lines) with a line below this confidence, or that
   * lost a line or a line end, is redone line by line. Default 0.8.
   */
  blockBelowConfidence?: number;
  /**
   * A short cell (one or two glyphs: "5", "10", "总分") read with at least this confidence is
   * kept; below it, it is read at two more resolutions and the majority wins. Tesseract is
   * confidently wrong there most often ("8" for 3, "区" for 5, at 0.93–0.94). Default 0.955.
   */
  shortCellSureConfidence?: number;
  /**
   * A Chinese line read again with Latin letters forbidden: the new reading is taken when its
   * confidence is at most this much below the first one's (without Latin letters Tesseract is
   * often a little less sure of a correct reading). Default 0.15.
   */
  latinRetryTolerance?: number;
  /**
   * ...or when it holds more Chinese characters than the first reading and its confidence is at
   * least the first one's plus `latinRetryGain`, capped at this ("(元)" for "(Ot)" is taken,
   * "随申办和" for "随申办APP和" is not). Default 0.6.
   */
  latinRetryChineseConfidence?: number;
  /** See `latinRetryChineseConfidence`. Default 0.1. */
  latinRetryGain?: number;
};

const DEFAULTS: Required<TesseractOnlyOptions> = {
  retryBelowConfidence: 0.9,
  blockBelowConfidence: 0.8,
  shortCellSureConfidence: 0.955,
  latinRetryTolerance: 0.15,
  latinRetryChineseConfidence: 0.6,
  latinRetryGain: 0.1,
};

/** Lowest resolution a band or short cell is also read at (dpi). */
const COARSE_DPI = 100;
/** A cell whose ink is at most this many times as wide as tall is short (one or two glyphs): voted on. */
const SHORT_CELL_ASPECT = 2.5;
/** The lines read over a band must reach within this share of its height of both ends of its ink. */
const SPAN_SLACK = 0.6;
/** Glyphs at least this share of the line height wide each are as wide as Chinese characters. */
const WIDE_GLYPH = 0.8;

const LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const cjkCount = (s: string) => [...s].filter((c) => isCjkLike(c)).length;

/**
 * With eng loaded next to chi_sim, Tesseract now and then reads a Chinese word as Latin
 * letters ("TR化" for 深化, "(CH)" for (五)). A line that is mostly Chinese and holds Latin
 * letters is worth a second reading with Latin letters forbidden.
 */
function looksMisreadAsLatin(text: string): boolean {
  const chars = [...text.replace(/\s+/g, "")];
  const cjk = chars.filter((c) => isCjkLike(c)).length;
  return cjk >= 1 && cjk >= 0.25 * chars.length && /[A-Za-z]/.test(text);
}

/** What every pass reads with. */
type Reader = { grey: GreyImage; dpi: number; pool: OcrPool; margin: number; o: Required<TesseractOnlyOptions> };

/**
 * Reads every job with Tesseract alone, in five passes after the first reading (PSM 7 for one
 * line of ink, PSM 6 for several): block readings redone line by line, dropped lines read on
 * their own, short cells voted over three resolutions, unsure or Latin-looking lines read again,
 * and the readings turned into TextItems (coordinates of `grey`). `results` of each pass are
 * the lines of each job, in job order.
 */
export async function readLinesTesseract(
  grey: GreyImage,
  mask: InkMask,
  dpi: number,
  jobs: readonly PageJob[],
  pool: OcrPool,
  options: TesseractOnlyOptions = {},
): Promise<TextItem[]> {
  const r: Reader = { grey, dpi, pool, margin: jobMargin(dpi), o: { ...DEFAULTS, ...options } };
  const results = await Promise.all(jobs.map((job) => pool.recognize(grey, job.rect, job.psm, { dpi })));
  await redoBlocksLineByLine(r, jobs, results);
  await readDroppedLines(r, jobs, results);
  const voted = await voteShortCells(r, jobs, results);
  await readUnsureLinesAgain(r, jobs, results, voted);
  return toItems(grey, mask, jobs, results);
}

/** A band of a job's rectangle: its full width, the band's height with a margin. */
function bandRect(r: Reader, src: PixelRect, band: { y0: number; y1: number }): PixelRect {
  return { x0: src.x0, x1: src.x1, y0: Math.max(src.y0, band.y0 - r.margin), y1: Math.min(src.y1, band.y1 + r.margin) };
}

const chars = (lines: readonly OcrLine[]) => lines.reduce((n, l) => n + [...l.text].length, 0);

/** Character-weighted mean confidence. */
function meanConfidence(lines: readonly OcrLine[]): number {
  let w = 0;
  let sum = 0;
  for (const l of lines) {
    const n = [...l.text].length;
    w += n;
    sum += n * l.confidence;
  }
  return w ? sum / w : 0;
}

/** Whether the lines read over a band reach both ends of its ink (else glyphs were dropped). */
function spans(lines: readonly OcrLine[], band: InkBand): boolean {
  const over = lines.filter((l) => Math.min(l.bbox.y1, band.y1) - Math.max(l.bbox.y0, band.y0) > 0);
  if (!over.length) return false;
  const slack = SPAN_SLACK * (band.y1 - band.y0);
  return Math.min(...over.map((l) => l.bbox.x0)) <= band.x0 + slack && Math.max(...over.map((l) => l.bbox.x1)) >= band.x1 - slack;
}

/**
 * A block reading (PSM 6) that lost lines or is unsure is redone line by line: each band of ink
 * on its own with PSM 7. On dark, noisy or low-resolution scans PSM 6 can turn a two-line label
 * into garbage that the single lines do not produce.
 */
async function redoBlocksLineByLine(r: Reader, jobs: readonly PageJob[], results: OcrLine[][]): Promise<void> {
  const blockBelow = r.o.blockBelowConfidence;
  await Promise.all(
    results.map(async (lines, j) => {
      const bands = jobs[j]!.bands;
      if (bands.length < 2) return;
      if (
        lines.length >= bands.length &&
        lines.every((l) => l.confidence >= blockBelow) &&
        bands.every((b) => spans(lines, b))
      ) {
        return;
      }
      const src = jobs[j]!.rect;
      const perBand = (await Promise.all(bands.map((b) => r.pool.recognize(r.grey, bandRect(r, src, b), 7, { dpi: r.dpi })))).flat();
      const better =
        meanConfidence(perBand) > meanConfidence(lines) ||
        (chars(perBand) > chars(lines) && meanConfidence(perBand) >= blockBelow);
      if (perBand.length && better) results[j] = perBand;
    }),
  );
}

/**
 * Tesseract sometimes drops a whole short line ("资金" under "上年结转", a last line "款"): every
 * band of ink with no recognised line over it is read on its own, as one line, at up to three
 * resolutions (the pool's, the page's, COARSE_DPI) until something comes back.
 */
async function readDroppedLines(r: Reader, jobs: readonly PageJob[], results: OcrLine[][]): Promise<void> {
  const readBand = async (rect: PixelRect): Promise<OcrLine[]> => {
    for (const ocrDpi of [undefined, r.dpi, Math.min(r.dpi, COARSE_DPI)]) {
      const found = await r.pool.recognize(r.grey, rect, 7, ocrDpi === undefined ? { dpi: r.dpi } : { dpi: r.dpi, ocrDpi });
      if (found.length) return found;
    }
    return [];
  };
  const missing: Promise<void>[] = [];
  results.forEach((lines, j) => {
    const src = jobs[j]!.rect;
    for (const band of jobs[j]!.bands) {
      // Line boxes of tiny results can be much shorter than the glyphs: any overlap counts.
      const covered = lines.some((l) => Math.min(l.bbox.y1, band.y1) - Math.max(l.bbox.y0, band.y0) > 0);
      if (covered) continue;
      missing.push(
        readBand(bandRect(r, src, band)).then((found) => {
          lines.push(...found);
        }),
      );
    }
  });
  await Promise.all(missing);
}

/**
 * Short cells (one or two glyphs) are where Tesseract is confidently wrong most often, and the
 * error depends on the scale. Unless the reading is near-certain (`shortCellSureConfidence`),
 * they are read at two more resolutions and the majority wins (ties: the most confident
 * reading). Returns the jobs voted on.
 */
async function voteShortCells(r: Reader, jobs: readonly PageJob[], results: OcrLine[][]): Promise<Set<number>> {
  const voted = new Set<number>();
  await Promise.all(
    results.map(async (lines, j) => {
      const ink = jobs[j]!.ink;
      const h = ink.y1 - ink.y0;
      if (jobs[j]!.bands.length !== 1 || ink.x1 - ink.x0 > SHORT_CELL_ASPECT * h || lines.length > 1) return;
      if (lines.length === 1 && lines[0]!.confidence >= r.o.shortCellSureConfidence) return;
      voted.add(j);
      const src = jobs[j]!.rect;
      const others = await Promise.all(
        [r.dpi, Math.min(r.dpi, COARSE_DPI)].map((ocrDpi) => r.pool.recognize(r.grey, src, 7, { dpi: r.dpi, ocrDpi })),
      );
      const readings = [lines, ...others].map((ls) => ({
        text: ls.map((l) => l.text).join(""),
        confidence: ls.length ? Math.min(...ls.map((l) => l.confidence)) : 0,
        lines: ls,
      }));
      const score = (t: string) => {
        const same = readings.filter((x) => x.text === t);
        return same.length * 10 + same.reduce((m, x) => Math.max(m, x.confidence), 0);
      };
      const best = readings.filter((x) => x.text).sort((a, b) => score(b.text) - score(a.text))[0];
      if (best && best.lines !== lines) results[j] = best.lines;
    }),
  );
  return voted;
}

/**
 * Second readings: Chinese lines that came back with Latin letters are read again with Latin
 * letters forbidden; lines below `retryBelowConfidence` are read again at the image's full
 * resolution (the first reading is at the pool's ocrDpi). The more confident reading wins.
 * Voted cells already had their readings at other resolutions.
 */
async function readUnsureLinesAgain(r: Reader, jobs: readonly PageJob[], results: OcrLine[][], voted: ReadonlySet<number>): Promise<void> {
  const { grey, dpi, pool, margin, o } = r;
  const retries: Promise<void>[] = [];
  results.forEach((lines, j) => {
    const src = jobs[j]!.rect;
    const single = lines.length === 1;
    lines.forEach((l, i) => {
      // A line of a few Latin letters among Chinese lines of the same cell is suspect too, and
      // so are one or two letters read from glyphs as wide as Chinese characters ("a" for 否).
      const short = /^[A-Za-z]{1,4}$/.test(l.text.trim());
      const ink = jobs[j]!.ink;
      const wideGlyphs = lines.length === 1 && ink.x1 - ink.x0 >= WIDE_GLYPH * (ink.y1 - ink.y0) * l.text.trim().length;
      const latin =
        looksMisreadAsLatin(l.text) ||
        (short && (lines.some((other) => other !== l && cjkCount(other.text) >= 2) || wideGlyphs));
      if (!latin && (l.confidence >= o.retryBelowConfidence || voted.has(j))) return;
      // A single-line result is re-read from the job's own rectangle, which holds all its ink.
      const rect: PixelRect = single
        ? src
        : {
            x0: Math.max(src.x0, l.bbox.x0 - margin),
            y0: Math.max(src.y0, l.bbox.y0 - margin),
            x1: Math.min(src.x1, l.bbox.x1 + margin),
            y1: Math.min(src.y1, l.bbox.y1 + margin),
          };
      const again = latin
        ? pool.recognize(grey, rect, 7, { dpi, charBlacklist: LATIN }).then(async (res) =>
            res.length === 1 && res[0]!.confidence >= o.retryBelowConfidence
              ? res
              : pool.recognize(grey, rect, 7, { dpi, ocrDpi: dpi, charBlacklist: LATIN }),
          )
        : pool.recognize(grey, rect, 7, { dpi, ocrDpi: dpi });
      retries.push(
        again.then((res) => {
          const a = res.length === 1 ? res[0]! : undefined;
          if (!a || !a.text) return;
          // A reading that put Chinese where the letters were is taken when it is reasonably
          // sure, one that merely dropped them is not (latinRetry* options).
          const better = latin
            ? a.confidence > l.confidence - o.latinRetryTolerance ||
              (cjkCount(a.text) > cjkCount(l.text) && a.confidence >= Math.min(o.latinRetryChineseConfidence, l.confidence + o.latinRetryGain))
            : a.confidence > l.confidence;
          if (better) lines[i] = { ...l, text: a.text, confidence: a.confidence };
        }),
      );
    });
  });
  await Promise.all(retries);
}

/**
 * The readings as TextItems: `fixOcrText` repairs the text; outside the tables a reading with no
 * letter, digit or Chinese character is dust; a one-line job takes its ink's tight box and has
 * its first glyph checked for "≥"/"≤" (not in the models' character sets). Boxes are clamped
 * to the image.
 */
function toItems(grey: GreyImage, mask: InkMask, jobs: readonly PageJob[], results: readonly OcrLine[][]): TextItem[] {
  const items: TextItem[] = [];
  const clampX = (x: number) => Math.max(0, Math.min(grey.width, x));
  const clampY = (y: number) => Math.max(0, Math.min(grey.height, y));
  results.forEach((lines, j) => {
    const job = jobs[j]!;
    const oneLine = lines.length === 1 && job.bands.length === 1;
    for (const l of lines) {
      let text = fixOcrText(l.text);
      if (!text) continue;
      if (job.free && !/[\p{L}\p{N}]/u.test(text)) continue;
      if (oneLine) text = withLeadingComparison(text, mask, job.ink);
      const b = oneLine ? job.ink : l.bbox;
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
  return items;
}
