import type { Queue } from "bullmq";
import type { AssembleJob, IntakeJob } from "@jixiao/schemas";
import type { QueueContext } from "./context.js";
import { QUEUES, docJobId, jobOptions, pageJobOptions } from "./names.js";

/** Job states in which a job will still run (or is running). */
const ALIVE = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children", "paused"]);

/**
 * Whether the job with this id exists and will still run. A finished (completed/failed) job
 * with the id is removed when `removeFinished`, so the id can be used again.
 */
export async function jobAlive(queue: Queue, id: string, removeFinished = false): Promise<boolean> {
  const job = await queue.getJob(id);
  if (!job) return false;
  const state = await job.getState();
  if (ALIVE.has(state)) return true;
  if (removeFinished && state !== "unknown") await job.remove().catch(() => undefined);
  return false;
}

/** Whether a document has a job that will still run: its intake job, or its flow's assemble job. */
export async function documentInFlight(ctx: QueueContext, sha256: string): Promise<boolean> {
  // Intake first: it adds the flow before it completes, so one of the two is always seen.
  return (await jobAlive(ctx.queues.intake, docJobId(sha256))) || (await jobAlive(ctx.queues.assemble, docJobId(sha256)));
}

/**
 * Adds a document's intake job, id `doc-<sha256>`. While a job with that id will still run this
 * is a no-op (BullMQ keeps one job per id), so concurrent submissions of the same file give one
 * job; a finished job of an earlier round is replaced.
 */
export async function enqueueIntake(ctx: QueueContext, payload: IntakeJob): Promise<void> {
  const id = docJobId(payload.sha256);
  if (await jobAlive(ctx.queues.intake, id, true)) return;
  await ctx.queues.intake.add("intake", payload, { ...jobOptions(ctx.config), jobId: id });
}

/**
 * Adds a document's flow: the assemble job `doc-<sha256>` (parent) waiting for one page job per
 * PDF page, or for one whole-document job (text dump, image). A flow that is still running is
 * left alone, so a retried intake adds nothing twice.
 */
export async function addDocumentFlow(ctx: QueueContext, job: AssembleJob): Promise<void> {
  const id = docJobId(job.sha256);
  if (await jobAlive(ctx.queues.assemble, id, true)) return;
  const pages: (number | null)[] = job.pageCount === null ? [null] : Array.from({ length: job.pageCount }, (_, i) => i + 1);
  await ctx.flow.add({
    name: "assemble",
    queueName: QUEUES.assemble,
    data: job,
    opts: { ...jobOptions(ctx.config), jobId: id },
    children: pages.map((page) => ({
      name: "page",
      queueName: QUEUES.page,
      data: { sha256: job.sha256, path: job.path, file: job.file, inputKind: job.inputKind, page },
      opts: pageJobOptions(ctx.config, job.sha256, page),
    })),
  });
}
