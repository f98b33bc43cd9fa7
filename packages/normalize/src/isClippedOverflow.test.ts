import type { Row, RowCell } from "@jixiao/layout";
import { describe, expect, it } from "vitest";
import { isClippedOverflow } from "./parseTabular.js";

const cell = (text: string, x0: number, confidence = 0.5): RowCell => ({
  text, x0, x1: x0 + 50, col: null, colSpan: 1, rowSpan: 1, confidence, prov: [], repairs: [], inherited: false,
});
const row = (source: "table" | "text", page: number, cells: RowCell[], pageStart = false): Row => ({ cells, spanned: [], pages: [page], source, table: source === "table" ? 0 : null, pageStart }) as Row;

describe("isClippedOverflow", () => {
  const tableRow = row("table", 3, [cell("（对口支援）巩固提升对口支援效果", 536, 0.997), cell("5", 1133, 0.997), cell("5", 1237, 0.997)]);
  const nextPage = row("table", 4, [cell("效益指标", 117, 0.997)], true);

  it("takes a few characters in doubt under a page's last ruled row for a merged cell's clipped line", () => {
    expect(isClippedOverflow([tableRow, row("text", 3, [cell("其：负", 841)]), nextPage], 1)).toBe(true);
    expect(isClippedOverflow([tableRow, row("text", 3, [cell("以", 795), cell("其？", 843)])], 1)).toBe(true);
  });

  it("keeps a row that is not the page's last, has digits, more characters, a sure reading, or no ruled row above", () => {
    const clipped = row("text", 3, [cell("其：负", 841)]);
    expect(isClippedOverflow([tableRow, clipped, row("table", 3, [cell("x", 1)])], 1)).toBe(false);
    expect(isClippedOverflow([tableRow, row("text", 3, [cell("3", 1133)]), nextPage], 1)).toBe(false);
    expect(isClippedOverflow([tableRow, row("text", 3, [cell("其负责人员", 841)]), nextPage], 1)).toBe(false);
    expect(isClippedOverflow([tableRow, row("text", 3, [cell("其负", 841, 1)]), nextPage], 1)).toBe(false);
    expect(isClippedOverflow([row("text", 3, [cell("标题", 1)]), clipped, nextPage], 1)).toBe(false);
    expect(isClippedOverflow([tableRow, row("table", 3, [cell("其负", 841)]), nextPage], 1)).toBe(false);
  });
});
