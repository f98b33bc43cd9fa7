import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { createHash } from "node:crypto";
import { JixiaoError, toJixiaoError, type ErrorCode } from "@jixiao/core";
import type { DocumentModel, InputKind, Page, Record } from "@jixiao/schemas";
import { readTextDump } from "@jixiao/textdump";
import { reconstruct } from "@jixiao/layout";
import { normalize, type NormalizeOptions } from "@jixiao/normalize";
import { extractPage, extractPdf, mapPdfError, openPdf, pageCount } from "@jixiao/pdf";

/** Limits and options of one file's processing; every field has a default. */
export type ProcessOptions = NormalizeOptions & {
  /** Largest accepted input, bytes. Default 200 MiB. */
  maxBytes?: number;
  /** Most pages accepted per file. Default 2000. */
  maxPages?: number;
  /**
   * Extracts pages without a text layer (scans); when absent, a PDF whose pages hold no text
   * fails with NO_FORM_FOUND. The OCR package provides one.
   */
  extractScan?: (data: Uint8Array, meta: { file: string; sha256: string }, doc: DocumentModel | null) => Promise<DocumentModel>;
};

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_PAGES = 2000;

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
  records: Record[];
  issues: { code: string; message: string }[];
  error: { code: ErrorCode; message: string } | null;
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
 * Reads an input file (size limit checked on the file's size before reading). Throws NOT_FOUND
 * when it cannot be read, OVER_LIMIT when it is too large. `file` is the name errors carry
 * (default: the base name).
 */
export async function readInput(path: string, options: ProcessOptions = {}, file = basename(path)): Promise<{ file: string; data: Uint8Array }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw notFound(file, err);
  }
  checkByteLimit(size, file, options);
  try {
    return { file, data: new Uint8Array(await readFile(path)) };
  } catch (err) {
    throw notFound(file, err);
  }
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
 * TRUNCATED_PDF when it cannot be opened. Cheap: no page is extracted.
 */
export async function countPdfPages(data: Uint8Array, file: string, options: ProcessOptions = {}): Promise<number> {
  const n = await pageCount(data, { file });
  checkPageLimit(n, file, options);
  return n;
}

/**
 * OCR for the pages of a PDF's text-layer model that hold no text, when an OCR hook is given;
 * otherwise the model is returned as it is.
 */
export async function ocrTextlessPages(
  data: Uint8Array,
  meta: { file: string; sha256: string },
  doc: DocumentModel,
  options: ProcessOptions = {},
): Promise<DocumentModel> {
  const textless = doc.pages.filter((p) => p.items.length === 0);
  if (textless.length && options.extractScan) return options.extractScan(data, meta, doc);
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
export async function openPdfPages(data: Uint8Array, meta: { file: string; sha256: string }): Promise<PdfPages> {
  const { pdf, close } = await openPdf(data, { file: meta.file });
  return {
    numPages: pdf.numPages,
    async extract(pageNumber, options = {}) {
      if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > pdf.numPages) {
        throw new JixiaoError("INVALID_PAYLOAD", `${meta.file}: no page ${pageNumber} (the PDF has ${pdf.numPages})`, { file: meta.file });
      }
      let page: Page;
      try {
        page = await extractPage(pdf, pageNumber);
      } catch (err) {
        throw mapPdfError(err, meta.file);
      }
      const doc = await ocrTextlessPages(data, meta, { file: meta.file, sha256: meta.sha256, inputKind: "pdf", pages: [page] }, options);
      return doc.pages.find((p) => p.number === pageNumber) ?? page;
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
  const pdf = await openPdfPages(data, meta);
  try {
    return await pdf.extract(pageNumber, options);
  } finally {
    await pdf.close();
  }
}

/** Turns bytes into the page model (no file system access). */
export async function extractDocument(
  data: Uint8Array,
  meta: { file: string; sha256: string },
  options: ProcessOptions = {},
): Promise<DocumentModel> {
  const kind = detectInputKind(data, meta.file);
  if (kind === "text-dump") {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
    return readTextDump(text, meta);
  }
  if (kind === "image") {
    if (!options.extractScan) throw new JixiaoError("UNSUPPORTED_INPUT", `${meta.file}: image input needs the OCR path`, { file: meta.file });
    return options.extractScan(data, meta, null);
  }
  const doc = await extractPdf(data, meta);
  checkPageLimit(doc.pages.length, meta.file, options);
  return ocrTextlessPages(data, meta, doc, options);
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
    const doc = await extractDocument(data, { file, sha256: result.sha256 }, options);
    result.inputKind = doc.inputKind;
    result.pageCount = doc.pages.length;
    result.pageGeometry = pageGeometryOf(doc.pages);
    const { records, issues } = recordsOf(doc, options);
    result.records = records;
    result.issues = issues;
    result.status = statusOf(issues);
  } catch (err) {
    result.error = documentError(err, file);
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
