import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { ColumnSpec } from "@jixiao/schemas";
import { neutraliseCsvText } from "./neutraliseCsvText.js";
import type { TableRow, TableWriter, TableWriterOptions } from "./TableWriter.js";

/** CSV conventions of the export (also recorded in manifest.json). */
export const CSV_RECORD_DELIMITER = "\r\n";

/**
 * One CSV cell. null → an empty unquoted field. With `formulaGuard` (the spreadsheet preset),
 * text (string columns) is neutralised against formula injection; without it text is written
 * exactly. Numbers, booleans, dates and timestamps are always written as they are.
 */
export function csvCell(column: ColumnSpec, value: unknown, formulaGuard = false): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (column.type === "string") return formulaGuard ? neutraliseCsvText(String(value)) : String(value);
  return value as string | number | boolean;
}

/**
 * RFC 4180 CSV (csv-stringify): UTF-8, a header row, CRLF line ends, every text cell quoted (so
 * an empty string "" differs from null, written as an empty unquoted field), quotes doubled.
 */
export function csvTableWriter(path: string, options: TableWriterOptions): TableWriter {
  const columns = options.columns;
  const guard = options.formulaGuard === true;
  const stringifier = stringify({
    header: true,
    columns: columns.map((c) => c.name),
    bom: options.bom === true,
    quoted_string: true,
    record_delimiter: CSV_RECORD_DELIMITER,
    cast: { boolean: (b: boolean) => (b ? "true" : "false") },
  });
  const done = pipeline(stringifier, createWriteStream(path, { flags: "wx" }));
  let failure: unknown;
  done.catch((err: unknown) => (failure = err));
  return {
    async write(row) {
      if (failure) throw failure;
      const cells = columns.map((c) => csvCell(c, row[c.name], guard));
      if (!stringifier.write(cells)) await Promise.race([once(stringifier, "drain"), done]);
    },
    async close() {
      stringifier.end();
      await done;
    },
    async abort() {
      stringifier.destroy();
      await done.catch(() => {});
    },
  };
}
