/**
 * Record paths, the one implementation: "indicators[3].score", "funds.total.execution_rate",
 * "indicators" (a list), "" (the whole record). Flags, provenance, confidence, corrections, the
 * review page and the export all name values this way (docs/record-format.md).
 */

/** One key of a path: a field name or a list index. */
export type PathKey = string | number;

/** Longest path accepted, and largest index: paths come from requests too. */
const MAX_PATH_LENGTH = 200;

/**
 * A record path split into keys: "indicators[3].score" → ["indicators", 3, "score"]; "" → [].
 * Null when it is not a path (field names are snake_case; an index follows a field or an index).
 */
export function parsePath(path: string): PathKey[] | null {
  if (typeof path !== "string" || path.length > MAX_PATH_LENGTH) return null;
  if (path === "") return [];
  const keys: PathKey[] = [];
  const re = /([a-z][a-z0-9_]*)|\[(\d{1,6})\]|(\.)/gy;
  let expectKey = true;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    const m = re.exec(path);
    if (!m) return null;
    if (m[1] !== undefined) {
      if (!expectKey) return null;
      keys.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey) return null;
      keys.push(Number(m[2]));
    } else {
      if (expectKey) return null;
      expectKey = true;
    }
    pos = re.lastIndex;
  }
  return expectKey ? null : keys;
}

/** The path of keys: ["indicators", 3, "score"] → "indicators[3].score". */
export function formatPath(keys: readonly PathKey[]): string {
  let out = "";
  for (const k of keys) out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  return out;
}

/** True when `path` is `under` itself or lies below it ("indicators[3].name" is under "indicators[3]"; everything is under ""). */
export function isUnderPath(path: string, under: string): boolean {
  if (under === "") return true;
  if (!path.startsWith(under)) return false;
  const next = path.charAt(under.length);
  return next === "" || next === "." || next === "[";
}

/** The path with its list indexes left out: "indicators[3].score" → "indicators[].score" (a field of the form model). */
export function pathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/**
 * True when a flag's `paths` name one cell copied into several rows: the same field of each row
 * ("indicators[7].level2", "indicators[8].level2"), where a correction of one applies to all. The
 * values of one row doubted together ("indicators[3].name", "indicators[3].score") are not.
 */
export function copiesOfOneCell(paths: readonly string[]): boolean {
  return paths.length > 1 && paths.every((p) => pathPattern(p) === pathPattern(paths[0]!));
}

/** The list index a path goes through first ("indicators[3].score" → 3), or null. */
export function indexOfPath(path: string): number | null {
  const m = /\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : null;
}

/** An indicator row's value path split: "indicators[3].score" → { index: 3, field: "score" }; null for any other path. */
export function indicatorValuePath(path: string): { index: number; field: string } | null {
  const keys = parsePath(path);
  if (!keys || keys.length !== 3 || keys[0] !== "indicators" || typeof keys[1] !== "number" || typeof keys[2] !== "string") return null;
  return { index: keys[1], field: keys[2] };
}

/** The last field name of a path ("indicators[3].score" → "score"), or "" for "". */
export function lastField(path: string): string {
  const keys = parsePath(path) ?? [];
  for (let i = keys.length - 1; i >= 0; i--) if (typeof keys[i] === "string") return keys[i] as string;
  return "";
}

/** The value at `path` in a record (or any JSON value): found only when every key exists. */
export function valueAt(root: unknown, path: string): { found: boolean; value?: unknown } {
  const keys = parsePath(path);
  if (!keys) return { found: false };
  let v: unknown = root;
  for (const k of keys) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) return { found: false };
    v = (v as { [key: string]: unknown })[k as string];
  }
  return { found: true, value: v };
}

/** The object (or array) holding the value at `path` and its key, when the key exists there. */
export function holderOf(root: unknown, path: string): { holder: { [k: string]: unknown }; key: string } | undefined {
  const keys = parsePath(path);
  if (!keys?.length) return undefined;
  let parent: unknown = root;
  for (const key of keys.slice(0, -1)) {
    parent = parent !== null && typeof parent === "object" ? (parent as { [k: string]: unknown })[key as string] : undefined;
  }
  const key = String(keys[keys.length - 1]);
  if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, key)) return undefined;
  return { holder: parent as { [k: string]: unknown }, key };
}
