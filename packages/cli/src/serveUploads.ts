import { resolve } from "node:path";
import { inProcessUploads, queueUploads, type QueueSubmit, type UploadOptions } from "@jixiao/review";
import type { Store } from "@jixiao/store";
import type { QueueContext } from "@jixiao/queue";
import type { CliEnv } from "./cliEnv.js";

// The upload page of `jixiao serve`: where uploaded files are kept and how they are processed.
// Loaded by serve's action only.

/** Serve's flags that decide the uploads: the store, queue mode's URLs, and the upload directory. */
export type ServeUploadFlags = { store: string; databaseUrl?: string | undefined; redisUrl?: string | undefined; uploadsDir?: string | undefined };

/**
 * The upload directory: `--uploads-dir`, else `<store>.uploads` beside the embedded store's
 * directory (e.g. `.jixiao/store.uploads`). It is not temporary: the stored documents point at
 * the files in it (the review page draws their pages from them), so it must outlive the server.
 * In queue mode every worker must be able to read it (give `--uploads-dir` on shared storage).
 */
export function uploadsDir(o: ServeUploadFlags): string {
  return resolve(o.uploadsDir ?? `${resolve(o.store)}.uploads`);
}

/**
 * The `uploads` option of createReviewApp for `jixiao serve`. Without a database URL, files are
 * processed in this process as `jixiao run` processes them, in the extraction sandbox, bounded by
 * the limits `run` reads from the environment (JIXIAO_TIME_LIMIT_S, JIXIAO_OCR_PAGE_TIME_S,
 * JIXIAO_MEMORY_LIMIT_MB, JIXIAO_MAX_BYTES, JIXIAO_MAX_PAGES). With `--database-url` (or
 * JIXIAO_DATABASE_URL) the server is in queue mode: files are submitted to the queues as
 * `jixiao submit` does (Redis from `--redis-url` or JIXIAO_REDIS_URL) and the workers process
 * them. The queues are opened on the first upload, so the review page works while Redis is down;
 * an upload then fails with QUEUE_UNAVAILABLE and the next one tries again. `close` ends the
 * queue connection (the processor itself is closed with the app).
 */
export async function serveUploads(o: ServeUploadFlags, env: CliEnv, store: Store): Promise<{ uploads: UploadOptions; close: () => Promise<void> }> {
  const dir = uploadsDir(o);
  const maxFileBytes = env.limits.maxBytes;
  if (!o.databaseUrl) {
    const { timeLimitMs, ocrPageTimeMs, memoryLimitBytes, maxBytes, maxPages } = env.limits;
    const processor = inProcessUploads(store, { limits: { maxBytes, maxPages }, sandbox: { timeLimitMs, ocrPageTimeMs, memoryLimitBytes } });
    return { uploads: { dir, processor, maxFileBytes }, close: async () => {} };
  }
  const config = await env.queueWith({ redisUrl: o.redisUrl, databaseUrl: o.databaseUrl });
  const q = await import("@jixiao/queue");
  let ctx: Promise<QueueContext> | null = null;
  const context = (): Promise<QueueContext> => {
    const opening = (ctx ??= q.openQueueContext(config, { store }));
    // A failed start (Redis down, not noeviction) is not kept: the next upload tries again.
    opening.catch(() => {
      if (ctx === opening) ctx = null;
    });
    return opening;
  };
  const submit: QueueSubmit = async (inputs, onProgress) =>
    q.submitDocuments(await context(), inputs, { onProgress: (p) => onProgress({ pagesDone: p.pagesDone, pagesTotal: p.pagesTotal }) });
  return {
    uploads: { dir, processor: queueUploads(submit), maxFileBytes },
    async close() {
      const opened = ctx;
      ctx = null;
      await (await opened?.catch(() => null))?.close();
    },
  };
}
