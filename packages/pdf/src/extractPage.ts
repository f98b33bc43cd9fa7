import type { Page } from "@jixiao/schemas";
import { extractRulings } from "./extractRulings.js";
import { extractTextItems } from "./extractTextItems.js";
import type { PdfDocument } from "./withPdf.js";

/**
 * Extracts one page (1-based) into the page model: size from the viewport at scale 1 with
 * /Rotate applied, text runs and rulings in points with a top-left origin. Frees the page's
 * resources afterwards.
 */
export async function extractPage(pdf: PdfDocument, pageNumber: number): Promise<Page> {
  const page = await pdf.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const rulings = await extractRulings(page, viewport);
    const items = await extractTextItems(page, viewport, rulings);
    return {
      number: pageNumber,
      width: viewport.width,
      height: viewport.height,
      unit: "pt",
      origin: "top-left",
      items,
      rulings,
      tables: [],
    };
  } finally {
    page.cleanup();
  }
}
