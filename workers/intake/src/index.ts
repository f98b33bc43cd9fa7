import { Worker } from "bullmq";
import { QUEUES, workerOptions, type QueueContext } from "@jixiao/queue";
import { processIntake } from "./processIntake.js";

export * from "./processIntake.js";

/** The intake queue's worker (in-process: intake reads one file and opens the PDF once). */
export function createIntakeWorker(ctx: QueueContext, options: { concurrency?: number } = {}): Worker {
  return new Worker(QUEUES.intake, (job) => processIntake(job, ctx), workerOptions(ctx, options.concurrency));
}
