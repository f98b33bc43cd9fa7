import { hostname } from "node:os";
import { pino, type DestinationStream, type Logger } from "pino";
import { parseFailureReason, type QueueName } from "@jixiao/queue";

// `jixiao worker`'s logs: JSON lines (pino) on standard error, where the CLI's other messages
// go, with time, level, pid and host, a line per finished document, and one per failed or
// retried job, so a log collector can follow documents across worker hosts. Each line's `msg`
// reads as a sentence; the same facts are fields (code, sha256, file, status, records, …).

/** The worker's logger at `level` (fatal, error, warn, info, debug, trace, silent). */
export function workerLogger(level: string, destination: DestinationStream = pino.destination({ dest: 2, sync: true })): Logger {
  return pino({ name: "jixiao-worker", level, base: { pid: process.pid, hostname: hostname() } }, destination);
}

/** What the logs read of a BullMQ job. */
type JobView = {
  id?: string | undefined;
  data: unknown;
  attemptsMade: number;
  opts: { attempts?: number };
  timestamp: number;
  finishedOn?: number | undefined;
};

/** What the logs listen to on a BullMQ worker. */
type WorkerEvents = {
  on(event: "completed", listener: (job: JobView, result: unknown) => void): unknown;
  on(event: "failed", listener: (job: JobView | undefined, err: Error) => void): unknown;
};

/** The document a job is about (every job's payload carries its sha256 and file name). */
function documentOf(job: JobView | undefined): { sha256?: string; file?: string } {
  const d = (job?.data ?? {}) as { sha256?: unknown; file?: unknown; page?: unknown };
  return {
    ...(typeof d.sha256 === "string" ? { sha256: d.sha256 } : {}),
    ...(typeof d.file === "string" ? { file: d.file } : {}),
    ...(typeof d.page === "number" ? { page: d.page } : {}),
  };
}

/**
 * Logs a worker's outcomes: an assemble job that completes finished its document (info,
 * "document finished: <file>: <status>, N records", with sha256, status, records and the time
 * since it was queued as fields); a job that fails for good is an error (an intake or assemble
 * job: its document failed; a page job: the document fails at assemble, which logs it), with
 * its code; a job that will be tried again is a warning. Page and intake jobs that complete are
 * logged at debug.
 */
export function logWorkerEvents(worker: WorkerEvents, queue: QueueName, log: Logger): void {
  worker.on("completed", (job, result) => {
    const doc = documentOf(job);
    const r = (result ?? {}) as { status?: string; records?: number; skipped?: string; pageCount?: number | null };
    if (queue === "assemble") {
      log.info(
        {
          queue,
          jobId: job.id,
          ...doc,
          status: r.status,
          records: r.records,
          ...(r.skipped ? { skipped: r.skipped } : {}),
          ...(job.finishedOn ? { ms: job.finishedOn - job.timestamp } : {}),
        },
        `document finished: ${doc.file ?? doc.sha256 ?? job.id}: ${r.status ?? "?"}${r.records === undefined ? "" : `, ${r.records} records`}`,
      );
    } else log.debug({ queue, jobId: job.id, ...doc, ...(r.skipped ? { skipped: r.skipped } : {}) }, `${queue} job done`);
  });
  worker.on("failed", (job, err) => {
    const { code, message } = parseFailureReason(err.message);
    const final = !job || err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    const fields = { queue, jobId: job?.id, ...documentOf(job), code, attemptsMade: job?.attemptsMade };
    // The message as before the logs were JSON: "<queue> <job> failed: CODE: …" or "… will retry: …".
    log[final ? "error" : "warn"](fields, `${queue} ${job?.id ?? "?"} ${final ? "failed" : "will retry"}: ${code}: ${message}`);
  });
}
