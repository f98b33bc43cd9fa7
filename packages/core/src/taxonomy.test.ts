import { describe, expect, it } from "vitest";
import { ALL_LABELS, hintScore, isSectionLabelPiece, matchLabel, parentOf, splitMisreadLevelWeight, TAXONOMY } from "./taxonomy.js";

describe("splitMisreadLevelWeight", () => {
  it("reads a level-1 label and its weight whose closing bracket OCR read as another mark", () => {
    expect(splitMisreadLevelWeight("产出指标（45分上")).toEqual({ label: "产出指标", weight: 45, mark: "上", at: "bracket" });
    expect(splitMisreadLevelWeight("满意度指标(20分!")).toEqual({ label: "满意度指标", weight: 20, mark: "!", at: "bracket" });
  });
  it("reads a level-1 label and its weight with a speck read as a mark between the number and 分", () => {
    expect(splitMisreadLevelWeight("满意度指标(20.分)")).toEqual({ label: "满意度指标", weight: 20, mark: ".", at: "unit" });
    expect(splitMisreadLevelWeight("产出指标（45，分）")).toEqual({ label: "产出指标", weight: 45, mark: ",", at: "unit" });
    // A decimal weight is a weight read whole.
    expect(splitMisreadLevelWeight("产出指标（22.5分）")).toBeNull();
  });
  it("is null for a weight read whole, a weight without its opening bracket, a digit after 分, or no label before it", () => {
    for (const t of ["产出指标（45分）", "产出指标45分上", "产出指标（45分5", "数量指标（45分上", "项目名称（45分上", "数量指标(20.分)", "产出指标(20.分"]) expect([t, splitMisreadLevelWeight(t)]).toEqual([t, null]);
  });
});

describe("matchLabel", () => {
  it("recognises level-1 labels, with spaces and a trailing (N分)", () => {
    expect(matchLabel("产出指标")).toEqual({ level: 1, label: "产出指标", parent: null });
    expect(matchLabel("产出 指标")).toEqual({ level: 1, label: "产出指标", parent: null });
    expect(matchLabel("产出指标(45分)")).toEqual({ level: 1, label: "产出指标", parent: null });
    expect(matchLabel("效益指标（35 分）")).toEqual({ level: 1, label: "效益指标", parent: null });
    expect(matchLabel("满意度\n指标")).toEqual({ level: 1, label: "满意度指标", parent: null });
  });

  it("recognises the department form's extra level-1 labels", () => {
    expect(matchLabel("投入管理指标")).toEqual({ level: 1, label: "投入管理指标", parent: null });
    expect(matchLabel("过程指标")?.level).toBe(1);
  });

  it("recognises level-2 labels with their parent", () => {
    expect(matchLabel("社会效益 指标")).toEqual({ level: 2, label: "社会效益指标", parent: "效益指标" });
    expect(matchLabel("可持续影 响指标")).toEqual({ level: 2, label: "可持续影响指标", parent: "效益指标" });
    expect(matchLabel("时效指标")).toEqual({ level: 2, label: "时效指标", parent: "产出指标" });
    expect(matchLabel("服务对象 满意度指 标")).toEqual({ level: 2, label: "服务对象满意度指标", parent: "满意度指标" });
  });

  it("returns null for names and fragments that are not exactly a label", () => {
    expect(matchLabel("社会效益指")).toBeNull();
    expect(matchLabel("服务对象满意度")).toBeNull();
    expect(matchLabel("数量指标完成率")).toBeNull();
    expect(matchLabel("")).toBeNull();
    expect(matchLabel("  ")).toBeNull();
    expect(matchLabel("(45分)")).toBeNull();
  });
});

describe("parentOf", () => {
  it("gives the level-1 parent of every level-2 label", () => {
    for (const [l1, l2s] of Object.entries(TAXONOMY)) for (const l2 of l2s) expect(parentOf(l2)).toBe(l1);
    expect(parentOf("成本 指标")).toBe("产出指标");
    expect(parentOf("生态效益指标")).toBe("效益指标");
  });
  it("is null for level-1 labels and other text", () => {
    expect(parentOf("产出指标")).toBeNull();
    expect(parentOf("资金到位率")).toBeNull();
  });
});

describe("isSectionLabelPiece", () => {
  it("accepts pieces of the vertical 绩效指标 label", () => {
    expect(isSectionLabelPiece("绩")).toBe(true);
    expect(isSectionLabelPiece("效 指 标")).toBe(true);
    expect(isSectionLabelPiece("绩效指标")).toBe(true);
    expect(isSectionLabelPiece("绩效")).toBe(true);
    expect(isSectionLabelPiece("指标")).toBe(true);
  });
  it("rejects taxonomy labels, other text and empty text", () => {
    expect(isSectionLabelPiece("效益指标")).toBe(false);
    expect(isSectionLabelPiece("绩效等级")).toBe(false);
    expect(isSectionLabelPiece("绩效指标绩")).toBe(false);
    expect(isSectionLabelPiece("")).toBe(false);
  });
});

describe("ALL_LABELS / hintScore", () => {
  it("lists every label once, longest first", () => {
    expect(ALL_LABELS[0]).toBe("服务对象满意度指标");
    expect(new Set(ALL_LABELS).size).toBe(ALL_LABELS.length);
    for (let i = 1; i < ALL_LABELS.length; i++) expect(ALL_LABELS[i - 1]!.length).toBeGreaterThanOrEqual(ALL_LABELS[i]!.length);
    expect(ALL_LABELS).toHaveLength(3 + 4 + 9);
  });
  it("scores a name by its category hint words", () => {
    expect(hintScore("项目计划完成及时性", "时效指标")).toBe(1);
    expect(hintScore("项目计划完成及时性", "数量指标")).toBe(0);
    expect(hintScore("综合业务人员满意度", "服务对象 满意度指标")).toBe(1);
    expect(hintScore("任何名称", "不是标签")).toBe(0);
  });
});
