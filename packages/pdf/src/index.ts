export { withPdf, openPdf, mapPdfError, loadPdfjs, pageCount, hasPdfHeader, type PdfDocument, type WithPdfOptions } from "./withPdf.js";
export { extractPage } from "./extractPage.js";
export { extractPdf, extractPages, type ExtractPdfOptions } from "./extractPdf.js";
export { extractRulings, collectRulingSegments, mergeRulings, multiply, type Matrix } from "./extractRulings.js";
export { glyphsOf, glyphFromItem, mergeGlyphs, type Glyph } from "./extractTextItems.js";
export { preflightPdf, flateLayers, inflatedSize, DEFAULT_MAX_STREAM_BYTES, DEFAULT_MAX_IMAGE_PIXELS, type PdfPreflightOptions } from "./preflight.js";
