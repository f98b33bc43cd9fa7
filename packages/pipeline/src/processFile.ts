import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { createHash } from "node:crypto";
import { JixiaoError, toJixiaoError, type ErrorCode } from "@jixiao/core";
import type { DocumentModel, InputKind, Record } from "@jixiao/schemas";
import { readTextDump } from "@jixiao/textdump";
import { reconstruct } from "@jixiao/layout";
import { normalize, type NormalizeOptions } from "@jixiao/normalize";
import { extractPdf } from "@jixiao/pdf";

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
  records: Record[];
  issues: { code: string; message: string }[];
  error: { code: ErrorCode; message: string } | null;
};

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
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  if (doc.pages.length > maxPages) {
    throw new JixiaoError("OVER_LIMIT", `${meta.file}: ${doc.pages.length} pages, the limit is ${maxPages}`, { file: meta.file });
  }
  const textless = doc.pages.filter((p) => p.items.length === 0);
  if (textless.length && options.extractScan) return options.extractScan(data, meta, doc);
  return doc;
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
    file, path, sha256: null, inputKind: null, status: "failed", pageCount: 0, records: [], issues: [], error: null,
  };
  try {
    if (data.byteLength === 0) throw new JixiaoError("EMPTY_FILE", `${file}: the file is empty`, { file });
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (data.byteLength > maxBytes) throw new JixiaoError("OVER_LIMIT", `${file}: ${data.byteLength} bytes, the limit is ${maxBytes}`, { file });
    result.sha256 = sha256Of(data);
    result.inputKind = detectInputKind(data, file);
    const doc = await extractDocument(data, { file, sha256: result.sha256 }, options);
    result.inputKind = doc.inputKind;
    result.pageCount = doc.pages.length;
    const { records, issues } = recordsOf(doc, options);
    result.records = records;
    result.issues = issues;
    result.status = issues.length ? "partial" : "succeeded";
  } catch (err) {
    const e = toJixiaoError(err, file);
    result.error = { code: e.code, message: e.message.includes(file) ? e.message : `${file}: ${e.message}` };
    result.status = "failed";
  }
  return result;
}

/** Reads a file and processes it (see processBytes). */
export async function processFile(path: string, options: ProcessOptions = {}): Promise<FileResult> {
  const file = basename(path);
  let data: Uint8Array;
  try {
    const st = await stat(path);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (st.size > maxBytes) {
      return { file, path, sha256: null, inputKind: null, status: "failed", pageCount: 0, records: [], issues: [], error: { code: "OVER_LIMIT", message: `${file}: ${st.size} bytes, the limit is ${maxBytes}` } };
    }
    data = new Uint8Array(await readFile(path));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { file, path, sha256: null, inputKind: null, status: "failed", pageCount: 0, records: [], issues: [], error: { code: "NOT_FOUND", message: `${file}: ${message}` } };
  }
  return processBytes(data, file, path, options);
}
