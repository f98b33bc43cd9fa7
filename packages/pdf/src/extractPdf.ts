import type { DocumentModel, Page } from "@jixiao/schemas";
import { extractPage } from "./extractPage.js";
import { withPdf } from "./withPdf.js";

/** Extracts every page of a digital PDF, one page at a time, into the document model. */
export function extractPdf(data: Uint8Array, meta: { file: string; sha256: string }): Promise<DocumentModel> {
  return withPdf(
    data,
    async (pdf) => {
      const pages: Page[] = [];
      for (let n = 1; n <= pdf.numPages; n++) pages.push(await extractPage(pdf, n));
      return { file: meta.file, sha256: meta.sha256, inputKind: "pdf" as const, pages };
    },
    { file: meta.file },
  );
}
