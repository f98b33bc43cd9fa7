// `jixiao serve`'s upload page: the options serve gives createReviewApp. In-process, an admin's
// upload of a digital PDF is processed with the limits `run` reads from the environment and
// stored, the file kept beside the store; in queue mode the upload is submitted to the queues
// (here a Redis that cannot be reached: the upload fails with its code, and the page still works).
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReviewApp } from "@jixiao/review";
import { openStore, type Store } from "@jixiao/store";
import { readEnv } from "./cliEnv.js";
import { serveUploads, uploadsDir } from "./serveUploads.js";

const root = resolve(import.meta.dirname, "../../..");
const digital = join(root, "samples/digital/002_fe319b84d2aa7d28.pdf");
const ADMIN_TOKEN = "a-serve-uploads-admin-token-0123";

type App = Awaited<ReturnType<typeof createReviewApp>>;
type Item = { file: string; state: string; sha256: string | null; records: number; error: { code: string; message: string } | null };

let dir: string;
let store: Store;
let pdf: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-serve-uploads-"));
  store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
  pdf = await readFile(digital);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A review app with serve's upload options for `flags` and the environment `vars`; an admin's session. */
async function serve(flags: { databaseUrl?: string; redisUrl?: string; uploadsDir?: string }, vars: NodeJS.ProcessEnv = {}) {
  const built = await serveUploads({ store: join(dir, "store"), ...flags }, readEnv({ ...vars, JIXIAO_ADMIN_TOKEN: ADMIN_TOKEN }), store);
  const app = await createReviewApp({ store, adminToken: ADMIN_TOKEN, uploads: built.uploads });
  const res = await app.inject({ method: "POST", url: "/api/session", payload: { token: ADMIN_TOKEN } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === "jixiao_session")!;
  const admin = { cookie: `jixiao_session=${cookie.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
  const upload = (name: string, body: Buffer) =>
    app.inject({
      method: "POST",
      url: `/api/uploads?name=${encodeURIComponent(name)}`,
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf, "content-type": "application/octet-stream" },
      payload: body,
    });
  const list = async () => (await app.inject({ method: "GET", url: "/api/uploads", headers: { cookie: admin.cookie } })).json() as { mode: string; limits: { maxFileBytes: number }; items: Item[] };
  const close = async () => {
    await app.close();
    await built.close();
  };
  return { app, built, upload, list, close };
}

/** The upload list once nothing is waiting or processing. */
async function settled(list: () => Promise<{ items: Item[] }>): Promise<Item[]> {
  for (let i = 0; i < 600; i++) {
    const { items } = await list();
    if (items.every((x) => x.state !== "waiting" && x.state !== "processing")) return items;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("uploads did not finish");
}

describe("jixiao serve: uploads", () => {
  it("keeps uploads beside the store (<store>.uploads) unless --uploads-dir names another directory", () => {
    expect(uploadsDir({ store: "/data/jixiao/store" })).toBe("/data/jixiao/store.uploads");
    expect(uploadsDir({ store: "/data/jixiao/store", uploadsDir: "/shared/uploads" })).toBe("/shared/uploads");
  });

  it("processes an admin's upload of a digital PDF in-process and stores it, the file kept in the upload directory", async () => {
    const s = await serve({});
    try {
      const before = await s.list();
      expect(before.mode).toBe("in-process");
      expect(before.limits.maxFileBytes).toBe(readEnv({}).limits.maxBytes);
      const res = await s.upload("bureau/report.pdf", pdf);
      expect(res.statusCode, res.body).toBe(202);
      const [item] = await settled(s.list);
      const sha = createHash("sha256").update(pdf).digest("hex");
      expect(item, JSON.stringify(item)).toMatchObject({ file: "bureau/report.pdf", state: "succeeded", sha256: sha, error: null });
      expect(item!.records).toBeGreaterThan(0);

      const doc = await store.getDocument(sha);
      expect(doc).toMatchObject({ file: "bureau/report.pdf", status: "succeeded", inputKind: "pdf", recordCount: item!.records });
      // The stored document points at the kept file, under <store>.uploads, with the same bytes.
      const kept = resolve(join(dir, "store.uploads"));
      expect(doc!.path!.startsWith(`${kept}/`)).toBe(true);
      expect(doc!.path!.endsWith("/bureau/report.pdf")).toBe(true);
      expect(await readFile(doc!.path!)).toEqual(pdf);
      expect((await readdir(kept)).length).toBe(1);
    } finally {
      await s.close();
    }
  }, 120_000);

  it("bounds in-process uploads by the limits `run` reads from the environment (JIXIAO_MAX_PAGES)", async () => {
    const s = await serve({ uploadsDir: join(dir, "small") }, { JIXIAO_MAX_PAGES: "1" });
    try {
      // Other bytes than the stored document's (a trailing comment), so it is processed, not skipped.
      const res = await s.upload("three-pages.pdf", Buffer.concat([pdf, Buffer.from("\n% another copy\n")]));
      expect(res.statusCode, res.body).toBe(202);
      const [item] = await settled(s.list);
      expect(item, JSON.stringify(item)).toMatchObject({ file: "three-pages.pdf", state: "failed", error: { code: "OVER_LIMIT" } });
      expect(item!.error!.message).toMatch(/pages, the limit is 1$/);
      expect((await readdir(join(dir, "small"))).length).toBe(1);
    } finally {
      await s.close();
    }
  }, 120_000);

  it("submits uploads to the queues with --database-url; an unreachable Redis fails the upload with QUEUE_UNAVAILABLE, not the server", async () => {
    const s = await serve({ databaseUrl: "postgresql://nobody@127.0.0.1:1/none", redisUrl: "redis://127.0.0.1:1", uploadsDir: join(dir, "queued") });
    try {
      expect((await s.list()).mode).toBe("queue");
      for (const name of ["a.pdf", "b.pdf"]) {
        const res = await s.upload(name, pdf);
        expect(res.statusCode, res.body).toBe(202);
      }
      const items = await settled(s.list);
      // Each upload tried the queues again, and failed with the queue's code.
      expect(items.map((i) => [i.file, i.state, i.error?.code])).toEqual([
        ["b.pdf", "failed", "QUEUE_UNAVAILABLE"],
        ["a.pdf", "failed", "QUEUE_UNAVAILABLE"],
      ]);
      expect(items[0]!.error!.message).toContain("127.0.0.1:1");
      expect((await s.app.inject({ method: "GET", url: "/api/form-model" })).statusCode).toBe(401); // still serving
    } finally {
      await s.close();
    }
  }, 120_000);
});
