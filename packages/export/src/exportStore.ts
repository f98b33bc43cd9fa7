import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { JixiaoError, recordLine } from "@jixiao/core";
import {
  CsvPreset,
  EXPORT_SCHEMA_VERSION,
  ExportFormat,
  ExportManifest,
  JxRecord,
  exportRowSchemas,
  exportTableNames,
  exportTables,
  renderJsonSchemas,
  type ExportTableName,
} from "@jixiao/schemas";
import type { StoredReview } from "@jixiao/store";
import { CSV_RECORD_DELIMITER } from "./csvTableWriter.js";
import { CSV_TEXT_PREFIX } from "./neutraliseCsvText.js";
import { ExportOptionError } from "./ExportOptionError.js";
import { flattenRecord } from "./flattenRecord.js";
import { flattenReview } from "./flattenReview.js";
import { numberRecords, type RecordSource } from "./numberRecords.js";
import { openTableWriter, tableFileExtension } from "./openTableWriter.js";
import { reportKey } from "./reportKey.js";
import { renderSchemaSql, SCHEMA_SQL_FILE } from "./schemaSql.js";
import type { TableRow, TableWriter } from "./TableWriter.js";
import { openTextSink, type TextSink } from "./openTextSink.js";

/** What the export reads: a Store, or anything with the same two listings. */
export interface ExportSource extends RecordSource {
  listReviews(options?: { documentSha256?: string }): Promise<StoredReview[]>;
}

export interface ExportOptions {
  format: ExportFormat;
  /** Output directory; created if missing. Files of the same names in it are replaced. */
  dir: string;
  /** Only records with no open review (the store's approvedOnly listing); dependent rows follow. */
  approvedOnly?: boolean;
  /**
   * CSV only: `warehouse` (default) writes the exact text with no byte order mark, for loaders;
   * `spreadsheet` adds a UTF-8 byte order mark and neutralises text that would start a formula.
   */
  csvPreset?: CsvPreset;
  /** Clock for manifest.created_at (tests). */
  now?: () => Date;
}

export interface ExportResult {
  dir: string;
  format: ExportFormat;
  /** Reports exported. */
  records: number;
  /** Rows written per table. */
  rows: { [T in ExportTableName]: number };
  /** Files written into `dir`, manifest.json last. */
  files: string[];
  manifest: ExportManifest;
  /** Audit-trail entries left out because their report was not exported (approved-only, or no longer stored). */
  reviewsLeftOut: number;
}

export const MANIFEST_FILE = "manifest.json";
export const RECORDS_FILE = "records.jsonl";

/** The JSON Schema file of a table's rows, as published in schemas/json. */
export function tableSchemaFile(table: ExportTableName): string {
  return `table_${table}.schema.json`;
}

function summarizeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "(row)"}: ${i.message}`)
    .join("; ");
  return issues.length > 5 ? `${shown} (+${issues.length - 5} more)` : shown;
}

/** Validates a row with its table's zod schema; the parsed row has the columns in table order. */
export function checkRow<T extends ExportTableName>(table: T, row: unknown, key: string): TableRow {
  const res = exportRowSchemas[table].safeParse(row);
  if (!res.success) {
    throw new JixiaoError("INTERNAL", `export: a ${table} row of ${key} does not match the table schema: ${summarizeIssues(res.error.issues)}`);
  }
  return res.data as TableRow;
}

function checkRecord(raw: JxRecord, key: string): JxRecord {
  const res = JxRecord.safeParse(raw);
  if (!res.success) {
    throw new JixiaoError("INVALID_PAYLOAD", `export: stored record ${key} does not match the record schema: ${summarizeIssues(res.error.issues)}`);
  }
  return res.data;
}

async function checkDirectory(dir: string): Promise<void> {
  const existing = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (existing && !existing.isDirectory()) throw new ExportOptionError(`${dir} exists and is not a directory`);
}

/**
 * Writes the store's records as flat warehouse tables (reports, funds, indicators, flags,
 * reviews) into `dir`, one file per table in the chosen format, plus `records.jsonl` (full
 * records, jsonl format only), each table's JSON Schema (`table_<name>.schema.json`), the DDL
 * (`schema.sql`) and `manifest.json`. Every row is validated with its table's zod
 * schema first. Files are written into a temporary directory next to `dir` and renamed into
 * place only when all are complete (manifest.json last); on error the temporary directory is
 * removed and `dir` is left as it was.
 */
export async function exportStore(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const parsedFormat = ExportFormat.safeParse(options.format);
  if (!parsedFormat.success) {
    throw new ExportOptionError(`unknown export format ${JSON.stringify(options.format)} (use ${ExportFormat.options.join(", ")})`);
  }
  const format = parsedFormat.data;
  const parsedPreset = CsvPreset.safeParse(options.csvPreset ?? "warehouse");
  if (!parsedPreset.success) {
    throw new ExportOptionError(`unknown CSV preset ${JSON.stringify(options.csvPreset)} (use ${CsvPreset.options.join(", ")})`);
  }
  const spreadsheet = parsedPreset.data === "spreadsheet";
  const dir = resolve(options.dir);
  const approvedOnly = options.approvedOnly === true;
  await checkDirectory(dir);
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.tmp-`));

  const writers = new Map<ExportTableName, TableWriter>();
  let recordsSink: TextSink | null = null;
  try {
    const fileOf = (table: ExportTableName) => `${table}.${tableFileExtension(format)}`;
    for (const table of exportTableNames) {
      writers.set(
        table,
        openTableWriter(format, join(tmp, fileOf(table)), {
          columns: exportTables[table].columns,
          table,
          bom: spreadsheet,
          formulaGuard: spreadsheet,
        }),
      );
    }
    if (format === "jsonl") recordsSink = openTextSink(join(tmp, RECORDS_FILE));

    const rows = Object.fromEntries(exportTableNames.map((t) => [t, 0])) as { [T in ExportTableName]: number };
    const write = async (table: ExportTableName, row: unknown, key: string) => {
      await writers.get(table)!.write(checkRow(table, row, key));
      rows[table]++;
    };

    // The audit trail is small next to the records: read it whole, and write each report's
    // entries right after the report, so only entries of exported reports are written.
    const reviewsByKey = new Map<string, StoredReview[]>();
    for (const review of await source.listReviews()) {
      const key = reportKey(review.documentSha256, review.ordinal);
      const list = reviewsByKey.get(key);
      if (list) list.push(review);
      else reviewsByKey.set(key, [review]);
    }

    let records = 0;
    for await (const { record: raw, ordinal } of numberRecords(source, approvedOnly)) {
      const key = reportKey(raw.source.sha256, ordinal);
      const record = checkRecord(raw, key);
      const flat = flattenRecord(record, ordinal);
      await write("reports", flat.reports, key);
      for (const row of flat.funds) await write("funds", row, key);
      for (const row of flat.indicators) await write("indicators", row, key);
      for (const row of flat.flags) await write("flags", row, key);
      for (const review of reviewsByKey.get(key) ?? []) await write("reviews", flattenReview(review, record), key);
      reviewsByKey.delete(key);
      await recordsSink?.write(recordLine(record) + "\n");
      records++;
    }
    let reviewsLeftOut = 0;
    for (const list of reviewsByKey.values()) reviewsLeftOut += list.length;

    for (const writer of writers.values()) await writer.close();
    writers.clear();
    await recordsSink?.end();
    recordsSink = null;

    const manifestResult = ExportManifest.safeParse({
      schema_version: EXPORT_SCHEMA_VERSION,
      format,
      created_at: (options.now?.() ?? new Date()).toISOString(),
      approved_only: approvedOnly,
      report_key: "<document_sha256>:<ordinal>",
      records,
      records_file: format === "jsonl" ? RECORDS_FILE : null,
      schema_sql: SCHEMA_SQL_FILE,
      tables: exportTableNames.map((table) => ({
        name: table,
        file: fileOf(table),
        rows: rows[table],
        json_schema: tableSchemaFile(table),
        columns: exportTables[table].columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
      })),
      csv:
        format === "csv"
          ? {
              preset: parsedPreset.data,
              encoding: "utf-8",
              bom: spreadsheet,
              delimiter: ",",
              record_delimiter: CSV_RECORD_DELIMITER,
              header: true,
              null: "",
              text_prefix: spreadsheet ? CSV_TEXT_PREFIX : null,
            }
          : null,
    });
    if (!manifestResult.success) {
      throw new JixiaoError("INTERNAL", `export: manifest does not match its schema: ${summarizeIssues(manifestResult.error.issues)}`);
    }
    const manifest = manifestResult.data;
    // The tables' JSON Schemas (the files of schemas/json) and DDL, from the same column specs.
    const jsonSchemas = renderJsonSchemas();
    for (const table of exportTableNames) {
      await writeFile(join(tmp, tableSchemaFile(table)), jsonSchemas[`table_${table}`]!, { flag: "wx" });
    }
    await writeFile(join(tmp, SCHEMA_SQL_FILE), renderSchemaSql(), { flag: "wx" });
    await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n", { flag: "wx" });

    // Every file is complete: move them into place, the manifest last (a loader that waits
    // for manifest.json sees a whole export).
    const files = [
      ...exportTableNames.map(fileOf),
      ...(format === "jsonl" ? [RECORDS_FILE] : []),
      ...exportTableNames.map(tableSchemaFile),
      SCHEMA_SQL_FILE,
      MANIFEST_FILE,
    ];
    await mkdir(dir, { recursive: true });
    for (const file of files) await rename(join(tmp, file), join(dir, file));
    await rm(tmp, { recursive: true, force: true });
    return { dir, format, records, rows, files, manifest, reviewsLeftOut };
  } catch (err) {
    for (const writer of writers.values()) await writer.abort();
    await recordsSink?.destroy();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
