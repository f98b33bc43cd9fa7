import { Redis } from "ioredis";
import { JixiaoError } from "@jixiao/core";

/**
 * A Redis connection for BullMQ: commands wait through reconnects instead of failing
 * (maxRetriesPerRequest null, which BullMQ workers require), and connection errors are
 * reported to `onError` rather than crashing the process.
 */
export function connectRedis(url: string, onError: (err: Error) => void = () => {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on("error", onError);
  return client;
}

/** The value of `maxmemory-policy` read from INFO memory (CONFIG may be disabled on managed Redis). */
export function parseMaxmemoryPolicy(info: string): string | null {
  const m = /^maxmemory_policy:(\S+)/m.exec(info);
  return m ? m[1]! : null;
}

/**
 * Start-up check: Redis is reachable (else QUEUE_UNAVAILABLE) and will never evict keys
 * (`maxmemory-policy noeviction`, else QUEUE_MISCONFIGURED): an evicted job key silently loses
 * a document or leaves a flow's parent waiting for ever.
 */
export async function checkRedis(url: string, options: { connectTimeoutMs?: number } = {}): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: options.connectTimeoutMs ?? 5000,
  });
  client.on("error", () => {});
  try {
    let info: string;
    try {
      await client.connect();
      info = await client.info("memory");
    } catch (err) {
      throw new JixiaoError("QUEUE_UNAVAILABLE", `Redis at ${redactUrl(url)} could not be reached: ${(err as Error).message}`, { cause: err });
    }
    const policy = parseMaxmemoryPolicy(info);
    if (policy !== "noeviction") {
      throw new JixiaoError(
        "QUEUE_MISCONFIGURED",
        `Redis at ${redactUrl(url)} has maxmemory-policy ${policy ?? "(unknown)"}; queue mode needs noeviction (CONFIG SET maxmemory-policy noeviction)`,
      );
    }
  } finally {
    client.disconnect();
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** The error of a Redis whose maxmemory-policy may evict keys (QUEUE_MISCONFIGURED). */
export function unsafePolicyError(policy: string | null, url?: string): JixiaoError {
  return new JixiaoError(
    "QUEUE_MISCONFIGURED",
    `Redis${url ? ` at ${redactUrl(url)}` : ""} has maxmemory-policy ${policy ?? "(unknown)"}; queue mode needs noeviction (CONFIG SET maxmemory-policy noeviction)`,
  );
}

export type RedisPolicyWatch = {
  /** Whether the last check found noeviction (true until a check says otherwise). */
  safe(): boolean;
  /** Resolves at once while safe, else when a check finds noeviction again. */
  whenSafe(): Promise<void>;
  /** Checks now (a check already running is joined). Errors (Redis unreachable) leave the state as it was. */
  check(): Promise<boolean>;
  stop(): void;
};

/**
 * Checks Redis's maxmemory-policy every `intervalMs` while a worker or a submitter runs: the
 * start-up check alone misses a policy changed later (CONFIG SET, a restart with another
 * configuration), and then Redis evicts jobs, flows and locks as memory fills. `onUnsafe` gets a
 * QUEUE_MISCONFIGURED error when the policy stops being noeviction, `onSafe` when it is again.
 * `intervalMs` 0: no periodic checks (check() still works).
 */
export function watchRedisPolicy(
  client: Redis,
  options: { intervalMs: number; url?: string; timeoutMs?: number; onUnsafe?: (err: JixiaoError) => void; onSafe?: () => void },
): RedisPolicyWatch {
  let safe = true;
  let waiters: (() => void)[] = [];
  let running: Promise<boolean> | undefined;
  const timeoutMs = options.timeoutMs ?? 5000;
  const check = (): Promise<boolean> =>
    (running ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const info = await Promise.race([
          client.info("memory"),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
          }),
        ]);
        const policy = parseMaxmemoryPolicy(info);
        const now = policy === "noeviction";
        if (now !== safe) {
          safe = now;
          if (now) {
            for (const w of waiters.splice(0)) w();
            options.onSafe?.();
          } else options.onUnsafe?.(unsafePolicyError(policy, options.url));
        }
      } catch {
        // Redis unreachable: the connection's own reconnects deal with it; the state stays.
      } finally {
        clearTimeout(timer);
        running = undefined;
      }
      return safe;
    })());
  const timer = options.intervalMs > 0 ? setInterval(() => void check(), options.intervalMs) : undefined;
  timer?.unref();
  return {
    safe: () => safe,
    whenSafe: () => (safe ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    check,
    stop() {
      if (timer) clearInterval(timer);
      for (const w of waiters.splice(0)) w();
      waiters = [];
    },
  };
}
