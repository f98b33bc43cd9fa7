import { describe, expect, it } from "vitest";
import { isEmptyValue, nearlyEqual, parseTarget, readMoney, readNumber, readRate } from "./numbers.js";

describe("readNumber", () => {
  it("drops thousands separators and trailing zeros", () => {
    expect(readNumber("1,199,900")).toEqual({ ok: true, value: 1199900 });
    expect(readNumber("1200000.00")).toEqual({ ok: true, value: 1200000 });
    expect(readNumber("7.50")).toEqual({ ok: true, value: 7.5 });
    expect(readNumber("506,745.04")).toEqual({ ok: true, value: 506745.04 });
    expect(readNumber("113，569，961.85")).toEqual({ ok: true, value: 113569961.85 });
  });

  it("reads a printed 0 as 0, not null", () => {
    expect(readNumber("0")).toEqual({ ok: true, value: 0 });
    expect(readNumber("0.00")).toEqual({ ok: true, value: 0 });
  });

  it("tolerates spaces, full-width digits and a trailing unit", () => {
    expect(readNumber(" 10 ")).toEqual({ ok: true, value: 10 });
    expect(readNumber("１０")).toEqual({ ok: true, value: 10 });
    expect(readNumber("100元")).toEqual({ ok: true, value: 100 });
    expect(readNumber("20分")).toEqual({ ok: true, value: 20 });
    expect(readNumber("-3")).toEqual({ ok: true, value: -3 });
  });
  it("does not read an amount in 万元 as a plain number (readMoney converts it)", () => {
    expect(readNumber("3.5万元")).toEqual({ ok: false, text: "3.5万元" });
  });

  it("reads empty markers as null", () => {
    for (const t of ["—", "-", "/", "", "  ", "－", "——", "／", null, undefined]) {
      expect(readNumber(t)).toEqual({ ok: true, value: null });
    }
  });

  it("reports text that is not a number with ok:false and the original text", () => {
    expect(readNumber("abc")).toEqual({ ok: false, text: "abc" });
    expect(readNumber("十")).toEqual({ ok: false, text: "十" });
    expect(readNumber("10%")).toEqual({ ok: false, text: "10%" });
    expect(readNumber("1.2.3")).toEqual({ ok: false, text: "1.2.3" });
  });
});

describe("readRate", () => {
  it("reads percentages in percent units", () => {
    expect(readRate("80.88%")).toEqual({ ok: true, value: 80.88 });
    expect(readRate("100.00%")).toEqual({ ok: true, value: 100 });
    expect(readRate("2.50％")).toEqual({ ok: true, value: 2.5 });
  });
  it("reads a rate printed without % as the same number", () => {
    expect(readRate("94.43")).toEqual({ ok: true, value: 94.43 });
  });
  it("reads empty markers as null and rejects words", () => {
    expect(readRate("—")).toEqual({ ok: true, value: null });
    expect(readRate("-")).toEqual({ ok: true, value: null });
    expect(readRate("很高").ok).toBe(false);
  });
});

describe("isEmptyValue", () => {
  it("treats the format's empty markers as empty", () => {
    expect(isEmptyValue("—")).toBe(true);
    expect(isEmptyValue(" / ")).toBe(true);
    expect(isEmptyValue(null)).toBe(true);
    expect(isEmptyValue("0")).toBe(false);
    expect(isEmptyValue("提升")).toBe(false);
  });
});

describe("parseTarget", () => {
  it("parses operators, values and units", () => {
    expect(parseTarget(">=95%")).toEqual({ op: ">=", value: 95, unit: "%" });
    expect(parseTarget("≥60 次")).toEqual({ op: ">=", value: 60, unit: "次" });
    expect(parseTarget("=100%")).toEqual({ op: "=", value: 100, unit: "%" });
    expect(parseTarget("≤5天")).toEqual({ op: "<=", value: 5, unit: "天" });
    expect(parseTarget("＜3")).toEqual({ op: "<", value: 3, unit: null });
    expect(parseTarget("98%")).toEqual({ op: null, value: 98, unit: "%" });
    expect(parseTarget("100.00％")).toEqual({ op: null, value: 100, unit: "%" });
    expect(parseTarget("0")).toEqual({ op: null, value: 0, unit: null });
  });
  it("returns null for words and null input", () => {
    expect(parseTarget("提升")).toBeNull();
    expect(parseTarget("成本控制在预算内")).toBeNull();
    expect(parseTarget(null)).toBeNull();
  });
});

describe("nearlyEqual", () => {
  it("uses the printed-rounding tolerance", () => {
    expect(nearlyEqual(80.88, 80.885)).toBe(true);
    expect(nearlyEqual(80.88, 80.9)).toBe(false);
    expect(nearlyEqual(1, 1.5, 0.5)).toBe(true);
  });
});

describe("readMoney", () => {
  it("keeps 元 amounts as printed", () => {
    expect(readMoney("1,199,900.00")).toEqual({ ok: true, value: 1199900 });
    expect(readMoney("—", "万元")).toEqual({ ok: true, value: null });
  });
  it("converts 万元 exactly by moving the decimal point", () => {
    expect(readMoney("120.5", "万元")).toEqual({ ok: true, value: 1205000 });
    expect(readMoney("486", "万元")).toEqual({ ok: true, value: 4860000 });
    expect(readMoney("11,356.996185", "万元")).toEqual({ ok: true, value: 113569961.85 });
    expect(readMoney("0.01", "万元")).toEqual({ ok: true, value: 100 });
    expect(readMoney(".5", "万元")).toEqual({ ok: true, value: 5000 });
    expect(readMoney("-2.5", "万元")).toEqual({ ok: true, value: -25000 });
    expect(readMoney("０.０７", "万元")).toEqual({ ok: true, value: 700 });
  });
  it("follows a unit printed in the cell itself", () => {
    expect(readMoney("3.5万元")).toEqual({ ok: true, value: 35000 });
    expect(readMoney("300元", "万元")).toEqual({ ok: true, value: 300 });
  });
  it("refuses text that is not an amount", () => {
    expect(readMoney("约5万", "万元").ok).toBe(false);
    expect(readMoney("1.2.3", "万元").ok).toBe(false);
  });
});
