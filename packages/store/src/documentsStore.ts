import {
  DocumentStatus,
  InputKind,
  JxRecord,
  type FlagSeverity,
  type ReviewTrailEntry,
} from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import {
  DOCUMENT_COLUMNS,
  checkDocumentFields,
  checkError,
  checkGeometry,
  checkPageCount,
  fromStored,
  invalid,
  isFinished,
  iso,
  toDocument,
  type DocumentError,
  type DocumentRow,
  type PageGeometry,
  type StoredDocument,
} from "./storeRows.js";
import { OPEN_FLAG_SQL, resolutionsOf, reviewStateFrom, type FlagResolution } from "./reviewState.js";

// Documents with their records and flags: saving a processed file, and reading documents,
// records and flags back.

/** One processed input file and every record read from it, written as one unit. */
export interface SaveDocumentInput {
  sha256: string;
  file: string;
  /** null: the kind could not be told (UNSUPPORTED_INPUT); only for a failed document. */
  inputKind: InputKind | null;
  status: DocumentStatus;
  pageCount: number;
  error?: DocumentError | null;
  /** In file order; a record's position becomes its `ordinal` (0-based). */
  records: readonly JxRecord[];
  /** Where the input file can be read again (the review page shows its pages). Omitted: kept. */
  path?: string | null;
  /** Every page's size in its own unit, so a value's box can be drawn on the page. Omitted: kept. */
  pageGeometry?: readonly PageGeometry[] | null;
}

type ReviewTrailRow = Omit<ReviewTrailEntry, "at"> & { at: Date | string };

export interface SaveDocumentOptions {
  /**
   * Re-processing replaces a document's records. Given this, the document's review trail (in
   * order) is passed with the new records, and what it returns is stored instead, in the same
   * transaction: normalize's reapplyCorrections, so corrections survive re-processing.
   */
  reapply?: (
    records: JxRecord[],
    trail: ReviewTrailEntry[],
  ) => JxRecord[];
  /**
   * Queue mode's assemble: write only while the document is unfinished (queued or processing).
   * A document that another run of its flow finished meanwhile (e.g. an assemble still running
   * when Redis lost its jobs, while the reconciler sent the document round again) is left as it
   * is, and `skipped` is returned.
   */
  onlyIfUnfinished?: boolean;
}

export interface ListRecordsOptions {
  /** Only the records of this document. */
  documentSha256?: string;
  /**
   * Only records with no open review flag: every `review` flag resolved by a person (or the
   * record approved as a whole), or none raised.
   */
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

interface RecordRow {
  file: string;
  document_sha256: string;
  ordinal: number;
  record: unknown;
}

const UPSERT_DOCUMENT = `
  INSERT INTO documents (sha256, file, input_kind, status, error_code, error_message, page_count, source_path, page_geometry)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)
  ON CONFLICT (sha256) DO UPDATE SET
    file = excluded.file,
    input_kind = excluded.input_kind,
    status = excluded.status,
    error_code = excluded.error_code,
    error_message = excluded.error_message,
    page_count = excluded.page_count,
    source_path = coalesce(excluded.source_path, documents.source_path),
    page_geometry = coalesce(excluded.page_geometry, documents.page_geometry),
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

// Keyset pagination in (file, sha256, ordinal) order; "C" collation so both backends agree.
const LIST_RECORDS = `
  SELECT d.file, r.document_sha256, r.ordinal, r.record
  FROM records r JOIN documents d ON d.sha256 = r.document_sha256
  WHERE ($1::text IS NULL OR r.document_sha256 = $1::text)
    AND (NOT $2::boolean OR NOT ${OPEN_FLAG_SQL})
    AND ($3::text IS NULL
         OR (d.file COLLATE "C", r.document_sha256, r.ordinal) > ($3::text COLLATE "C", $4::text, $5::int))
  ORDER BY d.file COLLATE "C", r.document_sha256, r.ordinal
  LIMIT $6::int`;

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
 * Writes a document and replaces all its records and flags, in one transaction. Saving the same
 * sha256 again overwrites (no duplicates); an invalid record raises INVALID_PAYLOAD before
 * anything is written, so the stored version stays as it was.
 */
export async function saveDocument(db: SqlClient, doc: SaveDocumentInput, options: SaveDocumentOptions = {}): Promise<{ inserted: boolean; skipped?: true }> {
  checkDocumentFields(doc.sha256, doc.file, doc.status);
  if (doc.inputKind === null ? doc.status !== "failed" : !InputKind.safeParse(doc.inputKind).success) {
    throw invalid(`unknown inputKind ${JSON.stringify(doc.inputKind)}${doc.inputKind === null ? " (only a failed document may have none)" : ""}`, doc.file);
  }
  checkPageCount(doc.pageCount, doc.file);
  checkError(doc.error, doc.file);
  const records = validateRecords(doc);
  const error = doc.error ?? null;

  try {
    return await db.transaction(async (tx): Promise<{ inserted: boolean; skipped?: true }> => {
      if (options.onlyIfUnfinished) {
        const { rows: now } = await tx.query<{ status: string }>(`SELECT status FROM documents WHERE sha256 = $1 FOR UPDATE`, [doc.sha256]);
        if (now[0] && isFinished(now[0].status as DocumentStatus)) return { inserted: false, skipped: true };
      }
      const { rows } = await tx.query<{ inserted: boolean }>(UPSERT_DOCUMENT, [
        doc.sha256,
        doc.file,
        doc.inputKind,
        doc.status,
        error?.code ?? null,
        error?.message ?? null,
        doc.pageCount,
        doc.path ?? null,
        doc.pageGeometry ? JSON.stringify(doc.pageGeometry.map(checkGeometry)) : null,
      ]);
      // Flags go with their records (ON DELETE CASCADE).
      await tx.query(`DELETE FROM records WHERE document_sha256 = $1`, [doc.sha256]);
      // Page models of queue mode are intermediate: the document is final once saved.
      await tx.query(`DELETE FROM pages WHERE document_sha256 = $1`, [doc.sha256]);
      // Approvals of the whole record are not carried over: the records may have changed. A
      // correction's or acknowledgement's resolution still names its flag, and resolves it
      // again when the pipeline raises the same flag.
      await tx.query(`DELETE FROM flag_resolutions WHERE document_sha256 = $1 AND resolution = 'approved'`, [doc.sha256]);
      let toInsert: JxRecord[] = records;
      if (records.length > 0) {
        const { rows: trail } = await tx.query<ReviewTrailRow>(
          `SELECT ordinal, action, field_path AS "fieldPath", flag_code AS "flagCode", before, after, reviewer, at
           FROM reviews WHERE document_sha256 = $1 ORDER BY id`,
          [doc.sha256],
        );
        if (options.reapply && trail.length > 0) {
          toInsert = validateRecords({ ...doc, records: options.reapply(records, trail.map((t) => ({ ...t, at: iso(t.at) }))) });
        }
        // Each record's review state follows its flags and the people's resolutions of them.
        const resolutions = await resolutionsOf(tx, doc.sha256, null);
        if (resolutions.length > 0) {
          toInsert = toInsert.map((record, ordinal) => {
            if (!record.flags.some((f) => f.severity === "review")) return record;
            const mine = resolutions.filter((r) => r.ordinal === ordinal);
            const last = mine.reduce<FlagResolution | null>((a, r) => (a === null || r.at > a.at ? r : a), null);
            const corrected = trail.some((t) => t.ordinal === ordinal && t.action === "correct");
            return { ...record, review: reviewStateFrom(record, mine, corrected, last?.reviewer ?? null, last?.at ?? null) };
          });
        } else {
          toInsert = toInsert.map((record) =>
            record.flags.some((f) => f.severity === "review") && record.review.state !== "pending"
              ? { ...record, review: { state: "pending" as const, by: null, at: null } }
              : record,
          );
        }
      }
      if (toInsert.length > 0) {
        await tx.query(INSERT_RECORDS, [doc.sha256, JSON.stringify(toInsert)]);
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

/** Several documents by hash (missing ones are left out), in file-name order. */
export async function getDocuments(db: SqlClient, sha256s: readonly string[]): Promise<StoredDocument[]> {
  if (sha256s.length === 0) return [];
  const { rows } = await db.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.sha256 = ANY($1::text[]) ORDER BY d.file COLLATE "C", d.sha256`,
    [[...sha256s]],
  );
  return rows.map(toDocument);
}

export async function getDocument(db: SqlClient, sha256: string): Promise<StoredDocument | null> {
  const { rows } = await db.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.sha256 = $1`,
    [sha256],
  );
  return rows[0] === undefined ? null : toDocument(rows[0]);
}

/**
 * Documents in file-name order, optionally only those with one status, and (`unchangedForMs`)
 * only those not updated for that long by the database's clock.
 */
export async function listDocuments(db: SqlClient, options: { status?: DocumentStatus; unchangedForMs?: number } = {}): Promise<StoredDocument[]> {
  const { rows } = await db.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM documents d
     WHERE ($1::text IS NULL OR d.status = $1::text)
       AND ($2::double precision IS NULL OR d.updated_at < now() - $2::double precision * interval '1 millisecond')
     ORDER BY d.file COLLATE "C", d.sha256`,
    [options.status ?? null, options.unchangedForMs ?? null],
  );
  return rows.map(toDocument);
}

/** Number of documents per status; every status is present (0 when none). */
export async function countByStatus(db: SqlClient): Promise<Record<DocumentStatus, number>> {
  const counts = Object.fromEntries(DocumentStatus.options.map((s) => [s, 0])) as Record<
    DocumentStatus,
    number
  >;
  const { rows } = await db.query<{ status: DocumentStatus; n: number }>(
    `SELECT status, count(*)::int AS n FROM documents GROUP BY status`,
  );
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/**
 * Stored records in (file name, sha256, ordinal) order, fetched in batches so a full export does
 * not hold everything in memory. Each record is the validated JSON that was saved.
 */
export async function* listRecords(db: SqlClient, options: ListRecordsOptions = {}): AsyncGenerator<JxRecord, void, undefined> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalid("batchSize must be a positive integer");
  let after: RecordRow | undefined;
  for (;;) {
    const { rows } = await db.query<RecordRow>(LIST_RECORDS, [
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
export async function listFlags(db: SqlClient, options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
  const { rows } = await db.query<StoredFlag>(
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
