// `jixiao serve --database-url … --redis-url …`: an admin's upload goes to the queues as
// `jixiao submit` sends files, a `jixiao worker` process extracts it, and the upload page shows the
// stored document. Uses this machine's Redis and PostgreSQL (JIXIAO_TEST_REDIS_URL /
// JIXIAO_TEST_PG_URL override), under a random queue prefix and schema removed afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReviewApp } from "@jixiao/review";
import { openStore, type Store } from "@jixiao/store";
import { readEnv } from "./cliEnv.js";
import { serveUploads } from "./serveUploads.js";

const root = resolve(import.meta.dirname, "../../..");
const digital = join(root, "samples/digital/002_fe319b84d2aa7d28.pdf");
const PG_URL = process.env.JIXIAO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.JIXIAO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN_TOKEN = "a-serve-queue-admin-token-012345";
const ns = `jxs_${randomBytes(5).toString("hex")}`;
/** Queue mode's environment, as serve and the worker read it (the URLs themselves come as flags). */
const vars: NodeJS.ProcessEnv = { JIXIAO_DATABASE_SCHEMA: ns, JIXIAO_QUEUE_PREFIX: ns, JIXIAO_CONCURRENCY: "1", JIXIAO_ADMIN_TOKEN: ADMIN_TOKEN };

let dir: string;
let store: Store;
let worker: ChildProcess | undefined;
let workerLog = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-serve-queue-"));
  store = await openStore({ kind: "postgres", url: PG_URL, schema: ns });
  worker = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(root, "packages/cli/src/bin.ts"), "worker", "--redis-url", REDIS_URL, "--database-url", PG_URL],
    { env: { ...process.env, ...vars }, cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  worker.stdout!.on("data", (d: Buffer) => (workerLog += d.toString()));
  worker.stderr!.on("data", (d: Buffer) => (workerLog += d.toString()));
  for (let i = 0; !/: ready \(/.test(workerLog); i++) {
    if (worker.exitCode !== null || i > 600) throw new Error(`worker did not start:\n${workerLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 90_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  await store?.close();
  await rm(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${ns} CASCADE`);
  } finally {
    await client.end();
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}, 60_000);

describe("jixiao serve in queue mode: uploads", () => {
  it("submits an admin's upload to the queues; the worker stores it and the upload page shows it succeeded", async () => {
    const uploadsDir = join(dir, "uploads");
    const built = await serveUploads({ store: join(dir, "store"), databaseUrl: PG_URL, redisUrl: REDIS_URL, uploadsDir }, readEnv(vars), store);
    const app = await createReviewApp({ store, adminToken: ADMIN_TOKEN, uploads: built.uploads });
    try {
      const session = await app.inject({ method: "POST", url: "/api/session", payload: { token: ADMIN_TOKEN } });
      expect(session.statusCode, session.body).toBe(200);
      const cookie = `jixiao_session=${session.cookies.find((c) => c.name === "jixiao_session")!.value}`;
      const csrf = (session.json() as { csrfToken: string }).csrfToken;
      const pdf = await readFile(digital);
      const res = await app.inject({
        method: "POST",
        url: "/api/uploads?name=queued/report.pdf",
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/octet-stream" },
        payload: pdf,
      });
      expect(res.statusCode, res.body).toBe(202);

      type Item = { file: string; state: string; sha256: string | null; records: number; error: unknown };
      let list: { mode: string; items: Item[] } = { mode: "", items: [] };
      for (let i = 0; i < 600; i++) {
        list = (await app.inject({ method: "GET", url: "/api/uploads", headers: { cookie } })).json() as typeof list;
        if (list.items.every((x) => x.state !== "waiting" && x.state !== "processing")) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(list.mode).toBe("queue");
      const sha = createHash("sha256").update(pdf).digest("hex");
      expect(list.items, workerLog).toEqual([expect.objectContaining({ file: "queued/report.pdf", state: "succeeded", sha256: sha, error: null })]);
      expect(list.items[0]!.records).toBeGreaterThan(0);

      const doc = await store.getDocument(sha);
      expect(doc).toMatchObject({ file: "queued/report.pdf", status: "succeeded", recordCount: list.items[0]!.records });
      expect(doc!.path!.startsWith(`${resolve(uploadsDir)}/`)).toBe(true);
    } finally {
      await app.close();
      await built.close();
    }
  }, 180_000);
});
