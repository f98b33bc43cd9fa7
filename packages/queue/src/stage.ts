import { hostname } from "node:os";
import { UnrecoverableError } from "bullmq";
import type { z } from "zod";
import { JixiaoError, errorCodes, toJixiaoError, type ErrorCode } from "@jixiao/core";

/** What a processor needs of a job (a Job, or the SandboxedJob a sandboxed processor gets). */
export type JobLike = { id?: string | undefined; data: unknown; attemptsMade: number; opts: { attempts?: number | undefined } };

/** Parses a job payload with its zod schema; INVALID_PAYLOAD (never retried) when it does not fit. */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const res = schema.safeParse(data);
  if (!res.success) {
    const issues = res.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
    throw new JixiaoError("INVALID_PAYLOAD", `${what} job payload is invalid: ${issues}`);
  }
  return res.data;
}

/**
 * One log line in the worker's format (JSON, pino's fields: level, time, pid, hostname, name,
 * msg) on standard error, for what a stage says itself: it also runs in BullMQ's sandboxed page
 * processes, which have no logger of the worker's.
 */
function logLine(level: number, fields: { [k: string]: unknown }, msg: string): void {
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, hostname: hostname(), name: "jixiao-worker", ...fields, msg })}\n`);
}

/** A job's failure reason: the error code first, so it can be read back (parseFailureReason). */
export function failureReason(e: JixiaoError): string {
  return `${e.code}: ${e.message}`;
}

/** The code and message of a failure reason written by failureReason (anything else: INTERNAL). */
export function parseFailureReason(reason: string): { code: ErrorCode; message: string } {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(reason);
  if (m && Object.hasOwn(errorCodes, m[1]!)) return { code: m[1] as ErrorCode, message: m[2]! };
  return { code: "INTERNAL", message: reason };
}

/** True when this run is the job's last try (BullMQ counts attemptsMade before this run). */
export function isFinalAttempt(job: JobLike): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Runs a processor's work and maps what it throws through the error table: a retryable code
 * (JixiaoError.retryable) is thrown as a plain Error, so BullMQ retries it with exponential
 * backoff; a deterministic one (encrypted, not a PDF, over a limit, invalid payload, …) as
 * UnrecoverableError, so it fails at once. `onFinalFailure` runs before the last throw (a
 * deterministic failure, or the last try of a retryable one) to record the outcome; if it fails
 * itself, the document stays unfinished in the store and the reconciler sends it round again.
 */
export async function runStage<T>(
  job: JobLike,
  work: () => Promise<T>,
  onFinalFailure?: (e: JixiaoError) => Promise<void>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const e = toJixiaoError(err);
    const final = !e.retryable || isFinalAttempt(job);
    if (final && onFinalFailure) {
      try {
        await onFinalFailure(e);
      } catch (recordErr) {
        logLine(50, { jobId: job.id, code: e.code }, `job ${job.id ?? "?"}: could not record the failure: ${(recordErr as Error).message}`);
      }
    }
    if (!e.retryable) throw new UnrecoverableError(failureReason(e));
    const thrown = new Error(failureReason(e));
    thrown.stack = e.stack ?? thrown.stack;
    throw thrown;
  }
}
