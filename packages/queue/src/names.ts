import type { JobsOptions } from "bullmq";
import type { QueueConfig } from "./config.js";

/**
 * The three queues of a document's life:
 * - intake: checks the file (readable, size, hash, kind, encryption, page count) and adds the flow;
 * - page: extracts (OCR when needed) one page of a PDF, or a whole text dump / image — the
 *   flow's children, run in sandboxed processes;
 * - assemble: the flow's parent — reconstruct + normalize + store in one transaction.
 */
export const QUEUES = { intake: "intake", page: "page", assemble: "assemble" } as const;
export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** Job id of a document's intake job and of its assemble job (each in its own queue). */
export function docJobId(sha256: string): string {
  return `doc-${sha256}`;
}

/** Job id of a document's page job (`page` null: the one whole-document job). */
export function pageJobId(sha256: string, page: number | null): string {
  return page === null ? `doc-${sha256}-all` : `doc-${sha256}-p${page}`;
}

/** The document hash in a job id made by docJobId / pageJobId, else null. */
export function shaOfJobId(jobId: string | undefined): string | null {
  const m = jobId ? /^doc-([0-9a-f]{64})(?:-|$)/.exec(jobId) : null;
  return m ? m[1]! : null;
}

/**
 * Options of every job: retries with exponential backoff for retryable failures, finished jobs
 * removed (the store keeps the outcome, Redis stays small), failed ones kept a week for a look.
 */
export function jobOptions(config: QueueConfig): JobsOptions {
  return {
    attempts: config.attempts,
    backoff: { type: "exponential", delay: config.backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/**
 * Options of a page job inside a document flow. A child that fails for good (unrecoverable, or
 * out of attempts) is moved to the parent's failed dependencies (ignoreDependencyOnFailure), so
 * the parent never hangs in waiting-children: it runs, reads the failure with
 * getIgnoredChildrenFailures() and stores the document as failed. The child itself is removed
 * (its reason lives on in the parent), so a later flow of the same document meets no stale child.
 */
export function pageJobOptions(config: QueueConfig, sha256: string, page: number | null): JobsOptions {
  return { ...jobOptions(config), jobId: pageJobId(sha256, page), ignoreDependencyOnFailure: true, removeOnFail: true };
}
