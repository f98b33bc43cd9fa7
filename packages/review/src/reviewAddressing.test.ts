// The review API's form model, records addressed by document and ordinal (as the export numbers
// them), and the upload routes (in-process, through the extraction sandbox), over PGlite.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { FORM_MODELS } from "@jixiao/core";
import { numberRecords } from "@jixiao/export";
import { documentToStore, processFile } from "@jixiao/pipeline";
import { reapplyCorrections } from "@jixiao/normalize";
import { openStore, type Store } from "@jixiao/store";
import { addUser, createReviewApp, inProcessUploads } from "./index.js";

const root = resolve(import.meta.dirname, "../../..");
const seeds = join(root, "samples/seeds");
const ADMIN_TOKEN = "a-test-admin-token-of-some-length";

let dir: string;
let store: Store;
let app: FastifyInstance;
let admin: { cookie: string; csrf: string };
let reviewer: { cookie: string; csrf: string };
let seedSha: string;

async function ingest(path: string) {
  const r = await processFile(path);
  const doc = documentToStore(r);
  if (!doc) throw new Error(`${path}: ${r.error?.message}`);
  await store.saveDocument(doc, { reapply: reapplyCorrections });
  return r;
}

async function login(body: object) {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: body });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === "jixiao_session")!;
  return { cookie: `jixiao_session=${cookie.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
}

const get = (url: string, who = reviewer) => app.inject({ method: "GET", url, headers: { cookie: who.cookie } });
const post = (url: string, payload: unknown, who = reviewer) =>
  app.inject({ method: "POST", url, headers: { cookie: who.cookie, "x-csrf-token": who.csrf, "content-type": "application/json" }, payload: JSON.stringify(payload) });
const upload = (name: string, body: Buffer, who = admin) =>
  app.inject({ method: "POST", url: `/api/uploads?name=${encodeURIComponent(name)}`, headers: { cookie: who.cookie, "x-csrf-token": who.csrf, "content-type": "application/octet-stream" }, payload: body });
const errorCode = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

type Item = { file: string; zip: string | null; state: string; sha256: string | null; records: number; error: { code: string } | null };

/** The upload list once nothing is waiting or processing. */
async function settled(): Promise<Item[]> {
  for (let i = 0; i < 600; i++) {
    const { items } = (await get("/api/uploads", admin)).json() as { items: Item[] };
    if (items.every((x) => x.state !== "waiting" && x.state !== "processing")) return items;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("uploads did not finish");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-review-addr-"));
  store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
  seedSha = (await ingest(join(seeds, "000_f5e7e42ab4334a59.txt"))).sha256!;
  await addUser(store, { name: "li.wei", password: "correct horse battery", role: "reviewer" });
  app = await createReviewApp({
    store,
    adminToken: ADMIN_TOKEN,
    uploads: { dir: join(dir, "uploads"), processor: inProcessUploads(store), zip: { maxEntries: 5, maxTotalBytes: 4 * 1024 * 1024 } },
  });
  admin = await login({ token: ADMIN_TOKEN });
  reviewer = await login({ name: "li.wei", password: "correct horse battery" });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("review API: the form model", () => {
  it("serves each kind's fields with the form's own labels and types, and the flag codes' descriptions", async () => {
    const res = await get("/api/form-model");
    expect(res.statusCode).toBe(200);
    const m = res.json() as { kinds: { [k: string]: { title: string; fields: { path: string; label: string; type: string; value: string }[] } }; flagCodes: { [c: string]: { description: string } } };
    const project = m.kinds.project_self_eval!;
    expect(project.title).toBe(FORM_MODELS.project_self_eval.titles[0]);
    expect(project.fields.find((f) => f.path === "funds.total.annual_budget")).toEqual({ path: "funds.total.annual_budget", label: "年度资金总额 · 全年预算数", type: "money", value: "number", section: "funds" });
    expect(m.kinds.project_self_assessment!.fields.find((f) => f.path === "recurring")).toMatchObject({ label: "是否为经常性项目", value: "boolean" });
    expect(m.flagCodes.weights_do_not_sum!.description).toMatch(/weights/);
    expect((await app.inject({ method: "GET", url: "/api/form-model" })).statusCode).toBe(401);
  });
});

describe("review API: records by document and ordinal", () => {
  it("answers at /api/documents/:sha256/records/:ordinal with the export's ordinal, and keeps the address when the document is processed again", async () => {
    const numbered = [];
    for await (const n of numberRecords(store, false)) if (n.record.source.sha256 === seedSha) numbered.push(n);
    expect(numbered.length).toBeGreaterThan(1);
    const last = numbered.at(-1)!;
    const res = await get(`/api/documents/${seedSha}/records/${last.ordinal}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json() as { id: number; ordinal: number; url: string; record: unknown; fields: { path: string; label: string; current: unknown }[] };
    expect(view.ordinal).toBe(last.ordinal);
    expect(view.record).toEqual(last.record);
    expect(view.url).toBe(`/api/documents/${seedSha}/records/${last.ordinal}`);
    const name = view.fields.find((f) => f.path === "indicators[0].name")!;
    expect(name.label).toBe("三级指标");

    // A correction through the address; the document processed again keeps both the address and the correction.
    const corrected = await post(`/api/documents/${seedSha}/records/${last.ordinal}/corrections`, { path: "indicators[0].name", value: "新的指标名称", expected: name.current });
    expect(corrected.statusCode, corrected.body).toBe(200);
    await ingest(join(seeds, "000_f5e7e42ab4334a59.txt"));
    const again = (await get(`/api/documents/${seedSha}/records/${last.ordinal}`)).json() as { id: number; fields: { path: string; current: unknown }[] };
    expect(again.id).not.toBe(view.id);
    expect(again.fields.find((f) => f.path === "indicators[0].name")!.current).toBe("新的指标名称");
    expect((await get(`/api/records/${view.id}`)).statusCode).toBe(404);

    expect(errorCode(await get(`/api/documents/${seedSha}/records/999`))).toBe("RECORD_NOT_FOUND");
    expect(errorCode(await get(`/api/documents/${seedSha}/records/-1`))).toBe("INVALID_PAYLOAD");
    expect(errorCode(await post(`/api/documents/${seedSha}/records/0/corrections`, { path: "confidence", value: 1, expected: 1 }))).toBe("INVALID_PAYLOAD");
  });
});

describe("review API: uploads", () => {
  it("processes an uploaded text dump in-process and stores it with the upload's name; only admins upload", async () => {
    const data = await readFile(join(seeds, "001_655e35476e9ed446.txt"));
    expect(errorCode(await upload("a/001.txt", data, reviewer))).toBe("FORBIDDEN");
    expect(errorCode(await get("/api/uploads", reviewer))).toBe("FORBIDDEN");
    expect(errorCode(await upload("../001.txt", data))).toBe("INVALID_PAYLOAD");
    const res = await upload("a/001.txt", data);
    expect(res.statusCode, res.body).toBe(202);
    const items = await settled();
    const item = items.find((i) => i.file === "a/001.txt")!;
    expect(item).toMatchObject({ state: "succeeded", error: null });
    expect(item.records).toBeGreaterThan(0);
    const doc = await store.getDocument(item.sha256!);
    expect(doc).toMatchObject({ file: "a/001.txt", status: "succeeded" });
    expect(doc!.path!.startsWith(join(dir, "uploads"))).toBe(true);
    // The same bytes again are not extracted again.
    await upload("b/001-again.txt", data);
    expect((await settled()).find((i) => i.file === "b/001-again.txt")).toMatchObject({ state: "skipped", sha256: item.sha256 });
  }, 120_000);

  it("unpacks a zip (folders kept, hidden files left out), reports a file the pipeline cannot read with its code, and refuses a zip bomb with OVER_LIMIT", async () => {
    const src = join(dir, "zipsrc");
    await mkdir(join(src, "reports/x"), { recursive: true });
    await writeFile(join(src, "reports/x/002.txt"), await readFile(join(seeds, "002_fe319b84d2aa7d28.txt")));
    await writeFile(join(src, "reports/empty.pdf"), "");
    await writeFile(join(src, "reports/.DS_Store"), "junk");
    execFileSync("zip", ["-qr", join(dir, "reports.zip"), "reports"], { cwd: src });
    const res = await upload("reports.zip", await readFile(join(dir, "reports.zip")));
    expect(res.statusCode, res.body).toBe(202);
    expect((res.json() as { items: Item[] }).items.map((i) => i.file).sort()).toEqual(["reports/empty.pdf", "reports/x/002.txt"]);
    const items = await settled();
    expect(items.find((i) => i.file === "reports/x/002.txt")).toMatchObject({ state: "succeeded", zip: "reports.zip" });
    expect(items.find((i) => i.file === "reports/empty.pdf")).toMatchObject({ state: "failed", error: { code: "EMPTY_FILE" } });

    // 8 MiB of zeros deflate to a few KiB; the zip's files may inflate to 4 MiB here.
    await writeFile(join(src, "bomb.txt"), Buffer.alloc(8 * 1024 * 1024));
    execFileSync("zip", ["-q", join(dir, "bomb.zip"), "bomb.txt"], { cwd: src });
    const bomb = await upload("bomb.zip", await readFile(join(dir, "bomb.zip")));
    expect(bomb.statusCode).toBe(413);
    expect(errorCode(bomb)).toBe("OVER_LIMIT");
    expect((await settled()).find((i) => i.file === "bomb.zip")).toMatchObject({ state: "failed", error: { code: "OVER_LIMIT" } });

    // More files than the limit of 5.
    for (let i = 0; i < 6; i++) await writeFile(join(src, `many-${i}.txt`), "x");
    execFileSync("zip", ["-q", join(dir, "many.zip"), ...Array.from({ length: 6 }, (_, i) => `many-${i}.txt`)], { cwd: src });
    const many = await upload("many.zip", await readFile(join(dir, "many.zip")));
    expect(errorCode(many)).toBe("OVER_LIMIT");
    expect((many.json() as { error: { message: string } }).error.message).toMatch(/6 entries/);
  }, 120_000);
});
