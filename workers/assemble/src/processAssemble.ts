import { JixiaoError, toJixiaoError, type ErrorCode } from "@jixiao/core";
import { documentError, pageGeometryOf, recordsOf, statusOf } from "@jixiao/pipeline";
import { parseFailureReason, parsePayload, runStage, type JobLike, type QueueContext } from "@jixiao/queue";
import { reapplyCorrections } from "@jixiao/normalize";
import { AssembleJob, type DocumentModel } from "@jixiao/schemas";

export type AssembleResult = {
  status: "succeeded" | "partial" | "failed";
  records: number;
  /** Set when the document was already finished by another run of its flow: nothing was written. */
  skipped?: "finished";
};

const FINISHED = new Set(["succeeded", "partial", "failed"]);

/** What the assemble stage needs of its job: the payload, and its children's ignored failures. */
export type AssembleJobLike = JobLike & { getIgnoredChildrenFailures: () => Promise<{ [jobKey: string]: string }> };

/**
 * The assemble stage (the flow's parent): runs once every page job has finished. A page job that
 * failed for good fails the document with that job's error code; otherwise the page models are
 * read from the store, reconstructed and normalized (recordsOf, the in-process stage functions),
 * and the document with all its records is saved in one transaction, which also drops the pages.
 */
export async function processAssemble(job: AssembleJobLike, ctx: QueueContext): Promise<AssembleResult> {
  let payload: AssembleJob | undefined;
  const saveFailed = async (error: { code: ErrorCode; message: string }, pageCount: number) => {
    const p = payload!;
    await ctx.store.saveDocument(
      { sha256: p.sha256, file: p.file, inputKind: p.inputKind, status: "failed", pageCount, error, records: [] },
      { onlyIfUnfinished: true },
    );
  };
  // A second run of the document's flow can overlap the first: when Redis loses its jobs while
  // an assemble is still running, the reconciler sees no live job and sends the document round
  // again. Whichever assemble finishes first stores the document (and drops its pages); the
  // other must not then fail it for the pages it no longer finds, nor write over it.
  const finished = async (): Promise<AssembleResult | null> => {
    const d = await ctx.store.getDocument(payload!.sha256);
    return d && FINISHED.has(d.status)
      ? { status: d.status as AssembleResult["status"], records: d.recordCount, skipped: "finished" }
      : null;
  };
  return runStage(
    job,
    async () => {
      payload = parsePayload(AssembleJob, job.data, "assemble");
      const { sha256, file, inputKind } = payload;
      const done = await finished();
      if (done) return done;
      const failures = Object.values(await job.getIgnoredChildrenFailures());
      if (failures.length > 0) {
        const { code, message } = parseFailureReason(failures[0]!);
        await saveFailed(documentError(new JixiaoError(code, message, { file }), file), payload.pageCount ?? 0);
        return { status: "failed", records: 0 };
      }
      const pages = await ctx.store.loadPages(sha256);
      if (payload.pageCount !== null && pages.length !== payload.pageCount) {
        const doneMeanwhile = await finished();
        if (doneMeanwhile) return doneMeanwhile;
        throw new JixiaoError("INTERNAL", `${file}: ${pages.length} of ${payload.pageCount} pages were extracted`, { file });
      }
      const doc: DocumentModel = { file, sha256, inputKind, pages };
      let result: ReturnType<typeof recordsOf>;
      try {
        result = recordsOf(doc);
      } catch (err) {
        const e = toJixiaoError(err, file);
        if (e.retryable) throw e;
        await saveFailed(documentError(e, file), pages.length);
        return { status: "failed", records: 0 };
      }
      const status = statusOf(result.issues);
      const saved = await ctx.store.saveDocument({
        sha256, file, inputKind, status, pageCount: pages.length, error: null, records: result.records, pageGeometry: pageGeometryOf(pages),
      }, { reapply: reapplyCorrections, onlyIfUnfinished: true });
      if (saved.skipped) return (await finished()) ?? { status, records: result.records.length, skipped: "finished" };
      return { status, records: result.records.length };
    },
    async (e) => {
      if (payload) await saveFailed(documentError(e, payload.file), payload.pageCount ?? 0);
    },
  );
}
