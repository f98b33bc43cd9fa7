import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { valueAt } from "@jixiao/core";
import { readInput, sha256Of } from "@jixiao/pipeline";
import { openStore, type Store, type StoredDocument } from "@jixiao/store";
import type { JxRecord } from "@jixiao/schemas";
import { storeConfig, type CliEnv } from "./cliEnv.js";
import { errorLine } from "./errorLine.js";
import { UsageError } from "./UsageError.js";

// `jixiao show <file|sha256>`: one stored document, its records, flags and error, for a person
// (or, with --json, for a script). Loaded by its action only.

export type ShowOptions = { store: string; databaseUrl?: string; json?: boolean };

/** A stored record as `show` gives it: its position, review state, the record and its flags' review states. */
type ShownRecord = { ordinal: number; reviewState: string; record: JxRecord; openFlags: number };

/**
 * The stored document `what` names: a file on disk (by its SHA-256, so a renamed or moved copy
 * is found), a SHA-256 or a prefix of one (at least 6 hex digits, as `status` prints 12), or a
 * stored name (`source.file`, e.g. `a/report.pdf`). Several matches are a usage error that lists them.
 */
async function findDocument(store: Store, what: string): Promise<StoredDocument | null> {
  const st = await stat(what).catch(() => null);
  if (st?.isFile()) {
    const { data } = await readInput(what);
    return store.getDocument(sha256Of(data));
  }
  if (/^[0-9a-f]{64}$/i.test(what)) return store.getDocument(what.toLowerCase());
  const all = await store.listDocuments();
  const hex = /^[0-9a-f]{6,63}$/i.test(what) ? what.toLowerCase() : null;
  const matches = all.filter((d) => d.file === what || (hex !== null && d.sha256.startsWith(hex)) || (d.path !== null && d.path === resolve(what)));
  if (matches.length > 1) {
    const list = matches.slice(0, 10).map((d) => `  ${d.sha256.slice(0, 12)}  ${d.file}`).join("\n");
    throw new UsageError(`${what} names ${matches.length} stored documents; give the SHA-256 (or more of it):\n${list}`);
  }
  return matches[0] ?? null;
}

/** The record's name: its project or department. */
function titleOf(r: JxRecord): string {
  const o = r as unknown as { project_name?: string | null; department_name?: string | null; fiscal_year?: number | null };
  const name = o.project_name ?? o.department_name ?? "(no name read)";
  return `${name}${typeof o.fiscal_year === "number" ? ` · ${o.fiscal_year}` : ""}`;
}

/** A flagged value as printed: strings quoted, long ones cut. */
function shown(value: unknown): string {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The readable form of a document and its records. */
function formatDocument(doc: StoredDocument, records: readonly ShownRecord[], reviewFlags: ReadonlyMap<number, readonly { index: number; open: boolean; resolution: { how: string; by: string } | null }[]>): string {
  const lines: string[] = [];
  const pages = doc.pageCount === null ? "" : `, ${doc.pageCount} page${doc.pageCount === 1 ? "" : "s"}`;
  lines.push(`${doc.file}`);
  lines.push(`  sha256   ${doc.sha256}`);
  lines.push(`  input    ${doc.inputKind ?? "unknown"}${pages}${doc.path ? ` · ${doc.path}` : ""}`);
  lines.push(`  status   ${doc.status} · ${doc.recordCount} record${doc.recordCount === 1 ? "" : "s"} · updated ${doc.updatedAt}`);
  if (doc.error) lines.push(`  error    ${errorLine(doc.file, doc.error).slice(doc.file.length + 2)}`);
  for (const r of records) {
    const rec = r.record;
    lines.push("");
    lines.push(
      `record ${r.ordinal}: ${rec.kind} · ${titleOf(rec)} · ${rec.indicators.length} indicators · confidence ${rec.confidence.toFixed(3)} · review ${r.reviewState}${
        r.openFlags ? ` (${r.openFlags} open)` : ""
      }`,
    );
    const states = new Map((reviewFlags.get(r.ordinal) ?? []).map((s) => [s.index, s]));
    for (const [index, f] of rec.flags.entries()) {
      const state = states.get(index);
      const how = f.severity !== "review" ? "" : state?.open === false ? ` [${state.resolution?.how ?? "resolved"} by ${state.resolution?.by ?? "?"}]` : " [open]";
      const at = valueAt(rec, f.path);
      lines.push(`  ${f.severity.padEnd(7)}${f.code}${how}  ${f.path}${at.found ? ` = ${shown(at.value)}` : ""}`);
      lines.push(`         ${f.message}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** `jixiao show`: exit 0, or 1 when no stored document matches. */
export async function showCommand(what: string, o: ShowOptions, env: CliEnv): Promise<number> {
  const store = await openStore(await storeConfig(o, env));
  try {
    const doc = await findDocument(store, what);
    if (!doc) {
      process.stderr.write(`no stored document for ${what} (a file, a SHA-256 or its first digits, or a stored name)\n`);
      return 1;
    }
    const records: ShownRecord[] = [];
    const flags = new Map<number, { index: number; open: boolean; resolution: { how: string; by: string } | null }[]>();
    for (let ordinal = 0; ordinal < doc.recordCount; ordinal++) {
      const stored = await store.getRecordAt(doc.sha256, ordinal);
      if (!stored) continue;
      records.push({ ordinal, reviewState: stored.state, record: stored.record, openFlags: stored.reviewFlags.filter((f) => f.open).length });
      flags.set(ordinal, stored.reviewFlags);
    }
    if (o.json) process.stdout.write(`${JSON.stringify({ document: doc, records })}\n`);
    else process.stdout.write(formatDocument(doc, records, flags));
    return 0;
  } finally {
    await store.close();
  }
}
