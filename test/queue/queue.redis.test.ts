// Queue mode end to end against the real Redis and PostgreSQL: worker processes spawned from the
// CLI's entry point, the sample corpus submitted through them, and the records compared with the
// in-process pipeline's; then the fault cases (a worker killed with SIGKILL mid-batch, Redis
// restarted mid-batch losing every key, the same file submitted twice at once).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createScanExtractor } from "@jixiao/ocr";
import { openQueueContext, openQueueStore, submitDocuments, type QueueContext } from "@jixiao/queue";
import type { JxRecord } from "@jixiao/schemas";
import type { Store } from "@jixiao/store";
import {
  PrivateRedis,
  alive,
  childPids,
  cleanup,
  comparable,
  configOf,
  corpus,
  distinctCopies,
  freePort,
  inProcessRecords,
  killGroup,
  namespace,
  queueEnv,
  removeDir,
  root,
  sleep,
  spawnWorker,
  storedRecords,
  waitFor,
  type WorkerProcess,
} from "./harness.js";

const sha256File = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
const TERMINAL = ["succeeded", "partial", "failed"];

/** Everything a test started, stopped and removed afterwards whatever happened. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
});

async function workers(n: number, env: NodeJS.ProcessEnv): Promise<WorkerProcess[]> {
  const ws: WorkerProcess[] = [];
  for (let i = 0; i < n; i++) {
    const w = await spawnWorker(env);
    ws.push(w);
    cleanups.push(() => killGroup(w));
  }
  return ws;
}

function useNamespace(extra: { [k: string]: string } = {}, redisUrl?: string) {
  const ns = namespace();
  const env = queueEnv(ns, { ...extra, ...(redisUrl ? { JIXIAO_REDIS_URL: redisUrl } : {}) });
  cleanups.push(() => cleanup(ns, redisUrl));
  return { ns, env, config: configOf(env) };
}

async function openStore(env: NodeJS.ProcessEnv): Promise<Store> {
  const store = await openQueueStore(configOf(env), 2);
  cleanups.push(() => store.close());
  return store;
}

/** Every document terminal, none lost, none duplicated; records equal the in-process ones. */
async function expectComplete(store: Store, files: string[], expected: (f: string) => JxRecord[]) {
  const shas = [...new Set(files.map(sha256File))];
  const docs = await store.getDocuments(shas);
  expect(docs.map((d) => d.sha256).sort()).toEqual([...shas].sort()); // 0 lost
  const counts = await store.countByStatus();
  expect(counts.queued + counts.processing).toBe(0);
  expect(docs.filter((d) => !TERMINAL.includes(d.status))).toEqual([]);
  for (const f of files) {
    const sha = sha256File(f);
    const doc = docs.find((d) => d.sha256 === sha)!;
    expect(doc.status, `${basename(f)}: ${doc.error?.code} ${doc.error?.message}`).not.toBe("failed");
    const records = await storedRecords(store, sha);
    expect(records.length, basename(f)).toBe(expected(f).length); // 0 duplicates
    expect(records.map(comparable), basename(f)).toStrictEqual(expected(f).map(comparable));
  }
  let total = 0;
  for await (const _ of store.listRecords()) total++;
  expect(total).toBe(shas.reduce((s, sha) => s + expected(files.find((f) => sha256File(f) === sha)!).length, 0));
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(root, "packages/cli/src/bin.ts"), ...args], { env, cwd: root });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("queue mode (BullMQ on Redis, PostgreSQL store, worker processes)", () => {
  it("gives the records of in-process processFile: the corpus through 2 worker processes", async () => {
    const { env } = useNamespace();
    const files = corpus({ scans: true });
    const scans = createScanExtractor();
    let expected: Map<string, JxRecord[]>;
    try {
      expected = await inProcessRecords(files, { extractScan: scans.extractScan });
    } finally {
      await scans.close();
    }
    await workers(2, env);
    const submit = await runCli(["submit", ...files, "--no-progress"], env);
    expect(submit.code, submit.out).toBe(0);
    expect(submit.out).toMatch(new RegExp(`${files.length} files: `));
    const store = await openStore(env);
    await expectComplete(store, files, (f) => expected.get(f)!);
    // The source file name is the submitted one, as in-process.
    for (const f of files) for (const r of await storedRecords(store, sha256File(f))) expect(r.source.file).toBe(basename(f));

    const status = await runCli(["status"], env);
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(new RegExp(`${files.length} documents: 0 queued, 0 processing, `));
    // Submitting again: already finished, nothing is processed twice.
    const again = await runCli(["submit", ...files, "--no-progress"], env);
    expect(again.code, again.out).toBe(0);
    await expectComplete(store, files, (f) => expected.get(f)!);
  }, 600_000);

  it("a worker killed with SIGKILL mid-batch: every document still finishes, none lost or duplicated", async () => {
    const { env, config } = useNamespace();
    const base = corpus();
    const expected = await inProcessRecords(base);
    const copies = distinctCopies(base, 3);
    cleanups.push(() => removeDir(copies.dir));
    const [victim, survivor] = await workers(2, env);
    const ctx = await openQueueContext(config);
    cleanups.push(() => ctx.close());
    const submitting = submitDocuments(ctx, copies.files, { pollMs: 300 });
    // Kill once the batch is under way: some documents finished, others not.
    await waitFor("a third of the batch", async () => (await ctx.store.countByStatus()).succeeded >= copies.files.length / 3);
    const atKill = await ctx.store.countByStatus();
    const children = childPids(victim!.child.pid!);
    victim!.child.kill("SIGKILL");
    await victim!.exited;
    const t0 = Date.now();
    const results = await submitting;
    console.log(
      `SIGKILL: ${copies.files.length} documents, ${atKill.queued + atKill.processing} unfinished when the worker was killed; ` +
        `all finished ${((Date.now() - t0) / 1000).toFixed(1)} s later`,
    );
    expect(atKill.queued + atKill.processing).toBeGreaterThan(0);
    expect(results.map((r) => r.status).filter((s) => !TERMINAL.includes(s))).toEqual([]);
    await expectComplete(ctx.store, copies.files, (f) => expected.get(copies.originOf.get(f)!)!);
    // The killed worker's sandboxed processes did not linger.
    await waitFor("the killed worker's children to exit", () => children.every((p) => !alive(p)), 15_000);
    expect(survivor!.log()).not.toMatch(/failed:/); // nothing failed for good
  }, 600_000);

  it("Redis restarted mid-batch (all keys lost): the reconciler sends the unfinished documents round again", async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.dispose());
    const { env, config } = useNamespace({}, redis.url);
    const base = corpus();
    const expected = await inProcessRecords(base);
    const copies = distinctCopies(base, 3);
    cleanups.push(() => removeDir(copies.dir));
    const ws = await workers(2, env);
    const ctx = await openQueueContext(config);
    cleanups.push(() => ctx.close());
    const submitting = submitDocuments(ctx, copies.files, { pollMs: 300 });
    await waitFor("part of the batch", async () => (await ctx.store.countByStatus()).succeeded >= 3);
    const before = await ctx.store.countByStatus();
    expect(before.queued + before.processing).toBeGreaterThan(0);
    await redis.restart(); // SHUTDOWN NOSAVE: every job, flow and lock is gone
    const t0 = Date.now();
    const results = await submitting;
    const requeued = ws.flatMap((w) => [...w.log().matchAll(/reconciler enqueued (\d+)/g)].map((m) => Number(m[1])));
    console.log(
      `Redis restart: ${copies.files.length} documents, ${before.queued + before.processing} unfinished at the restart; ` +
        `reconciler enqueued ${requeued.reduce((a, b) => a + b, 0)} again; all finished ${((Date.now() - t0) / 1000).toFixed(1)} s later`,
    );
    expect(requeued.length).toBeGreaterThan(0);
    expect(results.map((r) => r.status).filter((s) => !TERMINAL.includes(s))).toEqual([]);
    await expectComplete(ctx.store, copies.files, (f) => expected.get(copies.originOf.get(f)!)!);
  }, 600_000);

  it("a worker stopped with SIGTERM finishes its active jobs and exits 0; another takes the rest", async () => {
    const { env, config } = useNamespace();
    const base = corpus().filter((f) => f.endsWith(".pdf"));
    const expected = await inProcessRecords(base);
    const copies = distinctCopies(base, 2);
    cleanups.push(() => removeDir(copies.dir));
    const [first] = await workers(1, env);
    const ctx = await openQueueContext(config);
    cleanups.push(() => ctx.close());
    const submitting = submitDocuments(ctx, copies.files, { pollMs: 300 });
    await waitFor("work under way", async () => (await ctx.queues.page.getActiveCount()) > 0, 60_000, 50);
    first!.child.kill("SIGTERM");
    expect(await first!.exited).toBe(0);
    expect(first!.log()).toMatch(/SIGTERM: finishing active jobs[\s\S]*stopped/);
    expect(first!.log()).not.toMatch(/will retry|failed:/);
    await workers(1, env);
    const results = await submitting;
    expect(results.map((r) => r.status).filter((s) => s !== "succeeded" && s !== "partial")).toEqual([]);
    await expectComplete(ctx.store, copies.files, (f) => expected.get(copies.originOf.get(f)!)!);
  }, 300_000);

  it("names each document by its path under the submitted directory (two report.pdf are two documents)", async () => {
    const { env } = useNamespace();
    const dir = mkdtempSync(join(tmpdir(), "jixiao-queue-names-"));
    cleanups.push(() => removeDir(dir));
    const sample = join(root, "samples", "digital", "002_fe319b84d2aa7d28.pdf");
    const pdf = readFileSync(sample);
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "a", "report.pdf"), pdf);
    writeFileSync(join(dir, "b", "report.pdf"), Buffer.concat([pdf, Buffer.from("\n%another copy\n")]));
    const expected = (await inProcessRecords([sample])).get(sample)!;
    await workers(1, env);
    const submit = await runCli(["submit", dir, "--no-progress"], env);
    expect(submit.code, submit.out).toBe(0);
    const store = await openStore(env);
    for (const name of ["a/report.pdf", "b/report.pdf"]) {
      const sha = sha256File(join(dir, name));
      const records = await storedRecords(store, sha);
      expect(records.map(comparable)).toStrictEqual(expected.map(comparable));
      expect(records.map((r) => r.source.file)).toEqual(expected.map(() => name));
      expect((await store.getDocuments([sha]))[0]!.file).toBe(name);
    }
  }, 300_000);

  it("the same file submitted twice at once gives one document", async () => {
    const { env, config } = useNamespace();
    const file = join(root, "samples", "digital", "001_655e35476e9ed446.pdf");
    const expected = await inProcessRecords([file]);
    await workers(2, env);
    const contexts: QueueContext[] = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await openQueueContext(config);
      contexts.push(ctx);
      cleanups.push(() => ctx.close());
    }
    const [a, b] = await Promise.all(contexts.map((ctx) => submitDocuments(ctx, [file], { pollMs: 200 })));
    expect(a![0]!.sha256).toBe(b![0]!.sha256);
    expect([a![0]!.status, b![0]!.status]).toEqual(["succeeded", "succeeded"]);
    const store = contexts[0]!.store;
    expect(await store.listDocuments()).toHaveLength(1);
    await expectComplete(store, [file], (f) => expected.get(f)!);
    await sleep(0);
  }, 300_000);
});
