// The warehouse export end to end: the sample corpus's text dumps processed into a PGlite
// store, two reports reviewed, then `jixiao export` in all three formats. An independent reader
// (DuckDB) loads every table and must find the store's counts and the intended column types.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { main } from "@jixiao/cli";
import { openStore, collect, type Store } from "@jixiao/store";
import { neutraliseCsvText } from "@jixiao/export";
import { ExportManifest, JxRecord, exportTableNames, exportTables, type ExportTableName } from "@jixiao/schemas";
import { withFlagPerPath } from "@jixiao/core/recordLine";
import { duckType } from "../../packages/export/test-fixtures/duckType.js";

const root = join(import.meta.dirname, "..", "..");
const seeds = join(root, "samples", "seeds");

/** What the store holds, counted from its own listings. */
interface Expected {
  records: JxRecord[];
  keys: string[];
  rows: { [T in ExportTableName]: number };
}

async function expectedFrom(store: Store, approvedOnly: boolean, approvedKeys?: Set<string>): Promise<Expected> {
  const all = await collect(store.listRecords());
  const keys: string[] = [];
  let sha = "";
  let ordinal = -1;
  for (const r of all) {
    ordinal = r.source.sha256 === sha ? ordinal + 1 : 0;
    sha = r.source.sha256;
    keys.push(`${sha}:${ordinal}`);
  }
  const keep = all.map((_, i) => !approvedOnly || approvedKeys!.has(keys[i]!));
  const records = all.filter((_, i) => keep[i]);
  const kept = new Set(keys.filter((_, i) => keep[i]));
  const reviews = (await store.listReviews()).filter((v) => kept.has(`${v.documentSha256}:${v.ordinal}`));
  return {
    records,
    keys: [...kept],
    rows: {
      reports: records.length,
      funds: records.reduce((n, r) => n + (r.kind === "project_self_eval" ? Object.keys(r.funds).length : r.kind === "department_self_eval" ? Object.keys(r.spending).length : 0), 0),
      indicators: records.reduce((n, r) => n + r.indicators.length, 0),
      flags: records.reduce((n, r) => n + r.flags.length, 0),
      reviews: reviews.length,
    },
  };
}

function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  const lines: string[] = [];
  process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
  return fn().then(
    (value) => ((process.stderr.write = write), { value, stderr: lines.join("") }),
    (err: unknown) => {
      process.stderr.write = write;
      throw err;
    },
  );
}

describe("jixiao export (warehouse tables)", () => {
  let dir: string;
  let storeDir: string;
  let db: DuckDBConnection;
  let full: Expected;
  let approvedBefore: Expected;
  let reviewed: { approvedKey: string; correctedKey: string };

  const jixiao = (...args: string[]) => quiet(() => main(["node", "jixiao", ...args, "--store", storeDir], {}));
  const rowsOf = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJson();
  const parquet = (out: string, table: string) => `read_parquet('${join(out, `${table}.parquet`)}')`;
  const csv = (out: string, table: ExportTableName) => {
    const columns = exportTables[table].columns.map((c) => `'${c.name}': '${duckType[c.type]}'`).join(", ");
    return `read_csv('${join(out, `${table}.csv`)}', header = true, columns = {${columns}}, allow_quoted_nulls = false)`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-export-e2e-"));
    storeDir = join(dir, "store");
    db = await (await DuckDBInstance.create(":memory:")).connect();
    const run = await jixiao("run", seeds, "--no-progress");
    expect(run.value, run.stderr).toBe(0);

    // Before any review: the approved-only export, from the store's own approved listing.
    let store = await openStore({ kind: "pglite", dataDir: storeDir });
    try {
      const approvedNow = new Set<string>();
      const approvedRecords = await collect(store.listRecords({ approvedOnly: true }));
      const all = await expectedFrom(store, false);
      all.records.forEach((r, i) => {
        if (approvedRecords.some((a) => JSON.stringify(a) === JSON.stringify(r))) approvedNow.add(all.keys[i]!);
      });
      approvedBefore = await expectedFrom(store, true, approvedNow);
    } finally {
      await store.close();
    }
    const early = await jixiao("export", "--format", "jsonl", "--approved-only", "--out", join(dir, "approved-before"));
    expect(early.value, early.stderr).toBe(0);

    // A person approves the flagged report and corrects an indicator score of another.
    store = await openStore({ kind: "pglite", dataDir: storeDir });
    try {
      const queue = await store.reviewQueue();
      const flagged = queue.items[0]!;
      expect(flagged, "the sample corpus has a report with a review flag").toBeDefined();
      const at = "2025-05-06T07:08:09.000Z";
      await store.reviewRecord(flagged.id, "reviewer1", (cur) => ({
        record: { ...cur.record, review: { state: "approved", by: "reviewer1", at } },
        action: "approve",
        fieldPath: "",
        before: null,
        after: null,
      }));
      let other = null;
      for (let id = 1; other === null && id < 1000; id++) {
        const r = await store.getRecord(id);
        if (r && r.kind === "department_self_eval") other = r;
      }
      expect(other).not.toBeNull();
      await store.reviewRecord(other!.id, "reviewer2", (cur) => {
        const record = structuredClone(cur.record);
        const before = record.indicators[0]!.score;
        record.indicators[0]!.score = 1.5;
        record.review = { state: "corrected", by: "reviewer2", at };
        return { record, action: "correct", fieldPath: "indicators[0].score", before, after: 1.5 };
      });
      reviewed = { approvedKey: `${flagged.documentSha256}:${flagged.ordinal}`, correctedKey: `${other!.documentSha256}:${other!.ordinal}` };
      full = await expectedFrom(store, false);
    } finally {
      await store.close();
    }
    for (const format of ["jsonl", "csv", "parquet"]) {
      const r = await jixiao("export", "--format", format, "--out", join(dir, format));
      expect(r.value, r.stderr).toBe(0);
    }
    const sheet = await jixiao("export", "--format", "csv", "--csv-preset", "spreadsheet", "--out", join(dir, "csv-spreadsheet"));
    expect(sheet.value, sheet.stderr).toBe(0);
  });
  afterAll(() => {
    db?.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the corpus gives every table rows", () => {
    expect(full.rows.reports).toBe(27);
    for (const table of exportTableNames) expect(full.rows[table], table).toBeGreaterThan(0);
    expect(full.rows.reviews).toBe(2);
  });

  it("parquet: DuckDB reads every table with the intended types and the store's row counts", async () => {
    const out = join(dir, "parquet");
    for (const table of exportTableNames) {
      const described = await rowsOf(`DESCRIBE SELECT * FROM ${parquet(out, table)}`);
      expect(described.map((d) => [d.column_name, d.column_type]), table).toEqual(exportTables[table].columns.map((c) => [c.name, duckType[c.type]]));
      expect(await rowsOf(`SELECT count(*)::INT AS n FROM ${parquet(out, table)}`), table).toEqual([{ n: full.rows[table] }]);
    }
    const types = Object.fromEntries(
      (await rowsOf(`DESCRIBE SELECT fiscal_year, subordinate_units, executed, evaluation_date, recurring, project_name, reviewed_at FROM ${parquet(out, "reports")}`)).map((d) => [
        d.column_name,
        d.column_type,
      ]),
    );
    expect(types).toEqual({
      fiscal_year: "INTEGER",
      subordinate_units: "INTEGER",
      executed: "DOUBLE",
      evaluation_date: "DATE",
      recurring: "BOOLEAN",
      project_name: "VARCHAR",
      reviewed_at: "TIMESTAMP WITH TIME ZONE",
    });
    // Every report has its fiscal year: printed on the form, or (项目绩效自评价) the year before 自评时间.
    const years = await rowsOf(`SELECT kind, fiscal_year_source, count(*)::INT AS n, count(fiscal_year)::INT AS with_year FROM ${parquet(out, "reports")} GROUP BY ALL ORDER BY kind`);
    const assessments = full.records.filter((r) => r.kind === "project_self_assessment").length;
    expect(assessments).toBeGreaterThan(0);
    expect(years).toContainEqual({ kind: "project_self_assessment", fiscal_year_source: "evaluation_date", n: assessments, with_year: assessments });
    expect(years.every((y) => y.with_year === y.n && y.fiscal_year_source !== null)).toBe(true);
    const derived = await rowsOf(`SELECT count(*)::INT AS n FROM ${parquet(out, "reports")} WHERE kind = 'project_self_assessment' AND fiscal_year <> year(evaluation_date) - 1`);
    expect(derived).toEqual([{ n: 0 }]);
    expect((await rowsOf(`DESCRIBE SELECT "at" FROM ${parquet(out, "reviews")}`))[0]!.column_type).toBe("TIMESTAMP WITH TIME ZONE");

    // Keys are unique and every dependent row points at a report.
    expect(await rowsOf(`SELECT count(DISTINCT report_key)::INT AS n FROM ${parquet(out, "reports")}`)).toEqual([{ n: full.rows.reports }]);
    expect((await rowsOf(`SELECT report_key FROM ${parquet(out, "reports")}`)).map((r) => r.report_key)).toEqual(full.keys);
    for (const table of ["funds", "indicators", "flags", "reviews"]) {
      const orphans = await rowsOf(`SELECT count(*)::INT AS n FROM ${parquet(out, table)} t ANTI JOIN ${parquet(out, "reports")} r USING (report_key)`);
      expect(orphans, table).toEqual([{ n: 0 }]);
    }
    // A flag in an indicator row names that row (indicator_index) and, for a value, its column (field).
    const flagged = await rowsOf(
      `SELECT f.path, f.indicator_index, f.field, i."index" AS joined FROM ${parquet(out, "flags")} f LEFT JOIN ${parquet(out, "indicators")} i ON i.report_key = f.report_key AND i."index" = f.indicator_index WHERE f.path LIKE 'indicators[%'`,
    );
    expect(flagged.length).toBeGreaterThan(0);
    for (const f of flagged) {
      expect(f.joined, f.path as string).toBe(f.indicator_index);
      expect(f.path, "path = indicators[indicator_index](.field)").toBe(`indicators[${f.indicator_index}]${f.field === null ? "" : `.${f.field}`}`);
    }
    expect(flagged.some((f) => f.field !== null)).toBe(true);
    // Values survive: sums of money and scores equal the store's.
    const sumScore = full.records.reduce((s, r) => s + r.indicators.reduce((t, i) => t + (i.score ?? 0), 0), 0);
    const [agg] = await rowsOf(`SELECT sum(score) AS s FROM ${parquet(out, "indicators")}`);
    expect(agg!.s).toBeCloseTo(sumScore, 6);
    const dates = await rowsOf(`SELECT count(*)::INT AS n FROM ${parquet(out, "reports")} WHERE evaluation_date BETWEEN DATE '2022-01-01' AND DATE '2022-12-31'`);
    expect(dates).toEqual([{ n: full.records.filter((r) => r.kind === "project_self_assessment" && r.evaluation_date?.startsWith("2022")).length }]);
  });

  it("parquet: the review audit trail and review columns", async () => {
    const out = join(dir, "parquet");
    const reviews = await rowsOf(
      `SELECT report_key, action, field_path, before, after, reviewer, epoch_ms("at")::DOUBLE AS at_ms, review_state FROM ${parquet(out, "reviews")} ORDER BY review_id`,
    );
    const at = Date.parse("2025-05-06T07:08:09.000Z");
    expect(reviews).toHaveLength(2);
    expect(reviews).toContainEqual({ report_key: reviewed.approvedKey, action: "approve", field_path: "", before: null, after: null, reviewer: "reviewer1", at_ms: expect.any(Number), review_state: "approved" });
    expect(reviews.find((r) => r.action === "correct")).toMatchObject({ report_key: reviewed.correctedKey, field_path: "indicators[0].score", after: "1.5", reviewer: "reviewer2", review_state: "corrected" });
    const rep = await rowsOf(`SELECT report_key, review_state, reviewed_by, epoch_ms(reviewed_at)::DOUBLE AS at_ms FROM ${parquet(out, "reports")} WHERE reviewed_at IS NOT NULL ORDER BY report_key`);
    expect(rep.map((r) => [r.report_key, r.review_state, r.at_ms]).sort()).toEqual(
      [[reviewed.approvedKey, "approved", at], [reviewed.correctedKey, "corrected", at]].sort(),
    );
    const corrected = await rowsOf(`SELECT score FROM ${parquet(out, "indicators")} WHERE report_key = '${reviewed.correctedKey}' AND "index" = 0`);
    expect(corrected).toEqual([{ score: 1.5 }]);
  });

  /** Every table of a CSV export, read by DuckDB, against the parquet export (text passed through `text`). */
  async function compareCsvWithParquet(out: string, text: (s: string) => string): Promise<number> {
    let changed = 0;
    for (const table of exportTableNames) {
      const fromCsv = await rowsOf(`SELECT * FROM ${csv(out, table)}`);
      expect(fromCsv, table).toHaveLength(full.rows[table]);
      const fromParquet = await rowsOf(`SELECT * FROM ${parquet(join(dir, "parquet"), table)}`);
      const strings = exportTables[table].columns.filter((c) => c.type === "string").map((c) => c.name);
      const expected = fromParquet.map((row) => {
        const copy = { ...row };
        for (const name of strings) if (typeof copy[name] === "string") copy[name] = text(copy[name] as string);
        return copy;
      });
      expect(fromCsv, table).toEqual(expected);
      changed += fromParquet.filter((row) => strings.some((n) => typeof row[n] === "string" && text(row[n] as string) !== row[n])).length;
    }
    return changed;
  }

  it("csv (warehouse preset, the default): DuckDB loads every table with the spec's types; values equal the parquet export's exactly", async () => {
    const out = join(dir, "csv");
    const manifest = ExportManifest.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(manifest.csv).toMatchObject({ preset: "warehouse", bom: false, record_delimiter: "\r\n", text_prefix: null });
    expect(readFileSync(join(out, "reports.csv"))[0]).toBe(0x22); // '"', no BOM
    await compareCsvWithParquet(out, (s) => s);
    // The corpus has text that starts like a formula (targets such as =100%): it is kept as printed.
    const formulaLike = await rowsOf(`SELECT count(*)::INT AS n FROM ${csv(out, "indicators")} WHERE target LIKE '=%' OR actual LIKE '=%'`);
    expect(formulaLike[0]!.n).toBeGreaterThan(0);
    // Numbers are written plain, never prefixed: a loader that sniffs types finds numbers.
    const sniffed = await rowsOf(`DESCRIBE SELECT weight, score, confidence, "index" FROM read_csv('${join(out, "indicators.csv")}', header = true)`);
    for (const d of sniffed) expect(["BIGINT", "DOUBLE"], String(d.column_name)).toContain(d.column_type);
  });

  it("csv --csv-preset spreadsheet: a BOM, and text that would start a formula neutralised", async () => {
    const out = join(dir, "csv-spreadsheet");
    const manifest = ExportManifest.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(manifest.csv).toMatchObject({ preset: "spreadsheet", bom: true, text_prefix: "'" });
    expect([...readFileSync(join(out, "reports.csv")).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const neutralised = await compareCsvWithParquet(out, neutraliseCsvText);
    expect(neutralised, "targets such as =100% are neutralised in the corpus").toBeGreaterThan(0);
  });

  it("jsonl: one file per table plus records.jsonl in the record format", async () => {
    const out = join(dir, "jsonl");
    expect(readdirSync(out).sort()).toEqual(
      [...exportTableNames.map((t) => `${t}.jsonl`), ...exportTableNames.map((t) => `table_${t}.schema.json`), "schema.sql", "manifest.json", "records.jsonl"].sort(),
    );
    const lines = readFileSync(join(out, "records.jsonl"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(full.records.length);
    // A flag about several fields (a merged cell's copies) is written once per path.
    lines.forEach((line, i) => expect(JxRecord.parse(JSON.parse(line))).toEqual(withFlagPerPath(full.records[i]!)));
    expect(full.records.some((r) => r.flags.some((f) => (f.paths?.length ?? 0) > 1)), "the samples hold a flag over several fields").toBe(true);
    for (const table of exportTableNames) {
      const text = readFileSync(join(out, `${table}.jsonl`), "utf8");
      expect(text === "" ? 0 : text.trimEnd().split("\n").length, table).toBe(full.rows[table]);
    }
    const manifest = ExportManifest.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(full.rows);
    // Every file the manifest names is there.
    for (const t of manifest.tables) for (const f of [t.file, t.json_schema]) expect(existsSync(join(out, f)), f).toBe(true);
    expect(existsSync(join(out, manifest.schema_sql))).toBe(true);
  });

  it("--approved-only: only reports with no open review, keyed by their own ordinals, and only their rows", async () => {
    const early = join(dir, "approved-before");
    const keys = readFileSync(join(early, "reports.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l).report_key as string);
    expect(keys).toEqual(approvedBefore.keys);
    expect(keys.length).toBeLessThan(full.rows.reports);
    expect(keys).not.toContain(reviewed.approvedKey); // flagged and not yet approved
    const manifest = ExportManifest.parse(JSON.parse(readFileSync(join(early, "manifest.json"), "utf8")));
    expect(manifest.approved_only).toBe(true);
    expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(approvedBefore.rows);
    // The same key names the same report in the full export.
    const names = new Map(readFileSync(join(dir, "jsonl", "reports.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l)).map((r) => [r.report_key, r.project_name]));
    for (const line of readFileSync(join(early, "reports.jsonl"), "utf8").trimEnd().split("\n")) {
      const r = JSON.parse(line);
      expect(names.get(r.report_key)).toBe(r.project_name);
    }

    // After the approval the report is exported too (parquet this time).
    const after = join(dir, "approved-after");
    expect((await jixiao("export", "--format", "parquet", "--approved-only", "--out", after)).value).toBe(0);
    const got = (await rowsOf(`SELECT report_key FROM ${parquet(after, "reports")}`)).map((r) => r.report_key);
    expect(got).toContain(reviewed.approvedKey);
    expect(got).toHaveLength(keys.length + 1);
    const ind = await rowsOf(`SELECT count(*)::INT AS n FROM ${parquet(after, "indicators")}`);
    const store = await openStore({ kind: "pglite", dataDir: storeDir });
    try {
      const approved = await collect(store.listRecords({ approvedOnly: true }));
      expect(got).toHaveLength(approved.length);
      expect(ind).toEqual([{ n: approved.reduce((n, r) => n + r.indicators.length, 0) }]);
    } finally {
      await store.close();
    }
  });

  it("keeps --out FILE.jsonl (records only, as before) and rejects bad options with exit 2", async () => {
    const file = join(dir, "all.jsonl");
    expect((await jixiao("export", "--format", "jsonl", "--out", file)).value).toBe(0);
    expect(readFileSync(file, "utf8").trimEnd().split("\n")).toHaveLength(full.rows.reports);

    writeFileSync(join(dir, "plain"), "x");
    const bad = [
      ["--format", "xml", "--out", join(dir, "x")],
      ["--format", "csv", "--out", join(dir, "out.csv")],
      ["--format", "parquet", "--out", join(dir, "plain")],
      ["--format", "parquet", "--csv-preset", "spreadsheet", "--out", join(dir, "y")],
      ["--format", "csv", "--csv-preset", "excel", "--out", join(dir, "z")],
      ["--format", "csv"],
    ];
    for (const args of bad) {
      const r = await jixiao("export", ...args);
      expect(r.value, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/error/);
    }
    expect(existsSync(join(dir, "x"))).toBe(false);
    expect(readFileSync(join(dir, "plain"), "utf8")).toBe("x");
  });
});
