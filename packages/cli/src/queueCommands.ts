import cliProgress from "cli-progress";
import type { Worker } from "bullmq";
import {
  QUEUE_NAMES,
  openQueueContext,
  openQueueStore,
  reconcile,
  retryWhileStoreUnavailable,
  startReconciler,
  watchRedisPolicy,
  type RedisPolicyWatch,
  submitDocuments,
  type QueueConfig,
  type QueueName,
  type SubmitResult,
} from "@jixiao/queue";
import { createIntakeWorker } from "@jixiao/worker-intake";
import { createPageWorker } from "@jixiao/worker-page";
import { createAssembleWorker } from "@jixiao/worker-assemble";
import { DocumentStatus } from "@jixiao/schemas";
import type { Logger } from "pino";
import { findInputs, skippedLine } from "./collectInputs.js";
import { errorLine } from "./errorLine.js";
import { UsageError } from "./UsageError.js";
import { logWorkerEvents, workerLogger } from "./workerLogs.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Calls `fn` at most once per `ms` (Redis connection errors repeat while it is down). */
function throttled(fn: (s: string) => void, ms = 5000): (s: string) => void {
  let last = 0;
  return (s) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    fn(s);
  };
}

export function parseQueues(value: string): QueueName[] {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(QUEUE_NAMES as string[]).includes(n));
  if (bad.length || names.length === 0) throw new Error(`--queues: unknown queue ${bad.join(", ") || "(none)"}; choose from ${QUEUE_NAMES.join(", ")}`);
  return [...new Set(names)] as QueueName[];
}

/**
 * `jixiao worker`: runs the workers of the given queues (page jobs in sandboxed child
 * processes) and the reconciler until SIGTERM or SIGINT, then stops taking jobs, lets the
 * active ones finish, and exits 0. A second signal exits at once (the jobs it abandons are taken
 * up again by another worker once their lock expires). Logs are JSON lines on standard error
 * (workerLogs.ts), at `logLevel` (default info).
 */
export async function runWorker(
  config: QueueConfig,
  options: { queues: QueueName[]; concurrency: number; logLevel?: string; logger?: Logger; stop?: Promise<unknown> },
): Promise<number> {
  const logger = options.logger ?? workerLogger(options.logLevel ?? "info");
  const redisError = throttled((s) => logger.error({ code: "QUEUE_UNAVAILABLE" }, `Redis: ${s}`));
  const ctx = await openQueueContext(config, { onRedisError: (err) => redisError(err.message) });
  // Redis passed the start-up check (noeviction): queues paused by a worker that saw an evicting
  // policy and died before it was fixed are taken up again.
  await Promise.all(Object.values(ctx.queues).map((q) => q.resume()));
  const workers: Worker[] = [];
  let reconciler: { stop: () => Promise<void> } | undefined;
  let policy: RedisPolicyWatch | undefined;
  try {
    for (const q of options.queues) {
      const w =
        q === "intake"
          ? createIntakeWorker(ctx, { concurrency: options.concurrency })
          : q === "page"
            ? createPageWorker(ctx, { concurrency: options.concurrency })
            : createAssembleWorker(ctx, { concurrency: options.concurrency });
      logWorkerEvents(w, q, logger);
      w.on("error", (err) => redisError(err.message));
      workers.push(w);
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    // Redis's maxmemory-policy may change while we run (CONFIG SET, a restart): while it is not
    // noeviction, no job is taken (keys would be evicted), and taken again once it is.
    policy = watchRedisPolicy(ctx.connection, {
      intervalMs: config.redisPolicyCheckMs,
      url: config.redisUrl,
      onUnsafe: (err) => {
        logger.error({ code: err.code }, `${err.code}: ${err.message}; not taking jobs until it is noeviction again`);
        // The queues are paused for every worker (a worker's own pause lets through the job its
        // pending fetch brings), and this worker's fetching stops.
        for (const q of Object.values(ctx.queues)) void q.pause().catch(() => {});
        for (const w of workers) void w.pause(true).catch(() => {});
      },
      onSafe: () => {
        logger.info("Redis maxmemory-policy is noeviction again: taking jobs");
        for (const q of Object.values(ctx.queues)) void q.resume().catch(() => {});
        for (const w of workers) w.resume();
      },
    });
    const watch = policy;
    reconciler = startReconciler(ctx, {
      paused: () => !watch.safe(),
      onResult: (r) => r.requeued.length && logger.info({ requeued: r.requeued.length }, `reconciler enqueued ${r.requeued.length} unfinished document(s) again`),
      onError: (err) => redisError(`reconciler: ${(err as Error).message}`),
    });
    logger.info(
      { queues: options.queues, concurrency: options.concurrency, prefix: config.prefix },
      `jixiao worker ${process.pid}: ready (queues ${options.queues.join(",")}, concurrency ${options.concurrency}, prefix ${config.prefix})`,
    );
    const signal = await (options.stop ?? waitForSignal());
    const name = typeof signal === "string" ? signal : "stop";
    logger.info({ signal: name }, `${name}: finishing active jobs`);
  } finally {
    const forceExit = () => process.exit(130);
    process.once("SIGTERM", forceExit);
    process.once("SIGINT", forceExit);
    policy?.stop();
    await reconciler?.stop();
    await Promise.allSettled(workers.map((w) => w.close()));
    await ctx.close();
    process.off("SIGTERM", forceExit);
    process.off("SIGINT", forceExit);
  }
  logger.info("worker stopped");
  return 0;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolve(s);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}

/** `jixiao submit`: bulk upload with a live progress bar; returns when every document is finished. */
export async function runSubmit(
  config: QueueConfig,
  paths: string[],
  o: { reprocess?: boolean; wait: boolean; progress: boolean; timeout?: string; storeWait?: string },
): Promise<{ code: number; results: SubmitResult[] }> {
  const { files, skipped } = await findInputs(paths);
  const storeWaitMs = o.storeWait === undefined ? config.storeWaitMs : Number(o.storeWait) * 1000;
  if (!Number.isFinite(storeWaitMs) || storeWaitMs < 0) throw new UsageError("--store-wait must be a number of seconds ≥ 0");
  // PostgreSQL down for a while (a restart, a fail-over): wait and retry as the workers do.
  const storeDown = throttled((s) => log(s), 10_000);
  const onStoreWait = (err: Error, waitedMs: number) =>
    storeDown(`jixiao submit: ${err.message}; retrying (${Math.round(waitedMs / 1000)} of ${Math.round(storeWaitMs / 1000)} s)`);
  const ctx = await retryWhileStoreUnavailable(() => openQueueContext(config), { waitMs: storeWaitMs, onWait: onStoreWait });
  const bar =
    o.progress && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: "{bar} {value}/{total} documents | {pagesDone}/{pagesTotal} pages | {failed} failed | {file}", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
  let started = false;
  const policy = watchRedisPolicy(ctx.connection, {
    intervalMs: config.redisPolicyCheckMs,
    url: config.redisUrl,
    onUnsafe: (err) => log(`${bar ? "\n" : ""}jixiao submit: ${err.code}: ${err.message}; adding no jobs until it is noeviction again`),
    onSafe: () => log(`${bar ? "\n" : ""}jixiao submit: Redis maxmemory-policy is noeviction again`),
  });
  try {
    const results = await submitDocuments(ctx, files, {
      policy,
      reprocess: !!o.reprocess,
      noWait: !o.wait,
      storeWaitMs,
      onStoreWait,
      ...(o.timeout ? { timeoutMs: Number(o.timeout) * 1000 } : {}),
      onProgress: (p) => {
        if (!bar) return;
        const payload = { pagesDone: p.pagesDone, pagesTotal: p.pagesTotal, failed: p.failed, file: p.lastFile ?? "" };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
    });
    bar?.stop();
    const count = (s: string) => results.filter((r) => r.status === s).length;
    for (const r of results) if (r.error) log(errorLine(r.file, r.error));
    const skippedText = skippedLine(skipped);
    if (skippedText) log(skippedText);
    log(
      o.wait
        ? `${results.length} files: ${count("succeeded")} succeeded, ${count("partial")} partial, ${count("failed")} failed · ${results.reduce((s, r) => s + r.recordCount, 0)} records`
        : `${results.length} files submitted (${count("queued") + count("processing")} in flight)`,
    );
    return { code: count("failed") ? 1 : 0, results };
  } finally {
    policy.stop();
    bar?.stop();
    await ctx.close();
  }
}

/** `jixiao status`: documents by state with counts (from the store), and the queues' job counts. */
export async function runStatus(config: QueueConfig, o: { status?: string; all?: boolean; json?: boolean }): Promise<number> {
  if (o.status !== undefined && !DocumentStatus.safeParse(o.status).success) {
    throw new Error(`--status: choose from ${DocumentStatus.options.join(", ")}`);
  }
  const store = await openQueueStore(config, 2);
  try {
    const counts = await store.countByStatus();
    const states = o.status ? [o.status as DocumentStatus] : DocumentStatus.options;
    const docs = Object.fromEntries(await Promise.all(states.map(async (s) => [s, await store.listDocuments({ status: s })] as const)));
    if (o.json) {
      process.stdout.write(JSON.stringify({ counts, documents: docs }, null, 2) + "\n");
      return 0;
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(`${total} documents: ${DocumentStatus.options.map((s) => `${counts[s]} ${s}`).join(", ")}\n`);
    const limit = o.all ? Infinity : 20;
    for (const s of states) {
      const list = docs[s] ?? [];
      if (!list.length || (s === "succeeded" && !o.all && !o.status)) continue;
      process.stdout.write(`\n${s} (${list.length}):\n`);
      for (const d of list.slice(0, limit)) {
        const extra = d.error ? `  ${errorLine(d.file, d.error).slice(d.file.length + 2)}` : d.recordCount ? `  ${d.recordCount} records` : "";
        process.stdout.write(`  ${d.file}  ${d.sha256.slice(0, 12)}  ${d.pageCount ?? "?"} pages  ${d.updatedAt}${extra}\n`);
      }
      if (list.length > limit) process.stdout.write(`  … ${list.length - limit} more (--all)\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `jixiao reconcile`: one reconciler round now. */
export async function runReconcile(config: QueueConfig, o: { grace?: string }): Promise<number> {
  const ctx = await openQueueContext(config);
  try {
    const r = await reconcile(ctx, o.grace === undefined ? {} : { graceMs: Number(o.grace) * 1000 });
    log(`${r.checked} unfinished document(s) unchanged for the grace period; ${r.requeued.length} enqueued again`);
    return 0;
  } finally {
    await ctx.close();
  }
}
