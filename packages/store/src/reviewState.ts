import type { Flag, JxRecord } from "@jixiao/schemas";
import type { SqlClient } from "./SqlClient.js";
import { iso } from "./storeRows.js";

// Review flags and their resolutions by people, and the review state of a record they give.

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

export const flagKey = (f: { code: string; path: string; message: string }) => `${f.code}\u0000${f.path}\u0000${f.message}`;

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
export const OPEN_FLAG_SQL = `EXISTS (SELECT 1 FROM flags f WHERE f.record_id = r.id AND f.severity = 'review'
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

export async function resolutionsOf(db: Pick<SqlClient, "query">, sha256: string, ordinal: number | null): Promise<(FlagResolution & { ordinal: number })[]> {
  const { rows } = await db.query<ResolutionRow>(RESOLUTIONS, [sha256, ordinal]);
  return rows.map((r) => ({ ...r, at: iso(r.at) }));
}
