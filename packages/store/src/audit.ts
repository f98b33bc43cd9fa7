import { JixiaoError } from "@jixiao/core";
import { JxRecord, type Flag, type ReviewTrailEntry } from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import { invalid, iso } from "./storeRows.js";
import {
  flagKey,
  resolutionsOf,
  reviewStateFrom,
  type FlagResolution,
  type FlagResolutionKind,
} from "./reviewState.js";
import { STORED_RECORD, toStoredRecord, type StoredRecord, type StoredRecordRow } from "./reviewQueue.js";

// People's changes to records: each is applied in one transaction with its audit row, and the
// audit trail is read back.

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

/** One row of the review audit trail: a correction or an approval, with what it changed. */
export interface StoredReview extends ReviewTrailEntry {
  id: number;
  documentSha256: string;
  file: string;
  /** The record's current row id, or null once re-processing replaced the record. */
  recordId: number | null;
}

/**
 * A person's change to one record, in one transaction: the record is locked and read, `change`
 * computes the new record and its audit entry (throwing refuses the change: nothing is
 * written), the new record is validated, stored with its review state, its flag index rebuilt,
 * and the audit row written. Returns the record as stored now.
 */
export async function reviewRecord(
  db: SqlClient,
  id: number,
  reviewer: string,
  change: (current: StoredRecord) => ReviewChange,
): Promise<StoredRecord> {
  if (typeof reviewer !== "string" || reviewer === "") throw invalid("reviewer is empty");
  return db.transaction(async (tx) => {
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

/** The review audit trail in (file name, sha256, ordinal, id) order. */
export async function listReviews(db: SqlClient, options: { documentSha256?: string } = {}): Promise<StoredReview[]> {
  const { rows } = await db.query<Omit<StoredReview, "at" | "id" | "recordId"> & { id: number | string; recordId: number | string | null; at: Date | string }>(
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
