import { extname, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import { limitsOf, QUEUES, workerOptions, type QueueContext } from "@jixiao/queue";
import type { ScanExtractor } from "@jixiao/ocr";
import { WORKER_CONFIG_ENV } from "./env.js";
import { processPage } from "./processPage.js";

export * from "./processPage.js";
export * from "./pdfCache.js";
export { WORKER_CONFIG_ENV } from "./env.js";

/** Path of the sandboxed processor file next to this module (.ts from sources, .js when built). */
export function pageProcessorFile(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), `pageProcessor${extname(here)}`);
}

export type PageWorkerOptions = {
  /** Page jobs at once: as many sandboxed child processes. Default: config.concurrency. */
  concurrency?: number;
  /**
   * Run in the worker's own process instead of sandboxed children (tests); needs the OCR hook.
   * Default false.
   */
  inProcess?: { scans: ScanExtractor };
};

/**
 * The page queue's worker. Page jobs run sandboxed (BullMQ forks child processes running
 * pageProcessor); the children get this process's validated configuration through the
 * environment (JIXIAO_WORKER_CONFIG) instead of reading it again.
 */
export function createPageWorker(ctx: QueueContext, options: PageWorkerOptions = {}): Worker {
  const common = workerOptions(ctx, options.concurrency);
  if (options.inProcess) {
    const extractScan = options.inProcess.scans.extractScan;
    return new Worker(QUEUES.page, (job) => processPage(job, { store: ctx.store, options: { ...limitsOf(ctx.config), extractScan } }), common);
  }
  return new Worker(QUEUES.page, pageProcessorFile(), {
    ...common,
    useWorkerThreads: false,
    workerForkOptions: { env: { ...process.env, [WORKER_CONFIG_ENV]: JSON.stringify(ctx.config) } },
  });
}
