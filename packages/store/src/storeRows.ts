import { JixiaoError, errorCodes, type ErrorCode } from "@jixiao/core";
import { DocumentStatus, JxRecord, type InputKind, type Unit } from "@jixiao/schemas";

// What the store's concerns share: the finished statuses, a document's row and its checks.

/**
 * A document is finished once processed to the end, with or without records: succeeded, partial
 * or failed (queued and processing are unfinished). A finished document is not processed again
 * unless asked to: queue mode's submit leaves it as it is (queueDocument) and its workers do not
 * take it (claimDocument); `jixiao run` gives its stored records instead of extracting it again.
 * Both have --reprocess.
 */
export const FINISHED_STATUSES: readonly DocumentStatus[] = ["succeeded", "partial", "failed"];

/** Whether a document with this status is finished (see FINISHED_STATUSES). */
export function isFinished(status: DocumentStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** FINISHED_STATUSES as an SQL list. */
export const FINISHED_SQL = FINISHED_STATUSES.map((s) => `'${s}'`).join(", ");

export interface DocumentError {
  code: ErrorCode;
  message: string;
}

/** A page's size in the unit its provenance boxes use ("pt" PDF text, "px" scan pixels, "grid" text dumps). */
export interface PageGeometry {
  number: number;
  width: number;
  height: number;
  unit: Unit;
  /** Scans: the skew OCR removed; boxes are in the straightened image (rotate by +skew about the centre). */
  skewDegrees?: number;
}

export interface StoredDocument {
  sha256: string;
  file: string;
  inputKind: InputKind | null;
  status: DocumentStatus;
  pageCount: number | null;
  error: DocumentError | null;
  recordCount: number;
  /** Where workers read the input (queue mode), else null. */
  path: string | null;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
}

export interface DocumentRow {
  sha256: string;
  file: string;
  input_kind: InputKind | null;
  status: DocumentStatus;
  error_code: string | null;
  error_message: string | null;
  page_count: number | null;
  record_count: number;
  source_path: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export const sha256Pattern = /^[0-9a-f]{64}$/;

export const DOCUMENT_COLUMNS = `d.sha256, d.file, d.input_kind, d.status, d.error_code, d.error_message, d.page_count,
  (SELECT count(*)::int FROM records r WHERE r.document_sha256 = d.sha256) AS record_count,
  d.source_path, d.created_at, d.updated_at`;

export function invalid(message: string, file?: string): JixiaoError {
  return new JixiaoError("INVALID_PAYLOAD", message, file === undefined ? {} : { file });
}

export function checkError(error: DocumentError | null | undefined, file: string): void {
  if (error === null || error === undefined) return;
  if (typeof error.code !== "string" || !Object.hasOwn(errorCodes, error.code)) {
    throw invalid(`unknown error code ${JSON.stringify(error.code)}`, file);
  }
  if (typeof error.message !== "string") throw invalid("error.message must be a string", file);
}

export function checkDocumentFields(sha256: string, file: string, status: DocumentStatus): void {
  if (typeof file !== "string" || file === "") throw invalid("document file name is empty");
  if (typeof sha256 !== "string" || !sha256Pattern.test(sha256)) {
    throw invalid(`document sha256 must be 64 lower-case hex digits, got ${JSON.stringify(sha256)}`, file);
  }
  if (!DocumentStatus.safeParse(status).success) throw invalid(`unknown status ${JSON.stringify(status)}`, file);
}

export function checkGeometry(g: PageGeometry): PageGeometry {
  const ok =
    Number.isSafeInteger(g.number) && g.number >= 1 && Number.isFinite(g.width) && Number.isFinite(g.height) &&
    g.width >= 0 && g.height >= 0 && (g.unit === "pt" || g.unit === "px" || g.unit === "grid") &&
    (g.skewDegrees === undefined || (Number.isFinite(g.skewDegrees) && Math.abs(g.skewDegrees) <= 45));
  if (!ok) throw invalid(`bad page geometry ${JSON.stringify(g)}`);
  return { number: g.number, width: g.width, height: g.height, unit: g.unit, ...(g.skewDegrees ? { skewDegrees: g.skewDegrees } : {}) };
}

export function checkPageCount(pageCount: unknown, file: string): void {
  if (!Number.isSafeInteger(pageCount) || (pageCount as number) < 0) {
    throw invalid(`pageCount must be a non-negative integer, got ${JSON.stringify(pageCount)}`, file);
  }
}

/**
 * Records come back from jsonb with keys sorted by jsonb's rules; parsing them again restores
 * the schema's key order (the content is unchanged: they were validated before being stored).
 * A stored record an older schema no longer accepts is returned as stored.
 */
export function fromStored(raw: unknown): JxRecord {
  const res = JxRecord.safeParse(raw);
  return res.success ? res.data : (raw as JxRecord);
}

export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function toDocument(row: DocumentRow): StoredDocument {
  return {
    sha256: row.sha256,
    file: row.file,
    inputKind: row.input_kind,
    status: row.status,
    pageCount: row.page_count,
    error:
      row.error_code === null ? null : { code: row.error_code as ErrorCode, message: row.error_message ?? "" },
    recordCount: row.record_count,
    path: row.source_path,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
