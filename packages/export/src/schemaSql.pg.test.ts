// schema.sql in PostgreSQL: the DDL of an export creates its tables, and the CSV tables (COPY
// FROM STDIN) and the jsonl tables (json_populate_recordset) load into them with the same values.
// Uses this machine's PostgreSQL (JIXIAO_TEST_PG_URL overrides) in random schemas, dropped after.
import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportTableNames, exportTables, type JxRecord } from "@jixiao/schemas";
import type { StoredReview } from "@jixiao/store";
import { exportStore, type ExportSource } from "./exportStore.js";
import { truthFiles } from "../test-fixtures/truthRecords.js";

const url = process.env.JIXIAO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const suffix = randomBytes(6).toString("hex");
const schemas = { csv: `xc_${suffix}`, jsonl: `xj_${suffix}` };

const files = truthFiles();
const first = files[0]!;
const records: JxRecord[] = files.flatMap((f) => f.records);
// Text a loader must keep exactly: a formula-like target, quotes, a line break, an empty string.
const base = records[0]!;
if (base.kind !== "project_self_eval") throw new Error("the first truth record is a project_self_eval");
records[0] = {
  ...base,
  project_name: '=HYPERLINK("x","点击")',
  implementing_unit: "第一行\r\n第二行, \"引号\"",
  competent_department: "",
  indicators: base.indicators.map((ind, i) => (i === 0 ? { ...ind, target: "=100%" } : ind)),
  review: { state: "corrected", by: "bob", at: "2025-03-02T09:30:00.000Z" },
  flags: [{ code: "weights_do_not_sum", severity: "review", path: "indicators[0].weight", message: "x" }],
};
const reviews: StoredReview[] = [
  {
    id: 7,
    documentSha256: first.sha256,
    file: first.file,
    ordinal: 0,
    recordId: 1,
    action: "correct",
    fieldPath: "indicators[0].score",
    before: 20,
    after: 19.5,
    reviewer: "bob",
    at: "2025-03-02T09:30:00.000Z",
  },
];
const source: ExportSource = {
  async *listRecords() {
    yield* records;
  },
  listReviews: async () => reviews,
};

let dir: string;
let client: pg.Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-schema-sql-"));
  client = new pg.Client({ connectionString: url });
  await client.connect();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  try {
    for (const schema of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

async function createTables(schema: string, out: string): Promise<void> {
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  await client.query(readFileSync(join(out, "schema.sql"), "utf8"));
}

async function count(schema: string, table: string): Promise<number> {
  return Number((await client.query(`SELECT count(*) AS n FROM ${schema}.${table}`)).rows[0].n);
}

describe("schema.sql in PostgreSQL", () => {
  it("creates the tables with the spec's types, and the CSV export loads with COPY, text exact", async () => {
    const out = join(dir, "csv");
    const r = await exportStore(source, { format: "csv", dir: out });
    await createTables(schemas.csv, out);
    for (const table of exportTableNames) {
      const cols = await client.query(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        [schemas.csv, table],
      );
      const pgType = { string: "text", double: "double precision", int: "integer", bool: "boolean", date: "date", timestamp: "timestamp with time zone" };
      expect(cols.rows.map((c) => [c.column_name, c.data_type, c.is_nullable]), table).toEqual(
        exportTables[table].columns.map((c) => [c.name, pgType[c.type], c.nullable ? "YES" : "NO"]),
      );
      const stream = client.query(copyFrom(`COPY ${schemas.csv}.${table} FROM STDIN (FORMAT csv, HEADER true)`));
      await pipeline(createReadStream(join(out, `${table}.csv`)), stream);
      expect(await count(schemas.csv, table), table).toBe(r.rows[table]);
    }
    expect(r.rows.reviews).toBe(1);
    expect(r.rows.flags).toBe(1);

    const key = `${first.sha256}:0`;
    const rep = await client.query(
      `SELECT project_name, implementing_unit, competent_department, department_name, fiscal_year, reviewed_at FROM ${schemas.csv}.reports WHERE report_key = $1`,
      [key],
    );
    expect(rep.rows).toEqual([
      {
        project_name: '=HYPERLINK("x","点击")',
        implementing_unit: "第一行\r\n第二行, \"引号\"",
        competent_department: "",
        department_name: null,
        fiscal_year: 2022,
        reviewed_at: new Date("2025-03-02T09:30:00.000Z"),
      },
    ]);
    const ind = await client.query(`SELECT target FROM ${schemas.csv}.indicators WHERE report_key = $1 AND "index" = 0`, [key]);
    expect(ind.rows).toEqual([{ target: "=100%" }]);
    const rev = await client.query(`SELECT field_path, before, after, "at" FROM ${schemas.csv}.reviews`);
    expect(rev.rows).toEqual([{ field_path: "indicators[0].score", before: "20", after: "19.5", at: new Date("2025-03-02T09:30:00.000Z") }]);
    // The primary keys hold: a second copy of a row is refused.
    await expect(client.query(`INSERT INTO ${schemas.csv}.reports SELECT * FROM ${schemas.csv}.reports LIMIT 1`)).rejects.toThrow(/duplicate key/);
  });

  it("the jsonl export loads into the same tables with the same values as the CSV", async () => {
    const out = join(dir, "jsonl");
    const r = await exportStore(source, { format: "jsonl", dir: out });
    await createTables(schemas.jsonl, out);
    for (const table of exportTableNames) {
      const text = readFileSync(join(out, `${table}.jsonl`), "utf8");
      const rows = text === "" ? [] : text.trimEnd().split("\n").map((l) => JSON.parse(l) as object);
      await client.query(`INSERT INTO ${schemas.jsonl}.${table} SELECT * FROM json_populate_recordset(NULL::${schemas.jsonl}.${table}, $1::json)`, [
        JSON.stringify(rows),
      ]);
      expect(await count(schemas.jsonl, table), table).toBe(r.rows[table]);
      const diff = await client.query(
        `SELECT count(*)::int AS n FROM ((SELECT * FROM ${schemas.jsonl}.${table} EXCEPT ALL SELECT * FROM ${schemas.csv}.${table}) UNION ALL (SELECT * FROM ${schemas.csv}.${table} EXCEPT ALL SELECT * FROM ${schemas.jsonl}.${table})) d`,
      );
      expect(diff.rows, table).toEqual([{ n: 0 }]);
    }
  });
});
