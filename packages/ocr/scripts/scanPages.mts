// For the debug scripts: each scanned page of a PDF as the page pipeline starts from it
// (embedded image, turned upright, clamped), so the scripts follow the pipeline's first steps.
import fs from "node:fs";
import { DEFAULT_MAX_IMAGE_PIXELS, loadPdfjs, withPdf } from "@jixiao/pdf";
import { embeddedPageImage, rotateQuarter } from "../src/pdfImages.js";
import { orientPage } from "../src/orientPage.js";
import { clampPixels, type GreyImage } from "../src/greyImage.js";

export type ScanPage = { n: number; image: GreyImage; dpi: number };

/** Calls `fn` for each page (1-based; all when `pages` is empty) that has an embedded image. */
export async function forEachScanPage(file: string, pages: readonly number[], fn: (page: ScanPage) => void | Promise<void>): Promise<void> {
  const data = new Uint8Array(fs.readFileSync(file));
  await withPdf(data, async (doc) => {
    const { OPS } = await loadPdfjs();
    for (let n = 1; n <= doc.numPages; n++) {
      if (pages.length && !pages.includes(n)) continue;
      const emb = await embeddedPageImage(await doc.getPage(n), OPS, { maxPixels: DEFAULT_MAX_IMAGE_PIXELS });
      if (!emb) continue;
      const { rotation } = orientPage(emb.image, emb.dpi);
      const { image, scale } = clampPixels(rotateQuarter(emb.image, rotation), 40_000_000);
      await fn({ n, image, dpi: emb.dpi * scale });
    }
  });
}
