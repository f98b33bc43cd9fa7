import { readQueueEnv, type QueueConfig } from "@jixiao/queue";

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
