import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { decodeImage } from "./decodeImage.js";
import { extractImage } from "./extractImage.js";
import { extractScanPdf } from "./extractScanPdf.js";
import { OcrPool } from "./OcrPool.js";
import { createScanExtractor } from "./scanExtractor.js";
import { checkLangData } from "./tessdata.js";
import { imagePdf } from "../test-fixtures/imagePdf.js";
import { buildPdf } from "../test-fixtures/pdfWriter.js";
import { withPdf } from "@jixiao/pdf";
import { rng } from "../test-fixtures/synthetic.js";
import { resizeArea } from "./greyImage.js";
import { rotateImage } from "./rotateImage.js";

const fixture = new URL("../test-fixtures/scan000-p1-funds.png", import.meta.url);
const png = new Uint8Array(readFileSync(fixture));
const meta = { file: "scan000-p1-funds.png", sha256: "0".repeat(64) };
const cellTexts = (page: Page) => buildTables(page).flatMap((t) => t.cells.map((c) => c.text));

describe("OCR of a scanned table (crop of page 1 of scan/000_f5e7e42ab4334a59.pdf)", () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await OcrPool.create({ size: 2 });
  });
  afterAll(async () => {
    await pool.terminate();
  });

  it("reads the label cell 项目名称 and the amount 1200000.00 into their cells", async () => {
    const doc = await extractImage(png, meta, { pool });
    expect(doc.inputKind).toBe("image");
    expect(doc.pages).toHaveLength(1);
    const page = doc.pages[0]!;
    expect(page.unit).toBe("px");
    expect(page.image).toMatchObject({ width: 820, height: 520, dpi: 300 });
    expect(Math.abs(page.image!.skewDegrees)).toBeLessThan(0.5);
    expect(page.rulings.length).toBeGreaterThanOrEqual(8);
    const texts = cellTexts(page);
    expect(texts).toContain("项目名称");
    expect(texts).toContain("主管部门");
    expect(texts).toContain("年初预算数");
    expect(texts).toContain("1200000.00");
    for (const it of page.items) {
      expect(it.origin).toBe("ocr");
      expect(it.confidence).toBeGreaterThanOrEqual(0);
      expect(it.confidence).toBeLessThanOrEqual(1);
      expect(it.bbox.x0).toBeGreaterThanOrEqual(0);
      expect(it.bbox.x1).toBeLessThanOrEqual(820);
    }
    // Whitespace between Chinese characters is gone.
    expect(page.items.some((i) => /[\u4e00-\u9fff] [\u4e00-\u9fff]/.test(i.text))).toBe(false);
  });

  it("reads a page scanned finer than maxDpi at maxDpi (its pixels and dpi scaled alike)", async () => {
    const doc = await extractImage(png, meta, { pool, maxDpi: 200 });
    const page = doc.pages[0]!;
    // 300 → 200 dpi: 2/3 of 820 × 520.
    expect(page.image).toMatchObject({ width: 546, height: 346, dpi: 200 });
    expect(cellTexts(page)).toContain("1200000.00");
  });

  it("reads the same crop wrapped in an image-only PDF, with dpi from the page size, and leaves the pool running", async () => {
    const [decoded] = decodeImage(png);
    const pdf = imagePdf(decoded!.image, 300);
    const doc = await extractScanPdf(pdf, { file: "crop.pdf", sha256: "0".repeat(64) }, { pool });
    expect(doc.inputKind).toBe("pdf");
    const page = doc.pages[0]!;
    expect(page.image!.dpi).toBeCloseTo(300, 1);
    expect(page.width).toBe(820);
    const texts = cellTexts(page);
    expect(texts).toContain("项目名称");
    expect(texts).toContain("1200000.00");
    // The caller's pool is still usable.
    const lines = await pool.recognize(decoded!.image, { x0: 50, y0: 60, x1: 265, y1: 150 }, 7);
    expect(lines.map((l) => l.text).join("")).toBe("项目名称");
  });
});

describe("other scans", () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await OcrPool.create({ size: 2 });
  });
  afterAll(async () => {
    await pool.terminate();
  });
  const [decoded] = decodeImage(png);

  for (const encoding of ["dct", "bilevel"] as const) {
    it(`reads a page whose image is ${encoding === "dct" ? "a colour JPEG" : "1 bit per pixel"}`, async () => {
      const doc = await extractScanPdf(imagePdf(decoded!.image, 300, encoding), meta, { pool });
      const texts = cellTexts(doc.pages[0]!);
      expect(texts).toContain("项目名称");
      expect(texts).toContain("1200000.00");
    });
  }

  it("reads a darker, noisier, rotated scan at 200 dpi", async () => {
    const rand = rng(5);
    let img = rotateImage(decoded!.image, -1.2);
    img = resizeArea(img, Math.round((img.width * 2) / 3), Math.round((img.height * 2) / 3));
    // Grey paper, weaker ink, grain.
    for (let i = 0; i < img.data.length; i++) {
      img.data[i] = Math.max(0, Math.min(255, Math.round(img.data[i]! * 0.64 + 32 + (rand() - 0.5) * 48)));
    }
    const doc = await extractScanPdf(imagePdf(img, 200), meta, { pool });
    const page = doc.pages[0]!;
    expect(page.image!.dpi).toBeCloseTo(200, 0);
    expect(page.image!.skewDegrees).toBeCloseTo(-1.2 - 0.07, 0);
    const texts = cellTexts(page);
    expect(texts).toContain("项目名称");
    expect(texts).toContain("主管部门");
    expect(texts).toContain("1200000.00");
    expect(texts).toContain("年度资金总额"); // two lines in one cell
  });
});

describe("failures", () => {
  it("a terminated pool fails every page of a multi-page PDF cleanly", async () => {
    const pool = await OcrPool.create({ size: 1 });
    await pool.terminate();
    const [decoded] = decodeImage(png);
    const pdf = imagePdf(decoded!.image, 300, "flate", 3);
    await expect(extractScanPdf(pdf, meta, { pool })).rejects.toThrow(/terminated/);
  });

  it("reads only the requested pages", async () => {
    const pool = await OcrPool.create({ size: 2 });
    try {
      const [decoded] = decodeImage(png);
      const doc = await extractScanPdf(imagePdf(decoded!.image, 300, "flate", 3), meta, { pool, pages: [3, 2] });
      expect(doc.pages.map((p) => p.number)).toEqual([2, 3]);
      expect(cellTexts(doc.pages[1]!)).toContain("项目名称");
    } finally {
      await pool.terminate();
    }
  });
});

describe("createScanExtractor (the pipeline's extractScan hook)", () => {
  it("OCRs image files, and only the text-less pages of a PDF", async () => {
    const pool = await OcrPool.create({ size: 1 });
    try {
      const { extractScan, close } = createScanExtractor({ pool });
      const img = await extractScan(png, meta, null);
      expect(img.inputKind).toBe("image");
      expect(cellTexts(img.pages[0]!)).toContain("1200000.00");

      const [decoded] = decodeImage(png);
      const pdf = imagePdf(decoded!.image, 300);
      const textLayer = {
        file: "crop.pdf",
        sha256: "0".repeat(64),
        inputKind: "pdf" as const,
        pages: [{ number: 1, width: 196.8, height: 124.8, unit: "pt" as const, origin: "top-left" as const, items: [], rulings: [], tables: [] }],
      };
      const merged = await extractScan(pdf, { file: "crop.pdf", sha256: "0".repeat(64) }, textLayer);
      expect(merged.pages).toHaveLength(1);
      expect(merged.pages[0]!.unit).toBe("px");
      expect(cellTexts(merged.pages[0]!)).toContain("项目名称");
      await close(); // leaves the caller's pool alone
      expect((await pool.recognize(decoded!.image, { x0: 50, y0: 60, x1: 265, y1: 150 }, 7)).length).toBe(1);
    } finally {
      await pool.terminate();
    }
  });
});

describe("extractScanPdf on a document the caller has open", () => {
  it("starts no engine for blank pages, reads the page with an image, and leaves the document open", async () => {
    const [decoded] = decodeImage(png);
    const scan = imagePdf(decoded!.image, 300);
    const blank = buildPdf([{ width: 595, height: 842, images: {}, content: "" }]);
    let connected = 0;
    const connect = async () => {
      connected++;
      throw new Error("no engine should be needed");
    };
    await withPdf(blank, async (pdf) => {
      const doc = await extractScanPdf(pdf, meta, { connect });
      expect(doc.pages[0]).toMatchObject({ unit: "pt", items: [] });
      expect(doc.pages[0]!.image).toBeUndefined();
      expect(pdf.numPages).toBe(1); // still open
    });
    expect(connected).toBe(0);
    const pool = await OcrPool.create({ size: 1 });
    try {
      await withPdf(scan, async (pdf) => {
        const doc = await extractScanPdf(pdf, meta, { connect: async () => (connected++, { pool }) });
        expect(cellTexts(doc.pages[0]!)).toContain("项目名称");
        expect((await pdf.getPage(1)).pageNumber).toBe(1); // still open
      });
      expect(connected).toBe(1);
    } finally {
      await pool.terminate();
    }
  });
});

describe("language data", () => {
  it("fails fast with OCR_UNAVAILABLE naming the path and the Debian package", async () => {
    const empty = mkdtempSync(join(tmpdir(), "no-tessdata-"));
    const err = await OcrPool.create({ langPath: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("OCR_UNAVAILABLE");
    expect((err as JixiaoError).message).toContain(join(empty, "chi_sim.traineddata"));
    expect((err as JixiaoError).message).toContain("tesseract-ocr-chi-sim");
    // extractImage without a pool fails the same way.
    await expect(extractImage(png, meta, { langPath: empty })).rejects.toMatchObject({ code: "OCR_UNAVAILABLE" });
    expect(readdirSync(empty)).toEqual([]);
  });

  it("finds Debian's tessdata by default", () => {
    expect(existsSync(checkLangData("chi_sim+eng"))).toBe(true);
  });
});
