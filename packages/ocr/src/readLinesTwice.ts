import type { TextItem } from "@jixiao/schemas";
import { fixOcrText } from "./fixOcrText.js";
import type { InkBand } from "./findTextLines.js";
import type { GreyImage, InkMask, PixelRect } from "./greyImage.js";
import { glyphsOfCharacters, proseMarksByShape, threeOrFive, withLeadingComparison } from "./glyphs.js";
import type { OcrPool } from "./OcrPool.js";
import { normalizePaddleText, readingKey, sameReading, type PaddleRecognizer } from "./PaddleRecognizer.js";

/**
 * How two OCR engines share the lines of a page, and what their readings are worth. Every
 * field has a default; the defaults come from the measurement in the README (3,234 table-cell
 * lines, clean and noisy, against their digital twins).
 */
export type TwoEngineOptions = {
  /**
   * PP-OCR reads every line; a reading whose least sure character is below this is read by
   * Tesseract too, and the two must agree. Default 0.99 (every wrong PP-OCR reading measured
   * was below 0.98).
   */
  checkBelow?: number;
  /**
   * A cell or line whose PP-OCR text is at least this long is prose: it is not checked line by
   * line (its field gets a review flag for its length in any case). Default 30 characters.
   */
  proseLength?: number;
  /** Confidence of a reading PP-OCR was sure of. Default 0.997. */
  sureConfidence?: number;
  /** Confidence of a reading both engines agree on. Default 0.995. */
  agreedConfidence?: number;
  /** Confidence of a reading the engines disagree on (it also gets a review flag). Default 0.5. */
  disputedConfidence?: number;
  /**
   * When the engines disagree, Tesseract reads the line again at this resolution (enlarged,
   * bilinear, when the page is coarser) before the line is flagged; PP-OCR agreeing with
   * either Tesseract reading confirms it. Tesseract's first reading is at 150 dpi, where the
   * glyphs of a 150–200 dpi scan are 13–22 px tall. Default 300. 0 turns it off.
   * Measured on 400 table-cell lines each of a 200 dpi G4 and a 150 dpi JPEG scan of four forms
   * (skew left out so the digital text is the truth): disagreements 38 → 29 (G4) and 25 → 20
   * (JPEG); one line wrongly confirmed, a header "一级指标" both engines read "-级指标". On
   * the skewed G4 calc form, Tesseract misreads most of the broken glyphs at both scales:
   * 12 of 136 disagreements settled.
   */
  confirmDpi?: number;
  /**
   * Digits with a 3 or 5 (that the glyphs' shapes do not confirm, see threeOrFive) or with a
   * comparison mark both engines read alike still stay in doubt when PP-OCR's least sure
   * character was below this (a noisy "≥96.00%" was read ">96.00%" by both at 0.6): on a
   * 200 dpi bitonal scan both engines can read a broken 5 as 3, and PP-OCR's confidence is the
   * only sign (0.53 and 0.72 on the two such lines of 732 digit-only readings,
   * scripts/measure-bitonal-lines.mts; 18 of 3,000 line readings fall below, the other 16 right).
   * Default 0.8.
   */
  unsureDigitsBelow?: number;
  /**
   * A reading PP-OCR was sure of is checked by Tesseract all the same when it left ink unread
   * (unreadInk): two characters read at least this many line heights apart with ink between
   * them. A bitonal scan thins a Song face's horizontal strokes until "口" is two short bars,
   * and PP-OCR then reads "（对口支援）" as "（对支援）" at 0.99. Default 1.6; 0 turns it off.
   */
  unreadGap?: number;
  /**
   * Prose lines (not read twice) have their low marks checked by shape (proseMarksByShape): a
   * "，" whose ink is "；", a "一" whose ink is "、", a "、" or "，" left out between two
   * characters read far apart. Default true.
   */
  proseMarks?: boolean;
};

/** One rectangle to read: a table cell's interior, or a line of text outside the tables. */
export type LineJob = {
  /** Where the job's ink lies (the cell interior, or the line with a margin). */
  rect: PixelRect;
  /** Its text lines (bands of ink), top to bottom. */
  bands: readonly InkBand[];
  /** Text outside the tables: a reading without a letter, digit or Chinese character there is dust. */
  free?: boolean;
};

type BandReading = {
  job: number;
  band: InkBand;
  rect: PixelRect;
  text: string;
  unchosen?: string;
  confidence: number;
  unread: boolean;
  /** PP-OCR's characters and where it read each (LineReading.chars, .xs). */
  chars: string[];
  xs: number[];
  tess?: Promise<string>;
};

const DEFAULTS: Required<TwoEngineOptions> = {
  checkBelow: 0.99,
  proseLength: 30,
  sureConfidence: 0.997,
  agreedConfidence: 0.995,
  disputedConfidence: 0.5,
  confirmDpi: 300,
  unsureDigitsBelow: 0.8,
  unreadGap: 1.6,
  proseMarks: true,
};

/** A line of digits (a weight, a score, an amount, a rate), with the marks numbers carry. */
const DIGITS_LINE = /^[\d.,%\s≥≤=<>+-]*\d[\d.,%\s≥≤=<>+-]*$/;

/** Digits around a colon in what should be a number ("100000:00", "4:46"): a speck made a point a colon. */
const COLON_IN_NUMBER = /\d[:：]\d/;

/**
 * Reads every band of every job with PP-OCR, and the bands it is not sure of with Tesseract as
 * well: agreement confirms, disagreement keeps PP-OCR's reading (the more accurate engine) with
 * a doubt that names both readings (a review flag on the field). One TextItem per band, in the
 * coordinates of `grey`; bands nobody could read are left out.
 */
export async function readLinesTwice(
  grey: GreyImage,
  mask: InkMask,
  dpi: number,
  jobs: readonly LineJob[],
  paddle: PaddleRecognizer,
  pool: OcrPool,
  options: TwoEngineOptions = {},
): Promise<TextItem[]> {
  const o = { ...DEFAULTS, ...options };
  const margin = Math.max(2, Math.round(dpi / 100));
  // Every line goes to PP-OCR at once (its worker queues them); Tesseract checks a job's unsure
  // lines as soon as PP-OCR has read the job (not prose), so both engines keep working.
  const jobLength = new Map<number, number>();
  const pending: Promise<BandReading[]>[] = [];
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j]!;
    const bands = job.bands.map((band) => {
      const rect: PixelRect = {
        x0: Math.max(job.rect.x0, band.x0 - margin),
        x1: Math.min(job.rect.x1, band.x1 + margin),
        y0: Math.max(job.rect.y0, band.y0 - margin),
        y1: Math.min(job.rect.y1, band.y1 + margin),
      };
      return paddle.recognizeLine(grey, rect).then((r): BandReading => ({
        job: j,
        band,
        rect,
        text: r.text,
        unchosen: r.unchosen,
        confidence: r.confidence,
        unread: o.unreadGap > 0 && unreadInk(r.xs, mask, band, o.unreadGap),
        chars: r.chars.map((c) => c.char),
        xs: r.xs,
      }));
    });
    pending.push(
      Promise.all(bands).then((read) => {
        const length = read.reduce((n, r) => n + [...r.text].length, 0);
        jobLength.set(j, length);
        for (const r of read) {
          if (length < o.proseLength && (!r.text || r.confidence < o.checkBelow || r.unread)) {
            r.tess = tesseractLine(pool, grey, r.rect, dpi);
            r.tess.catch(() => undefined);
          }
        }
        return read;
      }),
    );
  }
  const readings = (await Promise.all(pending)).flat();

  const items: (TextItem | undefined)[] = await Promise.all(
    readings.map(async (r): Promise<TextItem | undefined> => {
      const bbox = { x0: r.band.x0, y0: r.band.y0, x1: r.band.x1, y1: r.band.y1 };
      const item = (text: string, confidence: number, doubt?: TextItem["doubt"]): TextItem | undefined => {
        // Where PP-OCR read the first character, when the text is its reading as given.
        text = withLeadingComparison(text, mask, bbox, text === r.text ? r.xs[0] : undefined);
        if (!text) return undefined;
        if (jobs[r.job]!.free && !/[\p{L}\p{N}]/u.test(text)) return undefined;
        const it: TextItem = { text, bbox, size: bbox.y1 - bbox.y0, confidence, origin: "ocr" };
        if (doubt) it.doubt = doubt;
        else if (COLON_IN_NUMBER.test(text) && /^[\d.,:：%≥≤<>=\s-]+$/.test(text)) {
          it.doubt = { code: "colon_in_number", message: `"${text}" has a colon between digits: a decimal point or a speck?` };
          it.confidence = Math.min(confidence, o.disputedConfidence);
        }
        return it;
      };
      const prose = (jobLength.get(r.job) ?? 0) >= o.proseLength;
      // A sure reading of a number is checked too when a 3 or 5 in it has the other's shape.
      const misshapen = !prose && DIGITS_LINE.test(r.text) && shapedThreeFive(r.text, mask, bbox) !== undefined;
      if (prose && r.text) {
        // Prose is not read twice (its field is in review for its length): its low marks are
        // checked by their shapes instead.
        const marked = o.proseMarks ? proseMarksByShape(r.chars, r.xs, mask, bbox) : undefined;
        const text = marked !== undefined ? normalizePaddleText(marked) : r.text;
        return item(text, r.confidence >= o.checkBelow ? o.sureConfidence : Math.max(r.confidence, o.disputedConfidence));
      }
      if (r.text && r.confidence >= o.checkBelow && !r.unread && !misshapen) return item(r.text, o.sureConfidence);
      const tess = await (r.tess ?? tesseractLine(pool, grey, r.rect, dpi));
      if (!r.text && !tess) {
        // A table cell's line of ink that neither engine could read is a value lost, not blank
        // paper: it is kept as "?" with a doubt, unless it is too little ink to be a character.
        if (jobs[r.job]!.free || !glyphSized(mask, bbox, dpi)) return undefined;
        return item("?", o.disputedConfidence, { code: "ink_not_read", message: "neither OCR engine could read this ink: a value may be missing" });
      }
      // Agreement confirms, except digits PP-OCR was far from sure of where both engines misread
      // alike: a 3 or 5 (the confusion measured) the glyphs' shapes do not confirm, or a
      // comparison mark (a noisy ≥ read ">" by both).
      const confirmed = (text: string) => {
        // Both engines read a 3 or 5 whose glyph has the other digit's shape (threeOrFive: no
        // wrong call in 2,523 measured): the shape's digit is taken, in doubt.
        const shaped = DIGITS_LINE.test(text) ? shapedThreeFive(text, mask, bbox) : undefined;
        if (shaped !== undefined) {
          return item(shaped, o.disputedConfidence, {
            code: "unsure_digits",
            message: `both OCR engines read "${text}", but the glyphs' shapes say "${shaped}" (3 and 5 look alike on a coarse scan): taken as "${shaped}"`,
            readings: [r.text, tess, shaped],
          });
        }
        return r.confidence < o.unsureDigitsBelow && DIGITS_LINE.test(text) && (/[<>≤≥]/.test(text) || (/[35]/.test(text) && !shapesConfirm(text, mask, bbox)))
          ? item(text, o.disputedConfidence, {
              code: "unsure_digits",
              message: `both OCR engines read "${text}", but PP-OCR was unsure of it (${r.confidence.toFixed(2)}): ${
                /[<>≤≥]/.test(text) ? "≥ and > look alike" : "digits such as 3 and 5 look alike"
              } on a coarse scan`,
            })
          : item(text, o.agreedConfidence);
      };
      // Only PP-OCR's reading as given is confirmed by agreement. Where the lexicon chose a
      // character in it, Tesseract agreeing with PP-OCR's own best reading instead is no
      // confirmation: both engines misread "合规" as "台规" alike, and the lexicon was right.
      const agreeing = (t: string) => agreedReading(r.text, t, mask, bbox);
      const agreed = agreeing(tess);
      if (agreed !== null) return confirmed(agreed);
      // Before flagging: Tesseract reads the line once more at a finer scale; PP-OCR agreeing
      // with that reading confirms it, as above (two independent engines agree).
      const tess2 = o.confirmDpi > 0 && r.text ? await tesseractAt(pool, grey, r.rect, dpi, o.confirmDpi) : "";
      const agreed2 = tess2 ? agreeing(tess2) : null;
      if (agreed2 !== null) return confirmed(agreed2);
      // PP-OCR's reading is kept (the more accurate engine), unless it holds no character at all
      // ("+" or "↓" for a broken 4) where Tesseract read the same characters at both scales.
      const marksOnly = (s: string) => !/[\p{L}\p{N}]/u.test(s);
      const kept = !r.text || (marksOnly(r.text) && tess2 && sameReading(tess, tess2) && !marksOnly(tess)) ? tess : r.text;
      // A number kept with a 3 or 5 whose glyph has the other digit's shape takes the shape's digit
      // (PP-OCR read nothing of a 5 whose stem a bitonal scan lost, and Tesseract read it "3").
      const shaped = DIGITS_LINE.test(kept) ? shapedThreeFive(kept, mask, bbox) : undefined;
      return item(shaped ?? kept, o.disputedConfidence, {
        code: "ocr_disagreement",
        message: `the two OCR engines read this differently: PP-OCR "${r.text}"${r.unchosen !== undefined ? ` (by the lexicon; "${r.unchosen}" by its own best)` : ""}${r.unread ? " (leaving some ink unread)" : ""}, Tesseract "${tess}"${tess2 ? ` (at ${o.confirmDpi} dpi "${tess2}")` : ""}${shaped !== undefined ? `; the glyphs' shapes say "${shaped}" (3 and 5 look alike on a coarse scan)` : ""}`,
        readings: [r.text, tess, ...(tess2 ? [tess2] : []), ...(shaped !== undefined ? [shaped] : [])],
      });
    }),
  );
  return items.filter((i): i is TextItem => i !== undefined);
}

/**
 * Whether PP-OCR left ink unread on a line: two neighbouring characters it read (or a line end
 * and its nearest character) at least `gap` line heights apart, with ink in at least 0.3 of a
 * line height of the columns between them (leaving 0.6 of a line height beside each character
 * for its own ink). `xs` are the characters' positions on the page (LineReading.xs).
 */
export function unreadInk(xs: readonly number[], mask: InkMask, band: PixelRect, gap: number): boolean {
  const em = band.y1 - band.y0;
  if (em < 6 || xs.length === 0) return false;
  const marks = [band.x0 - 0.6 * em, ...xs, band.x1 + 0.6 * em];
  for (let i = 0; i + 1 < marks.length; i++) {
    const a = marks[i]!;
    const b = marks[i + 1]!;
    if (b - a < gap * em) continue;
    let inked = 0;
    for (let x = Math.max(band.x0, Math.round(a + 0.6 * em)); x < Math.min(band.x1, Math.round(b - 0.6 * em)); x++) {
      for (let y = band.y0; y < band.y1; y++) {
        if (mask.data[y * mask.width + x]) {
          inked++;
          break;
        }
      }
    }
    if (inked >= 0.3 * em) return true;
  }
  return false;
}

/**
 * Whether a line of ink is at least a small character's worth: a digit of 6 pt type is about
 * 1/20 inch tall and holds a few dozen ink pixels at 200 dpi; dust and what is left of an erased
 * ruling are smaller or flatter.
 */
function glyphSized(mask: InkMask, band: PixelRect, dpi: number): boolean {
  const h = band.y1 - band.y0;
  const w = band.x1 - band.x0;
  if (h < dpi / 25 || w < dpi / 50) return false;
  let ink = 0;
  for (let y = band.y0; y < band.y1; y++) for (let x = band.x0; x < band.x1; x++) ink += mask.data[y * mask.width + x]!;
  return ink >= (dpi / 50) ** 2;
}

/** A number PP-OCR spelled with the letter o for a zero ("o", "1o0"): its digits when that is all it holds. */
const NUMBER_WITH_O = /^[\d.,%oO]*[oO][\d.,%oO]*$/;

/**
 * The reading two engines agree on, or null. Besides the same text (`sameReading`), they agree
 * when the only difference is one each engine is known to make and the other not:
 * - PP-OCR spells a zero the letter o ("o" for "0" in an empty-amount cell); Tesseract's digit
 *   there agrees, and the digits are taken;
 * - Tesseract reads a leading ≥ or ≤ as "2", "之", "过", ">" or "2=" ("296.00%" for "≥96.00%");
 *   when the first glyph's shape (withLeadingComparison) makes both readings the same, they agree;
 * - PP-OCR reads ">=" as ">": the second glyph's shape (equalsSecond) gives the "=" back;
 * - in a number, one reads 3 where the other reads 5, and the glyph's shape says which
 *   (settledThreeFive);
 * - either engine reads a speck as a mark (withoutSpeckMarks).
 */
export function agreedReading(paddle: string, tess: string, mask: InkMask, ink: PixelRect): string | null {
  if (sameReading(paddle, tess)) return paddle;
  if (NUMBER_WITH_O.test(paddle)) {
    const digits = paddle.replace(/[oO]/g, "0");
    if (/\d/.test(tess) && sameReading(digits, tess)) return digits;
  }
  const p = withLeadingComparison(paddle, mask, ink);
  if (p !== paddle && sameReading(p, tess)) return p;
  const t = withLeadingComparison(tess.replace(/^(?:2=|>=)(?=\d)/, "≥").replace(/^(?:<=)(?=\d)/, "≤"), mask, ink);
  if (/^[≥≤]/.test(p) && sameReading(p, t)) return p;
  return settledThreeFive(paddle, tess, mask, ink) ?? withoutSpeckMarks(paddle, tess);
}

/**
 * Two readings of a number that differ only where one engine read 3 and the other 5 (a coarse or
 * bitonal scan breaks the 5's stem or the 3's bowl): each such digit's glyph shape (threeOrFive)
 * decides, a third reader siding with one engine. null when a glyph is not cut out on its own or
 * its shape does not decide. Measured with scripts/measure-digit-shapes.mts on 200 dpi bitonal
 * pages (three thresholds, and skewed then deskewed) of two template sets and three corpus
 * files: 0 of 2,523 decided 3s and 5s wrong, 30 left open.
 */
function settledThreeFive(paddle: string, tess: string, mask: InkMask, ink: PixelRect): string | null {
  const a = [...readingKey(paddle)];
  const b = [...readingKey(tess)];
  if (a.length !== b.length || !DIGITS_LINE.test(a.join(""))) return null;
  const differ = a.flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  if (!differ.length || differ.some((i) => `${a[i]}${b[i]}` !== "35" && `${a[i]}${b[i]}` !== "53")) return null;
  const glyphs = glyphsOfCharacters(a.join(""), mask, ink);
  if (!glyphs) return null;
  for (const i of differ) {
    const said = threeOrFive(mask, glyphs[i]!);
    if (!said) return null;
    a[i] = said;
  }
  return a.join("");
}

/** Every 3 and 5 of a number's reading has the glyph shape of what was read (and there is one). */
/**
 * The reading with every 3 or 5 whose glyph has the other digit's shape replaced by that digit,
 * or undefined when none has (or the glyphs cannot be paired with the characters).
 */
function shapedThreeFive(text: string, mask: InkMask, ink: PixelRect): string | undefined {
  const key = readingKey(text);
  const chars = [...key];
  if (!chars.some((ch) => ch === "3" || ch === "5")) return undefined;
  const glyphs = glyphsOfCharacters(key, mask, ink);
  if (!glyphs) return undefined;
  let changed = false;
  const out = chars.map((ch, i) => {
    if (ch !== "3" && ch !== "5") return ch;
    const said = threeOrFive(mask, glyphs[i]!);
    if (said && said !== ch) changed = true;
    return said ?? ch;
  });
  return changed ? out.join("") : undefined;
}

function shapesConfirm(text: string, mask: InkMask, ink: PixelRect): boolean {
  const key = readingKey(text);
  const chars = [...key];
  if (!chars.some((ch) => ch === "3" || ch === "5")) return false;
  const glyphs = glyphsOfCharacters(key, mask, ink);
  return glyphs !== undefined && chars.every((ch, i) => (ch !== "3" && ch !== "5") || threeOrFive(mask, glyphs[i]!) === ch);
}

/** A well-formed number: digits, thousands separators every three digits, decimals. */
const WELL_FORMED_NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$/;
/** Marks a speck on a coarse scan is read as ("防止：", "提升政府.工作效能", "=100°%"). */
const SPECK_MARKS = /[.·:：!！°'‘’`]/g;

/**
 * Two readings with the same letters and digits that differ only in marks a speck makes: in a
 * number, the one that is a well-formed number ("1,087,128" over "1.087,128"); in text, the one
 * without the extra marks, when the other's extra marks all are speck marks and none lies between
 * digits (where a point is real). Otherwise null: the engines disagree.
 */
function withoutSpeckMarks(a: string, b: string): string | null {
  const ka = readingKey(a);
  const kb = readingKey(b);
  if (/^[-+\d.,%]+$/.test(ka) && /^[-+\d.,%]+$/.test(kb)) {
    if (ka.replace(/[.,]/g, "") !== kb.replace(/[.,]/g, "")) return null;
    const wa = WELL_FORMED_NUMBER.test(ka);
    const wb = WELL_FORMED_NUMBER.test(kb);
    return wa === wb ? null : wa ? a : b;
  }
  const strip = (k: string) => k.replace(SPECK_MARKS, "");
  if (strip(ka) !== strip(kb) || !/[\p{L}\p{N}]/u.test(strip(ka))) return null;
  const marks = (k: string) => k.length - strip(k).length;
  const [fewer, more, kMore] = marks(ka) < marks(kb) ? [a, b, kb] : marks(kb) < marks(ka) ? [b, a, ka] : [null, null, ""];
  if (fewer === null || more === null) return null;
  // A point between digits is a decimal point, not a speck.
  if (/\d[.·:：]\d/.test(kMore) && !/\d[.·:：]\d/.test(readingKey(fewer))) return null;
  return fewer;
}

/** Tesseract's reading of one line at `ocrDpi` (the crop enlarged if the page is coarser). */
async function tesseractAt(pool: OcrPool, grey: GreyImage, rect: PixelRect, dpi: number, ocrDpi: number): Promise<string> {
  const lines = await pool.recognize(grey, rect, 7, { dpi, ocrDpi, upscale: true });
  return fixOcrText(lines.map((l) => l.text).join(""));
}

/** Tesseract's reading of one line: at the pool's resolution, then at full resolution if empty. */
async function tesseractLine(pool: OcrPool, grey: GreyImage, rect: PixelRect, dpi: number): Promise<string> {
  for (const ocrDpi of [undefined, dpi]) {
    const lines = await pool.recognize(grey, rect, 7, ocrDpi === undefined ? { dpi } : { dpi, ocrDpi });
    const text = fixOcrText(lines.map((l) => l.text).join(""));
    if (text) return text;
  }
  return "";
}
