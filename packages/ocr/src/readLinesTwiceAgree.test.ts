import { describe, expect, it } from "vitest";
import type { InkMask } from "./greyImage.js";
import { agreedReading } from "./readLinesTwice.js";

/** A 200×60 line whose first glyph is a chevron over a bar (≥ or ≤), or a plain digit-like blob. */
function line(first: "≥" | "≤" | "blob"): InkMask {
  const width = 200;
  const height = 60;
  const data = new Uint8Array(width * height);
  const set = (x: number, y: number) => {
    data[y * width + x] = 1;
  };
  if (first === "blob") {
    for (let y = 10; y < 50; y++) for (let x = 14; x < 36; x++) set(x, y);
  } else {
    for (let i = 0; i <= 12; i++) {
      for (let t = 0; t < 3; t++) {
        const dx = first === "≥" ? i * 2 : 24 - i * 2;
        set(12 + dx + t, 10 + i);
        set(12 + dx + t, 34 - i);
      }
    }
    for (let y = 40; y < 43; y++) for (let x = 12; x < 39; x++) set(x, y);
  }
  for (let y = 10; y < 50; y++) for (let x = 60; x < 64; x++) set(x, y);
  return { width, height, data };
}
const box = { x0: 10, y0: 10, x1: 64, y1: 50 };

describe("agreedReading: differences one engine is known to make", () => {
  it("agrees on the same text and keeps PP-OCR's spelling", () => {
    expect(agreedReading("100%", "100%", line("blob"), box)).toBe("100%");
    expect(agreedReading("落实抗疫物资数量", "落实抗疫物资数晶", line("blob"), box)).toBeNull();
  });

  it("takes the digits of a number PP-OCR spelled with the letter o when Tesseract read digits", () => {
    expect(agreedReading("o", "0", line("blob"), box)).toBe("0");
    expect(agreedReading("1o.5o%", "10.50%", line("blob"), box)).toBe("10.50%");
    // Not a number, or Tesseract read something else: no agreement.
    expect(agreedReading("o", "", line("blob"), box)).toBeNull();
    expect(agreedReading("o", "8", line("blob"), box)).toBeNull();
    expect(agreedReading("Bo", "B0", line("blob"), box)).toBeNull();
  });

  it("takes the reading without a speck's mark, or the well-formed number, when letters and digits agree", () => {
    const m = line("blob");
    expect(agreedReading("1.087,128", "1,087,128", m, box)).toBe("1,087,128");
    expect(agreedReading("1,087,128", "1.087.128", m, box)).toBe("1,087,128");
    expect(agreedReading("防止：", "防止", m, box)).toBe("防止");
    expect(agreedReading("提升政府.工作效能", "提升政府工作效能", m, box)).toBe("提升政府工作效能");
    expect(agreedReading("=100%", "=100°%", m, box)).toBe("=100%");
    // A point between digits is no speck, two well-formed numbers differ, and other marks are real.
    expect(agreedReading("3.5", "35", m, box)).toBeNull();
    expect(agreedReading("第3.5项", "第35项", m, box)).toBeNull();
    expect(agreedReading("其中：当", "其中，当", m, box)).toBeNull();
    expect(agreedReading("按时完成。", "按时完成", m, box)).toBeNull();
    expect(agreedReading("：", "", m, box)).toBeNull();
  });

  it("agrees on a leading ≥ Tesseract read as 2, 之, 过 or 2= when the glyph's shape is ≥", () => {
    for (const t of ["296.00%", "之96.00%", "过96.00%", "2=96.00%", ">=96.00%"]) {
      expect(agreedReading("≥96.00%", t, line("≥"), box)).toBe("≥96.00%");
    }
    expect(agreedReading("≤5%", "25%", line("≤"), box)).toBe("≤5%");
    // The glyph is no comparison sign: Tesseract's 2 may be right, so the engines disagree.
    expect(agreedReading("≥96.00%", "296.00%", line("blob"), box)).toBeNull();
    // The shape says ≥ but the digits differ.
    expect(agreedReading("≥96.00%", "286.00%", line("≥"), box)).toBeNull();
  });
});
