import type { TableRow, TableWriter } from "./TableWriter.js";
import { openTextSink } from "./openTextSink.js";

/** One JSON object per line, keys in column order (the rows come from the zod schema in that order). */
export function jsonlTableWriter(path: string): TableWriter {
  const sink = openTextSink(path);
  return {
    write: (row: TableRow) => sink.write(JSON.stringify(row) + "\n"),
    close: () => sink.end(),
    abort: () => sink.destroy(),
  };
}
