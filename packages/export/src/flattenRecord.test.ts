import { describe, it, expect } from "vitest";
import { JixiaoError, RECORD_FIELDS } from "@jixiao/core";
import { exportRowSchemas, exportTables, type JxRecord, type ProjectSelfEval } from "@jixiao/schemas";
import type { StoredReview } from "@jixiao/store";
import { flagTarget, flattenRecord } from "./flattenRecord.js";
import { flattenReview } from "./flattenReview.js";
import { pagesOf } from "./pagesOf.js";
import { truthFiles } from "../test-fixtures/truthRecords.js";

const files = truthFiles();
const all = files.flatMap((f) => f.records.map((record, ordinal) => ({ record, ordinal })));
const byKind = (kind: JxRecord["kind"]) => all.find((r) => r.record.kind === kind)!.record;
const prov = (page: number) => [{ page, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, unit: "pt" as const }];

describe("flattenRecord", () => {
  it("turns every sample record into rows that pass their table schemas", () => {
    expect(new Set(all.map((r) => r.record.kind)).size).toBe(3);
    for (const { record, ordinal } of all) {
      const flat = flattenRecord(record, ordinal);
      expect(exportRowSchemas.reports.safeParse(flat.reports).success).toBe(true);
      for (const table of ["funds", "indicators", "flags"] as const) {
        for (const row of flat[table]) {
          const res = exportRowSchemas[table].safeParse(row);
          expect(res.success, `${table}: ${res.error?.message}`).toBe(true);
        }
      }
      // Every column of the spec is present (no missing key, no extra key: the schemas are strict).
      expect(Object.keys(flat.reports).sort()).toEqual(exportTables.reports.columns.map((c) => c.name).sort());
      expect(flat.indicators).toHaveLength(record.indicators.length);
      expect(flat.reports.indicator_count).toBe(record.indicators.length);
    }
  });

  it("keys every row by <sha256>:<ordinal> and keeps the values", () => {
    const { record, ordinal } = all.find((r) => r.ordinal === 3 && r.record.kind === "project_self_eval")!;
    const rec = record as ProjectSelfEval;
    const flat = flattenRecord(rec, ordinal);
    const key = `${rec.source.sha256}:3`;
    expect(flat.reports).toMatchObject({
      report_key: key,
      ordinal: 3,
      kind: "project_self_eval",
      fiscal_year: rec.fiscal_year,
      project_name: rec.project_name,
      competent_department: rec.competent_department,
      department_name: null,
      budget_unit: null,
      evaluation_date: null,
      goals_expected: rec.goals.expected,
      total_weight: rec.total.weight,
      total_score: rec.total.score,
      pages: "1",
      review_state: "pending",
      reviewed_at: null,
    });
    expect(flat.funds.map((f) => `${f.section}.${f.row}`)).toEqual(["funds.total", "funds.fiscal", "funds.carryover", "funds.other"]);
    expect(flat.funds[0]).toMatchObject({ report_key: key, executed: rec.funds.total.executed, execution_rate: rec.funds.total.execution_rate });
    flat.indicators.forEach((row, i) => {
      const ind = rec.indicators[i]!;
      expect(row).toMatchObject({ report_key: key, index: i, level1: ind.level1, level2: ind.level2, name: ind.name, target: ind.target, weight: ind.weight, score: ind.score });
      expect(row.level1_weight).toBeNull(); // project_self_eval has no level-1 weight
      expect(row.explanation).toBeNull();
    });
  });

  it("fills each kind's own columns and leaves the others null", () => {
    const deptRecord = byKind("department_self_eval");
    const dept = flattenRecord(deptRecord, 0);
    expect(dept.reports.department_name).toBe("上海市普陀区人民政府办公室");
    expect(dept.reports.project_name).toBeNull();
    expect(dept.funds.map((f) => `${f.section}.${f.row}`)).toEqual(["spending.fiscal", "spending.other", "spending.basic", "spending.project"]);
    expect(dept.funds.every((f) => f.initial_budget === null && f.weight === null)).toBe(true);
    expect(dept.indicators.map((i) => i.level1_weight)).toEqual(deptRecord.indicators.map((i) => ("level1_weight" in i ? i.level1_weight : undefined)));
    expect(dept.indicators[0]!.level1_weight).toBeTypeOf("number");
    expect(dept.reports).toMatchObject({ fiscal_year: 2024, fiscal_year_source: "form", subordinate_units: (deptRecord as { subordinate_units: number }).subordinate_units });
    expect(Number.isInteger(dept.reports.subordinate_units)).toBe(true);

    const assessment = byKind("project_self_assessment");
    const a = flattenRecord(assessment, 0);
    // The form prints no year: the year before 自评时间 (2022-03-10 reviews fiscal 2021).
    expect(a.reports).toMatchObject({ recurring: false, evaluation_date: "2022-03-10", grade: "优", fiscal_year: 2021, fiscal_year_source: "evaluation_date", goals_expected: null });
    expect(a.funds).toEqual([]);
    expect(a.indicators[1]).toMatchObject({ level2: null, target: null, deviation: null, explanation: "预算执行率是对预算执行情况进行考核的指标", note: null, level1_weight: 45 });
  });

  it("leaves the year null when it is not known, and refuses a count that is not a whole number", () => {
    const assessment = structuredClone(byKind("project_self_assessment"));
    if (assessment.kind !== "project_self_assessment") throw new Error("unreachable");
    assessment.evaluation_date = null;
    expect(flattenRecord(assessment, 0).reports).toMatchObject({ fiscal_year: null, fiscal_year_source: null });
    const project = structuredClone(byKind("project_self_eval")) as ProjectSelfEval;
    project.fiscal_year = null;
    expect(flattenRecord(project, 0).reports).toMatchObject({ fiscal_year: null, fiscal_year_source: null });

    const dept = structuredClone(byKind("department_self_eval"));
    if (dept.kind !== "department_self_eval") throw new Error("unreachable");
    dept.subordinate_units = null;
    expect(flattenRecord(dept, 0).reports.subordinate_units).toBeNull();
    dept.subordinate_units = 2.5; // the record format allows it (a misread, a mistyped correction); a count does not
    const err = (() => {
      try {
        flattenRecord(dept, 4);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("INVALID_PAYLOAD");
    expect((err as JixiaoError).message).toMatch(/:4 subordinate_units: 2.5 is not a count/);
  });

  it("flattens parsed targets into op/value/unit", () => {
    const rec = structuredClone(byKind("project_self_eval")) as ProjectSelfEval;
    rec.indicators[0]!.target_parsed = { op: ">=", value: 95, unit: "%" };
    rec.indicators[0]!.actual_parsed = null;
    const row = flattenRecord(rec, 0).indicators[0]!;
    expect(row).toMatchObject({ target_op: ">=", target_value: 95, target_unit: "%", actual_op: null, actual_value: null, actual_unit: null });
  });

  it("carries the money unit the form printed (元 for records stored before it existed)", () => {
    const rec = structuredClone(byKind("project_self_eval")) as ProjectSelfEval;
    rec.source.money_unit = "万元";
    expect(flattenRecord(rec, 0).reports.money_unit).toBe("万元");
    delete (rec.source as { money_unit?: string }).money_unit;
    expect(flattenRecord(rec, 0).reports.money_unit).toBe("元");
  });

  it("takes each row's pages from the provenance under its path", () => {
    const rec = structuredClone(byKind("project_self_eval")) as ProjectSelfEval;
    expect(rec.indicators.length).toBeGreaterThan(10);
    rec.source.pages = [1, 2, 3];
    rec.source.provenance = {
      "indicators[1].name": prov(2),
      "indicators[1].score": prov(3),
      "indicators[10].name": prov(1), // must not count for indicators[1]
      "funds.total.executed": prov(1),
      "spending.fiscal.executed": prov(3),
    };
    rec.flags = [
      { code: "row_joined_across_pages", severity: "info", path: "indicators[1]", message: "joined" },
      { code: "weights_do_not_sum", severity: "review", path: "indicators", message: "sum" },
      { code: "missing_goals", severity: "review", path: "goals.actual", message: "no provenance" },
      { code: "record_unreliable", severity: "info", path: "", message: "whole record" },
    ];
    const flat = flattenRecord(rec, 0);
    expect(flat.indicators[1]!.pages).toBe("2,3");
    expect(flat.indicators[10]!.pages).toBe("1");
    expect(flat.indicators[0]!.pages).toBeNull();
    expect(flat.funds.find((f) => f.row === "total")!.pages).toBe("1");
    expect(flat.funds.find((f) => f.row === "fiscal")!.pages).toBeNull();
    expect(flat.flags.map((f) => f.pages)).toEqual(["2,3", "1,2,3", null, "1,2,3"]);
    expect(flat.flags.map((f) => f.index)).toEqual([0, 1, 2, 3]);
    expect(flat.flags.map((f) => [f.indicator_index, f.field])).toEqual([[1, null], [null, null], [null, "goals_actual"], [null, null]]);
    expect(flat.reports).toMatchObject({ flag_count: 4, review_flag_count: 2, pages: "1,2,3" });
    expect(pagesOf(rec, "funds.total")).toBe("1");
    expect(pagesOf(rec, "funds.tota")).toBeNull();
  });

  it("links a flag to its indicator row and to the column of its value", () => {
    const project = byKind("project_self_eval");
    const dept = byKind("department_self_eval");
    const assessment = byKind("project_self_assessment");
    const cases: [JxRecord, string, number | null, string | null][] = [
      [project, "indicators[3].score", 3, "score"],
      [project, "indicators[12].name", 12, "name"],
      [project, "indicators[3]", 3, null], // the whole row
      [project, "indicators[3].target_parsed", 3, null], // derived, not a field of the form
      [project, "indicators", null, null],
      [project, "", null, null],
      [project, "funds.total.execution_rate", null, "execution_rate"],
      [project, "funds.total", null, null],
      [project, "total.score", null, "total_score"],
      [project, "goals.expected", null, "goals_expected"],
      [project, "project_name", null, "project_name"],
      [project, "fiscal_year", null, "fiscal_year"],
      [dept, "spending.fiscal.annual_budget", null, "annual_budget"],
      [dept, "subordinate_units", null, "subordinate_units"],
      [assessment, "indicators[0].level1_weight", 0, "level1_weight"],
      [assessment, "evaluation_date", null, "evaluation_date"],
      [project, "not a path", null, null],
    ];
    for (const [record, path, index, field] of cases) expect(flagTarget(record, path), path).toEqual({ indicator_index: index, field });
  });

  it("names as field a column of the row's table, for every field of the form model", () => {
    const columns = (table: "reports" | "funds" | "indicators") => new Set<string>(exportTables[table].columns.map((c) => c.name));
    let checked = 0;
    for (const kind of ["project_self_eval", "department_self_eval", "project_self_assessment"] as const) {
      const record = byKind(kind);
      for (const f of RECORD_FIELDS[kind]) {
        const path = f.path.replace("[]", "[0]");
        const { indicator_index, field } = flagTarget(record, path);
        const table = path.startsWith("indicators[") ? "indicators" : /^(funds|spending)\./.test(path) ? "funds" : "reports";
        expect(field, `${kind} ${path}`).not.toBeNull();
        expect(columns(table).has(field!), `${kind} ${path} → ${table}.${field}`).toBe(true);
        expect(indicator_index, path).toBe(table === "indicators" ? 0 : null);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("normalises the review time to UTC and rejects dates that do not exist", () => {
    const rec = structuredClone(byKind("project_self_assessment"));
    rec.review = { state: "approved", by: "alice", at: "2025-01-02T10:00:00+08:00" };
    expect(flattenRecord(rec, 0).reports).toMatchObject({ review_state: "approved", reviewed_by: "alice", reviewed_at: "2025-01-02T02:00:00.000Z" });
    if (rec.kind !== "project_self_assessment") throw new Error("unreachable");
    rec.evaluation_date = "2022-02-30"; // matches the record schema's pattern, but is no date
    expect(() => flattenRecord(rec, 0)).toThrow(JixiaoError);
    try {
      flattenRecord(rec, 0);
    } catch (err) {
      expect((err as JixiaoError).code).toBe("INVALID_PAYLOAD");
    }
  });
});

describe("flattenReview", () => {
  const record = structuredClone(byKind("project_self_eval"));
  record.source.provenance = { "indicators[3].score": prov(2) };
  const base: StoredReview = {
    id: 7,
    documentSha256: record.source.sha256,
    file: record.source.file,
    ordinal: 5,
    recordId: 12,
    action: "correct",
    fieldPath: "indicators[3].score",
    before: 20,
    after: null,
    reviewer: "bob",
    at: "2025-03-01T08:00:00.000Z",
  };

  it("writes a correction's values as JSON text and takes the field's pages", () => {
    const row = flattenReview(base, record);
    expect(row).toMatchObject({ review_id: 7, report_key: `${record.source.sha256}:5`, ordinal: 5, before: "20", after: "null", pages: "2", at: base.at });
    expect(exportRowSchemas.reviews.safeParse(row).success).toBe(true);
  });

  it("gives an approval no values and the whole report's pages", () => {
    const row = flattenReview({ ...base, action: "approve", fieldPath: "", before: null, after: null }, record);
    expect(row).toMatchObject({ action: "approve", before: null, after: null, pages: "1" });
  });
});
