import { describe, expect, it } from "vitest";
import { copiesOfOneCell, formatPath, holderOf, indicatorValuePath, isUnderPath, lastField, parsePath, pathPattern, valueAt } from "./recordPaths.js";

describe("record paths", () => {
  it("parse and format back", () => {
    for (const p of ["indicators[3].score", "funds.total.execution_rate", "indicators", "a[1][2].b", ""]) {
      expect(formatPath(parsePath(p)!), p).toBe(p);
    }
    expect(parsePath("indicators[3].score")).toEqual(["indicators", 3, "score"]);
  });

  it("refuse what is not a path", () => {
    for (const p of ["[3]", "a..b", "a.", ".a", "a[x]", "A", "a[1]b", "a".repeat(201), "__proto__.x"]) expect(parsePath(p), p).toBeNull();
  });

  it("say what lies under what", () => {
    expect(isUnderPath("indicators[3].name", "indicators[3]")).toBe(true);
    expect(isUnderPath("indicators[3].name", "indicators")).toBe(true);
    expect(isUnderPath("indicators[31].name", "indicators[3]")).toBe(false);
    expect(isUnderPath("funds.totals", "funds.total")).toBe(false);
    expect(isUnderPath("anything", "")).toBe(true);
  });

  it("read values, patterns and last fields", () => {
    const r = { indicators: [{ score: 5 }, { score: null }], total: { score: 9 } };
    expect(valueAt(r, "indicators[1].score")).toEqual({ found: true, value: null });
    expect(valueAt(r, "indicators[2].score").found).toBe(false);
    expect(valueAt(r, "toString").found).toBe(false);
    expect(holderOf(r, "total.score")).toEqual({ holder: r.total, key: "score" });
    expect(pathPattern("indicators[12].score")).toBe("indicators[].score");
    expect(lastField("indicators[12]")).toBe("indicators");
  });

  it("splits an indicator row's value path, and only that", () => {
    expect(indicatorValuePath("indicators[3].score")).toEqual({ index: 3, field: "score" });
    for (const p of ["indicators[3]", "indicators", "indicators[3].target_parsed.value", "funds.total.executed", "indicators[x].score", ""]) expect([p, indicatorValuePath(p)]).toEqual([p, null]);
  });
});

describe("copiesOfOneCell", () => {
  it("tells one cell copied into rows from several values of one row", () => {
    expect(copiesOfOneCell(["indicators[7].level2", "indicators[8].level2"])).toBe(true);
    expect(copiesOfOneCell(["indicators[3].name", "indicators[3].score"])).toBe(false);
    expect(copiesOfOneCell(["indicators[3].name"])).toBe(false);
  });
});
