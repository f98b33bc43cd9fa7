import { FlowProducer, Queue, type WorkerOptions } from "bullmq";
import type { Redis } from "ioredis";
import { JixiaoError } from "@jixiao/core";
import { openStore, type Store } from "@jixiao/store";
import type { QueueConfig } from "./config.js";
import { QUEUES, type QueueName } from "./names.js";
import { checkRedis, connectRedis } from "./redis.js";

/** The BullMQ worker options every queue's worker uses (connection, prefix, locks, stall policy). */
export function workerOptions(ctx: QueueContext, concurrency?: number): WorkerOptions {
  return {
    connection: ctx.connection,
    prefix: ctx.config.prefix,
    concurrency: concurrency ?? ctx.config.concurrency,
    lockDuration: ctx.config.lockMs,
    stalledInterval: ctx.config.stalledIntervalMs,
    maxStalledCount: ctx.config.maxStalledCount,
  };
}

/** Everything a worker, a submitter or the reconciler shares within one process. */
export type QueueContext = {
  config: QueueConfig;
  /** Shared Redis connection (BullMQ duplicates it for blocking reads). */
  connection: Redis;
  store: Store;
  queues: { [K in QueueName]: Queue };
  flow: FlowProducer;
  close: () => Promise<void>;
};

export type OpenQueueContextOptions = {
  /** Use this store (left open on close) instead of opening JIXIAO_DATABASE_URL. */
  store?: Store;
  /** Skip the Redis start-up check (reachable, noeviction). Default false. */
  skipRedisCheck?: boolean;
  /** Called with Redis connection errors (they are retried; default: ignored). */
  onRedisError?: (err: Error) => void;
};

/** Opens the PostgreSQL store the configuration names (STORE_UNAVAILABLE when unreachable). */
export async function openQueueStore(config: QueueConfig, poolSize?: number): Promise<Store> {
  if (!config.databaseUrl) {
    throw new JixiaoError("INVALID_PAYLOAD", "queue mode needs JIXIAO_DATABASE_URL (the PostgreSQL every worker shares)");
  }
  return openStore({
    kind: "postgres",
    url: config.databaseUrl,
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
    ...(poolSize === undefined ? {} : { max: poolSize }),
  });
}

/**
 * Checks Redis (refusing one whose maxmemory-policy is not noeviction: QUEUE_MISCONFIGURED),
 * opens the store and the queues. Close it with `close()`.
 */
export async function openQueueContext(config: QueueConfig, options: OpenQueueContextOptions = {}): Promise<QueueContext> {
  if (!options.skipRedisCheck) await checkRedis(config.redisUrl);
  const store = options.store ?? (await openQueueStore(config));
  const connection = connectRedis(config.redisUrl, options.onRedisError);
  const common = { connection, prefix: config.prefix };
  const queues = {
    intake: new Queue(QUEUES.intake, common),
    page: new Queue(QUEUES.page, common),
    assemble: new Queue(QUEUES.assemble, common),
  };
  const flow = new FlowProducer(common);
  const onError = (err: Error) => options.onRedisError?.(err);
  for (const q of Object.values(queues)) q.on("error", onError);
  flow.on("error", onError);
  let closed = false;
  return {
    config,
    connection,
    store,
    queues,
    flow,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...Object.values(queues).map((q) => q.close()), flow.close()]);
      connection.disconnect();
      if (!options.store) await store.close();
    },
  };
}
