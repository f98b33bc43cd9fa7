import { availableParallelism } from "node:os";
import { z } from "zod";
import { JixiaoError } from "@jixiao/core";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES } from "@jixiao/core/limits";

const int = (min: number) => z.coerce.number().int().min(min);

/**
 * Queue mode's configuration, read once from the environment at the entry point (readQueueEnv)
 * and handed down. Every field has a default except the database URL, which the commands that
 * need it ask for.
 */
export const QueueConfig = z.object({
  /** JIXIAO_REDIS_URL. Default redis://127.0.0.1:6379. */
  redisUrl: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").default("redis://127.0.0.1:6379"),
  /** JIXIAO_DATABASE_URL: the PostgreSQL every worker and submitter shares. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL").optional(),
  /** JIXIAO_DATABASE_SCHEMA: schema to work in (default: the server's search_path). */
  databaseSchema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "lower-case letters, digits and _ only").optional(),
  /** JIXIAO_QUEUE_PREFIX: Redis key prefix of every queue. Default "jixiao". */
  prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only").default("jixiao"),
  /** JIXIAO_MAX_BYTES: largest accepted input. Default 200 MiB (checked at intake). */
  maxBytes: int(1).default(DEFAULT_MAX_BYTES),
  /** JIXIAO_MAX_PAGES: most pages per file. Default 2000 (checked at intake). */
  maxPages: int(1).default(DEFAULT_MAX_PAGES),
  /** JIXIAO_CONCURRENCY: jobs per queue a worker process runs at once (page jobs: sandboxed processes). Default: the cores. */
  concurrency: int(1).default(() => availableParallelism()),
  /** JIXIAO_ATTEMPTS: tries of a job whose failure is retryable. Default 5. */
  attempts: int(1).default(5),
  /** JIXIAO_BACKOFF_MS: first retry delay; doubles each try (exponential). Default 2000. */
  backoffMs: int(0).default(2000),
  /** JIXIAO_LOCK_MS: job lock; a job whose worker died is taken again after about this long. Default 30000. */
  lockMs: int(1000).default(30_000),
  /** JIXIAO_STALLED_INTERVAL_MS: how often workers look for jobs whose worker died. Default 30000. */
  stalledIntervalMs: int(1000).default(30_000),
  /** JIXIAO_MAX_STALLED: times a job may lose its worker before it fails. Default 2. */
  maxStalledCount: int(0).default(2),
  /** JIXIAO_RECONCILE_INTERVAL_MS: how often a worker runs the reconciler (0: never). Default 60000. */
  reconcileIntervalMs: int(0).default(60_000),
  /** JIXIAO_RECONCILE_GRACE_MS: an unfinished document unchanged this long, with no job, is enqueued again. Default 60000. */
  reconcileGraceMs: int(0).default(60_000),
  /** JIXIAO_STORE_WAIT_MS: how long `submit` waits and retries while PostgreSQL is unreachable before giving up (STORE_UNAVAILABLE). Default 300000. */
  storeWaitMs: int(0).default(300_000),
  /** JIXIAO_REDIS_POLICY_CHECK_MS: how often workers and `submit` check Redis's maxmemory-policy (0: only at start). Default 10000. */
  redisPolicyCheckMs: int(0).default(10_000),
  /** JIXIAO_OCR_THREADS: tesseract workers per page-job process. Default 1 (concurrency gives the parallelism). */
  ocrThreads: int(1).default(1),
});
export type QueueConfig = z.infer<typeof QueueConfig>;

/** Environment variable of each field. */
export const QUEUE_ENV: { readonly [K in keyof QueueConfig]-?: string } = {
  redisUrl: "JIXIAO_REDIS_URL",
  databaseUrl: "JIXIAO_DATABASE_URL",
  databaseSchema: "JIXIAO_DATABASE_SCHEMA",
  prefix: "JIXIAO_QUEUE_PREFIX",
  maxBytes: "JIXIAO_MAX_BYTES",
  maxPages: "JIXIAO_MAX_PAGES",
  concurrency: "JIXIAO_CONCURRENCY",
  attempts: "JIXIAO_ATTEMPTS",
  backoffMs: "JIXIAO_BACKOFF_MS",
  lockMs: "JIXIAO_LOCK_MS",
  stalledIntervalMs: "JIXIAO_STALLED_INTERVAL_MS",
  maxStalledCount: "JIXIAO_MAX_STALLED",
  reconcileIntervalMs: "JIXIAO_RECONCILE_INTERVAL_MS",
  reconcileGraceMs: "JIXIAO_RECONCILE_GRACE_MS",
  ocrThreads: "JIXIAO_OCR_THREADS",
  storeWaitMs: "JIXIAO_STORE_WAIT_MS",
  redisPolicyCheckMs: "JIXIAO_REDIS_POLICY_CHECK_MS",
};

function invalidConfig(error: z.ZodError, names: { [field: string]: string }): JixiaoError {
  const lines = error.issues.map((i) => `${names[String(i.path[0])] ?? i.path.join(".")}: ${i.message}`);
  return new JixiaoError("INVALID_PAYLOAD", `invalid configuration: ${lines.join("; ")}`);
}

/** Reads and validates the configuration from the environment (empty values count as unset). */
export function readQueueEnv(env: NodeJS.ProcessEnv): QueueConfig {
  const raw: { [k: string]: string } = {};
  for (const [field, name] of Object.entries(QUEUE_ENV)) {
    const v = env[name];
    if (v !== undefined && v !== "") raw[field] = v;
  }
  const res = QueueConfig.safeParse(raw);
  if (!res.success) throw invalidConfig(res.error, QUEUE_ENV);
  return res.data;
}

/** Validates a configuration given as an object (e.g. handed to a sandboxed processor). */
export function parseQueueConfig(value: unknown): QueueConfig {
  const res = QueueConfig.safeParse(value);
  if (!res.success) throw invalidConfig(res.error, {});
  return res.data;
}

/** The processing limits of the pipeline's stage functions. */
export function limitsOf(config: QueueConfig): { maxBytes: number; maxPages: number } {
  return { maxBytes: config.maxBytes, maxPages: config.maxPages };
}
