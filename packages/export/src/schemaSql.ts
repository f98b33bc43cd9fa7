import { EXPORT_SCHEMA_VERSION, exportTableNames, exportTables, type ColumnSpec, type ColumnType, type TableSpec } from "@jixiao/schemas";

/** schema.sql, written next to the tables of every export. */
export const SCHEMA_SQL_FILE = "schema.sql";

/**
 * The SQL type of each column type: names DuckDB and PostgreSQL both accept with the same
 * meaning (DOUBLE PRECISION is DuckDB's DOUBLE and PostgreSQL's float8; TIMESTAMP WITH TIME ZONE
 * is TIMESTAMPTZ in both).
 */
export const sqlType: { [T in ColumnType]: string } = {
  string: "TEXT",
  double: "DOUBLE PRECISION",
  int: "INTEGER",
  bool: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP WITH TIME ZONE",
};

/** A quoted SQL identifier (every column is quoted: "index", "row", "at" are keywords). */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function columnDdl(column: ColumnSpec): string {
  return `  ${ident(column.name)} ${sqlType[column.type]}${column.nullable ? "" : " NOT NULL"}`;
}

function tableDdl(table: TableSpec): string {
  const lines = [...table.columns.map(columnDdl), `  PRIMARY KEY (${table.primaryKey.map(ident).join(", ")})`];
  const comments = [
    `COMMENT ON TABLE ${ident(table.name)} IS ${literal(table.description)};`,
    ...table.columns.map((c) => `COMMENT ON COLUMN ${ident(table.name)}.${ident(c.name)} IS ${literal(c.description)};`),
  ];
  return `CREATE TABLE ${ident(table.name)} (\n${lines.join(",\n")}\n);\n${comments.join("\n")}\n`;
}

/**
 * The DDL of the export tables, from the same column specs as the files: one CREATE TABLE per
 * table with its types, NOT NULL and primary key, and the descriptions as comments. Tables are
 * not schema-qualified (set the search path, or `USE`, first); it runs unchanged in PostgreSQL
 * and DuckDB.
 */
export function renderSchemaSql(): string {
  const head = [
    `-- jixiao export tables, schema version ${EXPORT_SCHEMA_VERSION} (manifest.json: schema_version).`,
    "-- Runs in PostgreSQL and DuckDB. Load a CSV export with COPY ... (FORMAT csv, HEADER true);",
    "-- in DuckDB read_csv(..., allow_quoted_nulls = false) keeps an empty string apart from null.",
    "",
  ];
  return head.join("\n") + exportTableNames.map((t) => tableDdl(exportTables[t])).join("\n");
}
