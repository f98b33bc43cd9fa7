import type { StoredDocument } from "@jixiao/store";
import type { QueueContext } from "./context.js";
import { documentInFlight, enqueueIntake } from "./enqueue.js";

export type ReconcileResult = {
  /** Unfinished documents looked at (unchanged for the grace period). */
  checked: number;
  /** Hashes of the documents enqueued again. */
  requeued: string[];
};

/**
 * Finds documents the store says are unfinished (queued/processing), unchanged for `graceMs`,
 * that no job will finish any more (no live intake job, no live assemble job) — e.g. after Redis
 * lost its data, or a job failed while the store was unreachable — and enqueues them again from
 * the path kept in the store. Safe to run anywhere, at any time, concurrently: the store moves a
 * document back to queued only if it is still unfinished and stale, and job ids deduplicate.
 */
export async function reconcile(ctx: QueueContext, options: { graceMs?: number } = {}): Promise<ReconcileResult> {
  const graceMs = options.graceMs ?? ctx.config.reconcileGraceMs;
  const stale: StoredDocument[] = [
    ...(await ctx.store.listDocuments({ status: "queued", unchangedForMs: graceMs })),
    ...(await ctx.store.listDocuments({ status: "processing", unchangedForMs: graceMs })),
  ];
  const requeued: string[] = [];
  for (const doc of stale) {
    if (!doc.path) continue; // stored by in-process runs: nothing to read it from
    if (await documentInFlight(ctx, doc.sha256)) continue;
    if (!(await ctx.store.requeueDocument(doc.sha256, graceMs))) continue;
    await enqueueIntake(ctx, { path: doc.path, file: doc.file, sha256: doc.sha256 });
    requeued.push(doc.sha256);
  }
  return { checked: stale.length, requeued };
}

/**
 * Runs the reconciler every `intervalMs` in the background. Several worker processes may run
 * it; a Redis lock (SET NX PX) lets one of them do each round.
 */
export function startReconciler(
  ctx: QueueContext,
  options: {
    intervalMs?: number;
    graceMs?: number;
    onResult?: (r: ReconcileResult) => void;
    onError?: (err: unknown) => void;
    /** Rounds are skipped while this says so (e.g. Redis's maxmemory-policy is unsafe). */
    paused?: () => boolean;
  } = {},
): { stop: () => Promise<void> } {
  const intervalMs = options.intervalMs ?? ctx.config.reconcileIntervalMs;
  if (intervalMs <= 0) return { stop: async () => {} };
  const lockKey = `${ctx.config.prefix}:reconciler-lock`;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped || options.paused?.()) return;
    running = (async () => {
      const got = await ctx.connection.set(lockKey, String(process.pid), "PX", Math.max(1000, intervalMs - 100), "NX");
      if (got !== "OK") return;
      const r = await reconcile(ctx, options.graceMs === undefined ? {} : { graceMs: options.graceMs });
      options.onResult?.(r);
    })()
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      // A round blocked on an unreachable Redis or store is not waited for long.
      await Promise.race([running, new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}
