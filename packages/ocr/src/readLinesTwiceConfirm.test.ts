import { describe, expect, it } from "vitest";
import type { GreyImage, InkMask } from "./greyImage.js";
import type { OcrPool, RecognizeOptions } from "./OcrPool.js";
import type { PaddleRecognizer } from "./PaddleRecognizer.js";
import { readLinesTwice } from "./readLinesTwice.js";

const grey: GreyImage = { width: 100, height: 40, data: new Uint8Array(4000).fill(255) };
const mask: InkMask = { width: 100, height: 40, data: new Uint8Array(4000) };
const job = { rect: { x0: 0, y0: 0, x1: 100, y1: 40 }, bands: [{ x0: 10, y0: 10, x1: 90, y1: 30 }] };

/** A PP-OCR that reads `text`, unsure. */
const paddleReading = (text: string) =>
  ({ recognizeLine: async () => ({ text, raw: text, confidence: text ? 0.8 : 0, meanConfidence: 0.9, chars: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;

/** A Tesseract pool that reads `first` at its own scale and `enlarged` when asked to enlarge the crop; records the calls. */
const poolReading = (first: string, enlarged: string) => {
  const calls: RecognizeOptions[] = [];
  const pool = {
    recognize: async (_img: GreyImage, _rect: unknown, _psm: number, o: RecognizeOptions = {}) => {
      calls.push(o);
      const text = o.upscale ? enlarged : first;
      return text ? [{ text, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, confidence: 0.9 }] : [];
    },
  } as unknown as OcrPool;
  return { pool, calls };
};

describe("readLinesTwice: a second Tesseract reading before a disagreement is flagged", () => {
  it("PP-OCR agreeing with Tesseract's reading of the enlarged crop confirms the line", async () => {
    const { pool, calls } = poolReading("13.00", "15.00");
    const [item] = await readLinesTwice(grey, mask, 150, [job], paddleReading("15.00"), pool);
    expect(item?.text).toBe("15.00");
    expect(item?.doubt).toBeUndefined();
    expect(item?.confidence).toBe(0.995);
    expect(calls.at(-1)).toMatchObject({ dpi: 150, ocrDpi: 300, upscale: true });
  });

  it("still a doubt naming every reading when the second reading disagrees too", async () => {
    const { pool } = poolReading("13.00", "18.00");
    const [item] = await readLinesTwice(grey, mask, 150, [job], paddleReading("15.00"), pool);
    expect(item?.text).toBe("15.00");
    expect(item?.doubt?.code).toBe("ocr_disagreement");
    expect(item?.doubt?.message).toContain('PP-OCR "15.00", Tesseract "13.00" (at 300 dpi "18.00")');
    expect(item?.confidence).toBe(0.5);
  });

  it("an empty PP-OCR reading is never confirmed by an empty second reading: Tesseract's text stays, in doubt", async () => {
    const { pool } = poolReading("0", "");
    const [item] = await readLinesTwice(grey, mask, 200, [job], paddleReading(""), pool);
    expect(item?.text).toBe("0");
    expect(item?.doubt?.code).toBe("ocr_disagreement");
  });

  it("digits both engines read alike stay in doubt when PP-OCR was far from sure of them (a broken 5 read 3 by both)", async () => {
    const unsure = (text: string, confidence: number) =>
      ({ recognizeLine: async () => ({ text, raw: text, confidence, meanConfidence: 0.9, chars: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;
    const [digits] = await readLinesTwice(grey, mask, 200, [job], unsure("3", 0.53), poolReading("3", "3").pool);
    expect(digits?.text).toBe("3");
    expect(digits?.doubt?.code).toBe("unsure_digits");
    expect(digits?.confidence).toBe(0.5);
    // Words, or digits PP-OCR was fairly sure of, are confirmed by the agreement.
    const [words] = await readLinesTwice(grey, mask, 200, [job], unsure("健全", 0.53), poolReading("健全", "健全").pool);
    expect(words?.doubt).toBeUndefined();
    const [fair] = await readLinesTwice(grey, mask, 200, [job], unsure("3", 0.85), poolReading("3", "3").pool);
    expect(fair?.doubt).toBeUndefined();
    const [off] = await readLinesTwice(grey, mask, 200, [job], unsure("3", 0.53), poolReading("3", "3").pool, { unsureDigitsBelow: 0 });
    expect(off?.doubt).toBeUndefined();
  });

  it("confirmDpi 0 turns the second reading off", async () => {
    const { pool, calls } = poolReading("13.00", "15.00");
    const [item] = await readLinesTwice(grey, mask, 150, [job], paddleReading("15.00"), pool, { confirmDpi: 0 });
    expect(item?.doubt?.code).toBe("ocr_disagreement");
    expect(calls.some((c) => c.upscale)).toBe(false);
  });
});
