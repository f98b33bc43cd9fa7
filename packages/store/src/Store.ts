import { JixiaoError, errorCodes, type ErrorCode } from "@jixiao/core";
import {
  DocumentStatus,
  InputKind,
  Page,
  JxRecord,
  type Flag,
  type FlagSeverity,
  type RecordKind,
  type ReviewTrailEntry,
  type Unit,
} from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import { migrations } from "./migrations.js";

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
const FINISHED_SQL = FINISHED_STATUSES.map((s) => `'${s}'`).join(", ");

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
  /** Where the input file can be read again (the review page shows its pages). Omitted: kept. */
  path?: string | null;
  /** Every page's size in its own unit, so a value's box can be drawn on the page. Omitted: kept. */
  pageGeometry?: readonly PageGeometry[] | null;
}

type ReviewTrailRow = Omit<ReviewTrailEntry, "at"> & { at: Date | string };

const flagKey = (f: { code: string; path: string; message: string }) => `${f.code}\u0000${f.path}\u0000${f.message}`;

/** The review flags of a record, each open or resolved by one of `resolutions`. */
export function reviewFlagStates(record: JxRecord, resolutions: readonly FlagResolution[]): ReviewFlagState[] {
  const byKey = new Map(resolutions.map((r) => [flagKey(r), r]));
  const out: ReviewFlagState[] = [];
  record.flags.forEach((f, index) => {
    if (f.severity !== "review") return;
    const r = byKey.get(flagKey(f));
    out.push({ ...f, index, open: r === undefined, resolution: r ? { how: r.resolution, by: r.reviewer, at: r.at } : null });
  });
  return out;
}

/**
 * A record's review state from its flags: `pending` while a review flag is open; once none is,
 * `corrected` when a person corrected a field of it, else `approved`, by `by` at `at`.
 */
export function reviewStateFrom(
  record: JxRecord,
  resolutions: readonly FlagResolution[],
  corrected: boolean,
  by: string | null,
  at: string | null,
): JxRecord["review"] {
  const open = reviewFlagStates(record, resolutions).some((f) => f.open);
  if (open) return { state: "pending", by: null, at: null };
  return { state: corrected ? "corrected" : "approved", by, at };
}

// An open review flag of record r: no resolution names it.
const OPEN_FLAG_SQL = `EXISTS (SELECT 1 FROM flags f WHERE f.record_id = r.id AND f.severity = 'review'
  AND NOT EXISTS (SELECT 1 FROM flag_resolutions x WHERE x.document_sha256 = r.document_sha256
                  AND x.ordinal = r.ordinal AND x.code = f.code AND x.path = f.path AND x.message = f.message))`;

const RESOLUTIONS = `SELECT ordinal, code, path, message, resolution, reviewer, at FROM flag_resolutions
  WHERE document_sha256 = $1 AND ($2::int IS NULL OR ordinal = $2::int)`;

interface ResolutionRow {
  ordinal: number;
  code: string;
  path: string;
  message: string;
  resolution: FlagResolutionKind;
  reviewer: string;
  at: Date | string;
}

async function resolutionsOf(db: Pick<SqlClient, "query">, sha256: string, ordinal: number | null): Promise<(FlagResolution & { ordinal: number })[]> {
  const { rows } = await db.query<ResolutionRow>(RESOLUTIONS, [sha256, ordinal]);
  return rows.map((r) => ({ ...r, at: iso(r.at) }));
}

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

/** A page's size in the unit its provenance boxes use ("pt" PDF text, "px" scan pixels, "grid" text dumps). */
export interface PageGeometry {
  number: number;
  width: number;
  height: number;
  unit: Unit;
  /** Scans: the skew OCR removed; boxes are in the straightened image (rotate by +skew about the centre). */
  skewDegrees?: number;
}

export type ReviewStateName = "pending" | "approved" | "corrected";

/** How a review flag was resolved: a correction of the field it covers, an acknowledgement, or an approval of the whole record. */
export type FlagResolutionKind = "corrected" | "acknowledged" | "approved";

/** A resolved review flag, named by its code, path and message within its record. */
export interface FlagResolution {
  code: string;
  path: string;
  message: string;
  resolution: FlagResolutionKind;
  reviewer: string;
  /** ISO 8601. */
  at: string;
}

/** One review flag of a stored record with its state: open, or resolved (how, by whom, when). */
export interface ReviewFlagState extends Flag {
  /** Position in the record's `flags`. */
  index: number;
  open: boolean;
  resolution: { how: FlagResolutionKind; by: string; at: string } | null;
}

/** A stored record with its row id, review state and what the review page needs to show it. */
export interface StoredRecord {
  id: number;
  documentSha256: string;
  file: string;
  ordinal: number;
  kind: RecordKind;
  state: ReviewStateName;
  record: JxRecord;
  pages: PageGeometry[];
  /** Where the input file was read (null when unknown). */
  sourcePath: string | null;
  inputKind: InputKind | null;
  /** The record's review flags, each open or resolved. */
  reviewFlags: ReviewFlagState[];
}

/** What the review queue can be narrowed to. */
export interface ReviewQueueFilter {
  /** Default "pending". */
  state?: ReviewStateName | "all";
  /** Only records with a review flag of this code. */
  flag?: string;
  /** The record's department / unit, exactly. */
  office?: string;
  /** Only the records of this document. */
  documentSha256?: string;
  year?: number;
  kind?: RecordKind;
  /** Default 50, at most 500. */
  limit?: number;
  offset?: number;
}

/** A document in the review page's document list. */
export interface ReviewDocument extends StoredDocument {
  /** Records with review flags still pending. */
  pendingRecords: number;
}

export interface ReviewQueueItem {
  id: number;
  documentSha256: string;
  file: string;
  ordinal: number;
  kind: RecordKind;
  title: string | null;
  office: string | null;
  year: number | null;
  confidence: number | null;
  state: ReviewStateName;
  /** The record's review flags, each with `open` (not yet resolved by a person). */
  flags: (Flag & { open: boolean })[];
  /** How many of them are open. */
  openFlags: number;
}

export interface ReviewQueue {
  /** Records needing a person, by state, under the same filters but `state`. */
  counts: { [state in ReviewStateName]: number };
  /** Items matching every filter (before limit/offset). */
  total: number;
  items: ReviewQueueItem[];
}

/**
 * One change a person makes: the new record, the audit row describing it, and the review flags
 * it resolves. The store sets the record's review state from its flags: `pending` while a review
 * flag is open, else `corrected` (some field was corrected) or `approved`, by this reviewer, now.
 */
export interface ReviewChange {
  record: JxRecord;
  action: "correct" | "approve" | "acknowledge";
  fieldPath: string;
  before: unknown;
  after: unknown;
  /** The acknowledged flag's code (acknowledge). */
  flagCode?: string | null;
  /** Review flags of `record` this change resolves, and how. */
  resolves?: { flags: readonly Flag[]; how: FlagResolutionKind };
  /** Review flags of `record` the reviewer acknowledged with this change (checks a correction breaks). */
  acknowledges?: readonly Flag[];
}

export type UserRole = "admin" | "reviewer" | "viewer";

export interface StoredUser {
  name: string;
  role: UserRole;
  passwordHash: string;
}

export interface StoredSession {
  userName: string;
  role: UserRole;
  csrfToken: string;
  expiresAt: string;
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

/** One row of the review audit trail: a correction or an approval, with what it changed. */
export interface StoredReview extends ReviewTrailEntry {
  id: number;
  documentSha256: string;
  file: string;
  /** The record's current row id, or null once re-processing replaced the record. */
  recordId: number | null;
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

// Review queue: records with at least one review flag. $1 flag code, $2 office, $3 year, $4 kind.
const OFFICE_SQL = `coalesce(r.record ->> 'department_name', r.record ->> 'competent_department', r.record ->> 'budget_unit', r.record ->> 'implementing_unit')`;
const YEAR_SQL = `coalesce((r.record ->> 'fiscal_year')::int, substring(r.record ->> 'evaluation_date' from 1 for 4)::int)`;
const QUEUE_WHERE = `
  EXISTS (SELECT 1 FROM flags f WHERE f.record_id = r.id AND f.severity = 'review'
          AND ($1::text IS NULL OR f.code = $1::text))
  AND ($2::text IS NULL OR ${OFFICE_SQL} = $2::text)
  AND ($3::int IS NULL OR ${YEAR_SQL} = $3::int)
  AND ($4::text IS NULL OR r.kind = $4::text)
  AND ($5::text IS NULL OR r.document_sha256 = $5::text)`;

const STORED_RECORD = `
  SELECT r.id, r.document_sha256, d.file, r.ordinal, r.kind, r.review_state, r.record,
         d.page_geometry, d.source_path, d.input_kind
  FROM records r JOIN documents d ON d.sha256 = r.document_sha256
  WHERE r.id = $1::bigint`;

interface StoredRecordRow {
  id: number | string;
  document_sha256: string;
  file: string;
  ordinal: number;
  kind: RecordKind;
  review_state: ReviewStateName;
  record: unknown;
  page_geometry: unknown;
  source_path: string | null;
  input_kind: InputKind | null;
}

function toStoredRecord(row: StoredRecordRow, resolutions: readonly FlagResolution[]): StoredRecord {
  const geometry = typeof row.page_geometry === "string" ? JSON.parse(row.page_geometry) : row.page_geometry;
  const record = fromStored(row.record);
  return {
    id: Number(row.id),
    documentSha256: row.document_sha256,
    file: row.file,
    ordinal: row.ordinal,
    kind: row.kind,
    state: row.review_state,
    record,
    pages: Array.isArray(geometry) ? (geometry as PageGeometry[]) : [],
    sourcePath: row.source_path,
    inputKind: row.input_kind,
    reviewFlags: reviewFlagStates(record, resolutions),
  };
}

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

function checkGeometry(g: PageGeometry): PageGeometry {
  const ok =
    Number.isSafeInteger(g.number) && g.number >= 1 && Number.isFinite(g.width) && Number.isFinite(g.height) &&
    g.width >= 0 && g.height >= 0 && (g.unit === "pt" || g.unit === "px" || g.unit === "grid") &&
    (g.skewDegrees === undefined || (Number.isFinite(g.skewDegrees) && Math.abs(g.skewDegrees) <= 45));
  if (!ok) throw invalid(`bad page geometry ${JSON.stringify(g)}`);
  return { number: g.number, width: g.width, height: g.height, unit: g.unit, ...(g.skewDegrees ? { skewDegrees: g.skewDegrees } : {}) };
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
  async saveDocument(doc: SaveDocumentInput, options: SaveDocumentOptions = {}): Promise<{ inserted: boolean; skipped?: true }> {
    checkDocumentFields(doc.sha256, doc.file, doc.status);
    if (!InputKind.safeParse(doc.inputKind).success) {
      throw invalid(`unknown inputKind ${JSON.stringify(doc.inputKind)}`, doc.file);
    }
    checkPageCount(doc.pageCount, doc.file);
    checkError(doc.error, doc.file);
    const records = validateRecords(doc);
    const error = doc.error ?? null;

    try {
      return await this.#db.transaction(async (tx): Promise<{ inserted: boolean; skipped?: true }> => {
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
       WHERE sha256 = $1 AND status NOT IN (${FINISHED_SQL})
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

  /** Records a person should look at (those with review flags), worst confidence first. */
  async reviewQueue(filter: ReviewQueueFilter = {}): Promise<ReviewQueue> {
    const limit = filter.limit ?? 50;
    const offset = filter.offset ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw invalid("limit must be an integer in 1..500");
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid("offset must be a non-negative integer");
    const state = filter.state ?? "pending";
    const params = [filter.flag ?? null, filter.office ?? null, filter.year ?? null, filter.kind ?? null, filter.documentSha256 ?? null];
    const { rows: countRows } = await this.#db.query<{ review_state: ReviewStateName; n: number }>(
      `SELECT r.review_state, count(*)::int AS n FROM records r WHERE ${QUEUE_WHERE} GROUP BY r.review_state`,
      params,
    );
    const counts = { pending: 0, approved: 0, corrected: 0 };
    for (const row of countRows) counts[row.review_state] = row.n;
    const total = state === "all" ? counts.pending + counts.approved + counts.corrected : counts[state];
    const { rows } = await this.#db.query<{
      id: number | string; document_sha256: string; file: string; ordinal: number; kind: RecordKind;
      title: string | null; office: string | null; year: number | null; confidence: number | null;
      review_state: ReviewStateName; flags: unknown;
    }>(
      `SELECT r.id, r.document_sha256, d.file, r.ordinal, r.kind,
              coalesce(r.record ->> 'project_name', r.record ->> 'department_name') AS title,
              ${OFFICE_SQL} AS office, ${YEAR_SQL} AS year, r.confidence, r.review_state,
              (SELECT coalesce(json_agg(json_build_object('code', f.code, 'severity', f.severity, 'path', f.path, 'message', f.message,
                        'open', NOT EXISTS (SELECT 1 FROM flag_resolutions x WHERE x.document_sha256 = r.document_sha256
                          AND x.ordinal = r.ordinal AND x.code = f.code AND x.path = f.path AND x.message = f.message)) ORDER BY f.id), '[]'::json)
               FROM flags f WHERE f.record_id = r.id AND f.severity = 'review')::text AS flags
       FROM records r JOIN documents d ON d.sha256 = r.document_sha256
       WHERE ${QUEUE_WHERE} AND ($6::text = 'all' OR r.review_state = $6::text)
       ORDER BY r.confidence ASC NULLS FIRST, d.file COLLATE "C", r.document_sha256, r.ordinal
       LIMIT $7::int OFFSET $8::int`,
      [...params, state, limit, offset],
    );
    return {
      counts,
      total,
      items: rows.map((r) => ({
        id: Number(r.id),
        documentSha256: r.document_sha256,
        file: r.file,
        ordinal: r.ordinal,
        kind: r.kind,
        title: r.title,
        office: r.office,
        year: r.year,
        confidence: r.confidence,
        state: r.review_state,
        ...((flags: (Flag & { open: boolean })[]) => ({ flags, openFlags: flags.filter((f) => f.open).length }))(
          (typeof r.flags === "string" ? JSON.parse(r.flags) : r.flags) as (Flag & { open: boolean })[],
        ),
      })),
    };
  }

  /**
   * Documents that need a person: failed or partial ones, and those with records still pending
   * review (records with a review flag no person has resolved). Failed documents
   * first, then by pending records, most first.
   */
  async reviewDocuments(options: { limit?: number; offset?: number } = {}): Promise<{ total: number; items: ReviewDocument[] }> {
    const limit = options.limit ?? 100;
    const offset = options.offset ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw invalid("limit must be an integer in 1..1000");
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid("offset must be a non-negative integer");
    const { rows } = await this.#db.query<DocumentRow & { pending_records: number; total: number }>(
      `WITH docs AS (
         SELECT ${DOCUMENT_COLUMNS},
                (SELECT count(*)::int FROM records r WHERE r.document_sha256 = d.sha256 AND ${OPEN_FLAG_SQL}) AS pending_records
         FROM documents d
         WHERE d.status IN ('failed', 'partial', 'succeeded'))
       SELECT docs.*, count(*) OVER ()::int AS total FROM docs
       WHERE status IN ('failed', 'partial') OR pending_records > 0
       ORDER BY (status = 'failed') DESC, pending_records DESC, file COLLATE "C", sha256
       LIMIT $1::int OFFSET $2::int`,
      [limit, offset],
    );
    return {
      total: rows[0]?.total ?? (offset > 0 ? (await this.reviewDocuments({ limit: 1 })).total : 0),
      items: rows.map((r) => ({ ...toDocument(r), pendingRecords: r.pending_records })),
    };
  }

  /** The values the review queue's filters can take. */
  async reviewFacets(): Promise<{ flagCodes: string[]; offices: string[]; years: number[]; kinds: RecordKind[] }> {
    const q = async <T>(sql: string) => (await this.#db.query<{ v: T }>(sql)).rows.map((r) => r.v);
    const flagged = `FROM records r WHERE EXISTS (SELECT 1 FROM flags f WHERE f.record_id = r.id AND f.severity = 'review')`;
    return {
      flagCodes: await q<string>(`SELECT DISTINCT code COLLATE "C" AS v FROM flags WHERE severity = 'review' ORDER BY v`),
      offices: (await q<string | null>(`SELECT DISTINCT ${OFFICE_SQL} COLLATE "C" AS v ${flagged} ORDER BY v`)).filter((v): v is string => v !== null),
      years: (await q<number | null>(`SELECT DISTINCT ${YEAR_SQL} AS v ${flagged} ORDER BY v`)).filter((v): v is number => v !== null),
      kinds: await q<RecordKind>(`SELECT DISTINCT r.kind COLLATE "C" AS v ${flagged} ORDER BY v`),
    };
  }

  /** One stored record by its row id, with its document's page sizes and source path. */
  async getRecord(id: number): Promise<StoredRecord | null> {
    if (!Number.isSafeInteger(id) || id < 1) return null;
    const { rows } = await this.#db.query<StoredRecordRow>(STORED_RECORD, [id]);
    const row = rows[0];
    return row === undefined ? null : toStoredRecord(row, await resolutionsOf(this.#db, row.document_sha256, row.ordinal));
  }

  /**
   * A person's change to one record, in one transaction: the record is locked and read, `change`
   * computes the new record and its audit entry (throwing refuses the change: nothing is
   * written), the new record is validated, stored with its review state, its flag index rebuilt,
   * and the audit row written. Returns the record as stored now.
   */
  async reviewRecord(
    id: number,
    reviewer: string,
    change: (current: StoredRecord) => ReviewChange,
  ): Promise<StoredRecord> {
    if (typeof reviewer !== "string" || reviewer === "") throw invalid("reviewer is empty");
    return this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<StoredRecordRow>(`${STORED_RECORD} FOR UPDATE OF r`, [id]);
      if (rows[0] === undefined) throw new JixiaoError("RECORD_NOT_FOUND", `no record ${id}`);
      const existing = await resolutionsOf(tx, rows[0].document_sha256, rows[0].ordinal);
      const current = toStoredRecord(rows[0], existing);
      const next = change(current);
      const parsed = JxRecord.safeParse(next.record);
      if (!parsed.success) throw new JixiaoError("VALIDATION_FAILED", `record ${id}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      const record = parsed.data;
      if (record.kind !== current.kind || record.source.sha256 !== current.documentSha256) {
        throw invalid(`record ${id}: a review cannot change the record's kind or source`);
      }
      // The flags this change resolves (review flags of the new record, not resolved before). An
      // approval of the whole record resolves every flag still open. The time is now, unless
      // the change set the record's review time itself.
      const given = record.review.at !== null && record.review.at !== current.record.review.at ? Date.parse(record.review.at) : NaN;
      const now = Number.isFinite(given) ? new Date(given).toISOString() : new Date().toISOString();
      const known = new Set(existing.map(flagKey));
      const inRecord = new Set(record.flags.filter((f) => f.severity === "review").map(flagKey));
      const added: FlagResolution[] = [];
      const resolving: [Flag, FlagResolutionKind][] = [
        ...(next.resolves?.flags ?? []).map((f): [Flag, FlagResolutionKind] => [f, next.resolves!.how]),
        ...(next.acknowledges ?? []).map((f): [Flag, FlagResolutionKind] => [f, "acknowledged"]),
        ...(next.action === "approve" ? record.flags.map((f): [Flag, FlagResolutionKind] => [f, "approved"]) : []),
      ];
      for (const [f, how] of resolving) {
        const key = flagKey(f);
        if (!inRecord.has(key) || known.has(key)) continue;
        known.add(key);
        added.push({ code: f.code, path: f.path, message: f.message, resolution: how, reviewer, at: now });
      }
      const { rows: corrections } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM reviews WHERE document_sha256 = $1 AND ordinal = $2::int AND action = 'correct'`,
        [current.documentSha256, current.ordinal],
      );
      const corrected = next.action === "correct" || (corrections[0]?.n ?? 0) > 0;
      record.review = reviewStateFrom(record, [...existing, ...added], corrected, reviewer, now);
      await tx.query(
        `UPDATE records SET record = $2::text::jsonb, confidence = $3::double precision, review_state = $4 WHERE id = $1::bigint`,
        [id, JSON.stringify(record), record.confidence, record.review.state],
      );
      await tx.query(`DELETE FROM flags WHERE record_id = $1::bigint`, [id]);
      await tx.query(
        `INSERT INTO flags (record_id, code, severity, path, message)
         SELECT $1::bigint, f.code, f.severity, f.path, f.message
         FROM jsonb_to_recordset($2::text::jsonb) AS f(code text, severity text, path text, message text)`,
        [id, JSON.stringify(record.flags)],
      );
      await tx.query(
        `INSERT INTO reviews (record_id, document_sha256, ordinal, field_path, before, after, reviewer, action, flag_code)
         VALUES ($1::bigint, $2, $3::int, $4, $5::text::jsonb, $6::text::jsonb, $7, $8, $9)`,
        [id, current.documentSha256, current.ordinal, next.fieldPath, JSON.stringify(next.before ?? null), JSON.stringify(next.after ?? null), reviewer, next.action, next.flagCode ?? null],
      );
      for (const r of added) {
        await tx.query(
          `INSERT INTO flag_resolutions (document_sha256, ordinal, code, path, message, resolution, reviewer, at)
           VALUES ($1, $2::int, $3, $4, $5, $6, $7, $8::timestamptz) ON CONFLICT DO NOTHING`,
          [current.documentSha256, current.ordinal, r.code, r.path, r.message, r.resolution, r.reviewer, r.at],
        );
      }
      const { rows: after } = await tx.query<StoredRecordRow>(STORED_RECORD, [id]);
      return toStoredRecord(after[0]!, await resolutionsOf(tx, current.documentSha256, current.ordinal));
    });
  }

  /** Adds a user, or (replace) changes an existing user's role and password hash. */
  async putUser(user: StoredUser, options: { replace?: boolean } = {}): Promise<{ created: boolean }> {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(user.name)) throw invalid(`user name ${JSON.stringify(user.name)}: use 1–64 letters, digits, . _ @ -`);
    if (!["admin", "reviewer", "viewer"].includes(user.role)) throw invalid(`unknown role ${JSON.stringify(user.role)}`);
    const { rows } = await this.#db.query<{ inserted: boolean }>(
      `INSERT INTO users (name, role, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash
       WHERE $4::boolean
       RETURNING (xmax = 0) AS inserted`,
      [user.name, user.role, user.passwordHash, options.replace === true],
    );
    if (rows.length === 0) throw invalid(`user ${user.name} exists already`);
    return { created: rows[0]?.inserted === true };
  }

  async getUser(name: string): Promise<StoredUser | null> {
    const { rows } = await this.#db.query<{ name: string; role: UserRole; password_hash: string }>(
      `SELECT name, role, password_hash FROM users WHERE name = $1`,
      [name],
    );
    const row = rows[0];
    return row ? { name: row.name, role: row.role, passwordHash: row.password_hash } : null;
  }

  async listUsers(): Promise<{ name: string; role: UserRole }[]> {
    const { rows } = await this.#db.query<{ name: string; role: UserRole }>(`SELECT name, role FROM users ORDER BY name`);
    return rows;
  }

  /** Stores a session under the hash of its secret id; expired sessions are dropped on the way. */
  async createSession(idHash: string, session: Omit<StoredSession, "expiresAt">, ttlMs: number): Promise<void> {
    await this.#db.query(`DELETE FROM sessions WHERE expires_at < now()`);
    await this.#db.query(
      `INSERT INTO sessions (id_hash, user_name, role, csrf_token, expires_at)
       VALUES ($1, $2, $3, $4, now() + $5::double precision * interval '1 millisecond')`,
      [idHash, session.userName, session.role, session.csrfToken, ttlMs],
    );
  }

  /** A live session; a session whose user was removed or changed role is not returned. */
  async getSession(idHash: string): Promise<StoredSession | null> {
    const { rows } = await this.#db.query<{ user_name: string; role: UserRole; csrf_token: string; expires_at: Date | string }>(
      `SELECT s.user_name, s.role, s.csrf_token, s.expires_at FROM sessions s
       WHERE s.id_hash = $1 AND s.expires_at > now()
         AND (s.user_name = 'admin-token'
              OR EXISTS (SELECT 1 FROM users u WHERE u.name = s.user_name AND u.role = s.role))`,
      [idHash],
    );
    const row = rows[0];
    return row ? { userName: row.user_name, role: row.role, csrfToken: row.csrf_token, expiresAt: iso(row.expires_at) } : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#db.query(`DELETE FROM sessions WHERE id_hash = $1`, [idHash]);
  }

  /** The review audit trail in (file name, sha256, ordinal, id) order. */
  async listReviews(options: { documentSha256?: string } = {}): Promise<StoredReview[]> {
    const { rows } = await this.#db.query<Omit<StoredReview, "at" | "id" | "recordId"> & { id: number | string; recordId: number | string | null; at: Date | string }>(
      `SELECT v.id, v.document_sha256 AS "documentSha256", d.file, v.ordinal, v.record_id AS "recordId",
              v.action, v.field_path AS "fieldPath", v.flag_code AS "flagCode", v.before, v.after, v.reviewer, v.at
       FROM reviews v JOIN documents d ON d.sha256 = v.document_sha256
       WHERE ($1::text IS NULL OR v.document_sha256 = $1::text)
       ORDER BY d.file COLLATE "C", v.document_sha256, v.ordinal, v.id`,
      [options.documentSha256 ?? null],
    );
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      recordId: r.recordId === null ? null : Number(r.recordId),
      at: iso(r.at),
    }));
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
