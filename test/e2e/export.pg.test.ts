// `jixiao export --database-url`: the nightly load from queue mode's PostgreSQL store, read back by
// DuckDB. Uses this machine's PostgreSQL (JIXIAO_TEST_PG_URL overrides) in a random schema.
import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { main } from "@jixiao/cli";
import { documentToStore, processFile } from "@jixiao/pipeline";
import { collect, openStore } from "@jixiao/store";

const url = process.env.JIXIAO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const schema = `e_${randomBytes(6).toString("hex")}`;
/** Where the CSV export is loaded back with its schema.sql. */
const loaded = `${schema}_w`;
const seeds = join(import.meta.dirname, "..", "..", "samples", "seeds");
let dir: string;
let expected: { records: number; indicators: number; flags: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-export-pg-"));
  const store = await openStore({ kind: "postgres", url, schema });
  try {
    for (const f of readdirSync(seeds).filter((n) => n.endsWith(".txt")).sort()) {
      const r = await processFile(join(seeds, f));
      const doc = documentToStore(r);
      if (!doc) throw new Error(`${f}: ${r.error?.message}`);
      await store.saveDocument(doc);
    }
    const records = await collect(store.listRecords());
    expected = {
      records: records.length,
      indicators: records.reduce((s, r) => s + r.indicators.length, 0),
      flags: records.reduce((s, r) => s + r.flags.length, 0),
    };
  } finally {
    await store.close();
  }
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${loaded} CASCADE`);
  } finally {
    await client.end();
  }
});

describe("jixiao export from PostgreSQL", () => {
  it("writes parquet tables whose row counts DuckDB finds equal to the store's", async () => {
    const out = join(dir, "warehouse");
    const code = await main(["node", "jixiao", "export", "--format", "parquet", "--out", out, "--database-url", url], { JIXIAO_DATABASE_SCHEMA: schema });
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { records: number };
    expect(manifest.records).toBe(expected.records);
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const count = async (t: string) =>
      Number((await db.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${join(out, `${t}.parquet`)}')`)).getRowObjects()[0]!.n);
    expect(await count("reports")).toBe(expected.records);
    expect(await count("indicators")).toBe(expected.indicators);
    expect(await count("flags")).toBe(expected.flags);
    expect(expected.records).toBeGreaterThan(20);
  });

  it("writes CSV tables that load back into PostgreSQL with the export's schema.sql", async () => {
    const out = join(dir, "csv");
    const code = await main(["node", "jixiao", "export", "--format", "csv", "--out", out, "--database-url", url], { JIXIAO_DATABASE_SCHEMA: schema });
    expect(code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${loaded}; SET search_path TO ${loaded}`);
      await client.query(readFileSync(join(out, "schema.sql"), "utf8"));
      for (const table of ["reports", "funds", "indicators", "flags", "reviews"]) {
        await pipeline(createReadStream(join(out, `${table}.csv`)), client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv, HEADER true)`)));
      }
      const n = async (sql: string) => Number((await client.query(sql)).rows[0].n);
      expect(await n("SELECT count(*) AS n FROM reports")).toBe(expected.records);
      expect(await n("SELECT count(*) AS n FROM indicators")).toBe(expected.indicators);
      expect(await n("SELECT count(*) AS n FROM flags")).toBe(expected.flags);
      // Every dependent row names a loaded report.
      expect(await n("SELECT count(*) AS n FROM indicators i LEFT JOIN reports r USING (report_key) WHERE r.report_key IS NULL")).toBe(0);
    } finally {
      await client.end();
    }
  });

  it("exits 1 with the error code when the database cannot be reached, writing nothing", async () => {
    const out = join(dir, "unreachable");
    const code = await main(["node", "jixiao", "export", "--format", "csv", "--out", out, "--database-url", "postgresql://postgres@127.0.0.1:1/test"], {});
    expect(code).toBe(1);
    expect(readdirSync(dir)).not.toContain("unreachable");
  });
});
