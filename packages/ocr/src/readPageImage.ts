import type { OcrPool } from "./OcrPool.js";
import { ocrPageImage, PAGE_IMAGE_DEFAULTS, type PageImageOptions, type PageImageResult } from "./ocrPageImage.js";
import { orientPage, type QuarterTurn } from "./orientPage.js";
import { rotateQuarter } from "./pdfImages.js";
import { workingImage, type GreyImage } from "./greyImage.js";

/** Options of the orientation step; every field has a default. */
export type OrientationOptions = {
  /**
   * A page whose OCR reads this unsure (character-weighted mean confidence) is read again turned
   * by a half turn, and the surer reading is kept: Chinese upside down reads as garbage. Default 0.7.
   */
  halfTurnBelowConfidence?: number;
  /** Fewer characters than this on the page: too little text to judge; no second reading. Default 20. */
  halfTurnMinChars?: number;
};

/** Character-weighted mean OCR confidence of a page's items, and the number of characters. */
export function pageReadQuality(result: PageImageResult): { confidence: number; chars: number } {
  let chars = 0;
  let sum = 0;
  for (const it of result.page.items) {
    const n = [...it.text].length;
    chars += n;
    sum += n * it.confidence;
  }
  return { confidence: chars ? sum / chars : 0, chars };
}

/**
 * Reads one scanned page image the right way up: orientPage decides whether it lies sideways
 * (reliable) and whether it is upside down (only on clear evidence), the page is turned and
 * read; when the reading comes out unsure, the page is read again turned by a further half turn
 * and the surer reading wins. The turn applied is `page.image.rotation`.
 *
 * The second reading needs the page as it was given: `reload` gives it again (a PDF page's image
 * decoded anew) if it comes to that; without it the page is kept meanwhile (8.7 MB for a 300 dpi
 * A4 page). `image` is consumed. The image work of the first reading is done before this
 * returns; as ocrPageImage, this is not an async function so as not to hold the page while it is
 * read.
 */
export function readPageImage(
  image: GreyImage,
  number: number,
  dpi: number,
  pool: OcrPool,
  options: PageImageOptions & OrientationOptions = {},
  reload?: () => Promise<GreyImage>,
): Promise<PageImageResult> {
  try {
    // Orientation is judged, and the page read, at the resolution it is read at.
    const limits = {
      maxPixels: options.maxPixels ?? PAGE_IMAGE_DEFAULTS.maxPixels,
      maxDpi: options.maxDpi ?? PAGE_IMAGE_DEFAULTS.maxDpi,
    };
    const working = workingImage(image, dpi, limits);
    image = working.image;
    const { rotation } = orientPage(image, working.dpi);
    // Reads the page turned by `turn`; ocrPageImage consumes the image it is given (and brings
    // one given again at its full resolution to the working one).
    const read = (page: GreyImage, pageDpi: number, turn: QuarterTurn) =>
      ocrPageImage(rotateQuarter(page, turn), number, pageDpi, pool, options).then((r) => {
        if (r.page.image) r.page.image.rotation = turn;
        return r;
      });
    const again = reload ?? keeping(image);
    // Unturned, the first reading would consume the page itself: it reads a copy when the page is kept.
    const first = read(!reload && rotation === 0 ? { ...image, data: image.data.slice() } : image, working.dpi, rotation);
    const halfTurn = ((rotation + 180) % 360) as QuarterTurn;
    return surerReading(first, () => again().then((page) => read(page, reload ? dpi : working.dpi, halfTurn)), options);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Gives `image` back when asked (in a scope of its own, so that only this closure holds it). */
function keeping(image: GreyImage): () => Promise<GreyImage> {
  return () => Promise.resolve(image);
}

/** The first reading, unless it comes out unsure and the second (`readAgain`) is surer. */
async function surerReading(
  first: Promise<PageImageResult>,
  readAgain: () => Promise<PageImageResult>,
  options: OrientationOptions,
): Promise<PageImageResult> {
  const below = options.halfTurnBelowConfidence ?? 0.7;
  const minChars = options.halfTurnMinChars ?? 20;
  const r1 = await first;
  const q1 = pageReadQuality(r1);
  if (q1.chars < minChars || q1.confidence >= below) return r1;
  const r2 = await readAgain();
  const q2 = pageReadQuality(r2);
  return q2.chars >= minChars && q2.confidence > q1.confidence ? r2 : r1;
}
