import type { Flag, InputKind, JxRecord, RecordKind } from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import {
  DOCUMENT_COLUMNS,
  fromStored,
  invalid,
  toDocument,
  type DocumentRow,
  type PageGeometry,
  type StoredDocument,
} from "./storeRows.js";
import {
  OPEN_FLAG_SQL,
  resolutionsOf,
  reviewFlagStates,
  type FlagResolution,
  type ReviewFlagState,
  type ReviewStateName,
} from "./reviewState.js";

// What the review page reads: the queue of records a person should look at, the documents that
// need one, the queue's filter values, and one record with what is needed to show it.

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

const STORED_RECORD_FROM = `
  SELECT r.id, r.document_sha256, d.file, r.ordinal, r.kind, r.review_state, r.record,
         d.page_geometry, d.source_path, d.input_kind
  FROM records r JOIN documents d ON d.sha256 = r.document_sha256`;

export const STORED_RECORD = `${STORED_RECORD_FROM}
  WHERE r.id = $1::bigint`;

export interface StoredRecordRow {
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

export function toStoredRecord(row: StoredRecordRow, resolutions: readonly FlagResolution[]): StoredRecord {
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

/** Records a person should look at (those with review flags), worst confidence first. */
export async function reviewQueue(db: SqlClient, filter: ReviewQueueFilter = {}): Promise<ReviewQueue> {
  const limit = filter.limit ?? 50;
  const offset = filter.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw invalid("limit must be an integer in 1..500");
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalid("offset must be a non-negative integer");
  const state = filter.state ?? "pending";
  const params = [filter.flag ?? null, filter.office ?? null, filter.year ?? null, filter.kind ?? null, filter.documentSha256 ?? null];
  const { rows: countRows } = await db.query<{ review_state: ReviewStateName; n: number }>(
    `SELECT r.review_state, count(*)::int AS n FROM records r WHERE ${QUEUE_WHERE} GROUP BY r.review_state`,
    params,
  );
  const counts = { pending: 0, approved: 0, corrected: 0 };
  for (const row of countRows) counts[row.review_state] = row.n;
  const total = state === "all" ? counts.pending + counts.approved + counts.corrected : counts[state];
  const { rows } = await db.query<{
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
export async function reviewDocuments(db: SqlClient, options: { limit?: number; offset?: number } = {}): Promise<{ total: number; items: ReviewDocument[] }> {
  const limit = options.limit ?? 100;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw invalid("limit must be an integer in 1..1000");
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalid("offset must be a non-negative integer");
  const { rows } = await db.query<DocumentRow & { pending_records: number; total: number }>(
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
    total: rows[0]?.total ?? (offset > 0 ? (await reviewDocuments(db, { limit: 1 })).total : 0),
    items: rows.map((r) => ({ ...toDocument(r), pendingRecords: r.pending_records })),
  };
}

/** The values the review queue's filters can take. */
export async function reviewFacets(db: SqlClient): Promise<{ flagCodes: string[]; offices: string[]; years: number[]; kinds: RecordKind[] }> {
  const q = async <T>(sql: string) => (await db.query<{ v: T }>(sql)).rows.map((r) => r.v);
  const flagged = `FROM records r WHERE EXISTS (SELECT 1 FROM flags f WHERE f.record_id = r.id AND f.severity = 'review')`;
  return {
    flagCodes: await q<string>(`SELECT DISTINCT code COLLATE "C" AS v FROM flags WHERE severity = 'review' ORDER BY v`),
    offices: (await q<string | null>(`SELECT DISTINCT ${OFFICE_SQL} COLLATE "C" AS v ${flagged} ORDER BY v`)).filter((v): v is string => v !== null),
    years: (await q<number | null>(`SELECT DISTINCT ${YEAR_SQL} AS v ${flagged} ORDER BY v`)).filter((v): v is number => v !== null),
    kinds: await q<RecordKind>(`SELECT DISTINCT r.kind COLLATE "C" AS v ${flagged} ORDER BY v`),
  };
}

/** One stored record by its row id, with its document's page sizes and source path. */
export async function getRecord(db: SqlClient, id: number): Promise<StoredRecord | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const { rows } = await db.query<StoredRecordRow>(STORED_RECORD, [id]);
  const row = rows[0];
  return row === undefined ? null : toStoredRecord(row, await resolutionsOf(db, row.document_sha256, row.ordinal));
}

/**
 * One stored record by its document and ordinal (its position in the file, 0-based, as the
 * export numbers it): an address that stays the same when the document is processed again.
 */
export async function getRecordAt(db: SqlClient, documentSha256: string, ordinal: number): Promise<StoredRecord | null> {
  if (!/^[0-9a-f]{64}$/.test(documentSha256) || !Number.isSafeInteger(ordinal) || ordinal < 0) return null;
  const { rows } = await db.query<StoredRecordRow>(`${STORED_RECORD_FROM} WHERE r.document_sha256 = $1 AND r.ordinal = $2::int`, [documentSha256, ordinal]);
  const row = rows[0];
  return row === undefined ? null : toStoredRecord(row, await resolutionsOf(db, row.document_sha256, row.ordinal));
}
