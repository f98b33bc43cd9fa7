// Test harness of queue mode: random queue prefixes and PostgreSQL schemas (dropped afterwards),
// worker processes spawned from the CLI's entry point, a private redis-server for restarts,
// and the records of the in-process pipeline to compare with.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { processFile, type ProcessOptions } from "@jixiao/pipeline";
import { readQueueEnv, type QueueConfig } from "@jixiao/queue";
import type { JxRecord } from "@jixiao/schemas";
import { collect, type Store } from "@jixiao/store";

export const root = join(import.meta.dirname, "..", "..");
export const PG_URL = process.env.JIXIAO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.JIXIAO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const CLI = join(root, "packages", "cli", "src", "bin.ts");

/** A fresh namespace: a queue prefix and a schema nobody else uses. */
export function namespace(): { prefix: string; schema: string } {
  const id = randomBytes(5).toString("hex");
  return { prefix: `jxt_${id}`, schema: `jxt_${id}` };
}

/** Environment of workers and submitters of one test (short locks so dead workers are noticed fast). */
export function queueEnv(ns: { prefix: string; schema: string }, extra: { [k: string]: string } = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    JIXIAO_REDIS_URL: REDIS_URL,
    JIXIAO_DATABASE_URL: PG_URL,
    JIXIAO_DATABASE_SCHEMA: ns.schema,
    JIXIAO_QUEUE_PREFIX: ns.prefix,
    JIXIAO_CONCURRENCY: "1",
    JIXIAO_BACKOFF_MS: "200",
    JIXIAO_LOCK_MS: "4000",
    JIXIAO_STALLED_INTERVAL_MS: "2000",
    JIXIAO_RECONCILE_INTERVAL_MS: "2000",
    JIXIAO_RECONCILE_GRACE_MS: "3000",
    ...extra,
  };
}

export function configOf(env: NodeJS.ProcessEnv): QueueConfig {
  return readQueueEnv(env);
}

/** Drops a test's schema and deletes its Redis keys. */
export async function cleanup(ns: { prefix: string; schema: string }, redisUrl = REDIS_URL): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${ns.schema} CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on("error", () => {});
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${ns.prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } catch {
    // a private Redis already stopped: nothing to clean
  } finally {
    redis.disconnect();
  }
}

export type WorkerProcess = { child: ChildProcess; log: () => string; exited: Promise<number | null> };

/** Spawns `jixiao worker` (a process group of its own) and waits until it says it is ready. */
export async function spawnWorker(env: NodeJS.ProcessEnv, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", CLI, "worker", ...args], {
    env,
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!/: ready \(/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${out}`);
    await sleep(100);
  }
  return { child, log: () => out, exited };
}

/** Kills a worker's whole process group (the worker and its sandboxed children). */
export function killGroup(w: WorkerProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-w.child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Pids of the processes whose parent is `pid`. */
export function childPids(pid: number): number[] {
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  return r.stdout.split("\n").map((s) => Number(s.trim())).filter((n) => n > 0);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 120_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The sample corpus of these tests: digital PDFs and text dumps (+ the scan when asked). */
export function corpus(options: { scans?: boolean } = {}): string[] {
  const dirs: [string, string][] = [["digital", ".pdf"], ["seeds", ".txt"]];
  if (options.scans) dirs.push(["scan", ".pdf"]);
  return dirs.flatMap(([d, ext]) =>
    readdirSync(join(root, "samples", d)).filter((f) => f.endsWith(ext)).sort().map((f) => join(root, "samples", d, f)),
  );
}

/**
 * Copies of the corpus with distinct bytes (so distinct documents): `copies` per file, each with
 * a trailing comment (PDF) or newline run (text dump) that changes nothing else.
 */
export function distinctCopies(files: string[], copies: number): { dir: string; files: string[]; originOf: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-queue-"));
  const out: string[] = [];
  const originOf = new Map<string, string>();
  for (const f of files) {
    for (let i = 0; i < copies; i++) {
      const name = `${basename(f).replace(/(\.[a-z]+)$/, `_c${i}$1`)}`;
      const target = join(dir, name);
      if (i === 0) copyFileSync(f, target);
      else writeFileSync(target, Buffer.concat([readFileSync(f), Buffer.from(f.endsWith(".pdf") ? `\n%copy ${i}\n` : "\n".repeat(i))]));
      out.push(target);
      originOf.set(target, f);
    }
  }
  return { dir, files: out, originOf };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A record with the fields that differ between copies of a file (name, hash) blanked. */
export function comparable(r: JxRecord): unknown {
  const c = JSON.parse(JSON.stringify(r)) as { source: { file: string; sha256: string } };
  c.source.file = "";
  c.source.sha256 = "";
  return c;
}

/** In-process records of each file, by path. */
export async function inProcessRecords(files: string[], options: ProcessOptions = {}): Promise<Map<string, JxRecord[]>> {
  const out = new Map<string, JxRecord[]>();
  for (const f of files) {
    const r = await processFile(f, options);
    if (r.error) throw new Error(`${f}: ${r.error.code} ${r.error.message}`);
    out.set(f, r.records);
  }
  return out;
}

export async function storedRecords(store: Store, sha256: string): Promise<JxRecord[]> {
  return collect(store.listRecords({ documentSha256: sha256 }));
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server (nothing on disk, noeviction) on its own port, so a test can restart it
 * — losing every key — without disturbing other tests on the shared Redis.
 */
export class PrivateRedis {
  readonly url: string;
  #proc: ChildProcess | undefined;
  readonly #dir: string;
  constructor(readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`;
    this.#dir = mkdtempSync(join(tmpdir(), "jixiao-redis-"));
  }

  async start(): Promise<void> {
    this.#proc = spawn(
      "redis-server",
      ["--bind", "127.0.0.1", "--port", String(this.port), "--save", "", "--appendonly", "no", "--dir", this.#dir, "--maxmemory-policy", "noeviction"],
      { stdio: "ignore" },
    );
    await waitFor(`redis-server on ${this.port}`, () => spawnSync("redis-cli", ["-p", String(this.port), "ping"], { encoding: "utf8" }).stdout.trim() === "PONG", 10_000, 50);
  }

  /** SHUTDOWN NOSAVE: the data is gone, as after a crash of a Redis that keeps nothing on disk. */
  async stop(): Promise<void> {
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    spawnSync("redis-cli", ["-p", String(this.port), "shutdown", "nosave"]);
    await Promise.race([exited, sleep(5000)]);
    if (proc.exitCode === null) proc.kill("SIGKILL");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
