import type { DocumentModel } from "@jixiao/schemas";
import { decodeImage } from "./decodeImage.js";
import { extractDecodedImage } from "./extractImage.js";
import { extractScanPdf } from "./extractScanPdf.js";
import { OcrPool } from "./OcrPool.js";
import { DEFAULT_ENGINES, DEFAULT_PADDLE_THREADS, DEFAULT_PADDLE_WORKERS, type OcrOptions } from "./options.js";
import { PaddleRecognizer } from "./PaddleRecognizer.js";
import { JixiaoError } from "@jixiao/core";
import type { PdfDocument } from "@jixiao/pdf";

/** The shape of the pipeline's `extractScan` hook (ProcessOptions.extractScan). */
export type ExtractScan = (
  data: Uint8Array,
  meta: { file: string; sha256: string },
  doc: DocumentModel | null,
  pdf?: PdfDocument,
) => Promise<DocumentModel>;

export type ScanExtractor = {
  extractScan: ExtractScan;
  /** Terminates the pool the extractor created (a pool passed in options is left running). */
  close: () => Promise<void>;
};

const isPdf = (data: Uint8Array) => Buffer.from(data.subarray(0, 1024)).toString("latin1").includes("%PDF-");

/**
 * Makes the OCR hook for the pipeline, with one worker pool shared by every file (created on
 * first use). Image files (doc = null) are read whole; for a PDF whose text-layer model has
 * pages without text, only those pages are OCR'd and replace the empty ones (a page without an
 * embedded image stays as the text-layer extractor returned it). The PDF is read from `pdf` when
 * the caller has it open. Call `close()` at the end.
 */
export function createScanExtractor(options: OcrOptions = {}): ScanExtractor {
  let pool: Promise<OcrPool> | undefined;
  let paddle: Promise<PaddleRecognizer> | undefined;
  // The second engine (PP-OCR) unless the caller gave one or asked for Tesseract alone.
  const getPaddle = (): Promise<PaddleRecognizer | undefined> => {
    if (options.paddle || (options.engines ?? DEFAULT_ENGINES) === "tesseract") return Promise.resolve(options.paddle);
    paddle ??= PaddleRecognizer.create({ threads: options.paddleThreads ?? DEFAULT_PADDLE_THREADS, workers: options.paddleWorkers ?? DEFAULT_PADDLE_WORKERS }).catch((err: unknown) => {
      paddle = undefined;
      throw new JixiaoError("OCR_UNAVAILABLE", `the PP-OCR engine could not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    return paddle;
  };
  const getPool = (): Promise<OcrPool> => {
    if (options.pool) return Promise.resolve(options.pool);
    // With PP-OCR reading every line, Tesseract only checks about one line in eight: one worker
    // keeps up, and each worker holds its own copy of the language data (≈ 200 MB).
    const twoEngines = !!options.paddle || (options.engines ?? DEFAULT_ENGINES) !== "tesseract";
    pool ??= OcrPool.create({ ...options, size: options.size ?? (twoEngines ? 1 : undefined) }).catch((err: unknown) => {
      pool = undefined; // let a later call try again (and fail again with the same error)
      throw err;
    });
    return pool;
  };
  const engines = async () => ({ pool: await getPool(), paddle: await getPaddle() });
  const extractScan: ExtractScan = async (data, meta, doc, pdf) => {
    if (!doc && !isPdf(data)) {
      // The image is checked and decoded before the OCR pool is needed: a file too large or
      // damaged says so whether or not OCR is available.
      const decoded = decodeImage(data, options.maxImagePixels, options.maxPages);
      return extractDecodedImage(decoded, meta, { ...options, ...(await engines()) });
    }
    // The engines start with the first page that holds an image: blank pages need none.
    const opts = { ...options, connect: engines };
    if (!doc) return extractScanPdf(pdf ?? data, meta, opts);
    const textless = doc.pages.filter((p) => p.items.length === 0).map((p) => p.number);
    if (!textless.length) return doc;
    const scanned = await extractScanPdf(pdf ?? data, meta, { ...opts, pages: textless });
    const byNumber = new Map(scanned.pages.filter((p) => p.image).map((p) => [p.number, p]));
    return { ...doc, pages: doc.pages.map((p) => byNumber.get(p.number) ?? p) };
  };
  return {
    extractScan,
    close: async () => {
      const p = pool;
      pool = undefined;
      if (p) await p.then((x) => x.terminate(), () => undefined);
      const r = paddle;
      paddle = undefined;
      if (r) await r.then((x) => x.close(), () => undefined);
    },
  };
}
