// The defaults of the limits a file is processed under: the one place they are written. The
// pipeline, the PDF checks, queue mode's configuration and the CLI's options all read them here.
// This module imports nothing, so that the CLI can load it for --help (`@jixiao/core/limits`).

/** Largest accepted input file: 200 MiB (OVER_LIMIT). `JIXIAO_MAX_BYTES`. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
/** Most pages of one file: 2000, checked on the page count before any page is extracted. `JIXIAO_MAX_PAGES`. */
export const DEFAULT_MAX_PAGES = 2000;
/** Most pixels an image may declare (an image file or an image inside a PDF): 100 million. */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;
/** Most bytes one PDF stream may inflate to: 256 MiB. */
export const DEFAULT_MAX_STREAM_BYTES = 256 * 1024 * 1024;
/** Longest line of a text dump: 1 Mi characters. */
export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;
/** Most (non-blank) lines of a text dump: 10 000. */
export const DEFAULT_MAX_LINES = 10_000;
/** Time one file's processing may take in `jixiao run`'s sandbox: 60 s (TIMEOUT). `JIXIAO_TIME_LIMIT_S`. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;
/** More time for each page OCR finishes: 30 s. `JIXIAO_OCR_PAGE_TIME_S`. */
export const DEFAULT_OCR_PAGE_TIME_MS = 30_000;
/** Resident memory of the process a file is processed in: 1.5 GB (OVER_LIMIT). `JIXIAO_MEMORY_LIMIT_MB`. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 1_500_000_000;
