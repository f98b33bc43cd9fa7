import { describe, expect, it } from "vitest";
import type { GreyImage, InkMask } from "./greyImage.js";
import type { OcrPool, RecognizeOptions } from "./OcrPool.js";
import type { PaddleRecognizer } from "./PaddleRecognizer.js";
import { readLinesTwice, unreadInk } from "./readLinesTwice.js";

const grey: GreyImage = { width: 100, height: 40, data: new Uint8Array(4000).fill(255) };
const mask: InkMask = { width: 100, height: 40, data: new Uint8Array(4000) };
const job = { rect: { x0: 0, y0: 0, x1: 100, y1: 40 }, bands: [{ x0: 10, y0: 10, x1: 90, y1: 30 }] };

/** A PP-OCR that reads `text`, unsure. */
const paddleReading = (text: string) =>
  ({ recognizeLine: async () => ({ text, raw: text, confidence: text ? 0.8 : 0, meanConfidence: 0.9, chars: [], xs: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;

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

  it("a PP-OCR reading of marks alone gives way to the characters Tesseract read alike at both scales, still in doubt", async () => {
    const [taken] = await readLinesTwice(grey, mask, 200, [job], paddleReading("+"), poolReading("4", "4").pool);
    expect(taken?.text).toBe("4");
    expect(taken?.doubt?.code).toBe("ocr_disagreement");
    expect(taken?.doubt?.message).toContain('PP-OCR "+", Tesseract "4" (at 300 dpi "4")');
    // Tesseract's two readings differ: PP-OCR's stays.
    const [kept] = await readLinesTwice(grey, mask, 200, [job], paddleReading("+"), poolReading("4", "1").pool);
    expect(kept?.text).toBe("+");
    // PP-OCR read a character: its reading stays.
    const [own] = await readLinesTwice(grey, mask, 200, [job], paddleReading("3"), poolReading("4", "4").pool);
    expect(own?.text).toBe("3");
  });

  it("where the lexicon chose a character, Tesseract agreeing with PP-OCR's own best reading does not confirm it", async () => {
    const chosen = (text: string, unchosen: string) =>
      ({ recognizeLine: async () => ({ text, unchosen, raw: text, confidence: 0.6, meanConfidence: 0.9, chars: [], xs: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;
    // Both engines misread 合 as 台; the lexicon's choice stays, in doubt, naming every reading.
    const [kept] = await readLinesTwice(grey, mask, 200, [job], chosen("资金使用合规性", "资金使用台规性"), poolReading("资金使用台规性", "资金使用台规性").pool);
    expect(kept?.text).toBe("资金使用合规性");
    expect(kept?.doubt?.code).toBe("ocr_disagreement");
    expect(kept?.doubt?.message).toContain('PP-OCR "资金使用合规性" (by the lexicon; "资金使用台规性" by its own best)');
    // Tesseract agreeing with the lexicon's choice confirms it.
    const [lex] = await readLinesTwice(grey, mask, 200, [job], chosen("早日恢复", "早目恢复"), poolReading("早日恢复", "早日恢复").pool);
    expect(lex?.text).toBe("早日恢复");
    expect(lex?.doubt).toBeUndefined();
  });

  it("digits both engines read alike stay in doubt when PP-OCR was far from sure of them (a broken 5 read 3 by both)", async () => {
    const unsure = (text: string, confidence: number) =>
      ({ recognizeLine: async () => ({ text, raw: text, confidence, meanConfidence: 0.9, chars: [], xs: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;
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
    // Digits without a 3 or 5 (the confusion measured) are confirmed by the agreement.
    const [zero] = await readLinesTwice(grey, mask, 200, [job], unsure("0", 0.6), poolReading("0", "0").pool);
    expect(zero?.doubt).toBeUndefined();
    // A comparison mark both read alike, unsure: a noisy ≥ read ">" by both.
    const [cmp] = await readLinesTwice(grey, mask, 200, [job], unsure(">96.00%", 0.6), poolReading(">96.00%", ">96.00%").pool);
    expect(cmp?.doubt?.code).toBe("unsure_digits");
  });

  it("a number kept from a disagreement takes the digit its glyph's shape says, 3 or 5, still in doubt", async () => {
    // A 5 whose thin stem the scan lost: a flat bar on top, nothing below it, then the bowl.
    const five: InkMask = { width: 100, height: 40, data: new Uint8Array(4000) };
    const ink = (x0: number, x1: number, y0: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) five.data[y * 100 + x] = 1;
    };
    ink(40, 48, 10, 12);
    ink(42, 48, 17, 18);
    ink(47, 50, 17, 26);
    ink(41, 48, 26, 28);
    const fiveJob = { rect: { x0: 0, y0: 0, x1: 100, y1: 40 }, bands: [{ x0: 40, y0: 10, x1: 50, y1: 28 }] };
    const [item] = await readLinesTwice(grey, five, 200, [fiveJob], paddleReading(""), poolReading("3", "3").pool);
    expect(item?.text).toBe("5");
    expect(item?.doubt?.code).toBe("ocr_disagreement");
    expect(item?.doubt?.message).toContain('the glyphs\' shapes say "5"');
    expect(item?.doubt?.readings).toEqual(["", "3", "5"]);
    // Without such a glyph the reading kept stays.
    const [plain] = await readLinesTwice(grey, mask, 200, [job], paddleReading(""), poolReading("3", "3").pool);
    expect(plain?.text).toBe("3");
  });

  it("confirmDpi 0 turns the second reading off", async () => {
    const { pool, calls } = poolReading("13.00", "15.00");
    const [item] = await readLinesTwice(grey, mask, 150, [job], paddleReading("15.00"), pool, { confirmDpi: 0 });
    expect(item?.doubt?.code).toBe("ocr_disagreement");
    expect(calls.some((c) => c.upscale)).toBe(false);
  });
});

describe("unreadInk: ink PP-OCR read nothing at", () => {
  // A 20 px tall band from x 10 to 150 with ink at the given column ranges.
  const band = { x0: 10, y0: 10, x1: 150, y1: 30 };
  const inked = (...ranges: [number, number][]): InkMask => {
    const m: InkMask = { width: 160, height: 40, data: new Uint8Array(6400) };
    for (const [a, b] of ranges) for (let x = a; x < b; x++) for (let y = 12; y < 28; y++) m.data[y * 160 + x] = 1;
    return m;
  };

  it("finds a character's worth of ink between two characters read far apart", () => {
    // Three glyphs; PP-OCR read the first and the last only.
    const m = inked([10, 28], [70, 88], [132, 150]);
    expect(unreadInk([19, 141], m, band, 1.6)).toBe(true);
    expect(unreadInk([19, 79, 141], m, band, 1.6)).toBe(false);
  });

  it("ignores a wide gap without ink (spaced or justified text), and ink at the line's ends it read", () => {
    expect(unreadInk([19, 141], inked([10, 28], [132, 150]), band, 1.6)).toBe(false);
    // Ink after the last character read, a glyph wide: unread.
    expect(unreadInk([19, 79], inked([10, 28], [70, 88], [132, 150]), band, 1.6)).toBe(true);
  });
});

describe("readLinesTwice: a sure reading that left ink unread", () => {
  const m: InkMask = { width: 100, height: 40, data: new Uint8Array(4000) };
  // Ink across the band: four glyphs of 16 px.
  for (const x0 of [10, 30, 50, 70]) for (let x = x0; x < x0 + 16; x++) for (let y = 12; y < 28; y++) m.data[y * 100 + x] = 1;
  const sure = (text: string, xs: number[]) =>
    ({ recognizeLine: async () => ({ text, raw: text, confidence: 0.999, meanConfidence: 0.999, chars: [], xs, inputWidth: 160 }) }) as unknown as PaddleRecognizer;

  it("is checked by Tesseract: a disagreement is flagged, saying PP-OCR left ink unread", async () => {
    const { pool, calls } = poolReading("对口支援", "对口支援");
    const [item] = await readLinesTwice(grey, m, 200, [job], sure("对支援", [18, 58, 78]), pool);
    expect(calls.length).toBeGreaterThan(0);
    expect(item?.doubt?.code).toBe("ocr_disagreement");
    expect(item?.doubt?.message).toContain('PP-OCR "对支援" (leaving some ink unread), Tesseract "对口支援"');
  });

  it("a sure reading with every glyph read is not sent to Tesseract", async () => {
    const { pool, calls } = poolReading("对口支援", "对口支援");
    const [item] = await readLinesTwice(grey, m, 200, [job], sure("对口支援", [18, 38, 58, 78]), pool);
    expect(calls).toHaveLength(0);
    expect(item?.text).toBe("对口支援");
    expect(item?.doubt).toBeUndefined();
  });
});

describe("readLinesTwice: ink in a cell neither engine reads", () => {
  const withInk = (x1: number, y1: number): InkMask => {
    const m: InkMask = { width: 100, height: 40, data: new Uint8Array(4000) };
    for (let y = 12; y < y1; y++) for (let x = 40; x < x1; x++) m.data[y * 100 + x] = 1;
    return m;
  };
  const nothing = ({ recognizeLine: async () => ({ text: "", raw: "", confidence: 0, meanConfidence: 0, chars: [], xs: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;

  it("is kept as a doubtful \"?\": a value may be missing", async () => {
    const [item] = await readLinesTwice(grey, withInk(50, 28), 200, [job], nothing, poolReading("", "").pool);
    expect(item?.text).toBe("?");
    expect(item?.doubt?.code).toBe("ink_not_read");
    expect(item?.confidence).toBe(0.5);
  });

  it("is dropped when it is too little ink for a character, or outside the tables", async () => {
    expect(await readLinesTwice(grey, withInk(42, 14), 200, [job], nothing, poolReading("", "").pool)).toEqual([]);
    expect(await readLinesTwice(grey, withInk(50, 28), 200, [{ ...job, free: true }], nothing, poolReading("", "").pool)).toEqual([]);
  });
});
