// The page queue's sandboxed processor: BullMQ runs this file in child processes (one per
// concurrent page job), so CPU-heavy extraction and OCR never block the worker's event loop
// and a crash takes down one child, not the worker. Each child keeps one store connection pool
// and one OCR pool for all the jobs it runs.
import type { SandboxedJob } from "bullmq";
import { createScanExtractor, type ScanExtractor } from "@jixiao/ocr";
import { limitsOf, openQueueStore, parseQueueConfig, readQueueEnv, type QueueConfig } from "@jixiao/queue";
import type { Store } from "@jixiao/store";
import { WORKER_CONFIG_ENV } from "./env.js";
import { PdfCache } from "./pdfCache.js";
import { processPage, type PageResult } from "./processPage.js";


type Deps = { config: QueueConfig; store: Store; scans: ScanExtractor; pdfs: PdfCache };
let deps: Promise<Deps> | undefined;

function init(): Promise<Deps> {
  deps ??= (async () => {
    const handed = process.env[WORKER_CONFIG_ENV];
    const config = handed ? parseQueueConfig(JSON.parse(handed)) : readQueueEnv(process.env);
    const store = await openQueueStore(config, 2);
    const scans = createScanExtractor({ size: config.ocrThreads });
    return { config, store, scans, pdfs: new PdfCache() };
  })().catch((err: unknown) => {
    deps = undefined;
    throw err;
  });
  return deps;
}

// The worker that forked this process is gone (killed): stop, rather than linger with OCR threads.
process.on("disconnect", () => process.exit(1));

export default async function pageProcessor(job: SandboxedJob): Promise<PageResult> {
  const d = await init();
  return processPage(job, { store: d.store, pdfs: d.pdfs, options: { ...limitsOf(d.config), extractScan: d.scans.extractScan } });
}
