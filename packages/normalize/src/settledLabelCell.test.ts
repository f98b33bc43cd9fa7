import type { Repair, RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { SETTLED_LABEL_CONFIDENCE, settledLabelCell } from "./settledLabelCell.js";

const disagreement = (readings?: string[]): Repair => ({ code: "ocr_disagreement", severity: "review", message: "the two OCR engines read this differently", ...(readings ? { readings } : {}) });
const cell = (text: string, repairs: Repair[], confidence = 0.5): RowCell => ({
  text, x0: 0, x1: 1, col: 1, colSpan: 1, rowSpan: 1, confidence, prov: [], repairs, inherited: false,
});

describe("settledLabelCell", () => {
  it("settles a disagreement whose kept reading is exactly a taxonomy label and no other reading is another label", () => {
    const c = settledLabelCell(cell("数量指标", [disagreement(["数量指标", "数臣指标", "VAN eleL on"])]))!;
    expect(c.repairs).toEqual([]);
    expect(c.confidence).toBe(SETTLED_LABEL_CONFIDENCE);
    const other: Repair = { code: "label_from_next_page", severity: "review", message: "m" };
    expect(settledLabelCell(cell("产出指标", [disagreement(["产出指标", "产出指要，"]), other]))!.repairs).toEqual([other]);
  });

  it("leaves the doubt when another reading is another label, the text is no exact label, or the readings are unknown", () => {
    for (const c of [
      cell("数量指标", [disagreement(["数量指标", "质量指标"])]),
      cell("数量指", [disagreement(["数量指", "数臣指标"])]),
      cell("数量指标", [disagreement(["数量", "质量"])]),
      cell("数量指标", [disagreement()]),
    ]) {
      expect(settledLabelCell(c)).toBe(c);
    }
    expect(settledLabelCell(undefined)).toBeUndefined();
  });

  it("settles a doubt on one line of a label wrapped in a narrow column, when no reading makes another label", () => {
    const c = settledLabelCell(cell("效益指\n标", [disagreement(["标", "br", "bp"])]))!;
    expect(c.repairs).toEqual([]);
    const two = settledLabelCell(cell("服务对象满\n意度指标", [disagreement(["服务对象满", "AA oS"]), disagreement(["意度指标", "章度指标"])]))!;
    expect(two.repairs).toEqual([]);
  });

  it("settles the label of a level-1 cell whose weight line is in doubt (the weight keeps its doubt elsewhere)", () => {
    const original = cell("产出指标\n（45分）", [disagreement(["（45分）", "145分)", "1435人)"])]);
    expect(settledLabelCell(original)!.repairs).toEqual([]);
    expect(original.repairs).toHaveLength(1);
    expect(settledLabelCell(cell("产出指标（45分）", [disagreement(["产出指标（45分）", "产出指标（46分）"])]))!.repairs).toEqual([]);
  });
});
