import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { JxRecord as RecordSchema, type ProjectSelfEval, type JxRecord } from "@jixiao/schemas";
import { checkRecord, correctRecord, flagsResolvedByCorrection, reapplyCorrections } from "./correctRecord.js";

const root = resolve(import.meta.dirname, "../../..");

/** The expected records of a sample file, with the extra fields the schema needs. */
function truth(name: string): JxRecord[] {
  return readFileSync(join(root, "samples/truth", name), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const r = JSON.parse(line) as { [k: string]: unknown; indicators: { [k: string]: unknown }[] };
      return RecordSchema.parse({
        ...r,
        indicators: r.indicators.map((i) => ({ ...i, confidence: 1 })),
        source: { file: name, sha256: "0".repeat(64), pages: [1], provenance: {} },
        confidence: 1,
        flags: [],
        review: { state: "pending", by: null, at: null },
      });
    });
}

const records = [
  ...truth("000_f5e7e42ab4334a59.jsonl"),
  ...truth("002_fe319b84d2aa7d28.jsonl"),
  ...truth("004_d6b6ad76fc616d0b.jsonl"),
];
const project = records.find((r): r is ProjectSelfEval => r.kind === "project_self_eval" && r.indicators.length > 2)!;

describe("checkRecord", () => {
  it("finds no failing check on the sample corpus's expected records", () => {
    // These are true forms: their arithmetic holds (rounding allowed).
    for (const r of records) {
      const failing = checkRecord(r).filter((f) => f.severity === "review" && !/^missing_/.test(f.code));
      expect(failing, `${r.kind} ${"project_name" in r ? r.project_name : ""}`).toEqual([]);
    }
  });
});

describe("correctRecord", () => {
  it("sets a value, keeps everything else, and re-derives the parsed target", () => {
    const out = correctRecord(project, "indicators[0].target", " ≥95% ", project.indicators[0]!.target);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect((out.record as ProjectSelfEval).indicators[0]!.target).toBe("≥95%");
    expect((out.record as ProjectSelfEval).indicators[0]!.target_parsed).toEqual({ op: ">=", value: 95, unit: "%" });
    expect(out.before).toBe(project.indicators[0]!.target);
    expect(out.after).toBe("≥95%");
    expect({ ...out.record, indicators: out.record.indicators.slice(1) }).toStrictEqual({ ...project, indicators: project.indicators.slice(1) });
    // The input is not mutated.
    expect(project.indicators[0]!.target).not.toBe("≥95%");
  });

  it("turns an emptied text into null", () => {
    const out = correctRecord(project, "indicators[1].deviation", "  ", project.indicators[1]!.deviation);
    expect(out.ok && (out.record as ProjectSelfEval).indicators[1]!.deviation).toBeNull();
  });

  it("refuses derived, missing and composite paths", () => {
    for (const path of ["kind", "source.file", "confidence", "flags", "review.state", "indicators[0].confidence", "indicators[0].target_parsed", "indicators[99].score", "funds.total", "indicators", "nope"]) {
      const out = correctRecord(project, path, 1, null);
      expect(out.ok, path).toBe(false);
      if (!out.ok) expect(out.reason, path).toBe("bad_path");
    }
  });

  it("refuses a stale expected value", () => {
    const out = correctRecord(project, "total.score", 50, 12345);
    expect(out).toMatchObject({ ok: false, reason: "stale", current: project.total.score });
  });

  it("refuses a value of the wrong type by the schema", () => {
    for (const [path, value] of [["total.score", "ninety"], ["fiscal_year", 2022.5], ["project_name", 42], ["indicators[0].weight", true]] as const) {
      const expected = path === "fiscal_year" ? project.fiscal_year : path === "project_name" ? project.project_name : path === "total.score" ? project.total.score : project.indicators[0]!.weight;
      const out = correctRecord(project, path, value, expected);
      expect(out.ok, path).toBe(false);
      if (!out.ok) expect(out.reason, path).toBe("invalid");
    }
  });

  it("reports the checks a correction breaks, and clears the ones it repairs", () => {
    const score = project.indicators[0]!.score!;
    const broken = correctRecord(project, "indicators[0].score", score - 1, score);
    expect(broken.ok).toBe(true);
    if (!broken.ok) return;
    expect(broken.newlyFailing.map((f) => f.code)).toContain("scores_do_not_sum");
    expect(broken.record.flags.some((f) => f.code === "scores_do_not_sum")).toBe(true);
    // Correcting it back repairs the sum: the check flag goes, nothing newly fails.
    const fixed = correctRecord(broken.record, "indicators[0].score", score, score - 1);
    expect(fixed.ok && fixed.newlyFailing).toEqual([]);
    expect(fixed.ok && fixed.record.flags.some((f) => f.code === "scores_do_not_sum")).toBe(false);
  });

  it("keeps flags that are not arithmetic checks", () => {
    const flagged = { ...project, flags: [{ code: "long_ocr_text" as const, severity: "review" as const, path: "goals.actual", message: "m" }] };
    const out = correctRecord(flagged, "project_name", "新项目", project.project_name);
    expect(out.ok && out.record.flags).toEqual(flagged.flags);
  });
});

describe("reapplyCorrections", () => {
  const ordinal = records.indexOf(project);
  const name = project.indicators[0]!.name;
  const trail = [
    { ordinal, action: "correct" as const, fieldPath: "indicators[0].name", before: name, after: "第一次", reviewer: "li", at: "2026-11-01T00:00:00.000Z" },
    { ordinal, action: "correct" as const, fieldPath: "indicators[0].name", before: "第一次", after: "第二次", reviewer: "wang", at: "2026-11-02T00:00:00.000Z" },
    { ordinal, action: "approve" as const, fieldPath: "", before: "corrected", after: "corrected", reviewer: "wang", at: "2026-11-03T00:00:00.000Z" },
  ];

  it("sets a corrected field again when the pipeline reads what it read before", () => {
    const out = reapplyCorrections(records, trail);
    const r = out[ordinal] as ProjectSelfEval;
    expect(r.indicators[0]!.name).toBe("第二次");
    expect(r.review).toEqual({ state: "corrected", by: "wang", at: "2026-11-02T00:00:00.000Z" });
    // Every other record is untouched.
    expect(out.filter((_, i) => i !== ordinal)).toStrictEqual(records.filter((_, i) => i !== ordinal));
  });

  it("keeps a new reading and flags it for review when the pipeline now reads something else", () => {
    const changed = records.map((r, i) => (i === ordinal ? { ...project, indicators: [{ ...project.indicators[0]!, name: "新读法" }, ...project.indicators.slice(1)] } : r));
    const r = reapplyCorrections(changed, trail)[ordinal] as ProjectSelfEval;
    expect(r.indicators[0]!.name).toBe("新读法");
    expect(r.review.state).toBe("pending");
    expect(r.flags).toContainEqual(expect.objectContaining({ code: "correction_not_reapplied", severity: "review", path: "indicators[0].name" }));
  });
});

describe("correcting a value read from one merged cell", () => {
  it("applies to every row the flag names that still holds what the person saw, and resolves the one flag", () => {
    const r = structuredClone(records.find((x) => x.kind === "project_self_eval" && x.indicators.length > 3)!);
    const first = r.indicators[0]!.level1;
    expect(r.indicators[1]!.level1).toBe(first);
    r.indicators[0]!.level1 = "产岀指标";
    r.indicators[1]!.level1 = "产岀指标";
    r.flags = [{ code: "low_ocr_confidence", severity: "review", path: "indicators[0].level1", message: "m", paths: ["indicators[0].level1", "indicators[1].level1", "indicators[2].level1"] }];
    const before2 = r.indicators[2]!.level1;
    const out = correctRecord(r, "indicators[1].level1", first, "产岀指标");
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.record.indicators.slice(0, 3).map((i) => i.level1)).toEqual([first, first, before2]);
    expect(flagsResolvedByCorrection(out.record, "indicators[1].level1").map((f) => f.code)).toEqual(["low_ocr_confidence"]);
  });
});

describe("correcting a value of a row in doubt", () => {
  it("changes that value only: the flag's paths are the row's values, not copies of one cell", () => {
    const r = structuredClone(records.find((x) => x.kind === "project_self_eval" && x.indicators.length > 3)!) as Extract<JxRecord, { kind: "project_self_eval" }>;
    const row = r.indicators[0]!;
    // The target reads as the name did: a copy of one cell would be corrected with it.
    row.target = row.name;
    const before = { target: row.target, actual: row.actual };
    r.flags = [{ code: "row_in_doubt", severity: "review", path: "indicators[0].name", message: "m", paths: ["indicators[0].name", "indicators[0].target", "indicators[0].actual"] }];
    const out = correctRecord(r, "indicators[0].name", "另一个名称", row.name);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const after = (out.record as Extract<JxRecord, { kind: "project_self_eval" }>).indicators[0]!;
    expect(after.name).toBe("另一个名称");
    expect({ target: after.target, actual: after.actual }).toEqual(before);
    expect(flagsResolvedByCorrection(out.record, "indicators[0].name").map((f) => f.code)).toEqual(["row_in_doubt"]);
  });
});
