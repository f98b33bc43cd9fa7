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
