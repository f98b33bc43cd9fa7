import { open, stat } from "node:fs/promises";
import { constants as fsConstants } from "node:fs";
import { basename, extname } from "node:path";
import { createHash } from "node:crypto";
import { JixiaoError, toJixiaoError, type ErrorCode } from "@jixiao/core";
import {
  DEFAULT_MAX_BYTES, DEFAULT_MAX_IMAGE_PIXELS, DEFAULT_MAX_LINE_CHARS, DEFAULT_MAX_LINES, DEFAULT_MAX_PAGES, DEFAULT_MAX_STREAM_BYTES,
} from "@jixiao/core/limits";
import type { DocumentModel, InputKind, Page, JxRecord } from "@jixiao/schemas";
import { readTextDump } from "@jixiao/textdump";
import { reconstruct } from "@jixiao/layout";
import { normalize, type NormalizeOptions } from "@jixiao/normalize";
import {
  extractPage, extractPages, mapPdfError, openPdf, pageCount, preflightPdf, withPdf,
  type PdfDocument,
} from "@jixiao/pdf";

/** Limits and options of one file's processing; every field has a default. */
export type ProcessOptions = NormalizeOptions & {
  /** Largest accepted input, bytes. Default 200 MiB. */
  maxBytes?: number;
  /** Most pages accepted per file. Default 2000. */
  maxPages?: number;
  /**
   * Most pixels an image may declare (an image file, or an image inside a PDF); checked on the
   * declared size before decoding. Default 100 million.
   */
  maxImagePixels?: number;
  /** Most bytes one PDF stream may inflate to; checked before pdf.js reads the file. Default 256 MiB. */
  maxStreamBytes?: number;
  /** Longest line of a text dump, in characters. Default 1 MiB. */
  maxLineChars?: number;
  /**
   * Most lines of a text dump (a report has a few hundred). Default 10 000: reconstructing a
   * dump costs more than linear time in its rows, so a longer one is refused before work.
   */
  maxLines?: number;
  /**
   * Runs extraction (decoding, text layer, OCR), reconstruct and normalize somewhere bounded in
   * time and memory instead of in this process (see createExtractionSandbox). The limits the
   * sandbox was created with apply there.
   */
  sandbox?: ExtractionSandbox;
  /**
   * Extracts pages without a text layer (scans); when absent, a PDF whose pages hold no text
   * fails with NO_FORM_FOUND. The OCR package provides one. For a PDF it is given the text-layer
   * model and the document already open (`pdf`, which it must not close); it decides which
   * text-less pages hold an image to read and leaves blank ones as they are.
   */
  extractScan?: (data: Uint8Array, meta: { file: string; sha256: string }, doc: DocumentModel | null, pdf?: PdfDocument) => Promise<DocumentModel>;
  /**
   * Told as the file's pages are read, when it runs in a sandbox: OCR reports each page it
   * finishes (`pagesDone` of `pageCount` pages to OCR). For progress bars; optional.
   */
  onProgress?: (progress: FileProgress) => void;
};

/** How far one file's extraction is: pages read of the pages it has to read. */
export type FileProgress = { pagesDone: number; pageCount: number };

// The limits' defaults are written once, in @jixiao/core's limits.ts.
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MAX_LINE_CHARS, DEFAULT_MAX_LINES, DEFAULT_MAX_IMAGE_PIXELS, DEFAULT_MAX_STREAM_BYTES };

/**
 * Something that processes a document's bytes elsewhere, bounded in time and memory
 * (createExtractionSandbox): extraction, then reconstruct and normalize.
 */
export type ExtractionSandbox = {
  process: (data: Uint8Array, meta: { file: string; sha256: string }, onProgress?: (progress: FileProgress) => void) => Promise<SandboxResult>;
  /**
   * Starts extracting processes now (`count`, default 1, at most `processes`), so that their
   * start-up (loading the pipeline and pdf.js) overlaps the caller's own (opening the store);
   * otherwise each starts with the file that needs it.
   */
  start?: (count?: number) => void;
  /** How many files it processes at once, each in a process of its own (default 1). */
  processes?: number;
  close: () => Promise<void>;
};

/** What the sandbox returns for a document: everything processBytes needs, and the cost. */
export type SandboxResult = {
  inputKind: InputKind;
  pageCount: number;
  pageGeometry: PageGeometry[];
  records: JxRecord[];
  issues: { code: string; message: string }[];
  usage: ExtractionUsage;
};

/** What one file's extraction cost in the sandbox: wall time and peak resident memory. */
export type ExtractionUsage = { ms: number; peakRssBytes: number | null };

/** Outcome of one file, docling-style: a status and a list of issues instead of a throw. */
export type FileResult = {
  file: string;
  path: string;
  sha256: string | null;
  inputKind: InputKind | null;
  status: "succeeded" | "partial" | "failed";
  pageCount: number;
  /** Every page's size in the unit its provenance boxes use (for drawing a value's box on the page). */
  pageGeometry: PageGeometry[];
  records: JxRecord[];
  issues: { code: string; message: string }[];
  error: { code: ErrorCode; message: string } | null;
  /** Time and peak memory of the extraction, when it ran in a sandbox. */
  usage?: ExtractionUsage;
};

export type PageGeometry = { number: number; width: number; height: number; unit: Page["unit"]; skewDegrees?: number };

/**
 * The size of each page as its provenance boxes measure it, and for a scan the skew OCR removed
 * (its boxes are in the straightened image: rotate by +skewDegrees about the centre to find them
 * on the page as scanned).
 */
export function pageGeometryOf(pages: readonly Page[]): PageGeometry[] {
  return pages.map((p) => ({
    number: p.number, width: p.width, height: p.height, unit: p.unit,
    ...(p.image?.skewDegrees ? { skewDegrees: p.image.skewDegrees } : {}),
  }));
}

/** Detects the input kind from the bytes (and the name for text dumps). */
export function detectInputKind(data: Uint8Array, name: string): InputKind {
  const head = Buffer.from(data.subarray(0, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return "pdf";
  if (data[0] === 0x89 && head.startsWith("\x89PNG")) return "image";
  if (data[0] === 0xff && data[1] === 0xd8) return "image";
  if (head.startsWith("II*\x00") || head.startsWith("MM\x00*")) return "image";
  const ext = extname(name).toLowerCase();
  if ([".txt", ".tsv", ".tab"].includes(ext)) return "text-dump";
  if (ext === ".pdf") return "pdf"; // damaged: the extractor reports it
  throw new JixiaoError("UNSUPPORTED_INPUT", `${name}: not a PDF, PNG/JPEG/TIFF image or .txt text dump`, { file: name });
}

/** Hex SHA-256 of the bytes: the document's identity in the store and the queue. */
export function sha256Of(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** OVER_LIMIT when a file of `size` bytes is larger than `options.maxBytes`. */
export function checkByteLimit(size: number, file: string, options: ProcessOptions = {}): void {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (size > maxBytes) throw new JixiaoError("OVER_LIMIT", `${file}: ${size} bytes, the limit is ${maxBytes}`, { file });
}

/** OVER_LIMIT when a document of `pages` pages has more than `options.maxPages`. */
export function checkPageLimit(pages: number, file: string, options: ProcessOptions = {}): void {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  if (pages > maxPages) throw new JixiaoError("OVER_LIMIT", `${file}: ${pages} pages, the limit is ${maxPages}`, { file });
}

/**
 * Reads an input file. Only regular files are read: a device (`/dev/zero`), a FIFO, a socket or
 * a directory is refused with UNSUPPORTED_INPUT at once, without opening it for a read that
 * could block. The size limit is checked on the size the file reports, and again while reading,
 * so a file that grows (or lies about its size) stops at the limit with OVER_LIMIT. Throws
 * NOT_FOUND when it cannot be read. `file` is the name errors carry (default: the base name).
 */
export async function readInput(path: string, options: ProcessOptions = {}, file = basename(path)): Promise<{ file: string; data: Uint8Array }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw notRegular(file, st);
    size = st.size;
  } catch (err) {
    if (err instanceof JixiaoError) throw err;
    throw notFound(file, err);
  }
  checkByteLimit(size, file, options);
  let handle;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, the open does not wait for a writer.
    handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw notFound(file, err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular(file, st);
    // Read up to one byte past the limit: never more, whatever the size said.
    const cap = Math.min(maxBytes + 1, Math.max(st.size, 0) + 1);
    let buf = Buffer.allocUnsafe(Math.max(cap, 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length > maxBytes) break;
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    checkByteLimit(n, file, options);
    return { file, data: new Uint8Array(buf.buffer, buf.byteOffset, n) };
  } catch (err) {
    if (err instanceof JixiaoError) throw err;
    throw notFound(file, err);
  } finally {
    await handle.close();
  }
}

function notRegular(file: string, st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): JixiaoError {
  const what = st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : st.isSocket() ? "a socket" : "not a regular file";
  return new JixiaoError("UNSUPPORTED_INPUT", `${file}: ${what}; only regular files are read`, { file });
}

function notFound(file: string, err: unknown): JixiaoError {
  const message = err instanceof Error ? err.message : String(err);
  return new JixiaoError("NOT_FOUND", `${file}: ${message}`, { file, cause: err });
}

/** The checks on bytes before anything else: EMPTY_FILE, then OVER_LIMIT (bytes). */
export function checkBytes(data: Uint8Array, file: string, options: ProcessOptions = {}): void {
  if (data.byteLength === 0) throw new JixiaoError("EMPTY_FILE", `${file}: the file is empty`, { file });
  checkByteLimit(data.byteLength, file, options);
}

/**
 * Number of pages of a PDF, checked against `options.maxPages` (OVER_LIMIT); ENCRYPTED_PDF /
 * TRUNCATED_PDF when it cannot be opened. Cheap: no page is extracted. The PDF's streams are
 * checked first (see preflightPdf: image sizes, inflated sizes).
 */
export async function countPdfPages(data: Uint8Array, file: string, options: ProcessOptions = {}): Promise<number> {
  let n: number;
  try {
    await preflight(data, file, options);
    n = await pageCount(data, { file, maxImageSize: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS });
  } catch (err) {
    throw inputError(err, "pdf", file);
  }
  checkPageLimit(n, file, options);
  return n;
}

/**
 * OCR for the pages of a PDF's text-layer model that hold no text, when an OCR hook is given
 * (it reads the ones that paint an image and leaves blank ones); otherwise the model is
 * returned as it is. `pdf` is the same document, open.
 */
export async function ocrTextlessPages(
  data: Uint8Array,
  meta: { file: string; sha256: string },
  doc: DocumentModel,
  pdf: PdfDocument,
  options: ProcessOptions = {},
): Promise<DocumentModel> {
  if (options.extractScan && doc.pages.some((p) => p.items.length === 0)) return options.extractScan(data, meta, doc, pdf);
  return doc;
}

/** A PDF kept open so that its pages can be extracted one at a time (see openPdfPages). */
export type PdfPages = {
  numPages: number;
  /** Extracts page `pageNumber` (1-based), with OCR when it holds no text (see extractPdfPage). */
  extract: (pageNumber: number, options?: ProcessOptions) => Promise<Page>;
  close: () => Promise<void>;
};

/**
 * Opens a PDF for extracting pages one at a time, as extractPdf does in one go (same pdf.js
 * document for every page). Queue mode's page worker keeps one open while it works through
 * consecutive page jobs of a document. Call `close()`.
 */
export async function openPdfPages(data: Uint8Array, meta: { file: string; sha256: string }, options: ProcessOptions = {}): Promise<PdfPages> {
  const { pdf, close } = await openPdf(data, { file: meta.file, maxImageSize: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS });
  return {
    numPages: pdf.numPages,
    async extract(pageNumber, options = {}) {
      if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > pdf.numPages) {
        throw new JixiaoError("INVALID_PAYLOAD", `${meta.file}: no page ${pageNumber} (the PDF has ${pdf.numPages})`, { file: meta.file });
      }
      try {
        const page = await extractPage(pdf, pageNumber);
        const doc = await ocrTextlessPages(data, meta, { file: meta.file, sha256: meta.sha256, inputKind: "pdf", pages: [page] }, pdf, options);
        return doc.pages.find((p) => p.number === pageNumber) ?? page;
      } catch (err) {
        throw inputError(mapPdfError(err, meta.file), "pdf", meta.file);
      }
    },
    close,
  };
}

/**
 * Extracts one page (1-based) of a PDF into the page model, with OCR when it holds no text: the
 * per-page form of extractDocument (queue mode runs one job per page).
 */
export async function extractPdfPage(
  data: Uint8Array,
  meta: { file: string; sha256: string },
  pageNumber: number,
  options: ProcessOptions = {},
): Promise<Page> {
  const pdf = await openPdfPages(data, meta, options);
  try {
    return await pdf.extract(pageNumber, options);
  } finally {
    await pdf.close();
  }
}

/**
 * Turns bytes into the page model (no file system access). Limits are checked before the work
 * they guard: a PDF's streams (image sizes, inflated sizes) before pdf.js reads it, its page
 * count before any page is extracted, an image's declared size before it is decoded, a text
 * dump's line count and line lengths before it is split. A failure caused by the input has a deterministic code
 * (see inputError), never INTERNAL.
 */
export async function extractDocument(
  data: Uint8Array,
  meta: { file: string; sha256: string },
  options: ProcessOptions = {},
): Promise<DocumentModel> {
  const kind = detectInputKind(data, meta.file);
  try {
    if (kind === "text-dump") {
      checkLineLength(data, meta.file, options);
      const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
      const doc = readTextDump(text, meta);
      checkPageLimit(doc.pages.length, meta.file, options);
      return doc;
    }
    if (kind === "image") {
      if (!options.extractScan) throw new JixiaoError("UNSUPPORTED_INPUT", `${meta.file}: image input needs the OCR path`, { file: meta.file });
      return await options.extractScan(data, meta, null);
    }
    await preflight(data, meta.file, options);
    // One open document for the text layer and the scan path.
    return await withPdf(
      data,
      async (pdf) => ocrTextlessPages(data, meta, await extractPages(pdf, meta, { maxPages: options.maxPages ?? DEFAULT_MAX_PAGES }), pdf, options),
      { file: meta.file, maxImageSize: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS },
    );
  } catch (err) {
    throw inputError(err, kind, meta.file);
  }
}

/** The PDF checks before pdf.js reads the bytes (preflightPdf with this file's limits). */
function preflight(data: Uint8Array, file: string, options: ProcessOptions): Promise<void> {
  return preflightPdf(data, {
    file,
    maxStreamBytes: options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES,
    maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
  });
}

/**
 * OVER_LIMIT when a text dump has more lines than `options.maxLines`, or a line longer than
 * `options.maxLineChars` (counted in bytes first, a bound on characters).
 */
export function checkLineLength(data: Uint8Array, file: string, options: ProcessOptions = {}): void {
  const max = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let start = 0;
  let lines = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    // Blank lines do not count (they are page breaks or nothing): counted once, when needed.
    if (++lines === maxLines + 1 && nonBlankLines(buf) > maxLines) {
      throw new JixiaoError("OVER_LIMIT", `${file}: more than ${maxLines} lines, the limit is ${maxLines}`, { file });
    }
    if (end - start > max) {
      // Bytes bound characters from above; count the characters only for a line that may be too long.
      const chars = new TextDecoder().decode(buf.subarray(start, end)).length;
      if (chars > max) throw new JixiaoError("OVER_LIMIT", `${file}: a line of ${chars} characters, the limit is ${max}`, { file });
    }
    start = end + 1;
  }
}

/** Lines holding something other than spaces, tabs and carriage returns. */
function nonBlankLines(buf: Buffer): number {
  let n = 0;
  let blank = true;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 0x0a) {
      if (!blank) n++;
      blank = true;
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) blank = false;
  }
  return blank ? n : n + 1;
}

/**
 * The typed error of a failure while reading an input of `kind`: errors already typed pass
 * through; a RangeError (call stack, array or string size) is OVER_LIMIT; anything else a
 * decoder or pdf.js threw is the input's fault (TRUNCATED_PDF, DAMAGED_IMAGE, or
 * UNSUPPORTED_INPUT for a text dump), never INTERNAL: the same bytes fail the same way, so
 * queue mode must not retry them.
 */
export function inputError(err: unknown, kind: InputKind, file: string): JixiaoError {
  if (err instanceof JixiaoError) return err.file === undefined ? new JixiaoError(err.code, err.message, { file, cause: err.cause ?? err }) : err;
  const message = err instanceof Error ? err.message : String(err);
  const opts = { file, cause: err };
  if (err instanceof RangeError) return new JixiaoError("OVER_LIMIT", `${file}: too large to process: ${message}`, opts);
  if (kind === "pdf") return new JixiaoError("TRUNCATED_PDF", `${file}: PDF is damaged: ${message}`, opts);
  if (kind === "image") return new JixiaoError("DAMAGED_IMAGE", `${file}: image is damaged: ${message}`, opts);
  return new JixiaoError("UNSUPPORTED_INPUT", `${file}: text dump cannot be read: ${message}`, opts);
}

/** A document's status from the issues normalizing reported. */
export function statusOf(issues: readonly unknown[]): "succeeded" | "partial" {
  return issues.length ? "partial" : "succeeded";
}

/** The stored error of a failed document: a typed code and a message naming the file. */
export function documentError(err: unknown, file: string): { code: ErrorCode; message: string } {
  const e = toJixiaoError(err, file);
  return { code: e.code, message: e.message.includes(file) ? e.message : `${file}: ${e.message}` };
}

/** The stage functions after extraction: reconstruct, then normalize. */
export function recordsOf(doc: DocumentModel, options: ProcessOptions = {}) {
  return normalize(reconstruct(doc), { file: doc.file, sha256: doc.sha256 }, options);
}

/**
 * Processes bytes end to end in-process. Never throws for a bad input: the result carries
 * status "failed" and a typed error.
 */
export async function processBytes(data: Uint8Array, file: string, path = file, options: ProcessOptions = {}): Promise<FileResult> {
  const result: FileResult = {
    file, path, sha256: null, inputKind: null, status: "failed", pageCount: 0, pageGeometry: [], records: [], issues: [], error: null,
  };
  try {
    checkBytes(data, file, options);
    result.sha256 = sha256Of(data);
    result.inputKind = detectInputKind(data, file);
    const meta = { file, sha256: result.sha256 };
    if (options.sandbox) {
      const out = await options.sandbox.process(data, meta, options.onProgress);
      Object.assign(result, { ...out, status: statusOf(out.issues) });
      return result;
    }
    const doc = await extractDocument(data, meta, options);
    result.inputKind = doc.inputKind;
    result.pageCount = doc.pages.length;
    result.pageGeometry = pageGeometryOf(doc.pages);
    const { records, issues } = recordsOf(doc, options);
    result.records = records;
    result.issues = issues;
    result.status = statusOf(issues);
  } catch (err) {
    // The sandbox tells what a failed extraction cost too.
    const usage = (err as { usage?: ExtractionUsage } | null)?.usage;
    if (usage) result.usage = usage;
    // Reconstructing and normalizing a huge model can run out of stack or array size: that is
    // the input's size, not a fault a retry could fix.
    result.error = documentError(err instanceof RangeError ? inputError(err, result.inputKind ?? "pdf", file) : err, file);
    result.status = "failed";
  }
  return result;
}

/**
 * Reads a file and processes it (see processBytes). `file` is the name its records
 * (`source.file`) and errors carry: the path relative to the directory the user named
 * ("a/report.pdf"), or by default the base name.
 */
export async function processFile(path: string, options: ProcessOptions = {}, file = basename(path)): Promise<FileResult> {
  let input: { file: string; data: Uint8Array };
  try {
    input = await readInput(path, options, file);
  } catch (err) {
    return { file, path, sha256: null, inputKind: null, status: "failed", pageCount: 0, pageGeometry: [], records: [], issues: [], error: documentError(err, file) };
  }
  return processBytes(input.data, input.file, path, options);
}
