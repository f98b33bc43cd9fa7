// Queue mode through outages that are not crashes: PostgreSQL unreachable for a few seconds
// while `submit` waits (it retries, bounded by storeWaitMs), and Redis's maxmemory-policy
// switched to an evicting one mid-batch (workers and submit stop taking work, with
// QUEUE_MISCONFIGURED, and go on once it is noeviction again).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { docJobId, openQueueContext, openQueueStore, submitDocuments, watchRedisPolicy, type QueueContext } from "@jixiao/queue";
import {
  PrivateRedis,
  cleanup,
  configOf,
  corpus,
  distinctCopies,
  freePort,
  killGroup,
  namespace,
  queueEnv,
  removeDir,
  sleep,
  spawnWorker,
  waitFor,
} from "./harness.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
});

const sha256File = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class PgProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    readonly target: { host: string; port: number },
  ) {}
  async up(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.#server!.listen(this.port, "127.0.0.1", () => r()));
  }
  async down(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
    this.#server = undefined;
  }
}

describe("queue mode outages", () => {
  it("submit waits and retries while PostgreSQL is unreachable, and gives up after storeWaitMs", async () => {
    const ns = namespace();
    const env = queueEnv(ns);
    cleanups.push(() => cleanup(ns));
    const pgUrl = new URL(env.JIXIAO_DATABASE_URL!);
    const proxy = new PgProxy(await freePort(), { host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    await proxy.up();
    cleanups.push(() => proxy.down());
    const viaProxy = new URL(pgUrl);
    viaProxy.port = String(proxy.port);
    const base = corpus().filter((f) => f.endsWith(".pdf"));
    const copies = distinctCopies(base, 2);
    cleanups.push(() => removeDir(copies.dir));

    const w = await spawnWorker(env); // the worker reaches PostgreSQL directly
    cleanups.push(() => killGroup(w));
    const direct = await openQueueStore(configOf(env), 2);
    cleanups.push(() => direct.close());
    const ctx = await openQueueContext(configOf({ ...env, JIXIAO_DATABASE_URL: viaProxy.toString() }));
    cleanups.push(() => ctx.close());

    const waits: number[] = [];
    const submitting = submitDocuments(ctx, copies.files, { pollMs: 200, storeWaitMs: 60_000, onStoreWait: (_e, ms) => waits.push(ms) });
    await waitFor("part of the batch", async () => (await direct.countByStatus()).succeeded >= 1, 120_000, 100);
    await proxy.down(); // PostgreSQL unreachable for the submitter
    await sleep(4000);
    await proxy.up();
    const results = await submitting;
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeGreaterThan(1000);
    expect(results.map((r) => r.status).filter((s) => s !== "succeeded")).toEqual([]);

    // An outage longer than storeWaitMs: STORE_UNAVAILABLE, said so.
    await proxy.down();
    const t0 = Date.now();
    const err = await submitDocuments(ctx, copies.files.slice(0, 1), { pollMs: 200, storeWaitMs: 1500 }).catch((e: unknown) => e);
    expect((err as JixiaoError).code).toBe("STORE_UNAVAILABLE");
    expect((err as Error).message).toMatch(/still unreachable after \d+ s of retrying/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 300_000);

  it("maxmemory-policy switched to allkeys-lru mid-batch: workers and submit take no work until it is noeviction again", async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.dispose());
    const ns = namespace();
    const env = queueEnv(ns, { JIXIAO_REDIS_URL: redis.url, JIXIAO_REDIS_POLICY_CHECK_MS: "300" });
    cleanups.push(() => cleanup(ns, redis.url));
    const config = configOf(env);
    const seeds = corpus().filter((f) => f.endsWith(".txt"));
    const [a, b] = [seeds[0]!, seeds[1]!];
    const cli = (...args: string[]) => spawnSync("redis-cli", ["-p", String(redis.port), ...args], { encoding: "utf8" }).stdout.trim();

    const w = await spawnWorker(env);
    cleanups.push(() => killGroup(w));
    const ctx: QueueContext = await openQueueContext(config);
    cleanups.push(() => ctx.close());

    expect(cli("config", "set", "maxmemory-policy", "allkeys-lru")).toBe("OK");
    await waitFor("the worker to notice", () => /QUEUE_MISCONFIGURED: .*allkeys-lru.*not taking jobs/.test(w.log()), 20_000, 100);

    // A job added anyway (a submitter that does not check) is not taken while the policy is unsafe.
    await submitDocuments(ctx, [a], { noWait: true });
    await sleep(2000);
    expect((await ctx.store.getDocument(sha256File(a)))!.status).toBe("queued");
    const job = await ctx.queues.intake.getJob(docJobId(sha256File(a)));
    expect(await job!.getState()).toMatch(/^(waiting|paused)$/);

    // A submitter that checks adds nothing meanwhile.
    const policy = watchRedisPolicy(ctx.connection, { intervalMs: 300, url: redis.url });
    cleanups.push(() => policy.stop());
    expect(await policy.check()).toBe(false);
    const submitting = submitDocuments(ctx, [b], { policy, pollMs: 300 });
    await sleep(1500);
    expect(await ctx.queues.intake.getJob(docJobId(sha256File(b)))).toBeUndefined();

    expect(cli("config", "set", "maxmemory-policy", "noeviction")).toBe("OK");
    const results = await submitting;
    expect(results.map((r) => r.status)).toEqual(["succeeded"]);
    await waitFor("the first document", async () => (await ctx.store.getDocument(sha256File(a)))!.status === "succeeded", 60_000);
    expect(w.log()).toMatch(/maxmemory-policy is noeviction again: taking jobs/);
  }, 300_000);
});
