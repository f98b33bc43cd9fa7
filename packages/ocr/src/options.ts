import type { OcrPool, OcrPoolOptions } from "./OcrPool.js";
import type { PageImageOptions } from "./ocrPageImage.js";
import type { OrientationOptions } from "./readPageImage.js";

/** Options of extractScanPdf / extractImage. */
export type OcrOptions = OcrPoolOptions &
  PageImageOptions &
  OrientationOptions & {
    /** A pool to use (and leave running). Without it a pool is created and terminated per call. */
    pool?: OcrPool;
    /**
     * extractScanPdf only: gives the engines (left running) on first need, the first page that
     * holds an image, in place of `pool` and `paddle`; a PDF whose text-less pages are all blank
     * then starts no OCR engine.
     */
    connect?: () => Promise<{ pool: OcrPool; paddle?: PageImageOptions["paddle"] }>;
    /** Resolution assumed for image files that declare none. Default 300. */
    defaultDpi?: number;
    /** Pages prepared ahead while earlier pages are still being recognised. Default 1. */
    lookahead?: number;
    /**
     * extractScanPdf only: the 1-based page numbers to read; the result then holds just those
     * pages (with their original numbers). Default: every page.
     */
    pages?: readonly number[];
    /**
     * Most pixels an image may declare (image files, and images inside PDF pages); a larger one
     * is refused with OVER_LIMIT before it is decoded. Default 100 million.
     */
    maxImagePixels?: number;
    /** Most pages of a multi-page TIFF (OVER_LIMIT). Default: no limit. */
    maxPages?: number;
    /**
     * OCR engines of createScanExtractor: "paddle+tesseract" (PP-OCR reads every line, Tesseract
     * checks the unsure ones; default) or "tesseract" (Tesseract alone, with its retries).
     */
    engines?: "paddle+tesseract" | "tesseract";
    /**
     * Intra-op threads of each PP-OCR session. Default 1 (DEFAULT_PADDLE_THREADS): a second
     * intra-op thread costs about half again the model's CPU for a line (thread hand-offs on
     * layers too small to split), where a second session (paddleWorkers) reads another line.
     */
    paddleThreads?: number;
    /**
     * PP-OCR worker threads, each with a session of its own, reading different lines at once.
     * Default 2 (DEFAULT_PADDLE_WORKERS). corpus/scan in one process (43 pages, alternated runs):
     * 1.18 s a page and 87 s of CPU with two one-thread sessions, 1.45 s and 106 s with one
     * two-thread session, for some 50 MB more peak memory (the second session's model and arena).
     */
    paddleWorkers?: number;
    /** Called after each page is finished (progress reporting). */
    onPage?: (page: number, total: number) => void;
  };

/** Runs `fn` with the caller's pool, or with a fresh one that is always terminated. */
export async function withPool<T>(options: OcrOptions, fn: (pool: OcrPool) => Promise<T>): Promise<T> {
  if (options.pool) return fn(options.pool);
  const { OcrPool } = await import("./OcrPool.js");
  const pool = await OcrPool.create(options);
  try {
    return await fn(pool);
  } finally {
    await pool.terminate();
  }
}

/** Intra-op threads of each PP-OCR session unless told otherwise (OcrOptions.paddleThreads). */
export const DEFAULT_PADDLE_THREADS = 1;

/** PP-OCR sessions, each in a worker thread, unless told otherwise (OcrOptions.paddleWorkers). */
export const DEFAULT_PADDLE_WORKERS = 2;

/** The engines createScanExtractor uses unless told otherwise. */
export const DEFAULT_ENGINES = "paddle+tesseract";
