import type { OcrPool } from "./OcrPool.js";
import { ocrPageImage, type PageImageOptions, type PageImageResult } from "./ocrPageImage.js";
import { orientPage, type QuarterTurn } from "./orientPage.js";
import { rotateQuarter } from "./pdfImages.js";
import type { GreyImage } from "./greyImage.js";

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
 */
export async function readPageImage(
  image: GreyImage,
  number: number,
  dpi: number,
  pool: OcrPool,
  options: PageImageOptions & OrientationOptions = {},
): Promise<PageImageResult> {
  const { rotation } = orientPage(image, dpi);
  const below = options.halfTurnBelowConfidence ?? 0.7;
  const minChars = options.halfTurnMinChars ?? 20;
  // ocrPageImage consumes its image: the second reading needs its own copy.
  const read = async (turn: QuarterTurn, keepSource: boolean) => {
    const src = keepSource && turn === 0 ? { ...image, data: image.data.slice() } : image;
    const r = await ocrPageImage(rotateQuarter(src, turn), number, dpi, pool, options);
    if (r.page.image) r.page.image.rotation = turn;
    return r;
  };
  const first = await read(rotation, true);
  const q1 = pageReadQuality(first);
  if (q1.chars < minChars || q1.confidence >= below) return first;
  const second = await read(((rotation + 180) % 360) as QuarterTurn, false);
  const q2 = pageReadQuality(second);
  return q2.chars >= minChars && q2.confidence > q1.confidence ? second : first;
}
