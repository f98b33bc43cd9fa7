import { JixiaoError, toJixiaoError, type ErrorCode } from "@jixiao/core";
import { reapplyCorrections } from "@jixiao/normalize";
import {
  createExtractionSandbox,
  documentToStore,
  processBytes,
  processFile,
  readInput,
  sha256Of,
  type ExtractionSandbox,
  type FileProgress,
  type ProcessOptions,
  type SandboxOptions,
} from "@jixiao/pipeline";
import type { DocumentStatus } from "@jixiao/schemas";
import { isFinished, type Store } from "@jixiao/store";

/** One uploaded file as the pipeline gets it: where it lies on the server and the name its records carry. */
export type UploadInput = { path: string; file: string };

/** What became of one uploaded file. `skipped`: the store held the same bytes finished, so it was not extracted again. */
type UploadOutcome = {
  sha256: string | null;
  status: DocumentStatus;
  error: { code: ErrorCode; message: string } | null;
  records: number;
  skipped: boolean;
};

/** Progress of one file: pages read of the pages to read (OCR reports each page it finishes). */
type UploadProgress = { pagesDone: number; pageCount: number };

/**
 * Runs uploaded files through the pipeline, one at a time: in this process's extraction sandbox
 * (as `jixiao run` does), or through the queue (as `jixiao submit` does).
 */
export interface UploadProcessor {
  readonly mode: "in-process" | "queue";
  process(input: UploadInput, onProgress: (p: UploadProgress) => void): Promise<UploadOutcome>;
  close(): Promise<void>;
}

/**
 * In-process, as `jixiao run`: each file is read within the input limits and hashed; when the
 * store holds the same bytes finished it is not extracted again; otherwise it is processed in a
 * child process bounded in time and memory (createExtractionSandbox, started on the first file)
 * and stored in one transaction, with the review corrections of an earlier version re-applied.
 */
export function inProcessUploads(store: Store, options: { limits?: Omit<ProcessOptions, "sandbox" | "extractScan" | "onProgress">; sandbox?: SandboxOptions } = {}): UploadProcessor {
  let sandbox: ExtractionSandbox | null = null;
  const limits = options.limits ?? {};
  return {
    mode: "in-process",
    async process(input, onProgress) {
      let read: { file: string; data: Uint8Array };
      try {
        read = await readInput(input.path, limits, input.file);
      } catch {
        // The same typed failure as a result (processFile never throws for a bad input).
        const r = await processFile(input.path, limits, input.file);
        return { sha256: r.sha256, status: "failed", error: r.error, records: 0, skipped: false };
      }
      if (read.data.byteLength > 0) {
        const stored = await store.getDocument(sha256Of(read.data));
        if (stored && isFinished(stored.status)) {
          return { sha256: stored.sha256, status: stored.status, error: stored.error, records: stored.recordCount ?? 0, skipped: true };
        }
      }
      sandbox ??= createExtractionSandbox({ ...options.sandbox, limits });
      const r = await processBytes(read.data, read.file, input.path, { ...limits, sandbox, onProgress: (p: FileProgress) => onProgress(p) });
      const doc = documentToStore(r);
      if (doc) await store.saveDocument(doc, { reapply: reapplyCorrections });
      return { sha256: r.sha256, status: r.status, error: r.error, records: r.records.length, skipped: false };
    },
    async close() {
      await sandbox?.close();
      sandbox = null;
    },
  };
}

/** Submits inputs to the queue and waits until they are finished: @jixiao/queue's submitDocuments over the server's queue. */
export type QueueSubmit = (
  inputs: readonly UploadInput[],
  onProgress: (p: { pagesDone: number; pagesTotal: number }) => void,
) => Promise<{ sha256: string | null; status: DocumentStatus; error: { code: ErrorCode; message: string } | null; recordCount: number }[]>;

/**
 * Queue mode, as `jixiao submit`: the file is submitted to the queue (the workers extract it;
 * the file must lie where they can read it) and the upload waits until its document is finished.
 */
export function queueUploads(submit: QueueSubmit): UploadProcessor {
  return {
    mode: "queue",
    async process(input, onProgress) {
      try {
        const [r] = await submit([input], (p) => onProgress({ pagesDone: p.pagesDone, pageCount: p.pagesTotal }));
        if (!r) throw new JixiaoError("INTERNAL", `${input.file}: the queue returned no result`);
        return { sha256: r.sha256, status: r.status, error: r.error, records: r.recordCount, skipped: false };
      } catch (err) {
        const e = toJixiaoError(err, input.file);
        return { sha256: null, status: "failed", error: { code: e.code, message: e.message }, records: 0, skipped: false };
      }
    },
    async close() {},
  };
}
