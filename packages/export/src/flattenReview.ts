import type { JxRecord, ReviewsRow } from "@jixiao/schemas";
import type { StoredReview } from "@jixiao/store";
import { keyColumns, toTimestamp } from "./flattenRecord.js";
import { pagesOf } from "./pagesOf.js";

/** A correction's value as JSON text ("null" when the field was set to null); an approval or acknowledgement has none (null). */
function jsonText(review: StoredReview, value: unknown): string | null {
  if (review.action !== "correct" && (value === null || value === undefined)) return null;
  return JSON.stringify(value ?? null);
}

/**
 * One audit-trail entry as a row of the reviews table. `record` is the report it belongs to
 * (same document and ordinal): the pages of the reviewed field and the report's current review
 * state come from it.
 */
export function flattenReview(review: StoredReview, record: JxRecord): ReviewsRow {
  const keys = keyColumns(record, review.ordinal);
  return {
    review_id: review.id,
    ...keys,
    action: review.action,
    field_path: review.fieldPath,
    flag_code: review.flagCode ?? null,
    before: jsonText(review, review.before),
    after: jsonText(review, review.after),
    reviewer: review.reviewer,
    at: toTimestamp(review.at, `review ${review.id} at`),
    pages: pagesOf(record, review.fieldPath),
    review_state: record.review.state,
  };
}
