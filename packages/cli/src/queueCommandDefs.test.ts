// Queue mode's commands take --redis-url and --database-url over the environment, and a missing
// or bad URL is a usage error (exit status 2) naming the flag and the variable, before any work.
import { describe, it, expect } from "vitest";
import { main } from "./main.js";
import { readEnv } from "./cliEnv.js";

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(["node", "jixiao", ...args], env), stderr: err.join("") };
  } finally {
    process.stderr.write = write;
  }
}

describe("queue commands' URLs", () => {
  it("without a PostgreSQL, worker, submit, status and reconcile are usage errors naming --database-url and JIXIAO_DATABASE_URL", async () => {
    for (const args of [["worker"], ["submit", "."], ["status"], ["reconcile"]]) {
      const r = await cli(args);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toMatch(/^error: queue mode needs the PostgreSQL every worker shares: give --database-url postgresql:\/\/… or set JIXIAO_DATABASE_URL\n$/);
    }
  });

  it("--redis-url and --database-url override the environment, and a bad one is a usage error naming the flag", async () => {
    const env = readEnv({ JIXIAO_DATABASE_URL: "postgresql://env-host/jx", JIXIAO_REDIS_URL: "redis://env-host:6379" });
    expect(await env.queueWith({})).toMatchObject({ databaseUrl: "postgresql://env-host/jx", redisUrl: "redis://env-host:6379" });
    expect(await env.queueWith({ databaseUrl: "postgresql://flag-host/jx", redisUrl: "redis://flag-host:1" })).toMatchObject({
      databaseUrl: "postgresql://flag-host/jx",
      redisUrl: "redis://flag-host:1",
    });
    const badRedis = await cli(["reconcile", "--redis-url", "http://nope", "--database-url", "postgresql://x@127.0.0.1:1/x"]);
    expect(badRedis.code).toBe(2);
    expect(badRedis.stderr).toMatch(/--redis-url: must be a redis:\/\/ or rediss:\/\/ URL/);
    const badPg = await cli(["status", "--database-url", "mysql://x"]);
    expect(badPg.code).toBe(2);
    expect(badPg.stderr).toMatch(/--database-url: must be a postgresql:\/\/ URL/);
  });

  it("uses --database-url: an unreachable server is a failure (status 1), not a usage error", async () => {
    const r = await cli(["status", "--database-url", "postgresql://x@127.0.0.1:1/x"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/STORE_UNAVAILABLE/);
  });

  it("a bad JIXIAO_LOG_LEVEL or --log-level is a usage error", async () => {
    expect((await cli(["worker", "--database-url", "postgresql://x@127.0.0.1:1/x", "--log-level", "loud"])).code).toBe(2);
    const r = await cli(["status"], { JIXIAO_LOG_LEVEL: "loud" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/JIXIAO_LOG_LEVEL must be one of/);
  });
});
