import { describe, expect, it } from "vitest";
import type { InkMask } from "./greyImage.js";
import { glyphBoxes, glyphsOfCharacters, threeOrFive } from "./glyphs.js";
import type { OcrPool } from "./OcrPool.js";
import type { PaddleRecognizer } from "./PaddleRecognizer.js";
import { agreedReading, readLinesTwice } from "./readLinesTwice.js";

// Digits of a 9×14 serif face as a 200 dpi scan prints them, "#" ink; each drawn 2 px apart.
const GLYPHS: Record<string, string[]> = {
  "3": [
    "..#####..",
    ".##...##.",
    "##.....##",
    ".......##",
    ".......##",
    "......##.",
    "...####..",
    "......##.",
    ".......##",
    ".......##",
    "##.....##",
    "##.....##",
    ".##...##.",
    "..#####..",
  ],
  "5": [
    ".########",
    ".##......",
    ".##......",
    ".##......",
    ".##......",
    ".##.###..",
    ".###..##.",
    ".......##",
    ".......##",
    "##.....##",
    "##.....##",
    ".##...##.",
    "..#####..",
  ],
  "0": [
    "..#####..",
    ".##...##.",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    "##.....##",
    ".##...##.",
    "..#####..",
  ],
  // A 5 whose thin stem the scan lost: a flat top bar over the bowl.
  S: [
    ".########",
    ".........",
    ".........",
    ".........",
    ".........",
    ".........",
    "....###..",
    ".###..##.",
    ".......##",
    ".......##",
    "##.....##",
    "##.....##",
    ".##...##.",
    "..#####..",
  ],
  "7": [
    "#########",
    "#......##",
    "......##.",
    "......##.",
    ".....##..",
    ".....##..",
    "....##...",
    "....##...",
    "...##....",
    "...##....",
    "...##....",
    "..##.....",
    "..##.....",
    "..##.....",
  ],
  ".": [...Array(12).fill(".."), "##", "##"],
};

/** A mask holding `text` (characters of GLYPHS) on one line, and the line's box. */
function printed(text: string): { mask: InkMask; box: { x0: number; y0: number; x1: number; y1: number } } {
  const width = 12 + 12 * text.length;
  const height = 30;
  const data = new Uint8Array(width * height);
  let x = 6;
  for (const ch of text) {
    const rows = GLYPHS[ch]!;
    rows.forEach((row, dy) => [...row].forEach((c, dx) => c === "#" && (data[(8 + dy) * width + x + dx] = 1)));
    x += rows[0]!.length + 2;
  }
  return { mask: { width, height, data }, box: { x0: 2, y0: 4, x1: x + 2, y1: 26 } };
}

describe("glyphBoxes", () => {
  it("cuts a line of separate glyphs into one tight box each", () => {
    const { mask, box } = printed("7.5");
    const g = glyphBoxes(mask, box);
    expect(g).toHaveLength(3);
    expect(g[0]).toEqual({ x0: 6, x1: 15, y0: 8, y1: 22 });
    expect(g[1]).toEqual({ x0: 17, x1: 19, y0: 20, y1: 22 });
  });
});

describe("glyphsOfCharacters", () => {
  it("pairs each glyph with its character when their sizes fit", () => {
    const { mask, box } = printed("7.5");
    expect(glyphsOfCharacters("7.5", mask, box)).toEqual(glyphBoxes(mask, box));
  });

  it("refuses a pairing where the count matches but a glyph has not its character's size", () => {
    const { mask, box } = printed("7.5");
    expect(glyphsOfCharacters("75.", mask, box)).toBeUndefined();
    expect(glyphsOfCharacters("75", mask, box)).toBeUndefined();
  });
});

describe("threeOrFive", () => {
  it("tells a 3 from a 5 by the upper half of the glyph", () => {
    const { mask, box } = printed("35");
    const [three, five] = glyphBoxes(mask, box);
    expect(threeOrFive(mask, three!)).toBe("3");
    expect(threeOrFive(mask, five!)).toBe("5");
  });

  it("knows a 5 that lost its stem by its flat top bar and the empty right side under it", () => {
    const { mask, box } = printed("S");
    expect(threeOrFive(mask, glyphBoxes(mask, box)[0]!)).toBe("5");
  });

  it("leaves open a glyph that is neither, or too small to tell", () => {
    const { mask, box } = printed("0.");
    const [zero, point] = glyphBoxes(mask, box);
    expect(threeOrFive(mask, zero!)).toBeUndefined();
    expect(threeOrFive(mask, point!)).toBeUndefined();
  });
});

describe("agreedReading: a 3 against a 5", () => {
  it("takes the digit the glyph's shape shows, whichever engine read it", () => {
    const { mask, box } = printed("7.5");
    expect(agreedReading("7.3", "7.5", mask, box)).toBe("7.5");
    expect(agreedReading("7.5", "7.3", mask, box)).toBe("7.5");
    const three = printed("33");
    expect(agreedReading("35", "53", three.mask, three.box)).toBe("33");
  });

  it("does not settle other differences, or when the glyphs cannot be paired with the characters", () => {
    const { mask, box } = printed("7.5");
    expect(agreedReading("7.5", "7.8", mask, box)).toBeNull();
    // "75" has two characters, the ink three glyphs.
    expect(agreedReading("75", "73", mask, box)).toBeNull();
    // Text, not a number.
    const t = printed("5");
    expect(agreedReading("第5", "第3", t.mask, t.box)).toBeNull();
  });
});

describe("readLinesTwice: a 3 or 5 with the other digit's shape", () => {
  const { mask, box } = printed("7.5");
  const grey = { width: mask.width, height: mask.height, data: new Uint8Array(mask.width * mask.height).fill(255) };
  const job = { rect: { x0: 0, y0: 0, x1: mask.width, y1: mask.height }, bands: [box] };
  const paddle = (text: string, confidence: number) =>
    ({ recognizeLine: async () => ({ text, raw: text, confidence, meanConfidence: confidence, chars: [], xs: [], inputWidth: 160 }) }) as unknown as PaddleRecognizer;
  const tesseract = (text: string) => {
    const calls: unknown[] = [];
    const pool = { recognize: async (...a: unknown[]) => (calls.push(a), [{ text, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, confidence: 0.9 }]) } as unknown as OcrPool;
    return { pool, calls };
  };

  it("both engines read 7.3 where the glyph is a 5: taken as 7.5, in doubt", async () => {
    const [item] = await readLinesTwice(grey, mask, 200, [job], paddle("7.3", 0.85), tesseract("7.3").pool);
    expect(item?.text).toBe("7.5");
    expect(item?.doubt?.code).toBe("unsure_digits");
    expect(item?.doubt?.message).toContain('the glyphs\' shapes say "7.5"');
  });

  it("a sure PP-OCR reading with such a digit is checked by Tesseract as well", async () => {
    const t = tesseract("7.3");
    const [item] = await readLinesTwice(grey, mask, 200, [job], paddle("7.3", 0.999), t.pool);
    expect(t.calls.length).toBeGreaterThan(0);
    expect(item?.text).toBe("7.5");
    // A reading the shapes agree with stays sure and unchecked.
    const ok = tesseract("7.5");
    const [sure] = await readLinesTwice(grey, mask, 200, [job], paddle("7.5", 0.999), ok.pool);
    expect(ok.calls).toHaveLength(0);
    expect(sure?.doubt).toBeUndefined();
  });
});
