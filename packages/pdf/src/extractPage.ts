import type { Page } from "@jixiao/schemas";
import { extractRulings } from "./extractRulings.js";
import { extractTextItems } from "./extractTextItems.js";
import { loadPdfjs, type PdfDocument } from "./withPdf.js";

const withImages = new WeakSet<Page>();

/**
 * True when extractPage saw the page paint an image (a scan to OCR); false for a page without
 * text that is simply blank. Known only for pages extractPage returned in this process.
 */
export function paintsImage(page: Page): boolean {
  return withImages.has(page);
}

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
    const result: Page = {
      number: pageNumber,
      width: viewport.width,
      height: viewport.height,
      unit: "pt",
      origin: "top-left",
      items,
      rulings,
      tables: [],
    };
    const { OPS, AnnotationMode } = await loadPdfjs();
    // The same operator list extractRulings read (pdf.js keeps it per intent).
    const ops = await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
    const imageOps = new Set<number>([
      OPS.paintImageXObject, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObject, OPS.paintImageMaskXObjectGroup,
      OPS.paintImageMaskXObjectRepeat, OPS.paintInlineImageXObject, OPS.paintInlineImageXObjectGroup,
    ]);
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (imageOps.has(ops.fnArray[i]!)) {
        withImages.add(result);
        break;
      }
    }
    return result;
  } finally {
    page.cleanup();
  }
}
