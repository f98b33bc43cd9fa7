import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import type { QueueConfig } from "@jixiao/queue";
import type { StoreConfig, UserRole } from "@jixiao/store";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_OCR_PAGE_TIME_MS, DEFAULT_TIME_LIMIT_MS } from "@jixiao/core/limits";
import { UsageError } from "./UsageError.js";

// This module is loaded for every command, `--help` included: it imports nothing heavy (no zod,
// no pipeline, no store; @jixiao/core/limits imports nothing). The few other values the options'
// help shows are mirrored here; a unit test (cliEnv.test.ts) checks each against the package
// that owns it.

/** The log levels of `jixiao worker --log-level` and JIXIAO_LOG_LEVEL (pino's). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The review roles (@jixiao/review's USER_ROLES), for the help of `user add --role`. */
export const USER_ROLE_NAMES: readonly UserRole[] = ["admin", "reviewer", "viewer"];

/**
 * Configuration read once from the environment at the entry point: the embedded store of
 * `run`/`export`/`serve`, the review page's admin token (JIXIAO_ADMIN_TOKEN), and queue mode's
 * settings (JIXIAO_REDIS_URL, JIXIAO_DATABASE_URL, limits, concurrency, …; validated by zod, see
 * @jixiao/queue's QueueConfig).
 */
export type CliEnv = {
  storeDir: string;
  adminToken: string | undefined;
  /** JIXIAO_LOG_LEVEL: the worker's log level (default info). */
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * Queue mode's settings, read and validated on first use (a UsageError for a bad value), so
   * that the commands which need none of them, and `--help`, do not load the queue package.
   */
  queue: () => Promise<QueueConfig>;
  /**
   * Queue mode's settings for a command that works on the queues and the shared store
   * (worker, submit, status, reconcile): `--redis-url` and `--database-url` override
   * JIXIAO_REDIS_URL and JIXIAO_DATABASE_URL. A bad URL, or no PostgreSQL at all, is a UsageError
   * (exit status 2) that names the flag and the variable.
   */
  queueWith: (flags: QueueFlags) => Promise<QueueConfig>;
  /**
   * What the options' help shows of queue mode's settings, read from the environment without
   * validation: JIXIAO_DATABASE_URL, JIXIAO_CONCURRENCY (default: the cores), JIXIAO_STORE_WAIT_MS
   * (default 300 s). The commands themselves use `queue()`.
   */
  queueHelp: { databaseUrl: string | undefined; concurrency: number; storeWaitMs: number };
  /**
   * `run`'s bounds per file: JIXIAO_TIME_LIMIT_S (default 60), JIXIAO_OCR_PAGE_TIME_S (more
   * time per OCR'd page, default 30), JIXIAO_MEMORY_LIMIT_MB (default 1500), JIXIAO_MAX_BYTES
   * (default 200 MiB) and JIXIAO_MAX_PAGES (default 2000); the defaults are @jixiao/core's limits.
   */
  limits: RunLimits;
  /**
   * `run`'s files extracted at once, each in a process of its own: JIXIAO_JOBS (default: the
   * idle cores, see idleCores).
   */
  jobs: number;
  /** JIXIAO_JOBS is not set: `jobs` is the idle cores, which `run` uses fewer of for a small batch. */
  jobsByDefault: boolean;
};

/** The flags of the queue commands that override queue mode's environment. */
type QueueFlags = { redisUrl?: string | undefined; databaseUrl?: string | undefined };

type RunLimits = { timeLimitMs: number; ocrPageTimeMs: number; memoryLimitBytes: number; maxBytes: number; maxPages: number };

/**
 * The cores no other work is using now: the cores less the 1-minute load average, rounded, at
 * least 1. Each extraction process pays its own start-up and warm-up (about 1-3 s of CPU for
 * pdf.js), which only pays back on a core of its own: on the 2-core VM under a load of 7-9 from
 * other work, two processes took 11-12.5 s of CPU and more time than one (8-10 s).
 */
function idleCores(): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores, Math.round(cores - loadavg()[0]!)));
}

/** A positive number from the environment, or the default when unset. */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!(n > 0)) throw new UsageError(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return n;
}

/** A positive integer from the environment, or the default when unset. */
function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = positive(env, name, fallback);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be a positive integer, not ${JSON.stringify(env[name])}`);
  return n;
}

/** A number ≥ 0 from the environment, or the default when unset. */
function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!(n >= 0)) throw new UsageError(`${name} must be a number ≥ 0, not ${JSON.stringify(raw)}`);
  return n;
}

function logLevel(raw: string | undefined): CliEnv["logLevel"] {
  if (raw === undefined) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new UsageError(`JIXIAO_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not ${JSON.stringify(raw)}`);
  return raw as CliEnv["logLevel"];
}

export function readEnv(env: NodeJS.ProcessEnv): CliEnv {
  const set = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  let queue: Promise<QueueConfig> | undefined;
  // A bad setting is a usage error (exit status 2), as it was when the settings were read up front.
  const queueConfig = (): Promise<QueueConfig> =>
    (queue ??= import("@jixiao/queue").then((q) => {
      try {
        return q.readQueueEnv(env);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        throw new UsageError(`${typeof code === "string" ? `${code}: ` : ""}${(err as Error).message}`);
      }
    }));
  return {
    limits: {
      timeLimitMs: positive(env, "JIXIAO_TIME_LIMIT_S", DEFAULT_TIME_LIMIT_MS / 1000) * 1000,
      ocrPageTimeMs: nonNegative(env, "JIXIAO_OCR_PAGE_TIME_S", DEFAULT_OCR_PAGE_TIME_MS / 1000) * 1000,
      memoryLimitBytes: positive(env, "JIXIAO_MEMORY_LIMIT_MB", DEFAULT_MEMORY_LIMIT_BYTES / 1e6) * 1e6,
      maxBytes: positiveInteger(env, "JIXIAO_MAX_BYTES", DEFAULT_MAX_BYTES),
      maxPages: positiveInteger(env, "JIXIAO_MAX_PAGES", DEFAULT_MAX_PAGES),
    },
    jobs: positiveInteger(env, "JIXIAO_JOBS", idleCores()),
    jobsByDefault: set("JIXIAO_JOBS") === undefined,
    storeDir: env.JIXIAO_STORE ?? ".jixiao/store",
    adminToken: env.JIXIAO_ADMIN_TOKEN || undefined,
    logLevel: logLevel(set("JIXIAO_LOG_LEVEL")),
    queue: queueConfig,
    async queueWith(flags) {
      const base = await queueConfig();
      const { parseQueueConfig } = await import("@jixiao/queue");
      let config: QueueConfig;
      try {
        config = parseQueueConfig({
          ...base,
          ...(flags.redisUrl === undefined ? {} : { redisUrl: flags.redisUrl }),
          ...(flags.databaseUrl === undefined ? {} : { databaseUrl: flags.databaseUrl }),
        });
      } catch (err) {
        const message = (err as Error).message.replace(/\bredisUrl\b/g, "--redis-url").replace(/\bdatabaseUrl\b/g, "--database-url");
        throw new UsageError(message);
      }
      if (!config.databaseUrl) {
        throw new UsageError("queue mode needs the PostgreSQL every worker shares: give --database-url postgresql://… or set JIXIAO_DATABASE_URL");
      }
      return config;
    },
    queueHelp: {
      databaseUrl: set("JIXIAO_DATABASE_URL"),
      concurrency: Number(set("JIXIAO_CONCURRENCY") ?? availableParallelism()),
      storeWaitMs: Number(set("JIXIAO_STORE_WAIT_MS") ?? 300_000),
    },
  };
}

/** Where a command finds the store: PostgreSQL with --database-url (or JIXIAO_DATABASE_URL), else embedded PGlite. */
export async function storeConfig(o: { store: string; databaseUrl?: string | undefined }, env: CliEnv): Promise<StoreConfig> {
  if (o.databaseUrl) {
    const queue = await env.queue();
    return { kind: "postgres", url: o.databaseUrl, ...(queue.databaseSchema ? { schema: queue.databaseSchema } : {}) };
  }
  return { kind: "pglite", dataDir: resolve(o.store) };
}
