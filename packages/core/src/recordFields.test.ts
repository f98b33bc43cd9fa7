import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecordKind } from "@jixiao/schemas";
import { FORM_MODELS } from "./forms.js";
import { RECORD_FIELDS, fieldAt, isEditablePath, recordValues } from "./recordFields.js";
import { formatPath, pathPattern } from "./recordPaths.js";

const truthDir = join(import.meta.dirname, "../../../samples/truth");
const truth = readdirSync(truthDir)
  .filter((f) => f.endsWith(".jsonl"))
  .flatMap((f) => readFileSync(join(truthDir, f), "utf8").split("\n").filter(Boolean))
  .map((l) => JSON.parse(l) as { kind: RecordKind; indicators: unknown[] });

/** The scalar leaves of a JSON value, as path patterns. */
function leafPatterns(value: unknown, keys: (string | number)[] = [], out = new Set<string>()): Set<string> {
  if (value !== null && typeof value === "object") {
    if (Array.isArray(value)) value.forEach((v, i) => leafPatterns(v, [...keys, i], out));
    else for (const [k, v] of Object.entries(value)) leafPatterns(v, [...keys, k], out);
  } else out.add(pathPattern(formatPath(keys)));
  return out;
}

describe("the record form model", () => {
  it("has a field for every value of the truth records of each kind, and none they lack", () => {
    for (const kind of ["project_self_eval", "department_self_eval", "project_self_assessment"] as const) {
      const records = truth.filter((r) => r.kind === kind);
      expect(records.length, kind).toBeGreaterThan(0);
      const leaves = new Set<string>();
      for (const r of records) for (const p of leafPatterns(r)) leaves.add(p);
      leaves.delete("kind");
      // The scorer's truth has the contract's fields; the model's are exactly those.
      expect(RECORD_FIELDS[kind].map((f) => f.path).sort(), kind).toEqual([...leaves].filter((p) => p !== "fiscal_year" || kind !== "project_self_assessment").sort());
    }
  });

  it("labels each field with the spelling the parser's model lists first", () => {
    const p = FORM_MODELS.project_self_eval;
    expect(fieldAt("project_self_eval", "competent_department")!.label).toBe(p.fields.competent_department!.labels[0]);
    expect(fieldAt("project_self_eval", "funds.total.annual_budget")!.label).toBe(`${p.money!.rows.total![0]} · ${p.money!.columns.annual_budget!.labels[0]}`);
    expect(fieldAt("project_self_eval", "funds.total.annual_budget")!.label).toBe("年度资金总额 · 全年预算数");
    expect(fieldAt("department_self_eval", "indicators[7].level1_weight")!.label).toBe(FORM_MODELS.department_self_eval.indicatorColumns.level1_weight!.labels[0]);
    expect(fieldAt("project_self_assessment", "indicators[0].score")!.label).toBe("自评分");
    expect(fieldAt("project_self_assessment", "recurring")).toMatchObject({ type: "yesno", value: "boolean" });
    expect(fieldAt("project_self_eval", "funds.total.executed")).toMatchObject({ type: "money", value: "number" });
    expect(fieldAt("project_self_eval", "fiscal_year")).toMatchObject({ type: "year", value: "number", label: "年度" });
  });

  it("leaves what the pipeline derives out, so it is not editable", () => {
    for (const path of ["kind", "confidence", "source.file", "flags[0].code", "review.state", "indicators[2].confidence", "indicators[2].target_parsed", ""]) {
      expect(isEditablePath("project_self_eval", path), path).toBe(false);
    }
    expect(isEditablePath("project_self_eval", "indicators[2].target")).toBe(true);
    expect(isEditablePath("department_self_eval", "funds.total.executed")).toBe(false);
    expect(isEditablePath("project_self_assessment", "indicators[0].level2")).toBe(false);
  });

  it("lists a record's values in form order with indicator rows expanded", () => {
    const record = truth.find((r) => r.kind === "project_self_eval" && r.indicators.length >= 2)!;
    const values = recordValues(record);
    expect(values[0]).toMatchObject({ path: "fiscal_year", field: "fiscal_year", row: null });
    const rowOne = values.filter((v) => v.row === 1);
    expect(rowOne.map((v) => v.path)).toEqual(RECORD_FIELDS.project_self_eval.filter((f) => f.section === "indicators").map((f) => f.path.replace("[]", "[1]")));
    expect(values.at(-1)!.path).toBe("total.score");
    expect(values.find((v) => v.path === "indicators[1].score")!.current).toBe((record.indicators[1] as { score: number }).score);
  });
});
