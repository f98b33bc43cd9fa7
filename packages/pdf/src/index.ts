export { withPdf, openPdf, mapPdfError, loadPdfjs, pageCount, hasPdfHeader, type PdfDocument, type WithPdfOptions } from "./withPdf.js";
export { extractPage } from "./extractPage.js";
export { extractPdf } from "./extractPdf.js";
export { extractRulings, collectRulingSegments, mergeRulings, multiply, type Matrix } from "./extractRulings.js";
export { extractTextItems, glyphFromItem, mergeGlyphs, type Glyph } from "./extractTextItems.js";
