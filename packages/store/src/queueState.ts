import { JixiaoError } from "@jixiao/core";
import { InputKind, Page, type DocumentStatus } from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import {
  FINISHED_SQL,
  checkDocumentFields,
  checkError,
  checkPageCount,
  invalid,
  sha256Pattern,
  type DocumentError,
  type StoredDocument,
} from "./storeRows.js";
import { getDocument } from "./documentsStore.js";

// Queue mode's document states (queued → processing → finished) and the page models its page
// jobs store until the document is assembled.

/** Fields markDocument may change besides the status. Omitted fields keep their stored value. */
export interface DocumentPatch {
  inputKind?: InputKind | null;
  pageCount?: number | null;
  /** null clears a stored error. */
  error?: DocumentError | null;
  /** Where workers read the input (queue mode); null clears it. */
  path?: string | null;
}

const MARK_DOCUMENT = `
  INSERT INTO documents (sha256, file, status, input_kind, page_count, error_code, error_message, source_path)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $11)
  ON CONFLICT (sha256) DO UPDATE SET
    file = excluded.file,
    status = excluded.status,
    input_kind = CASE WHEN $8::boolean THEN excluded.input_kind ELSE documents.input_kind END,
    page_count = CASE WHEN $9::boolean THEN excluded.page_count ELSE documents.page_count END,
    error_code = CASE WHEN $10::boolean THEN excluded.error_code ELSE documents.error_code END,
    error_message = CASE WHEN $10::boolean THEN excluded.error_message ELSE documents.error_message END,
    source_path = CASE WHEN $12::boolean THEN excluded.source_path ELSE documents.source_path END,
    updated_at = now()
  RETURNING (xmax = 0) AS inserted`;

// Queue mode: a submission. A new document is inserted as queued; a finished one is queued again
// only when asked to (reprocess); one that is queued or processing is left alone (it is in flight).
const QUEUE_DOCUMENT = `
  INSERT INTO documents (sha256, file, status, source_path)
  VALUES ($1, $2, 'queued', $3)
  ON CONFLICT (sha256) DO UPDATE SET
    file = excluded.file,
    status = 'queued',
    source_path = excluded.source_path,
    error_code = NULL,
    error_message = NULL,
    updated_at = now()
  WHERE $4::boolean AND documents.status IN (${FINISHED_SQL})
  RETURNING (xmax = 0) AS inserted`;

// Queue mode: a worker takes a document (queued or processing → processing). A finished document
// is not taken again, so a late duplicate job cannot move it back.
const CLAIM_DOCUMENT = `
  INSERT INTO documents (sha256, file, status, source_path)
  VALUES ($1, $2, 'processing', $3)
  ON CONFLICT (sha256) DO UPDATE SET
    status = 'processing',
    source_path = excluded.source_path,
    updated_at = now()
  WHERE documents.status NOT IN (${FINISHED_SQL})
  RETURNING sha256`;

/**
 * Sets a document's status (creating the row if needed) without touching its records: for
 * queue mode (queued → processing → …). `patch` sets other fields; omitted ones are kept.
 */
export async function markDocument(
  db: SqlClient,
  sha256: string,
  file: string,
  status: DocumentStatus,
  patch: DocumentPatch = {},
): Promise<{ inserted: boolean }> {
  checkDocumentFields(sha256, file, status);
  const hasKind = patch.inputKind !== undefined;
  const hasPages = patch.pageCount !== undefined;
  const hasError = patch.error !== undefined;
  const hasPath = patch.path !== undefined;
  if (hasPath && patch.path !== null && (typeof patch.path !== "string" || patch.path === "")) {
    throw invalid("path must be a non-empty string", file);
  }
  if (hasKind && patch.inputKind !== null && !InputKind.safeParse(patch.inputKind).success) {
    throw invalid(`unknown inputKind ${JSON.stringify(patch.inputKind)}`, file);
  }
  if (hasPages && patch.pageCount !== null) checkPageCount(patch.pageCount, file);
  checkError(patch.error, file);
  const { rows } = await db.query<{ inserted: boolean }>(MARK_DOCUMENT, [
    sha256,
    file,
    status,
    patch.inputKind ?? null,
    patch.pageCount ?? null,
    patch.error?.code ?? null,
    patch.error?.message ?? null,
    hasKind,
    hasPages,
    hasError,
    patch.path ?? null,
    hasPath,
  ]);
  return { inserted: rows[0]?.inserted === true };
}

/**
 * Queue mode: records a submission. A new document is inserted as queued (`queued: true`); a
 * finished one is queued again only with `reprocess` (its error cleared, its records kept until
 * the new ones replace them); one already queued or processing is left as it is. Returns the
 * document as it now stands.
 */
export async function queueDocument(
  db: SqlClient,
  sha256: string,
  file: string,
  path: string,
  options: { reprocess?: boolean } = {},
): Promise<{ queued: boolean; document: StoredDocument }> {
  checkDocumentFields(sha256, file, "queued");
  if (typeof path !== "string" || path === "") throw invalid("path must be a non-empty string", file);
  const { rows } = await db.query<{ inserted: boolean }>(QUEUE_DOCUMENT, [sha256, file, path, options.reprocess === true]);
  const document = await getDocument(db, sha256);
  if (!document) throw new JixiaoError("INTERNAL", `${file}: document ${sha256} vanished while being queued`, { file });
  return { queued: rows.length > 0, document };
}

/**
 * Queue mode: a worker takes a document (queued/processing → processing; inserted when
 * missing). Returns false, changing nothing, when the document is already finished.
 */
export async function claimDocument(db: SqlClient, sha256: string, file: string, path: string): Promise<boolean> {
  checkDocumentFields(sha256, file, "processing");
  if (typeof path !== "string" || path === "") throw invalid("path must be a non-empty string", file);
  const { rows } = await db.query<{ sha256: string }>(CLAIM_DOCUMENT, [sha256, file, path]);
  return rows.length > 0;
}

/**
 * Queue mode: stores page models extracted by page jobs (replacing a page stored before).
 * The document row must exist. saveDocument deletes them in its transaction.
 */
export async function savePages(db: SqlClient, sha256: string, pages: readonly Page[]): Promise<void> {
  if (!sha256Pattern.test(sha256)) throw invalid(`document sha256 must be 64 lower-case hex digits, got ${JSON.stringify(sha256)}`);
  if (pages.length === 0) return;
  const numbers: number[] = [];
  const models: string[] = [];
  for (const page of pages) {
    const res = Page.safeParse(page);
    if (!res.success) throw invalid(`page ${String((page as { number?: unknown }).number)} failed validation: ${res.error.issues[0]?.message ?? ""}`);
    numbers.push(res.data.number);
    models.push(JSON.stringify(page));
  }
  await db.query(
    `INSERT INTO pages (document_sha256, number, model)
     SELECT $1, n, m FROM unnest($2::int[], $3::text[]) AS u(n, m)
     ON CONFLICT (document_sha256, number) DO UPDATE SET model = excluded.model, created_at = now()`,
    [sha256, numbers, models],
  );
}

/**
 * Queue mode (reconciler): puts a document that is queued/processing and unchanged for
 * `unchangedForMs` back to queued. Returns false, changing nothing, if it finished or moved
 * meanwhile, so a document that just finished is never sent round again.
 */
export async function requeueDocument(db: SqlClient, sha256: string, unchangedForMs: number): Promise<boolean> {
  const { rows } = await db.query<{ sha256: string }>(
    `UPDATE documents SET status = 'queued', updated_at = now()
     WHERE sha256 = $1 AND status NOT IN (${FINISHED_SQL})
       AND updated_at < now() - $2::double precision * interval '1 millisecond'
     RETURNING sha256`,
    [sha256, unchangedForMs],
  );
  return rows.length > 0;
}

/** Queue mode: the stored page models of a document, in page order. */
export async function loadPages(db: SqlClient, sha256: string): Promise<Page[]> {
  const { rows } = await db.query<{ model: string }>(
    `SELECT model FROM pages WHERE document_sha256 = $1 ORDER BY number`,
    [sha256],
  );
  return rows.map((r) => Page.parse(JSON.parse(r.model)));
}

/** Queue mode: which page numbers of a document are stored. */
export async function pageNumbers(db: SqlClient, sha256: string): Promise<number[]> {
  const { rows } = await db.query<{ number: number }>(
    `SELECT number FROM pages WHERE document_sha256 = $1 ORDER BY number`,
    [sha256],
  );
  return rows.map((r) => r.number);
}
