import { Worker } from "bullmq";
import { QUEUES, workerOptions, type QueueContext } from "@jixiao/queue";
import { processAssemble } from "./processAssemble.js";

export * from "./processAssemble.js";

/** The assemble queue's worker (in-process: reconstruct + normalize of one document, then one transaction). */
export function createAssembleWorker(ctx: QueueContext, options: { concurrency?: number } = {}): Worker {
  return new Worker(QUEUES.assemble, (job) => processAssemble(job, ctx), workerOptions(ctx, options.concurrency));
}
