import { describe, expect, it } from "vitest";
import type { Flag, Provenance } from "@jixiao/schemas";
import { fieldConfidences, flagDoubtfulRows, mergeSameCellFlags, recordConfidence, valuePaths } from "./fieldConfidence.js";

const at = (page: number, y0: number): Provenance[] => [{ page, bbox: { x0: 10, y0, x1: 60, y1: y0 + 40 }, unit: "pt" }];

describe("mergeSameCellFlags", () => {
  const doubt = (path: string): Flag => ({ code: "low_ocr_confidence", severity: "review", path, message: "read with confidence 0.62" });

  it("makes one flag of the same doubt on rows read from one merged cell", () => {
    const prov = { "indicators[2].level1": at(1, 100), "indicators[3].level1": at(1, 100), "indicators[4].level1": at(1, 100) };
    const out = mergeSameCellFlags([doubt("indicators[2].level1"), doubt("indicators[3].level1"), doubt("indicators[4].level1")], prov);
    expect(out).toEqual([{ ...doubt("indicators[2].level1"), paths: ["indicators[2].level1", "indicators[3].level1", "indicators[4].level1"] }]);
  });

  it("keeps flags apart when the values come from different cells, fields or doubts", () => {
    const prov = { "indicators[2].level1": at(1, 100), "indicators[3].level1": at(1, 200), "indicators[2].level2": at(1, 100) };
    const flags = [doubt("indicators[2].level1"), doubt("indicators[3].level1"), doubt("indicators[2].level2")];
    expect(mergeSameCellFlags(flags, prov)).toEqual(flags);
    const other = { ...doubt("indicators[3].level1"), message: "read with confidence 0.70" };
    expect(mergeSameCellFlags([doubt("indicators[2].level1"), other], { ...prov, "indicators[3].level1": at(1, 100) })).toHaveLength(2);
  });
});

describe("fieldConfidences", () => {
  const record = { kind: "x", project_name: "甲", total: { weight: 100, score: 90 }, indicators: [{ name: "乙", weight: 10, confidence: 1, target_parsed: null }] };

  it("lists every value path, and nothing the pipeline derives", () => {
    expect(valuePaths(record)).toEqual(["kind", "project_name", "total.weight", "total.score", "indicators[0].name", "indicators[0].weight"]);
  });

  it("takes the reading's confidence, raised by a confirming check and capped by a review flag", () => {
    const read = { project_name: 0.97, "total.weight": 0.9, "total.score": 0.99, "indicators[0].name": 0.95, "indicators[0].weight": 0.93 };
    const flags: Flag[] = [{ code: "row_in_doubt", severity: "review", path: "indicators[0]", message: "m" }];
    const c = fieldConfidences(record, read, flags, new Set(["total.weight"]));
    expect(c).toEqual({ kind: 0.995, project_name: 0.97, "total.weight": 0.998, "total.score": 0.99, "indicators[0].name": 0.8, "indicators[0].weight": 0.8 });
    expect(recordConfidence(c)).toBeCloseTo((0.995 + 0.97 + 0.998 + 0.99 + 0.8 + 0.8) / 6, 2);
  });

  it("a whole-record review flag caps everything", () => {
    const c = fieldConfidences(record, {}, [{ code: "record_unreliable", severity: "review", path: "", message: "m" }], new Set());
    expect(Object.values(c).every((x) => x === 0.8)).toBe(true);
  });
});

describe("flagDoubtfulRows", () => {
  const f = (path: string, code: Flag["code"] = "low_ocr_confidence"): Flag => ({ code, severity: "review", path, message: "m" });
  it("flags a row with doubts on four of its values, once, and not one with three", () => {
    const flags = [f("indicators[4].name"), f("indicators[4].score"), f("indicators[4].score", "long_ocr_text"), f("indicators[4].weight"), f("indicators[4].target"), f("indicators[5].name"), f("indicators[5].score"), f("indicators[5].weight")];
    const out = flagDoubtfulRows(flags);
    expect(out.filter((x) => x.code === "row_in_doubt").map((x) => x.path)).toEqual(["indicators[4]"]);
    expect(flagDoubtfulRows([...flags, f("indicators[4]")]).filter((x) => x.code === "row_in_doubt")).toEqual([]);
  });

  it("names the row's own values in one flag when told which they are (not its block's labels)", () => {
    const flags = [f("indicators[4].name"), f("indicators[4].score"), f("indicators[4].weight")];
    const own = (k: number) => (k === 4 ? ["name", "target", "actual", "weight", "score"] : []);
    const rows = flagDoubtfulRows(flags, 3, own).filter((x) => x.code === "row_in_doubt");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.path).toBe("indicators[4].name");
    expect(rows[0]!.paths).toEqual(["indicators[4].name", "indicators[4].target", "indicators[4].actual", "indicators[4].weight", "indicators[4].score"]);
  });

  it("does not count a failed sum, which is raised on every row of a block, as a doubt about the row", () => {
    const flags = [
      f("indicators[2].name"),
      f("indicators[2].level1_weight", "block_weights_do_not_sum"),
      f("indicators[2].weight", "digit_suspect"),
      f("indicators[2].score", "score_above_weight"),
    ];
    expect(flagDoubtfulRows(flags).filter((x) => x.code === "row_in_doubt")).toEqual([]);
    expect(flagDoubtfulRows([...flags, f("indicators[2].target"), f("indicators[2].actual"), f("indicators[2].deviation")]).filter((x) => x.code === "row_in_doubt")).toHaveLength(1);
  });

  it("does not count a merged cell's doubt (one flag over the rows it spans) as a doubt about each row", () => {
    const merged = (field: string): Flag => ({ ...f(`indicators[7].${field}`, "ocr_disagreement"), paths: [`indicators[7].${field}`, `indicators[8].${field}`] });
    const flags = [f("indicators[7].name"), f("indicators[7].target"), merged("level2"), merged("level1_weight")];
    expect(flagDoubtfulRows(flags).filter((x) => x.code === "row_in_doubt")).toEqual([]);
    expect(flagDoubtfulRows([...flags, f("indicators[7].actual"), f("indicators[7].score")]).filter((x) => x.code === "row_in_doubt")).toHaveLength(1);
  });
});
