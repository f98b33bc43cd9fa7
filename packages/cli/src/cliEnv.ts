import { resolve } from "node:path";
import { readQueueEnv, type QueueConfig } from "@jixiao/queue";
import type { StoreConfig } from "@jixiao/store";
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_OCR_PAGE_TIME_MS, DEFAULT_TIME_LIMIT_MS } from "@jixiao/pipeline";

/**
 * Configuration read once from the environment at the entry point: the embedded store of
 * `run`/`export`/`serve`, the review page's admin token (JIXIAO_ADMIN_TOKEN), and queue mode's
 * settings (JIXIAO_REDIS_URL, JIXIAO_DATABASE_URL, limits, concurrency, …; validated by zod, see
 * @jixiao/queue's QueueConfig).
 */
export type CliEnv = {
  storeDir: string;
  adminToken: string | undefined;
  queue: QueueConfig;
  /**
   * `run`'s bounds per file: JIXIAO_TIME_LIMIT_S (default 60), JIXIAO_OCR_PAGE_TIME_S (more
   * time per OCR'd page, default 30) and JIXIAO_MEMORY_LIMIT_MB (default 1500).
   */
  limits: { timeLimitMs: number; ocrPageTimeMs: number; memoryLimitBytes: number };
};

/** A positive number from the environment, or the default when unset. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return n;
}

/** A number ≥ 0 from the environment, or the default when unset. */
function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!(n >= 0)) throw new Error(`${name} must be a number ≥ 0, not ${JSON.stringify(raw)}`);
  return n;
}

export function readEnv(env: NodeJS.ProcessEnv): CliEnv {
  return {
    limits: {
      timeLimitMs: positive(env, "JIXIAO_TIME_LIMIT_S", DEFAULT_TIME_LIMIT_MS / 1000) * 1000,
      ocrPageTimeMs: nonNegative(env, "JIXIAO_OCR_PAGE_TIME_S", DEFAULT_OCR_PAGE_TIME_MS / 1000) * 1000,
      memoryLimitBytes: positive(env, "JIXIAO_MEMORY_LIMIT_MB", DEFAULT_MEMORY_LIMIT_BYTES / 1e6) * 1e6,
    },
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
