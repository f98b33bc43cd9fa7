import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { decodeImage } from "./decodeImage.js";
import { OcrPool } from "./OcrPool.js";
import { ocrPageImage } from "./ocrPageImage.js";
import { PaddleRecognizer } from "./PaddleRecognizer.js";

const png = new Uint8Array(readFileSync(new URL("../test-fixtures/scan000-p1-funds.png", import.meta.url)));
const cellTexts = (page: Page) => buildTables(page).flatMap((t) => t.cells.map((c) => c.text));
const image = () => decodeImage(png)[0]!.image;

describe("two OCR engines on a scanned table (PP-OCR reads, Tesseract checks)", () => {
  let pool: OcrPool;
  let paddle: PaddleRecognizer;
  beforeAll(async () => {
    pool = await OcrPool.create({ size: 2 });
    paddle = await PaddleRecognizer.create();
  });
  afterAll(async () => {
    await pool.terminate();
    await paddle.close();
  });

  it("reads the cells, sure readings at high confidence, with no doubt on a clean scan", async () => {
    const { page } = await ocrPageImage(image(), 1, 300, pool, { paddle });
    const texts = cellTexts(page);
    for (const t of ["项目名称", "主管部门", "年初预算数", "1200000.00"]) expect(texts).toContain(t);
    for (const t of ["项目名称", "主管部门", "年初预算数", "1200000.00"]) {
      expect(page.items.find((i) => i.text === t)?.confidence).toBeGreaterThanOrEqual(0.99);
    }
    // (The crop cuts cells at its edges: those fragments may be in doubt.)
    expect(page.items.filter((i) => i.doubt && [...i.text].length > 2)).toEqual([]);
  });

  it("a reading PP-OCR is unsure of goes to Tesseract: agreement confirms, disagreement is a doubt naming both", async () => {
    // A PP-OCR that is unsure of everything, and wrong about one cell.
    const unsure = {
      recognizeLine: async (img: Parameters<PaddleRecognizer["recognizeLine"]>[0], rect: Parameters<PaddleRecognizer["recognizeLine"]>[1]) => {
        const r = await paddle.recognizeLine(img, rect);
        const text = r.text === "1200000.00" ? "1200000.80" : r.text;
        return { ...r, text, confidence: Math.min(r.confidence, 0.9) };
      },
    } as unknown as PaddleRecognizer;
    const { page } = await ocrPageImage(image(), 1, 300, pool, { paddle: unsure });
    const amount = page.items.find((i) => i.text === "1200000.80");
    expect(amount?.doubt?.code).toBe("ocr_disagreement");
    expect(amount?.doubt?.message).toContain('PP-OCR "1200000.80", Tesseract "1200000.00"');
    expect(amount?.confidence).toBeLessThan(0.9);
    const name = page.items.find((i) => i.text === "项目名称");
    expect(name?.doubt).toBeUndefined();
    expect(name?.confidence).toBeGreaterThanOrEqual(0.99);
  });
});
