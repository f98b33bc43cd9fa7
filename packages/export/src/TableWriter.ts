import type { ColumnSpec } from "@jixiao/schemas";

/** A row of some table, keyed by column name (validated against the table's schema before it gets here). */
export type TableRow = { readonly [column: string]: unknown };

/** Writes one table's rows to one file, streaming. */
export interface TableWriter {
  /** Appends a row (keys are the table's columns). */
  write(row: TableRow): Promise<void>;
  /** Finishes the file (footer, flush) and closes it. */
  close(): Promise<void>;
  /** Stops without finishing; the caller removes the partial file. Never throws. */
  abort(): Promise<void>;
}

export interface TableWriterOptions {
  /** The table's columns, in file order. */
  columns: readonly ColumnSpec[];
  /** Table name (Parquet key-value metadata). */
  table: string;
  /** CSV: begin the file with a UTF-8 byte order mark (spreadsheet preset). */
  bom?: boolean;
  /** CSV: prefix text cells that would start a formula (spreadsheet preset); otherwise text is written exactly. */
  formulaGuard?: boolean;
}
