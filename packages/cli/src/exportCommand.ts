import { resolve } from "node:path";
import { recordLine } from "@jixiao/core/recordLine";
import { openStore } from "@jixiao/store";
import { exportStore, resolveExportTarget, ExportOptionError, type ExportTarget } from "@jixiao/export";
import { storeConfig, type CliEnv } from "./cliEnv.js";
import { UsageError } from "./UsageError.js";
import { writeLinesAtomically } from "./writeAtomically.js";

// `jixiao export`'s work: loaded by its action only.

export type ExportCommandOptions = { format: string; out: string; store: string; databaseUrl?: string; approvedOnly?: boolean; csvPreset?: string };

/** `jixiao export`: everything stored as warehouse tables, or (a path ending in .jsonl) only the records. */
export async function exportCommand(o: ExportCommandOptions, env: CliEnv): Promise<void> {
  const out = resolve(o.out);
  let target: ExportTarget;
  try {
    target = await resolveExportTarget(o.format, out);
    if (o.csvPreset !== undefined && o.format !== "csv") throw new ExportOptionError("--csv-preset applies to --format csv only");
  } catch (err) {
    throw err instanceof ExportOptionError ? new UsageError(err.message) : err;
  }
  const store = await openStore(await storeConfig(o, env));
  try {
    if (target.kind === "records-file") {
      const lines = (async function* () {
        for await (const r of store.listRecords({ approvedOnly: !!o.approvedOnly })) yield recordLine(r);
      })();
      const n = await writeLinesAtomically(out, lines);
      process.stderr.write(`${n} records → ${o.out}\n`);
    } else {
      const r = await exportStore(store, { format: target.format, dir: out, approvedOnly: !!o.approvedOnly, csvPreset: o.csvPreset === "spreadsheet" ? "spreadsheet" : "warehouse" });
      const counts = Object.entries(r.rows).map(([t, n]) => `${n} ${t}`).join(", ");
      process.stderr.write(`${counts} → ${o.out} (${r.format})\n`);
    }
  } finally {
    await store.close();
  }
}
