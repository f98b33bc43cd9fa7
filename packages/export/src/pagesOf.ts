import { isUnderPath } from "@jixiao/core";
import type { JxRecord } from "@jixiao/schemas";

/** Record paths are parsed in one place (@jixiao/core recordPaths.ts). */
export { isUnderPath };

/** Pages as warehouse text: ascending, distinct, comma-separated ("1,2"). */
export function pagesText(pages: Iterable<number>): string {
  return [...new Set(pages)].sort((a, b) => a - b).join(",");
}

/**
 * The pages the values at or under `path` were read from, from the record's provenance; the
 * record's own pages for "" (the whole record); null when no provenance lies under the path.
 */
export function pagesOf(record: JxRecord, path: string): string | null {
  if (path === "") return pagesText(record.source.pages);
  const pages: number[] = [];
  for (const [key, entries] of Object.entries(record.source.provenance)) {
    if (!isUnderPath(key, path)) continue;
    for (const entry of entries) pages.push(entry.page);
  }
  return pages.length === 0 ? null : pagesText(pages);
}
