// The start-up check against real redis-server processes: the shared one (noeviction) and a
// private one started here with an evicting policy (so the shared server is never reconfigured).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { checkRedis } from "./redis.js";
import { readQueueEnv } from "./config.js";
import { openQueueContext } from "./context.js";

const url = process.env.JIXIAO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("checkRedis", () => {
  let lru: ChildProcess | undefined;
  let lruPort = 0;
  beforeAll(async () => {
    lruPort = await freePort();
    lru = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(lruPort), "--save", "", "--appendonly", "no", "--maxmemory-policy", "allkeys-lru"], { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    while (spawnSync("redis-cli", ["-p", String(lruPort), "ping"], { encoding: "utf8" }).stdout.trim() !== "PONG") {
      if (Date.now() > deadline) throw new Error("private redis-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    lru?.kill("SIGKILL");
  });

  it("accepts the shared Redis (noeviction)", async () => {
    await expect(checkRedis(url)).resolves.toBeUndefined();
  });

  it("refuses a Redis that may evict keys with QUEUE_MISCONFIGURED", async () => {
    const err = await checkRedis(`redis://127.0.0.1:${lruPort}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("QUEUE_MISCONFIGURED");
    expect((err as JixiaoError).retryable).toBe(false);
    expect((err as JixiaoError).message).toMatch(/allkeys-lru/);
  });

  it("queue mode refuses to start on it (before touching the store)", async () => {
    const config = readQueueEnv({ JIXIAO_REDIS_URL: `redis://127.0.0.1:${lruPort}`, JIXIAO_DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" });
    const err = await openQueueContext(config).catch((e: unknown) => e);
    expect((err as JixiaoError).code).toBe("QUEUE_MISCONFIGURED");
  });

  it("reports QUEUE_UNAVAILABLE when nothing listens", async () => {
    const err = await checkRedis(`redis://127.0.0.1:${await freePort()}`, { connectTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect((err as JixiaoError).code).toBe("QUEUE_UNAVAILABLE");
  });
});
