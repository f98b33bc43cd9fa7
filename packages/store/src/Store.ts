import { JixiaoError, errorCodes, type ErrorCode } from "@jixiao/core";
import { DocumentStatus, InputKind, Page, Record as JxRecord, type FlagSeverity } from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import { migrations } from "./migrations.js";

export interface DocumentError {
  code: ErrorCode;
  message: string;
}

/** One processed input file and every record read from it, written as one unit. */
export interface SaveDocumentInput {
  sha256: string;
  file: string;
  inputKind: InputKind;
  status: DocumentStatus;
  pageCount: number;
  error?: DocumentError | null;
  /** In file order; a record's position becomes its `ordinal` (0-based). */
  records: readonly JxRecord[];
}

/** Fields markDocument may change besides the status. Omitted fields keep their stored value. */
export interface DocumentPatch {
  inputKind?: InputKind | null;
  pageCount?: number | null;
  /** null clears a stored error. */
  error?: DocumentError | null;
  /** Where workers read the input (queue mode); null clears it. */
  path?: string | null;
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

export interface ListRecordsOptions {
  /** Only the records of this document. */
  documentSha256?: string;
  /** Only records a person accepted: review state "approved" or "corrected". */
  approvedOnly?: boolean;
  /** Rows fetched per round trip (default 500). */
  batchSize?: number;
}

export interface StoredFlag {
  documentSha256: string;
  file: string;
  /** Position of the record in its file (0-based). */
  ordinal: number;
  code: string;
  severity: FlagSeverity;
  path: string;
  message: string;
}

export interface ListFlagsOptions {
  documentSha256?: string;
  severity?: FlagSeverity;
  code?: string;
}

interface DocumentRow {
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

interface RecordRow {
  file: string;
  document_sha256: string;
  ordinal: number;
  record: unknown;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

const DOCUMENT_COLUMNS = `d.sha256, d.file, d.input_kind, d.status, d.error_code, d.error_message, d.page_count,
  (SELECT count(*)::int FROM records r WHERE r.document_sha256 = d.sha256) AS record_count,
  d.source_path, d.created_at, d.updated_at`;

const UPSERT_DOCUMENT = `
  INSERT INTO documents (sha256, file, input_kind, status, error_code, error_message, page_count)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (sha256) DO UPDATE SET
    file = excluded.file,
    input_kind = excluded.input_kind,
    status = excluded.status,
    error_code = excluded.error_code,
    error_message = excluded.error_message,
    page_count = excluded.page_count,
    updated_at = now()
  RETURNING (xmax = 0) AS inserted`;

// All records of a document in one statement: $2 is the JSON array of validated records.
const INSERT_RECORDS = `
  INSERT INTO records (document_sha256, ordinal, kind, record, confidence, review_state)
  SELECT $1, (e.ord - 1)::int, e.value ->> 'kind', e.value,
         (e.value ->> 'confidence')::double precision, e.value -> 'review' ->> 'state'
  FROM jsonb_array_elements($2::text::jsonb) WITH ORDINALITY AS e(value, ord)`;

// The flags table is an index over each record's own `flags` array.
const INSERT_FLAGS = `
  INSERT INTO flags (record_id, code, severity, path, message)
  SELECT r.id, f.code, f.severity, f.path, f.message
  FROM records r
  CROSS JOIN LATERAL jsonb_to_recordset(r.record -> 'flags')
    AS f(code text, severity text, path text, message text)
  WHERE r.document_sha256 = $1
  ORDER BY r.ordinal`;

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
  WHERE $4::boolean AND documents.status IN ('succeeded', 'partial', 'failed')
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
  WHERE documents.status IN ('queued', 'processing')
  RETURNING sha256`;

// Keyset pagination in (file, sha256, ordinal) order; "C" collation so both backends agree.
const LIST_RECORDS = `
  SELECT d.file, r.document_sha256, r.ordinal, r.record
  FROM records r JOIN documents d ON d.sha256 = r.document_sha256
  WHERE ($1::text IS NULL OR r.document_sha256 = $1::text)
    AND (NOT $2::boolean OR r.review_state IN ('approved', 'corrected'))
    AND ($3::text IS NULL
         OR (d.file COLLATE "C", r.document_sha256, r.ordinal) > ($3::text COLLATE "C", $4::text, $5::int))
  ORDER BY d.file COLLATE "C", r.document_sha256, r.ordinal
  LIMIT $6::int`;

function invalid(message: string, file?: string): JixiaoError {
  return new JixiaoError("INVALID_PAYLOAD", message, file === undefined ? {} : { file });
}

function checkError(error: DocumentError | null | undefined, file: string): void {
  if (error === null || error === undefined) return;
  if (typeof error.code !== "string" || !Object.hasOwn(errorCodes, error.code)) {
    throw invalid(`unknown error code ${JSON.stringify(error.code)}`, file);
  }
  if (typeof error.message !== "string") throw invalid("error.message must be a string", file);
}

function checkDocumentFields(sha256: string, file: string, status: DocumentStatus): void {
  if (typeof file !== "string" || file === "") throw invalid("document file name is empty");
  if (typeof sha256 !== "string" || !sha256Pattern.test(sha256)) {
    throw invalid(`document sha256 must be 64 lower-case hex digits, got ${JSON.stringify(sha256)}`, file);
  }
  if (!DocumentStatus.safeParse(status).success) throw invalid(`unknown status ${JSON.stringify(status)}`, file);
}

function checkPageCount(pageCount: unknown, file: string): void {
  if (!Number.isSafeInteger(pageCount) || (pageCount as number) < 0) {
    throw invalid(`pageCount must be a non-negative integer, got ${JSON.stringify(pageCount)}`, file);
  }
}

/** Validates every record with the zod schema; returns the parsed (normalised) records. */
function validateRecords(doc: SaveDocumentInput): JxRecord[] {
  if (!Array.isArray(doc.records)) throw invalid("records must be an array", doc.file);
  return doc.records.map((raw, i) => {
    const res = JxRecord.safeParse(raw);
    if (!res.success) {
      const issues = res.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join(".") || "(record)"}: ${issue.message}`)
        .join("; ");
      const more = res.error.issues.length > 5 ? ` (+${res.error.issues.length - 5} more)` : "";
      throw invalid(`record ${i} of ${doc.file} failed validation: ${issues}${more}`, doc.file);
    }
    if (res.data.source.sha256 !== doc.sha256) {
      throw invalid(`record ${i} of ${doc.file} names another file's sha256 (${res.data.source.sha256})`, doc.file);
    }
    return res.data;
  });
}

/**
 * Records come back from jsonb with keys sorted by jsonb's rules; parsing them again restores
 * the schema's key order (the content is unchanged: they were validated before being stored).
 * A stored record an older schema no longer accepts is returned as stored.
 */
function fromStored(raw: unknown): JxRecord {
  const res = JxRecord.safeParse(raw);
  return res.success ? res.data : (raw as JxRecord);
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function toDocument(row: DocumentRow): StoredDocument {
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

/**
 * Documents, their records and flags. Identical SQL for PGlite and PostgreSQL; the backend is
 * whatever SqlClient it is given (see openStore).
 */
export class Store {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  /** Creates or upgrades the tables. Idempotent; concurrent callers are serialised. Returns the schema version. */
  async migrate(): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await tx.query(
        `SELECT pg_advisory_xact_lock(hashtext('jixiao.store.migrate:' || coalesce(current_schema(), '')))`,
      );
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_version (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_version`);
      let current = rows[0]?.version ?? 0;
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query(`INSERT INTO schema_version (version) VALUES ($1::int) ON CONFLICT DO NOTHING`, [
          migration.version,
        ]);
        current = migration.version;
      }
      return current;
    });
  }

  /**
   * Writes a document and replaces all its records and flags, in one transaction. Saving the same
   * sha256 again overwrites (no duplicates); an invalid record raises INVALID_PAYLOAD before
   * anything is written, so the stored version stays as it was.
   */
  async saveDocument(doc: SaveDocumentInput): Promise<{ inserted: boolean }> {
    checkDocumentFields(doc.sha256, doc.file, doc.status);
    if (!InputKind.safeParse(doc.inputKind).success) {
      throw invalid(`unknown inputKind ${JSON.stringify(doc.inputKind)}`, doc.file);
    }
    checkPageCount(doc.pageCount, doc.file);
    checkError(doc.error, doc.file);
    const records = validateRecords(doc);
    const error = doc.error ?? null;

    try {
      return await this.#db.transaction(async (tx) => {
        const { rows } = await tx.query<{ inserted: boolean }>(UPSERT_DOCUMENT, [
          doc.sha256,
          doc.file,
          doc.inputKind,
          doc.status,
          error?.code ?? null,
          error?.message ?? null,
          doc.pageCount,
        ]);
        // Flags go with their records (ON DELETE CASCADE).
        await tx.query(`DELETE FROM records WHERE document_sha256 = $1`, [doc.sha256]);
        // Page models of queue mode are intermediate: the document is final once saved.
        await tx.query(`DELETE FROM pages WHERE document_sha256 = $1`, [doc.sha256]);
        if (records.length > 0) {
          await tx.query(INSERT_RECORDS, [doc.sha256, JSON.stringify(records)]);
          await tx.query(INSERT_FLAGS, [doc.sha256]);
        }
        return { inserted: rows[0]?.inserted === true };
      });
    } catch (err) {
      // jsonb cannot hold U+0000 in a string.
      if ((err as { code?: unknown }).code === "22P05") {
        throw invalid(`a record of ${doc.file} cannot be stored: ${(err as Error).message}`, doc.file);
      }
      throw err;
    }
  }

  /**
   * Sets a document's status (creating the row if needed) without touching its records: for
   * queue mode (queued → processing → …). `patch` sets other fields; omitted ones are kept.
   */
  async markDocument(
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
    const { rows } = await this.#db.query<{ inserted: boolean }>(MARK_DOCUMENT, [
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
  async queueDocument(
    sha256: string,
    file: string,
    path: string,
    options: { reprocess?: boolean } = {},
  ): Promise<{ queued: boolean; document: StoredDocument }> {
    checkDocumentFields(sha256, file, "queued");
    if (typeof path !== "string" || path === "") throw invalid("path must be a non-empty string", file);
    const { rows } = await this.#db.query<{ inserted: boolean }>(QUEUE_DOCUMENT, [sha256, file, path, options.reprocess === true]);
    const document = await this.getDocument(sha256);
    if (!document) throw new JixiaoError("INTERNAL", `${file}: document ${sha256} vanished while being queued`, { file });
    return { queued: rows.length > 0, document };
  }

  /**
   * Queue mode: a worker takes a document (queued/processing → processing; inserted when
   * missing). Returns false, changing nothing, when the document is already finished.
   */
  async claimDocument(sha256: string, file: string, path: string): Promise<boolean> {
    checkDocumentFields(sha256, file, "processing");
    if (typeof path !== "string" || path === "") throw invalid("path must be a non-empty string", file);
    const { rows } = await this.#db.query<{ sha256: string }>(CLAIM_DOCUMENT, [sha256, file, path]);
    return rows.length > 0;
  }

  /**
   * Queue mode: stores page models extracted by page jobs (replacing a page stored before).
   * The document row must exist. saveDocument deletes them in its transaction.
   */
  async savePages(sha256: string, pages: readonly Page[]): Promise<void> {
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
    await this.#db.query(
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
  async requeueDocument(sha256: string, unchangedForMs: number): Promise<boolean> {
    const { rows } = await this.#db.query<{ sha256: string }>(
      `UPDATE documents SET status = 'queued', updated_at = now()
       WHERE sha256 = $1 AND status IN ('queued', 'processing')
         AND updated_at < now() - $2::double precision * interval '1 millisecond'
       RETURNING sha256`,
      [sha256, unchangedForMs],
    );
    return rows.length > 0;
  }

  /** Several documents by hash (missing ones are left out), in file-name order. */
  async getDocuments(sha256s: readonly string[]): Promise<StoredDocument[]> {
    if (sha256s.length === 0) return [];
    const { rows } = await this.#db.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.sha256 = ANY($1::text[]) ORDER BY d.file COLLATE "C", d.sha256`,
      [[...sha256s]],
    );
    return rows.map(toDocument);
  }

  /** Queue mode: the stored page models of a document, in page order. */
  async loadPages(sha256: string): Promise<Page[]> {
    const { rows } = await this.#db.query<{ model: string }>(
      `SELECT model FROM pages WHERE document_sha256 = $1 ORDER BY number`,
      [sha256],
    );
    return rows.map((r) => Page.parse(JSON.parse(r.model)));
  }

  /** Queue mode: which page numbers of a document are stored. */
  async pageNumbers(sha256: string): Promise<number[]> {
    const { rows } = await this.#db.query<{ number: number }>(
      `SELECT number FROM pages WHERE document_sha256 = $1 ORDER BY number`,
      [sha256],
    );
    return rows.map((r) => r.number);
  }

  async getDocument(sha256: string): Promise<StoredDocument | null> {
    const { rows } = await this.#db.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.sha256 = $1`,
      [sha256],
    );
    return rows[0] === undefined ? null : toDocument(rows[0]);
  }

  /**
   * Documents in file-name order, optionally only those with one status, and (`unchangedForMs`)
   * only those not updated for that long by the database's clock.
   */
  async listDocuments(options: { status?: DocumentStatus; unchangedForMs?: number } = {}): Promise<StoredDocument[]> {
    const { rows } = await this.#db.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents d
       WHERE ($1::text IS NULL OR d.status = $1::text)
         AND ($2::double precision IS NULL OR d.updated_at < now() - $2::double precision * interval '1 millisecond')
       ORDER BY d.file COLLATE "C", d.sha256`,
      [options.status ?? null, options.unchangedForMs ?? null],
    );
    return rows.map(toDocument);
  }

  /** Number of documents per status; every status is present (0 when none). */
  async countByStatus(): Promise<Record<DocumentStatus, number>> {
    const counts = Object.fromEntries(DocumentStatus.options.map((s) => [s, 0])) as Record<
      DocumentStatus,
      number
    >;
    const { rows } = await this.#db.query<{ status: DocumentStatus; n: number }>(
      `SELECT status, count(*)::int AS n FROM documents GROUP BY status`,
    );
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /**
   * Stored records in (file name, sha256, ordinal) order, fetched in batches so a full export does
   * not hold everything in memory. Each record is the validated JSON that was saved.
   */
  async *listRecords(options: ListRecordsOptions = {}): AsyncGenerator<JxRecord, void, undefined> {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalid("batchSize must be a positive integer");
    let after: RecordRow | undefined;
    for (;;) {
      const { rows } = await this.#db.query<RecordRow>(LIST_RECORDS, [
        options.documentSha256 ?? null,
        options.approvedOnly === true,
        after?.file ?? null,
        after?.document_sha256 ?? null,
        after?.ordinal ?? null,
        batchSize,
      ]);
      for (const row of rows) yield fromStored(row.record);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1];
    }
  }

  /** Flags of stored records (e.g. everything that needs review), in record order. */
  async listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    const { rows } = await this.#db.query<StoredFlag>(
      `SELECT r.document_sha256 AS "documentSha256", d.file, r.ordinal,
              f.code, f.severity, f.path, f.message
       FROM flags f
       JOIN records r ON r.id = f.record_id
       JOIN documents d ON d.sha256 = r.document_sha256
       WHERE ($1::text IS NULL OR r.document_sha256 = $1::text)
         AND ($2::text IS NULL OR f.severity = $2::text)
         AND ($3::text IS NULL OR f.code = $3::text)
       ORDER BY d.file COLLATE "C", r.document_sha256, r.ordinal, f.id`,
      [options.documentSha256 ?? null, options.severity ?? null, options.code ?? null],
    );
    return rows;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

/** Drains an async iterable into an array (Array.fromAsync is not in Node 20). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
