import type { ExportFormat } from "@jixiao/schemas";
import { csvTableWriter } from "./csvTableWriter.js";
import { jsonlTableWriter } from "./jsonlTableWriter.js";
import { parquetTableWriter } from "./parquetTableWriter.js";
import type { TableWriter, TableWriterOptions } from "./TableWriter.js";

/** The file extension of a format's table files. */
export function tableFileExtension(format: ExportFormat): string {
  return format;
}

/** Opens the writer of one table file in the given format. */
export function openTableWriter(format: ExportFormat, path: string, options: TableWriterOptions): TableWriter {
  switch (format) {
    case "jsonl":
      return jsonlTableWriter(path);
    case "csv":
      return csvTableWriter(path, options);
    case "parquet":
      return parquetTableWriter(path, options);
  }
}
