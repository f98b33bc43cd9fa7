import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { JixiaoError } from "@jixiao/core";
import { ExportManifest, exportTableNames, exportTables, type JxRecord } from "@jixiao/schemas";
import type { ListRecordsOptions, StoredReview } from "@jixiao/store";
import { exportStore, type ExportSource } from "./exportStore.js";
import { ExportOptionError } from "./ExportOptionError.js";
import { resolveExportTarget } from "./resolveExportTarget.js";
import { truthFiles } from "../test-fixtures/truthRecords.js";
import { duckType } from "../test-fixtures/duckType.js";

const files = truthFiles();
const records: JxRecord[] = files.flatMap((f) => f.records);
const first = files[0]!;
// One approved and one corrected report, so the review columns carry values.
records[1] = { ...records[1]!, review: { state: "approved", by: "alice", at: "2025-03-01T08:00:00.000Z" } };
records[2] = { ...records[2]!, review: { state: "corrected", by: "bob", at: "2025-03-02T09:30:00.000Z" } };
// A pending report with a review flag: not approved.
records[3] = { ...records[3]!, flags: [{ code: "weights_do_not_sum", severity: "review", path: "indicators", message: "x" }] };

const review = (id: number, ordinal: number, action: StoredReview["action"], fieldPath = ""): StoredReview => ({
  id,
  documentSha256: first.sha256,
  file: first.file,
  ordinal,
  recordId: id,
  action,
  fieldPath,
  before: action === "correct" ? 20 : null,
  after: action === "correct" ? 19.5 : null,
  reviewer: action === "approve" ? "alice" : "bob",
  at: "2025-03-01T08:00:00.000Z",
});
const reviews = [review(1, 1, "approve"), review(2, 2, "correct", "indicators[0].score"), review(3, 3, "correct", "project_name"), review(4, 999, "approve")];

/** Like the store: approvedOnly = approved/corrected, or no review flag. */
function source(recs: JxRecord[] = records, revs: StoredReview[] = reviews): ExportSource {
  return {
    async *listRecords(options: ListRecordsOptions = {}) {
      for (const r of recs) {
        const open = r.review.state === "pending" && r.flags.some((f) => f.severity === "review");
        if (!options.approvedOnly || !open) yield r;
      }
    },
    listReviews: async () => revs,
  };
}

/** Written into every export besides the tables and the manifest. */
const metaFiles = [...exportTableNames.map((t) => `table_${t}.schema.json`), "schema.sql"];
const publishedJson = join(import.meta.dirname, "..", "..", "..", "schemas", "json");

function jsonlRows(path: string): { [k: string]: unknown }[] {
  const text = readFileSync(path, "utf8");
  return text === "" ? [] : text.trimEnd().split("\n").map((l) => JSON.parse(l));
}

describe("exportStore", () => {
  let dir: string;
  let db: DuckDBConnection;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-export-"));
    db = await (await DuckDBInstance.create(":memory:")).connect();
  });
  afterAll(() => {
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes jsonl tables, records.jsonl and a manifest with the row counts", async () => {
    const out = join(dir, "jsonl");
    const r = await exportStore(source(), { format: "jsonl", dir: out, now: () => new Date("2025-04-01T00:00:00Z") });
    const indicators = records.reduce((n, rec) => n + rec.indicators.length, 0);
    expect(r.rows).toEqual({ reports: records.length, funds: 23 * 4, indicators, flags: 1, reviews: 3 });
    expect(r.reviewsLeftOut).toBe(1); // ordinal 999 names no stored report
    expect(readdirSync(out).sort()).toEqual(["flags.jsonl", "funds.jsonl", "indicators.jsonl", "manifest.json", "records.jsonl", "reports.jsonl", "reviews.jsonl", ...metaFiles].sort());
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);

    const full = jsonlRows(join(out, "records.jsonl"));
    expect(full).toEqual(JSON.parse(JSON.stringify(records)));
    for (const table of exportTableNames) {
      const rows = jsonlRows(join(out, `${table}.jsonl`));
      expect(rows, table).toHaveLength(r.rows[table]);
      for (const row of rows) expect(Object.keys(row), table).toEqual(exportTables[table].columns.map((c) => c.name));
    }
    const reports = jsonlRows(join(out, "reports.jsonl"));
    expect(reports.map((x) => x.report_key)).toEqual(files.flatMap((f) => f.records.map((_, i) => `${f.sha256}:${i}`)));
    const revRows = jsonlRows(join(out, "reviews.jsonl"));
    expect(revRows.map((x) => [x.review_id, x.report_key, x.action, x.before, x.after, x.review_state])).toEqual([
      [1, `${first.sha256}:1`, "approve", null, null, "approved"],
      [2, `${first.sha256}:2`, "correct", "20", "19.5", "corrected"],
      [3, `${first.sha256}:3`, "correct", "20", "19.5", "pending"],
    ]);

    const manifest = ExportManifest.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(manifest).toMatchObject({ format: "jsonl", approved_only: false, records: records.length, records_file: "records.jsonl", created_at: "2025-04-01T00:00:00.000Z", csv: null });
    expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(r.rows);
    expect(r.files.at(-1)).toBe("manifest.json");
  });

  it("writes each table's JSON Schema (the published file) and schema.sql, and the manifest names them", async () => {
    const out = join(dir, "meta");
    const r = await exportStore(source(), { format: "csv", dir: out });
    for (const t of r.manifest.tables) {
      expect(existsSync(join(out, t.json_schema)), t.json_schema).toBe(true);
      expect(readFileSync(join(out, t.json_schema), "utf8"), t.json_schema).toBe(readFileSync(join(publishedJson, t.json_schema), "utf8"));
      expect(JSON.parse(readFileSync(join(out, t.json_schema), "utf8")).required).toEqual(exportTables[t.name as keyof typeof exportTables].columns.map((c) => c.name));
    }
    expect(r.manifest.schema_sql).toBe("schema.sql");
    expect(r.files.slice(-2)).toEqual(["schema.sql", "manifest.json"]);
    expect(readFileSync(join(out, "schema.sql"), "utf8")).toMatch(/^CREATE TABLE "reports" \(\n  "report_key" TEXT NOT NULL,$/m);
  });

  it("schema.sql creates the tables in DuckDB, and every format loads into them", async () => {
    const outs = { jsonl: join(dir, "sql-jsonl"), csv: join(dir, "sql-csv"), parquet: join(dir, "sql-parquet") };
    for (const [format, out] of Object.entries(outs)) await exportStore(source(), { format: format as "csv", dir: out });
    const reader = {
      jsonl: (t: string) => `read_json('${join(outs.jsonl, `${t}.jsonl`)}', format = 'newline_delimited')`,
      csv: (t: string) => `read_csv('${join(outs.csv, `${t}.csv`)}', header = true, allow_quoted_nulls = false)`,
      parquet: (t: string) => `read_parquet('${join(outs.parquet, `${t}.parquet`)}')`,
    };
    const counts: { [format: string]: number[] } = {};
    for (const format of ["jsonl", "csv", "parquet"] as const) {
      const schema = `load_${format}`;
      await db.run(`CREATE SCHEMA ${schema}; USE memory.${schema};`);
      await db.run(readFileSync(join(outs[format], "schema.sql"), "utf8"));
      counts[format] = [];
      for (const table of exportTableNames) {
        const described = (await db.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson();
        expect(described.map((d) => [d.column_name, d.column_type, d.null]), table).toEqual(
          exportTables[table].columns.map((c) => [c.name, duckType[c.type], c.nullable ? "YES" : "NO"]),
        );
        const names = exportTables[table].columns.map((c) => `"${c.name}"`).join(", ");
        await db.run(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${reader[format](table)}`);
        counts[format].push(Number((await db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjects()[0]!.n));
      }
      await db.run("USE memory.main");
    }
    expect(counts.jsonl).toEqual(exportTableNames.map((t) => ({ reports: records.length, funds: 23 * 4, indicators: records.reduce((n, rec) => n + rec.indicators.length, 0), flags: 1, reviews: 3 })[t]));
    expect(counts.csv).toEqual(counts.jsonl);
    expect(counts.parquet).toEqual(counts.jsonl);
    // The loaded values are the same whatever the format.
    for (const table of exportTableNames) {
      for (const format of ["jsonl", "csv"]) {
        const diff = await db.runAndReadAll(
          `SELECT count(*)::INT AS n FROM ((SELECT * FROM load_${format}.${table} EXCEPT ALL SELECT * FROM load_parquet.${table}) UNION ALL (SELECT * FROM load_parquet.${table} EXCEPT ALL SELECT * FROM load_${format}.${table}))`,
        );
        expect(diff.getRowObjectsJson(), `${format} ${table}`).toEqual([{ n: 0 }]);
      }
    }
  });

  it("writes parquet with the spec's column types, and the values read back as written", async () => {
    const pq = join(dir, "parquet");
    const js = join(dir, "parquet-vs-jsonl");
    const r = await exportStore(source(), { format: "parquet", dir: pq });
    await exportStore(source(), { format: "jsonl", dir: js });
    expect(readdirSync(pq).sort()).toEqual(["flags.parquet", "funds.parquet", "indicators.parquet", "manifest.json", "reports.parquet", "reviews.parquet", ...metaFiles].sort());
    for (const table of exportTableNames) {
      const file = `read_parquet('${join(pq, `${table}.parquet`)}')`;
      const columns = exportTables[table].columns;
      const described = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${file}`)).getRowObjectsJson();
      expect(described.map((d) => [d.column_name, d.column_type]), table).toEqual(columns.map((c) => [c.name, duckType[c.type]]));
      // Every value, compared with the jsonl export of the same records.
      const select = columns
        .map((c) => (c.type === "date" ? `strftime("${c.name}", '%Y-%m-%d')` : c.type === "timestamp" ? `epoch_ms("${c.name}")::DOUBLE` : `"${c.name}"`) + ` AS "${c.name}"`)
        .join(", ");
      const got = (await db.runAndReadAll(`SELECT ${select} FROM ${file}`)).getRowObjectsJson();
      const want = jsonlRows(join(js, `${table}.jsonl`)).map((row) =>
        Object.fromEntries(columns.map((c) => [c.name, c.type === "timestamp" && row[c.name] !== null ? Date.parse(String(row[c.name])) : row[c.name]])),
      );
      expect(got, table).toEqual(want);
      expect(got).toHaveLength(r.rows[table]);
    }
    const dates = (await db.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet('${join(pq, "reports.parquet")}') WHERE evaluation_date = DATE '2022-03-10'`)).getRowObjectsJson();
    const want = records.filter((rec) => rec.kind === "project_self_assessment" && rec.evaluation_date === "2022-03-10").length;
    expect(want).toBeGreaterThan(0);
    expect(dates).toEqual([{ n: want }]);
  });

  it("with approvedOnly, exports only reports with no open review, and only their rows", async () => {
    const out = join(dir, "approved");
    const r = await exportStore(source(), { format: "jsonl", dir: out, approvedOnly: true });
    expect(r.records).toBe(records.length - 1);
    const keys = jsonlRows(join(out, "reports.jsonl")).map((x) => x.report_key);
    expect(keys).not.toContain(`${first.sha256}:3`);
    expect(keys).toContain(`${first.sha256}:4`); // the report after it keeps its ordinal
    const names = new Map(jsonlRows(join(out, "reports.jsonl")).map((x) => [x.report_key, x.project_name]));
    expect(names.get(`${first.sha256}:4`)).toBe((records[4] as { project_name: string }).project_name);
    for (const table of ["funds", "indicators", "flags", "reviews"] as const) {
      for (const row of jsonlRows(join(out, `${table}.jsonl`))) expect(keys, table).toContain(row.report_key);
    }
    expect(r.rows.flags).toBe(0);
    expect(r.rows.reviews).toBe(2);
    expect(r.rows.indicators).toBe(records.reduce((n, rec, i) => n + (i === 3 ? 0 : rec.indicators.length), 0));
    expect(ExportManifest.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"))).approved_only).toBe(true);
  });

  it("leaves the target as it was when the export fails midway", async () => {
    const out = join(dir, "failing");
    mkdirSync(out);
    writeFileSync(join(out, "reports.parquet"), "previous export");
    writeFileSync(join(out, "keep.txt"), "not ours");
    const broken: ExportSource = {
      async *listRecords() {
        yield records[0]!;
        yield records[1]!;
        throw new JixiaoError("STORE_UNAVAILABLE", "connection lost");
      },
      listReviews: async () => [],
    };
    await expect(exportStore(broken, { format: "parquet", dir: out })).rejects.toThrow(/connection lost/);
    expect(readdirSync(out).sort()).toEqual(["keep.txt", "reports.parquet"]);
    expect(readFileSync(join(out, "reports.parquet"), "utf8")).toBe("previous export");
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("refuses a stored record that does not match the record schema, writing nothing", async () => {
    const out = join(dir, "invalid");
    const bad = { ...records[0]!, confidence: 7 } as JxRecord;
    const err = await exportStore(source([bad], []), { format: "csv", dir: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("INVALID_PAYLOAD");
    expect(existsSync(out)).toBe(false);
  });

  it("rejects a target that is a file, and an unknown format", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    await expect(exportStore(source(), { format: "csv", dir: file })).rejects.toBeInstanceOf(ExportOptionError);
    await expect(exportStore(source(), { format: "xml" as "csv", dir: join(dir, "xml") })).rejects.toBeInstanceOf(ExportOptionError);
  });
});

describe("resolveExportTarget", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-target-"));
    writeFileSync(join(dir, "old.jsonl"), "");
    writeFileSync(join(dir, "plain-file"), "");
    mkdirSync(join(dir, "dir.jsonl"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps --format jsonl --out x.jsonl as a single records file, and is a directory otherwise", async () => {
    expect(await resolveExportTarget("jsonl", join(dir, "new.jsonl"))).toEqual({ kind: "records-file" });
    expect(await resolveExportTarget("jsonl", join(dir, "old.jsonl"))).toEqual({ kind: "records-file" });
    expect(await resolveExportTarget("jsonl", join(dir, "dir.jsonl"))).toEqual({ kind: "directory", format: "jsonl" });
    expect(await resolveExportTarget("parquet", join(dir, "out"))).toEqual({ kind: "directory", format: "parquet" });
    expect(await resolveExportTarget("csv", dir)).toEqual({ kind: "directory", format: "csv" });
  });

  it("explains bad combinations", async () => {
    await expect(resolveExportTarget("csv", join(dir, "out.csv"))).rejects.toThrow(/directory of tables/);
    await expect(resolveExportTarget("parquet", join(dir, "out.jsonl"))).rejects.toThrow(ExportOptionError);
    await expect(resolveExportTarget("parquet", join(dir, "plain-file"))).rejects.toThrow(/exists and is not a directory/);
    await expect(resolveExportTarget("xml", join(dir, "out"))).rejects.toThrow(/unknown export format "xml"/);
  });
});
