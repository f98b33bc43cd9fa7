import { JixiaoError } from "@jixiao/core";
import { checkBytes, extractDocument, extractPdfPage, readInput, sha256Of, type ProcessOptions } from "@jixiao/pipeline";
import type { PdfCache } from "./pdfCache.js";
import { parsePayload, runStage, type JobLike } from "@jixiao/queue";
import { PageJob, type Page } from "@jixiao/schemas";
import { isFinished, type Store } from "@jixiao/store";

export type PageResult = { pages: number[]; cached: boolean; skipped?: "finished" };

/**
 * The page stage: extracts one page of a PDF (text layer; OCR through `options.extractScan` when
 * the page has no text), or a whole text dump / image when `page` is null, and stores the page
 * models in the store's pages table for the assemble job. A page already stored (an earlier try
 * or round got that far) is not extracted again. Failures are left to the flow: the assemble job
 * reads them (ignoreDependencyOnFailure) and fails the document.
 */
export async function processPage(job: JobLike, deps: { store: Store; options: ProcessOptions; pdfs?: PdfCache }): Promise<PageResult> {
  return runStage(job, async () => {
    const { sha256, path, file, page } = parsePayload(PageJob, job.data, "page");
    if (page !== null && (await deps.store.pageNumbers(sha256)).includes(page)) return { pages: [page], cached: true };
    // A late page job of a document that another run of its flow already finished (see
    // processAssemble) extracts nothing: its page would stay in the pages table for ever.
    const doc = await deps.store.getDocument(sha256);
    if (doc && isFinished(doc.status)) return { pages: [], cached: false, skipped: "finished" };
    const load = async () => {
      const { data } = await readInput(path, deps.options);
      checkBytes(data, file, deps.options);
      if (sha256Of(data) !== sha256) {
        throw new JixiaoError("INVALID_PAYLOAD", `${file}: the file at ${path} changed since it was submitted (SHA-256 differs)`, { file });
      }
      return data;
    };
    const meta = { file, sha256 };
    let pages: Page[];
    if (page === null) pages = (await extractDocument(await load(), meta, deps.options)).pages;
    else if (deps.pdfs) pages = [await (await deps.pdfs.get(sha256, file, load)).pdf.extract(page, deps.options)];
    else pages = [await extractPdfPage(await load(), meta, page, deps.options)];
    await deps.store.savePages(sha256, pages);
    return { pages: pages.map((p) => p.number), cached: false };
  });
}
