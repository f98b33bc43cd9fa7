import { JixiaoError } from "@jixiao/core";
import type { DocumentModel, Page } from "@jixiao/schemas";
import { extractPage } from "./extractPage.js";
import { withPdf, type PdfDocument } from "./withPdf.js";

export type ExtractPdfOptions = {
  /** Most pages accepted: checked on the page count before any page is extracted (OVER_LIMIT). */
  maxPages?: number;
  /** Largest image (pixels) pdf.js decodes; larger images are left out. Default: no limit. */
  maxImageSize?: number;
};

/** Extracts every page of a digital PDF, one page at a time, into the document model. */
export function extractPdf(data: Uint8Array, meta: { file: string; sha256: string }, options: ExtractPdfOptions = {}): Promise<DocumentModel> {
  return withPdf(
    data,
    (pdf) => extractPages(pdf, meta, options),
    { file: meta.file, ...(options.maxImageSize === undefined ? {} : { maxImageSize: options.maxImageSize }) },
  );
}

/** extractPdf on a document the caller has open (and closes). */
export async function extractPages(pdf: PdfDocument, meta: { file: string; sha256: string }, options: Pick<ExtractPdfOptions, "maxPages"> = {}): Promise<DocumentModel> {
  if (options.maxPages !== undefined && pdf.numPages > options.maxPages) {
    throw new JixiaoError("OVER_LIMIT", `${meta.file}: ${pdf.numPages} pages, the limit is ${options.maxPages}`, { file: meta.file });
  }
  const pages: Page[] = [];
  for (let n = 1; n <= pdf.numPages; n++) pages.push(await extractPage(pdf, n));
  return { file: meta.file, sha256: meta.sha256, inputKind: "pdf" as const, pages };
}
