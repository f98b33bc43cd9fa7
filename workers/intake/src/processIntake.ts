import { JixiaoError } from "@jixiao/core";
import { checkBytes, countPdfPages, detectInputKind, documentError, readInput, sha256Of } from "@jixiao/pipeline";
import { addDocumentFlow, limitsOf, parsePayload, runStage, type JobLike, type QueueContext } from "@jixiao/queue";
import { IntakeJob, type InputKind } from "@jixiao/schemas";

export type IntakeResult =
  | { skipped: "finished" }
  | { inputKind: InputKind; pageCount: number | null };

/**
 * The intake stage of one document: the file is readable at its shared path (NOT_FOUND), within
 * the size limit (OVER_LIMIT), not empty, still the submitted bytes (hash), of a known kind
 * (UNSUPPORTED_INPUT); a PDF opens (ENCRYPTED_PDF, TRUNCATED_PDF) and is within the page limit
 * (OVER_LIMIT). Then the document's flow is added: one page job per PDF page (one job for a text
 * dump or image) under the assemble job. A deterministic failure stores the document as failed.
 */
export async function processIntake(job: JobLike, ctx: QueueContext): Promise<IntakeResult> {
  let payload: IntakeJob | undefined;
  return runStage(
    job,
    async () => {
      payload = parsePayload(IntakeJob, job.data, "intake");
      const { sha256, path, file } = payload;
      // A late duplicate of a document that has finished meanwhile does nothing.
      if (!(await ctx.store.claimDocument(sha256, file, path))) return { skipped: "finished" as const };
      const options = limitsOf(ctx.config);
      const { data } = await readInput(path, options);
      checkBytes(data, file, options);
      if (sha256Of(data) !== sha256) {
        throw new JixiaoError("INVALID_PAYLOAD", `${file}: the file at ${path} changed since it was submitted (SHA-256 differs)`, { file });
      }
      const inputKind = detectInputKind(data, file);
      const pageCount = inputKind === "pdf" ? await countPdfPages(data, file, options) : null;
      await ctx.store.markDocument(sha256, file, "processing", { inputKind, ...(pageCount === null ? {} : { pageCount }), error: null });
      await addDocumentFlow(ctx, { sha256, path, file, inputKind, pageCount });
      return { inputKind, pageCount };
    },
    async (e) => {
      if (!payload) return; // no document to record an invalid payload on
      await ctx.store.markDocument(payload.sha256, payload.file, "failed", { error: documentError(e, payload.file) });
    },
  );
}
