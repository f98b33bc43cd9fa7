import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename, resolve } from "node:path";
import { QueueEvents } from "bullmq";
import { JixiaoError, type ErrorCode } from "@jixiao/core";
import type { DocumentStatus } from "@jixiao/schemas";
import { isFinished, type StoredDocument } from "@jixiao/store";
import type { QueueContext } from "./context.js";
import { enqueueIntake } from "./enqueue.js";
import { QUEUES, shaOfJobId } from "./names.js";
import type { RedisPolicyWatch } from "./redis.js";

export type SubmitOptions = {
  /** Queue documents that are already finished again (default: they count as done). */
  reprocess?: boolean;
  /** Return once everything is enqueued, without waiting. Default false. */
  noWait?: boolean;
  /** How often the store is read while waiting, besides the queue events. Default 1000 ms. */
  pollMs?: number;
  /** Give up waiting after this long (QUEUE_UNAVAILABLE). Default: no limit. */
  timeoutMs?: number;
  /** Called whenever the counts change. */
  onProgress?: (p: SubmitProgress) => void;
  /**
   * How long to wait and retry while the store (PostgreSQL) is unreachable, per outage, before
   * giving up with STORE_UNAVAILABLE. Default: the configuration's storeWaitMs (JIXIAO_STORE_WAIT_MS).
   */
  storeWaitMs?: number;
  /**
   * Redis's maxmemory-policy, checked while submitting: no job is added while it is unsafe (it
   * would be evicted); adding resumes when it is noeviction again.
   */
  policy?: RedisPolicyWatch;
  /** Called while the store is unreachable and being retried (how long so far). */
  onStoreWait?: (err: JixiaoError, waitedMs: number) => void;
};

/**
 * Runs `fn`, and again while it fails with STORE_UNAVAILABLE (PostgreSQL down or restarting),
 * with a growing pause (0.25 s doubling up to 5 s), for at most `waitMs` in all; then the last
 * STORE_UNAVAILABLE is thrown. Any other error is thrown at once.
 */
export async function retryWhileStoreUnavailable<T>(
  fn: () => Promise<T>,
  options: { waitMs: number; onWait?: (err: JixiaoError, waitedMs: number) => void },
): Promise<T> {
  const since = Date.now();
  let pause = 250;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof JixiaoError) || err.code !== "STORE_UNAVAILABLE") throw err;
      const waited = Date.now() - since;
      if (waited >= options.waitMs) {
        throw new JixiaoError(
          "STORE_UNAVAILABLE",
          `${err.message} (still unreachable after ${Math.round(waited / 1000)} s of retrying; JIXIAO_STORE_WAIT_MS / --store-wait)`,
          { cause: err },
        );
      }
      options.onWait?.(err, waited);
      await new Promise((r) => setTimeout(r, Math.min(pause, options.waitMs - waited)));
      pause = Math.min(pause * 2, 5000);
    }
  }
}

export type SubmitProgress = {
  /** Documents (distinct hashes) submitted, and how many are finished. */
  total: number;
  done: number;
  succeeded: number;
  partial: number;
  failed: number;
  /** Pages extracted so far (page-job completions seen) and pages known (from intake). */
  pagesDone: number;
  pagesTotal: number;
  /** Last file that finished. */
  lastFile: string | null;
};

export type SubmitResult = {
  path: string;
  file: string;
  sha256: string | null;
  status: DocumentStatus;
  error: { code: ErrorCode; message: string } | null;
  recordCount: number;
};


/** Hex SHA-256 of a file, streamed (NOT_FOUND, naming `file`, when it cannot be read). */
export async function hashFile(path: string, file = basename(path)): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new JixiaoError("NOT_FOUND", `${file}: ${(err as Error).message}`, { file, cause: err });
  }
  return hash.digest("hex");
}

/**
 * One input to submit: where every worker can read it, and the name its records carry
 * (`source.file`: the path relative to the directory the user named, e.g. "a/report.pdf").
 * A bare path is named by its base name.
 */
export type SubmitInput = string | { path: string; file: string };

/**
 * Bulk upload: hashes each file, records it in the store as queued (a finished document is left
 * as it is unless `reprocess`; one in flight is joined, not duplicated), adds its intake job
 * `doc-<sha256>`, then waits until every document is finished, fed by queue events (QueueEvents
 * on the three queues) with a store read every `pollMs` as a fallback (events are not durable).
 * Paths are made absolute: every worker must be able to read them (shared storage).
 */
export async function submitDocuments(ctx: QueueContext, inputs: readonly SubmitInput[], options: SubmitOptions = {}): Promise<SubmitResult[]> {
  const results: SubmitResult[] = [];
  const bySha = new Map<string, SubmitResult[]>();
  const retry = <T>(fn: () => Promise<T>) =>
    retryWhileStoreUnavailable(fn, {
      waitMs: options.storeWaitMs ?? ctx.config.storeWaitMs,
      ...(options.onStoreWait ? { onWait: options.onStoreWait } : {}),
    });
  const events = options.noWait
    ? []
    : [QUEUES.assemble, QUEUES.intake, QUEUES.page].map(
        (q) => new QueueEvents(q, { connection: ctx.connection, prefix: ctx.config.prefix }), // duplicates the connection
      );
  try {
    for (const ev of events) {
      ev.on("error", () => {}); // reconnects on its own; the store poll covers the gap
      await ev.waitUntilReady();
    }
    for (const input of inputs) {
      const path = resolve(typeof input === "string" ? input : input.path);
      const file = typeof input === "string" ? basename(path) : input.file;
      let sha256: string;
      try {
        sha256 = await hashFile(path, file);
      } catch (err) {
        const e = err as JixiaoError;
        results.push({ path, file, sha256: null, status: "failed", error: { code: e.code, message: e.message }, recordCount: 0 });
        continue;
      }
      const result: SubmitResult = { path, file, sha256, status: "queued", error: null, recordCount: 0 };
      results.push(result);
      const same = bySha.get(sha256);
      if (same) {
        same.push(result); // the same bytes twice in one submission: one document
        continue;
      }
      bySha.set(sha256, [result]);
      const { document } = await retry(() => ctx.store.queueDocument(sha256, file, path, { reprocess: options.reprocess === true }));
      if (isFinished(document.status)) continue; // finished before, not asked to reprocess
      if (options.policy && !options.policy.safe()) await options.policy.whenSafe();
      await enqueueIntake(ctx, { path: document.path ?? path, file: document.file, sha256 });
    }
    if (options.noWait) {
      await retry(() => refresh(ctx, bySha, [...bySha.keys()]));
      return results;
    }
    await waitForAll(ctx, bySha, events, options, retry);
    return results;
  } finally {
    await Promise.allSettled(events.map((ev) => ev.close()));
  }
}

async function refresh(ctx: QueueContext, bySha: Map<string, SubmitResult[]>, shas: string[]): Promise<StoredDocument[]> {
  const docs = await ctx.store.getDocuments(shas);
  for (const d of docs) {
    for (const r of bySha.get(d.sha256) ?? []) {
      r.status = d.status;
      r.error = d.error;
      r.recordCount = d.recordCount;
    }
  }
  return docs;
}

async function waitForAll(
  ctx: QueueContext,
  bySha: Map<string, SubmitResult[]>,
  events: QueueEvents[],
  options: SubmitOptions,
  retry: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const pollMs = options.pollMs ?? 1000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const pending = new Set(bySha.keys());
  const pageCounts = new Map<string, number>();
  const progress: SubmitProgress = { total: bySha.size, done: 0, succeeded: 0, partial: 0, failed: 0, pagesDone: 0, pagesTotal: 0, lastFile: null };
  let wake: () => void = () => {};
  const dirty = new Set<string>();
  const [assembleEvents, intakeEvents, pageEvents] = events as [QueueEvents, QueueEvents, QueueEvents];
  const onFinished = ({ jobId }: { jobId: string }) => {
    const sha = shaOfJobId(jobId);
    if (sha && pending.has(sha)) {
      dirty.add(sha);
      wake();
    }
  };
  assembleEvents.on("completed", onFinished);
  assembleEvents.on("failed", onFinished);
  intakeEvents.on("completed", onFinished); // page count known
  intakeEvents.on("failed", onFinished);
  pageEvents.on("completed", ({ jobId }) => {
    const sha = shaOfJobId(jobId);
    if (sha && pending.has(sha)) {
      progress.pagesDone++;
      options.onProgress?.({ ...progress });
    }
  });

  const update = (docs: StoredDocument[]) => {
    for (const d of docs) {
      if (d.pageCount !== null && !pageCounts.has(d.sha256)) {
        pageCounts.set(d.sha256, d.pageCount);
        progress.pagesTotal += d.pageCount;
      }
      if (!isFinished(d.status) || !pending.has(d.sha256)) continue;
      pending.delete(d.sha256);
      progress.done++;
      progress[d.status as "succeeded" | "partial" | "failed"]++;
      progress.lastFile = d.file;
    }
    options.onProgress?.({ ...progress });
  };
  update(await retry(() => refresh(ctx, bySha, [...pending])));
  let lastPoll = Date.now();
  while (pending.size > 0) {
    if (Date.now() > deadline) {
      throw new JixiaoError("QUEUE_UNAVAILABLE", `gave up waiting: ${pending.size} of ${bySha.size} documents are not finished`);
    }
    await new Promise<void>((r) => {
      const t = setTimeout(r, Math.max(10, pollMs - (Date.now() - lastPoll)));
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
    wake = () => {};
    const due = Date.now() - lastPoll >= pollMs;
    const shas = due ? [...pending] : [...dirty].filter((s) => pending.has(s));
    dirty.clear();
    if (due) lastPoll = Date.now();
    if (shas.length) update(await retry(() => refresh(ctx, bySha, shas)));
  }
}
