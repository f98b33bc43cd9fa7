/** A flag as a record carries it: `paths` when one doubt concerns several fields. */
type PathFlag = { path: string; paths?: readonly string[] };

/**
 * A record as written for readers of the record format (`run --out`, `export`'s records): a
 * flag about several fields (`paths`: a merged cell copied into several rows, one doubt and one
 * review item in the store and on the review page) is written once per path, each copy with its
 * own `path` and the whole `paths`. The format's readers, ../shared/eval/score.mjs among them,
 * take a flag to cover what lies under its `path` only, so a doubt named by `paths` alone left
 * the copies in the later rows looking unflagged.
 */
export function withFlagPerPath<R extends { flags?: readonly PathFlag[] }>(record: R): R {
  const flags = record.flags;
  if (!flags?.some((f) => (f.paths?.length ?? 0) > 1)) return record;
  return { ...record, flags: flags.flatMap((f) => (f.paths && f.paths.length > 1 ? f.paths.map((path) => ({ ...f, path })) : [f])) };
}

/** One record as a JSON line of a records file (withFlagPerPath), without the newline. */
export function recordLine(record: unknown): string {
  return JSON.stringify(record !== null && typeof record === "object" ? withFlagPerPath(record as { flags?: readonly PathFlag[] }) : record);
}
