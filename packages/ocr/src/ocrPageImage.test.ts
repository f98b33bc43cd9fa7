import type { TextItem } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { wrappedFullStops } from "./ocrPageImage.js";

const ocr = (text: string, x0: number, y0: number, x1: number, y1: number): TextItem => ({ text, bbox: { x0, y0, x1, y1 }, confidence: 0.997, origin: "ocr" });

describe("wrappedFullStops", () => {
  it("reads a round mark on a line of its own under Chinese text as the paragraph's full stop", () => {
    const items = [ocr("让农村成为安居乐业的美丽家园", 184, 1001, 2263, 1044), ocr("O", 184, 1088, 196, 1100)];
    expect(wrappedFullStops(items).map((i) => i.text)).toEqual(["让农村成为安居乐业的美丽家园", "。"]);
  });

  it("leaves an O after digits, far below, away from the line's start, or as tall as the line", () => {
    const cases = [
      [ocr("编号12", 184, 1001, 400, 1044), ocr("O", 184, 1088, 196, 1100)],
      [ocr("美丽家园", 184, 1001, 400, 1044), ocr("O", 184, 1200, 196, 1212)],
      [ocr("美丽家园", 184, 1001, 400, 1044), ocr("O", 600, 1088, 612, 1100)],
      [ocr("美丽家园", 184, 1001, 400, 1044), ocr("O", 184, 1060, 220, 1100)],
    ];
    for (const items of cases) expect(wrappedFullStops(items)[1]!.text).toBe("O");
  });
});
