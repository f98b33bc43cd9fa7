import type { Page } from "@jixiao/schemas";
import { extractRulings } from "./extractRulings.js";
import { glyphsOf, mergeGlyphs } from "./extractTextItems.js";
import type { PdfDocument } from "./withPdf.js";

/**
 * Extracts one page (1-based) into the page model: size from the viewport at scale 1 with
 * /Rotate applied, text runs and rulings in points with a top-left origin. Frees the page's
 * resources afterwards.
 *
 * The text content is read first. A page without text (a scan, or a blank page) is returned
 * with no items and no rulings and its operator list is never built: building it makes pdf.js
 * decode every image the page paints, and the scan path (which decides whether the page holds
 * an image to read) decodes them anyway.
 */
export async function extractPage(pdf: PdfDocument, pageNumber: number): Promise<Page> {
  const page = await pdf.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const glyphs = glyphsOf(await page.getTextContent(), viewport);
    const hasText = glyphs.some((g) => !g.space);
    const rulings = hasText ? await extractRulings(page, viewport) : [];
    return {
      number: pageNumber,
      width: viewport.width,
      height: viewport.height,
      unit: "pt",
      origin: "top-left",
      items: hasText ? mergeGlyphs(glyphs, rulings) : [],
      rulings,
      tables: [],
    };
  } finally {
    page.cleanup();
  }
}
