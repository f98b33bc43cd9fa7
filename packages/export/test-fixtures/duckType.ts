import type { ColumnType } from "@jixiao/schemas";

/** The DuckDB type each export column type must be read back as (the tests' independent reader). */
export const duckType: { [T in ColumnType]: string } = {
  string: "VARCHAR",
  double: "DOUBLE",
  int: "INTEGER",
  bool: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP WITH TIME ZONE",
};
