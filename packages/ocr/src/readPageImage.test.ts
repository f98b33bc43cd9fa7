import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { decodeImage } from "./decodeImage.js";
import { OcrPool } from "./OcrPool.js";
import { rotateQuarter } from "./pdfImages.js";
import { readPageImage } from "./readPageImage.js";

const png = new Uint8Array(readFileSync(new URL("../test-fixtures/scan000-p1-funds.png", import.meta.url)));
const cellTexts = (page: Page) => buildTables(page).flatMap((t) => t.cells.map((c) => c.text));

describe("readPageImage: a page scanned upside down or sideways", () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await OcrPool.create({ size: 2 });
  });
  afterAll(async () => {
    await pool.terminate();
  });

  for (const turn of [180, 90] as const) {
    it(`reads a table turned by ${turn}° the right way up and says which turn it applied`, async () => {
      const [decoded] = decodeImage(png);
      // The scan lies turned by `turn` clockwise: turning it back is (360 − turn).
      const turned = rotateQuarter(decoded!.image, turn);
      const { page } = await readPageImage(turned, 1, 300, pool);
      expect(page.image?.rotation).toBe((360 - turn) % 360);
      expect(page.image).toMatchObject({ width: 820, height: 520 });
      const texts = cellTexts(page);
      expect(texts).toContain("项目名称");
      expect(texts).toContain("1200000.00");
    });
  }
});
