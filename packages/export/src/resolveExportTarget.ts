import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { ExportFormat } from "@jixiao/schemas";
import { ExportOptionError } from "./ExportOptionError.js";

/**
 * What `--out` means: a directory of tables, or (jsonl only, as before the warehouse export) a
 * single `.jsonl` file of full records.
 */
export type ExportTarget = { kind: "directory"; format: ExportFormat } | { kind: "records-file" };

const fileExtensions = new Set([".jsonl", ".json", ".csv", ".parquet"]);

/**
 * Checks the format and output path. `--format jsonl --out x.jsonl` (a path ending in .jsonl
 * that is not an existing directory) keeps the old behaviour: one file of records. Everything
 * else is a directory, created if missing. Throws ExportOptionError for a bad combination.
 */
export async function resolveExportTarget(format: string, out: string): Promise<ExportTarget> {
  const parsed = ExportFormat.safeParse(format);
  if (!parsed.success) {
    throw new ExportOptionError(`unknown export format ${JSON.stringify(format)} (use ${ExportFormat.options.join(", ")})`);
  }
  if (out === "") throw new ExportOptionError("--out must name a directory");
  const existing = await stat(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  const ext = extname(out).toLowerCase();
  if (existing?.isDirectory()) return { kind: "directory", format: parsed.data };
  if (parsed.data === "jsonl" && ext === ".jsonl") return { kind: "records-file" };
  if (existing) {
    throw new ExportOptionError(
      `--out ${out} exists and is not a directory (the ${parsed.data} export writes a directory of tables${
        parsed.data === "jsonl" ? "; a single records file must end in .jsonl" : ""
      })`,
    );
  }
  if (fileExtensions.has(ext)) {
    throw new ExportOptionError(
      `--out ${out} looks like a file name, but the ${parsed.data} export writes a directory of tables (one file per table)`,
    );
  }
  return { kind: "directory", format: parsed.data };
}
