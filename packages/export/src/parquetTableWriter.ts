import { ParquetWriter, fileWriter, type SchemaElement } from "hyparquet-writer";
import { EXPORT_SCHEMA_VERSION, type ColumnSpec } from "@jixiao/schemas";
import type { TableRow, TableWriter, TableWriterOptions } from "./TableWriter.js";

/** Rows per row group: bounds memory (a group is buffered) while keeping groups large. */
const ROW_GROUP_ROWS = 10_000;

const DAY_MS = 86_400_000;

/** The Parquet schema element of a column: its physical type plus logical/converted type. */
export function parquetElement(column: ColumnSpec): SchemaElement {
  const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
  const name = column.name;
  switch (column.type) {
    case "string":
      return { name, repetition_type, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "double":
      return { name, repetition_type, type: "DOUBLE" };
    case "int":
      return { name, repetition_type, type: "INT32" };
    case "bool":
      return { name, repetition_type, type: "BOOLEAN" };
    case "date":
      return { name, repetition_type, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "timestamp":
      return {
        name,
        repetition_type,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
  }
}

/** A row value as the Parquet writer takes it: days since 1970-01-01 for dates, a Date for timestamps. */
function parquetValue(column: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.type === "date") return Math.round(Date.parse(`${String(value)}T00:00:00Z`) / DAY_MS);
  if (column.type === "timestamp") return new Date(String(value));
  return value;
}

/**
 * Parquet (hyparquet-writer) with the column types of the table spec, written in row groups of
 * ROW_GROUP_ROWS rows, Snappy-compressed. A table with no rows is a valid file with the schema.
 */
export function parquetTableWriter(path: string, options: TableWriterOptions): TableWriter {
  const columns = options.columns;
  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }, ...columns.map(parquetElement)];
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema,
    kvMetadata: [
      { key: "jixiao.table", value: options.table },
      { key: "jixiao.schema_version", value: String(EXPORT_SCHEMA_VERSION) },
    ],
    createdBy: "jixiao export (hyparquet-writer)",
  });
  let buffer: unknown[][] = columns.map(() => []);
  let buffered = 0;

  const flush = async (): Promise<void> => {
    if (buffered === 0) return;
    const columnData = columns.map((c, i) => ({ name: c.name, data: buffer[i]!, nullable: c.nullable }));
    buffer = columns.map(() => []);
    buffered = 0;
    await writer.write({ columnData, rowGroupSize: ROW_GROUP_ROWS });
  };

  return {
    async write(row) {
      columns.forEach((c, i) => buffer[i]!.push(parquetValue(c, row[c.name])));
      if (++buffered >= ROW_GROUP_ROWS) await flush();
    },
    async close() {
      await flush();
      await writer.finish();
    },
    async abort() {
      buffer = [];
    },
  };
}
