import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "./decodeImage.js";
import type { GreyImage, PixelRect } from "./greyImage.js";
import {
  ctcGreedyDecode,
  normalizePaddleText,
  PaddleRecognizer,
  paddleInput,
  paddleModelFiles,
  readPaddleDictionary,
  sameReading,
} from "./PaddleRecognizer.js";
import { bestPerStep } from "./paddleRunner.js";

/** Tight box of the pixels darker than 128 inside `r` (a cell interior without its borders). */
function inkBox(img: GreyImage, r: PixelRect): PixelRect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = r.y0; y < r.y1; y++) {
    for (let x = r.x0; x < r.x1; x++) {
      if (img.data[y * img.width + x]! < 128) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
    }
  }
  return { x0, y0, x1, y1 };
}

describe("PP-OCRv4 line recogniser", () => {
  // A 300-dpi crop of page 1 of scan/000_f5e7e42ab4334a59.pdf (shared with ocr.test.ts).
  const png = new Uint8Array(readFileSync(new URL("../test-fixtures/scan000-p1-funds.png", import.meta.url)));
  const image = decodeImage(png)[0]!.image;
  let rec: PaddleRecognizer;
  beforeAll(async () => {
    rec = await PaddleRecognizer.create({ threads: 1 });
  });
  afterAll(async () => {
    await rec.close();
  });

  it("reads cell lines of a scanned table, with per-character probabilities", async () => {
    const cells: [PixelRect, string][] = [
      [{ x0: 50, y0: 62, x1: 265, y1: 150 }, "项目名称"],
      [{ x0: 50, y0: 162, x1: 265, y1: 250 }, "主管部门"],
      [{ x0: 510, y0: 262, x1: 795, y1: 350 }, "年初预算数"],
      [{ x0: 280, y0: 362, x1: 495, y1: 430 }, "年度资金"],
      [{ x0: 510, y0: 362, x1: 795, y1: 500 }, "1200000.00"],
    ];
    for (const [cell, want] of cells) {
      const r = await rec.recognizeLine(image, inkBox(image, cell));
      expect(r.text).toBe(want);
      expect(r.chars.map((c) => c.char).join("")).toBe(want);
      expect(r.confidence).toBeGreaterThan(0.9);
      expect(r.meanConfidence).toBeGreaterThanOrEqual(r.confidence);
      for (const c of r.chars) expect(c.confidence).toBeLessThanOrEqual(1);
      // Each character's position on the page: in reading order, inside the ink box, spread over it.
      const box = inkBox(image, cell);
      expect(r.xs).toHaveLength(r.chars.length);
      for (let i = 1; i < r.xs.length; i++) expect(r.xs[i]!).toBeGreaterThan(r.xs[i - 1]!);
      expect(r.xs[0]!).toBeGreaterThan(box.x0 - 2);
      expect(r.xs.at(-1)!).toBeLessThan(box.x1 + 2);
      expect(r.xs.at(-1)! - r.xs[0]!).toBeGreaterThan(0.6 * (box.x1 - box.x0));
    }
    expect(rec.stats.lines).toBeGreaterThanOrEqual(cells.length);
  });

  it("reads a line in a grey, low-contrast crop (paper 215, ink 40)", async () => {
    const box = inkBox(image, { x0: 510, y0: 362, x1: 795, y1: 500 });
    const grey: GreyImage = { width: image.width, height: image.height, data: image.data.map((v) => Math.round(40 + (v * 175) / 255)) };
    const r = await rec.recognizeLine(grey, box, { stretch: false });
    expect(r.text).toBe("1200000.00");
  });

  it("frees each finished line's buffers in the model's worker, also when lines are sent ahead", async () => {
    // `rec` uses the default (0 bytes): a collection after every line.
    const boxes = [
      inkBox(image, { x0: 50, y0: 62, x1: 265, y1: 150 }),
      inkBox(image, { x0: 510, y0: 262, x1: 795, y1: 350 }),
      inkBox(image, { x0: 510, y0: 362, x1: 795, y1: 500 }),
    ];
    const lines0 = rec.stats.lines;
    const collections0 = rec.collections;
    const together = await Promise.all(boxes.map((b) => rec.recognizeLine(image, b)));
    expect(rec.stats.lines - lines0).toBe(boxes.length);
    expect(rec.collections - collections0).toBe(boxes.length);
    // Taken one at a time in the worker, the lines read as they do one after the other.
    for (const [i, b] of boxes.entries()) expect((await rec.recognizeLine(image, b)).text).toBe(together[i]!.text);
    expect(together.map((r) => r.text)).toEqual(["项目名称", "年初预算数", "1200000.00"]);
  });

  it("leaves the worker's buffers to V8 below the release threshold", async () => {
    const lazy = await PaddleRecognizer.create({ threads: 1, releaseAfterBytes: 2 ** 40 });
    try {
      const r = await lazy.recognizeLine(image, inkBox(image, { x0: 50, y0: 62, x1: 265, y1: 150 }));
      expect(r.text).toBe("项目名称");
      expect(lazy.collections).toBe(0);
    } finally {
      await lazy.close();
    }
  });

  it("reads the same with two one-thread sessions as with one, lines sent ahead", async () => {
    const boxes = [
      inkBox(image, { x0: 50, y0: 62, x1: 265, y1: 150 }),
      inkBox(image, { x0: 510, y0: 262, x1: 795, y1: 350 }),
      inkBox(image, { x0: 510, y0: 362, x1: 795, y1: 500 }),
      inkBox(image, { x0: 510, y0: 62, x1: 795, y1: 150 }),
    ];
    const two = await PaddleRecognizer.create({ threads: 1, workers: 2 });
    try {
      const pooled = await Promise.all(boxes.map((b) => two.recognizeLine(image, b)));
      const single = await Promise.all(boxes.map((b) => rec.recognizeLine(image, b)));
      expect(pooled.map((r) => [r.text, r.confidence])).toEqual(single.map((r) => [r.text, r.confidence]));
      expect(pooled[2]!.text).toBe("1200000.00");
      for (const r of pooled) expect(r.text).not.toBe("");
    } finally {
      await two.close();
    }
    await expect(two.recognizeLine(image, boxes[0]!)).rejects.toThrow("closed");
  });

  it("gives an empty reading for an empty rectangle and for blank paper", async () => {
    expect((await rec.recognizeLine(image, { x0: 10, y0: 10, x1: 10, y1: 30 })).text).toBe("");
    const blank = await rec.recognizeLine(image, { x0: 0, y0: 0, x1: 200, y1: 40 });
    expect(blank.text).toBe("");
    expect(blank.confidence).toBe(0);
  });
});

describe("PP-OCRv4 helpers", () => {
  it("finds the model and a dictionary with the forms' symbols", () => {
    const files = paddleModelFiles();
    const dict = readPaddleDictionary(files.dictionaryPath);
    expect(dict).toHaveLength(6625);
    expect(dict[0]).toBe("");
    expect(dict.at(-1)).toBe(" ");
    for (const ch of ["≥", "≤", "‰", "±", "％", "%", "（", "）", "：", "，", "、", "万", "元", "绩", "效"]) expect(dict).toContain(ch);
  });

  it("scales the input to height 48 and pads it to the minimum width (64, or PaddleOCR's 320)", () => {
    const line: GreyImage = { width: 16, height: 24, data: new Uint8Array(16 * 24).fill(255) };
    const x = paddleInput(line);
    expect(x.contentWidth).toBe(32);
    expect(x.width).toBe(64);
    expect(x.data).toHaveLength(3 * 48 * 64);
    expect(x.data[0]).toBe(1); // white → 1
    expect(x.data[40]).toBe(0); // padding
    expect(paddleInput(line, 320).width).toBe(320);
    expect(paddleInput({ width: 40, height: 24, data: new Uint8Array(40 * 24) }).width).toBe(80);
  });

  it("decodes CTC output: repeats merged, blanks dropped, the best probability kept", () => {
    const dict = ["", "a", "b", " "];
    // steps: a a _ a b b
    const steps = [
      [0.1, 0.8, 0.05, 0.05],
      [0.05, 0.9, 0.03, 0.02],
      [0.9, 0.05, 0.03, 0.02],
      [0.2, 0.7, 0.05, 0.05],
      [0.1, 0.1, 0.6, 0.2],
      [0.1, 0.1, 0.7, 0.1],
    ];
    const best = bestPerStep(new Float32Array(steps.flat()), [1, steps.length, 4]);
    expect([...best.index]).toEqual([1, 1, 0, 1, 2, 2]);
    const out = ctcGreedyDecode(best, dict);
    expect(out.map((c) => c.char).join("")).toBe("aab");
    expect(out.map((c) => c.confidence)).toEqual([Math.fround(0.9), Math.fround(0.7), Math.fround(0.7)]);
    // The steps each character was read at: first and last.
    expect(out.map((c) => c.steps)).toEqual([[0, 1], [3, 3], [4, 5]]);
    // The runner-up character over each character's steps (never the blank, never itself).
    expect(out.map((c) => c.alternative?.char)).toEqual(["b", "b", " "]);
    expect(out[2]!.alternative!.confidence).toBe(Math.fround(0.2));
  });

  it("keeps the best character hidden under a blank as a step's runner-up", () => {
    const best = bestPerStep(new Float32Array([0.6, 0.3, 0.1, 0, 0.2, 0.1, 0.7, 0]), [1, 2, 4]);
    expect([...best.index]).toEqual([0, 2]);
    expect([...best.second]).toEqual([1, 1]);
    expect([...best.secondProb]).toEqual([Math.fround(0.3), Math.fround(0.1)]);
  });

  it("writes punctuation as the forms do: full-width next to Chinese, ASCII in numbers", () => {
    expect(normalizePaddleText("资金(万元):")).toBe("资金（万元）：");
    expect(normalizePaddleText("1,234.56")).toBe("1,234.56");
    expect(normalizePaddleText("≥95%")).toBe("≥95%");
    expect(normalizePaddleText("９５％")).toBe("95%");
    expect(normalizePaddleText("完成率 100%")).toBe("完成率 100%");
    expect(normalizePaddleText("（一) 根据")).toBe("（一）根据");
    // A thinned 一 read in pieces between Chinese characters.
    expect(normalizePaddleText("围绕“一-网通办”")).toBe("围绕“一网通办”");
    expect(normalizePaddleText("还需要进-一-步分析")).toBe("还需要进一步分析");
    expect(normalizePaddleText("一-级指标")).toBe("一级指标");
    expect(normalizePaddleText("逐一一对应")).toBe("逐一一对应");
    expect(normalizePaddleText("2022-一季度")).toBe("2022-一季度");
  });
});

describe("readingKey", () => {
  it("compares readings across full/half-width punctuation, spaces and dash forms", () => {
    expect(sameReading("资金（万元）：", "资金(万元):")).toBe(true);
    expect(sameReading("≥320 天", "≥320天")).toBe(true);
    expect(sameReading("—", "-")).toBe(true);
    expect(sameReading("预期目标", "预期自标")).toBe(false);
    expect(sameReading("100%", "100％")).toBe(true);
  });
});
