import { resolve } from "node:path";
import { readQueueEnv, type QueueConfig } from "@jixiao/queue";
import type { StoreConfig } from "@jixiao/store";

/**
 * Configuration read once from the environment at the entry point: the embedded store of
 * `run`/`export`/`serve`, the review page's admin token (JIXIAO_ADMIN_TOKEN), and queue mode's
 * settings (JIXIAO_REDIS_URL, JIXIAO_DATABASE_URL, limits, concurrency, …; validated by zod, see
 * @jixiao/queue's QueueConfig).
 */
export type CliEnv = { storeDir: string; adminToken: string | undefined; queue: QueueConfig };

export function readEnv(env: NodeJS.ProcessEnv): CliEnv {
  return {
    storeDir: env.JIXIAO_STORE ?? ".jixiao/store",
    adminToken: env.JIXIAO_ADMIN_TOKEN || undefined,
    queue: readQueueEnv(env),
  };
}

/** Where a command finds the store: PostgreSQL with --database-url (or JIXIAO_DATABASE_URL), else embedded PGlite. */
export function storeConfig(o: { store: string; databaseUrl?: string | undefined }, env: CliEnv): StoreConfig {
  if (o.databaseUrl) {
    return { kind: "postgres", url: o.databaseUrl, ...(env.queue.databaseSchema ? { schema: env.queue.databaseSchema } : {}) };
  }
  return { kind: "pglite", dataDir: resolve(o.store) };
}
