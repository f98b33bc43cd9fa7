import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { documentToStore, processFile } from "@jixiao/pipeline";
import { reapplyCorrections } from "@jixiao/normalize";
import { collect, type Store } from "@jixiao/store";
import { addUser, createReviewApp } from "./index.js";

const root = resolve(import.meta.dirname, "../../..");
const seed = join(root, "samples/seeds/000_f5e7e42ab4334a59.txt");
const digital = join(root, "samples/digital/002_fe319b84d2aa7d28.pdf");
const ADMIN_TOKEN = "a-test-admin-token-of-some-length";

/**
 * The review server's behaviour over HTTP, for any store: `open` gets a fresh temporary
 * directory (PGlite uses it; PostgreSQL opens a random schema) and returns a migrated store.
 */
export function reviewServerContract(name: string, open: (dir: string) => Promise<Store>, cleanup: () => Promise<void> = async () => {}): void {
describe(name, () => {
let dir: string;
let store: Store;
let app: FastifyInstance;

async function ingest(path: string) {
  const r = await processFile(path);
  const doc = documentToStore(r);
  if (!doc) throw new Error(`${path}: ${r.error?.message}`);
  await store.saveDocument(doc, { reapply: reapplyCorrections });
  return r;
}

type Login = { cookie: string; csrf: string };

const mkfifo = async (path: string) => void execFileSync("mkfifo", [path]);

async function login(body: object): Promise<Login> {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: body });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === "jixiao_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Strict");
  return { cookie: `jixiao_session=${cookie!.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
}

function get(url: string, who?: Login): Promise<LightMyRequestResponse> {
  return app.inject({ method: "GET", url, headers: who ? { cookie: who.cookie } : {} });
}

function post(url: string, payload: unknown, who?: Login, csrf = true): Promise<LightMyRequestResponse> {
  const headers: { [k: string]: string } = { "content-type": "application/json" };
  if (who) headers.cookie = who.cookie;
  if (who && csrf) headers["x-csrf-token"] = who.csrf;
  return app.inject({ method: "POST", url, headers, payload: typeof payload === "string" ? payload : JSON.stringify(payload) });
}

const errorCode = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

/** The stored record at (document, ordinal), read straight from the store. */
async function storedRecord(sha: string, ordinal: number) {
  const all = await collect(store.listRecords({ documentSha256: sha }));
  return all[ordinal]!;
}

let seedSha: string;
let reviewer: Login;
let viewer: Login;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-review-"));
  store = await open(dir);
  seedSha = (await ingest(seed)).sha256!;
  await ingest(digital);
  await addUser(store, { name: "li.wei", password: "correct horse battery", role: "reviewer" });
  await addUser(store, { name: "zhao.min", password: "viewer password 1", role: "viewer" });
  app = await createReviewApp({ store, adminToken: ADMIN_TOKEN });
  reviewer = await login({ name: "li.wei", password: "correct horse battery" });
  viewer = await login({ name: "zhao.min", password: "viewer password 1" });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
  await cleanup();
});

describe("review server: authentication and authorization", () => {
  it("refuses every API read without a session, and a wrong password or token", async () => {
    for (const url of ["/api/queue", "/api/facets", "/api/records/1", "/api/session", `/api/documents/${seedSha}/source`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(errorCode(res)).toBe("UNAUTHENTICATED");
    }
    expect((await app.inject({ method: "GET", url: "/api/queue", headers: { cookie: "jixiao_session=forged" } })).statusCode).toBe(401);
    expect((await post("/api/session", { name: "li.wei", password: "wrong password!" })).statusCode).toBe(401);
    expect((await post("/api/session", { name: "nobody", password: "correct horse battery" })).statusCode).toBe(401);
    expect((await post("/api/session", { token: "not-the-token-at-all" })).statusCode).toBe(401);
    expect((await post("/api/session", { name: "li.wei" })).statusCode).toBe(400);
  });

  it("logs in with the admin token as admin, and logs out", async () => {
    const admin = await login({ token: ADMIN_TOKEN });
    const me = await get("/api/session", admin);
    expect(me.json()).toMatchObject({ user: { name: "admin", role: "admin" } });
    const out = await app.inject({ method: "DELETE", url: "/api/session", headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf } });
    expect(out.statusCode).toBe(204);
    expect((await get("/api/session", admin)).statusCode).toBe(401);
  });

  it("answers the health check without a session", async () => {
    const res = await get("/healthz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it("sends a CSP without unsafe-eval or unsafe-inline, and the page", async () => {
    const res = await get("/");
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect((await get("/vendor/pdfjs/pdf.min.mjs")).statusCode).toBe(200);
    expect((await get("/vendor/pdfjs/pdf.mjs.map")).statusCode).toBe(404);
  });
});

describe("review server: queue and record view", () => {
  it("lists flagged records worst confidence first, with counts and filters", async () => {
    const res = await get("/api/queue", viewer);
    expect(res.statusCode).toBe(200);
    const q = res.json() as { counts: { pending: number }; total: number; items: { id: number; confidence: number; flags: { severity: string; code: string }[] }[] };
    expect(q.items.length).toBeGreaterThan(0);
    expect(q.total).toBe(q.counts.pending);
    const conf = q.items.map((i) => i.confidence);
    expect(conf).toEqual([...conf].sort((a, b) => a - b));
    for (const item of q.items) {
      expect(item.flags.length).toBeGreaterThan(0);
      expect(item.flags.every((f) => f.severity === "review")).toBe(true);
    }
    const code = q.items[0]!.flags[0]!.code;
    const byCode = (await get(`/api/queue?flag=${code}`, viewer)).json() as typeof q;
    expect(byCode.items.every((i) => i.flags.some((f) => f.code === code))).toBe(true);
    const none = (await get("/api/queue?flag=no_such_code", viewer)).json() as typeof q;
    expect(none.total).toBe(0);
    expect((await get("/api/queue?limit=0", viewer)).statusCode).toBe(400);
    expect((await get("/api/queue?state=bogus", viewer)).statusCode).toBe(400);
    const docs = (await get("/api/documents", viewer)).json() as { total: number; items: { sha256: string; pendingRecords: number; path?: unknown }[] };
    const seedDoc = docs.items.find((d) => d.sha256 === seedSha)!;
    expect(seedDoc.pendingRecords).toBe(q.items.filter((i) => (i as unknown as { documentSha256: string }).documentSha256 === seedSha).length);
    expect(seedDoc).not.toHaveProperty("path");
    const oneDoc = (await get(`/api/queue?document=${seedSha}`, viewer)).json() as { items: { documentSha256: string }[] };
    expect(oneDoc.items.length).toBeGreaterThan(0);
    expect(oneDoc.items.every((i) => i.documentSha256 === seedSha)).toBe(true);
    expect((await get("/api/queue?document=nothex", viewer)).statusCode).toBe(400);
    expect((await get("/api/documents")).statusCode).toBe(401);
    const facets = (await get("/api/facets", viewer)).json() as { flagCodes: string[]; kinds: string[] };
    expect(facets.flagCodes).toContain(code);
  });

  it("shows a record with its page sizes, provenance and source", async () => {
    const docs = await store.listDocuments();
    const pdf = docs.find((d) => d.inputKind === "pdf")!;
    const first = (await collect(store.listRecords({ documentSha256: pdf.sha256 })))[0]!;
    // Find the row id through the queue-independent record API: ids are 1.. in insertion order.
    type View = { record: { source: { sha256: string } }; pages: { unit: string; width: number }[]; source: { available: boolean; url: string } };
    let view: View | null = null;
    for (let id = 1; id < 100 && !view; id++) {
      const res = await get(`/api/records/${id}`, viewer);
      if (res.statusCode === 200 && (res.json() as View).record.source.sha256 === pdf.sha256) view = res.json() as View;
    }
    expect(view).not.toBeNull();
    expect(view!.pages[0]!.unit).toBe("pt");
    expect(view!.pages[0]!.width).toBeGreaterThan(100);
    expect(view!.source.available).toBe(true);
    expect(Object.keys(first.source.provenance).length).toBeGreaterThan(0);
    const src = await get(view!.source.url, viewer);
    expect(src.statusCode).toBe(200);
    expect(src.headers["content-type"]).toBe("application/pdf");
    expect(src.rawPayload.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // A text dump has no page image.
    expect((await get(`/api/documents/${seedSha}/source`, viewer)).statusCode).toBe(404);
    expect((await get("/api/records/999999", viewer)).statusCode).toBe(404);
    expect((await get("/api/records/abc", viewer)).statusCode).toBe(400);
  });
});

describe("review server: image sources", () => {
  it("serves a PNG or JPEG source with its type, and refuses one a browser cannot show", async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
    const tiff = Buffer.concat([Buffer.from("II*\x00", "latin1"), Buffer.alloc(32)]);
    const cases = [["scan.png", png, 200, "image/png"], ["scan.tif", tiff, 404, null]] as const;
    for (const [name, bytes, status, type] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      const sha = createHash("sha256").update(bytes).digest("hex");
      await store.saveDocument({ sha256: sha, file: name, inputKind: "image", status: "failed", pageCount: 1, error: { code: "NO_FORM_FOUND", message: "x" }, records: [], path });
      const res = await get(`/api/documents/${sha}/source`, viewer);
      expect(res.statusCode, name).toBe(status);
      if (type) {
        expect(res.headers["content-type"]).toBe(type);
        expect(res.rawPayload.equals(bytes)).toBe(true);
      } else expect(errorCode(res)).toBe("SOURCE_UNAVAILABLE");
    }
  });
});

describe("review server: source bytes and origins", () => {
  it("serves only bytes whose SHA-256 is the document's: a swapped file, a symlink to another file, a device or a FIFO is refused", async () => {
    const bytes = await readFile(digital);
    const sha = createHash("sha256").update(bytes).digest("hex");
    const path = join(dir, "swap.pdf");
    await writeFile(path, bytes);
    const doc = (await store.getDocument(sha))!;
    await store.markDocument(sha, doc.file, doc.status, { path });
    const url = `/api/documents/${sha}/source`;
    const ok = await get(url, viewer);
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload.equals(bytes)).toBe(true);

    await writeFile(path, Buffer.concat([bytes, Buffer.from("\n%changed\n")]));
    const changed = await get(url, viewer);
    expect(changed.statusCode).toBe(409);
    expect(errorCode(changed)).toBe("SOURCE_CHANGED");

    await rm(path);
    await symlink(seed, path); // another, readable regular file
    const other = await get(url, viewer);
    expect(other.statusCode).toBe(409);
    expect(errorCode(other)).toBe("SOURCE_CHANGED");
    expect(other.rawPayload.includes(await readFile(seed))).toBe(false);

    for (const make of [() => symlink("/dev/zero", path), () => symlink(dir, path), () => mkfifo(path)]) {
      await rm(path, { force: true });
      await make();
      const t0 = Date.now();
      const res = await get(url, viewer);
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe("SOURCE_UNAVAILABLE");
      expect(Date.now() - t0).toBeLessThan(5000);
      // The record view does not hang on it either, and says the source is unavailable.
      const recordId = (await store.reviewQueue({ state: "all", documentSha256: sha, limit: 1 })).items[0]?.id;
      if (recordId !== undefined) expect(((await get(`/api/records/${recordId}`, viewer)).json() as { source: { available: boolean } }).source.available).toBe(false);
    }
    await rm(path, { force: true });
    await store.markDocument(sha, doc.file, doc.status, { path: resolve(digital) });
    expect((await get(url, viewer)).statusCode).toBe(200);
  });

  it("refuses a write whose Origin differs in scheme, host or port, and takes the server's own", async () => {
    const write = async (origin: string) => {
      const who = await login({ name: "zhao.min", password: "viewer password 1" });
      return app.inject({ method: "DELETE", url: "/api/session", headers: { cookie: who.cookie, "x-csrf-token": who.csrf, origin } });
    };
    // inject's requests reach the server as http://localhost:80.
    for (const origin of ["https://localhost", "https://localhost:80", "http://localhost:8080", "http://evil.example", "not a url"]) {
      const res = await write(origin);
      expect(res.statusCode, origin).toBe(403);
      expect(errorCode(res)).toBe("CSRF_FAILED");
    }
    for (const origin of ["http://localhost", "http://localhost:80"]) expect((await write(origin)).statusCode, origin).toBe(204);
  });
});

describe("review server: corrections", () => {
  const target = async () => {
    const q = (await get("/api/queue?state=all", reviewer)).json() as { items: { id: number; documentSha256: string; ordinal: number }[] };
    return q.items.find((i) => i.documentSha256 === seedSha)!;
  };

  it("refuses bad writes and changes nothing", async () => {
    const item = await target();
    const before = await storedRecord(seedSha, item.ordinal);
    const score = (before as { indicators: { score: number | null }[] }).indicators[0]!.score;
    const url = `/api/records/${item.id}/corrections`;
    const good = { path: "indicators[0].score", value: score, expected: score };

    const viewerWrite = await post(url, good, viewer);
    expect(viewerWrite.statusCode).toBe(403);
    expect(errorCode(viewerWrite)).toBe("FORBIDDEN");
    const noCsrf = await post(url, good, reviewer, false);
    expect(noCsrf.statusCode).toBe(403);
    expect(errorCode(noCsrf)).toBe("CSRF_FAILED");
    const crossOrigin = await app.inject({
      method: "POST", url, payload: good,
      headers: { cookie: reviewer.cookie, "x-csrf-token": reviewer.csrf, origin: "https://evil.example" },
    });
    expect(crossOrigin.statusCode).toBe(403);
    expect((await post(url, good)).statusCode).toBe(401);
    expect((await post(url, "{not json", reviewer)).statusCode).toBe(400);
    expect((await post(url, { path: "indicators[0].score" }, reviewer)).statusCode).toBe(400);
    expect((await post(url, { ...good, extra: 1 }, reviewer)).statusCode).toBe(400);
    expect((await post(url, { ...good, path: "source.sha256", expected: seedSha }, reviewer)).statusCode).toBe(400);
    expect((await post(url, { ...good, path: "indicators[999].score" }, reviewer)).statusCode).toBe(400);
    const wrongType = await post(url, { ...good, value: "eight" }, reviewer);
    expect(wrongType.statusCode).toBe(422);
    expect(errorCode(wrongType)).toBe("VALIDATION_FAILED");
    const stale = await post(url, { ...good, expected: 12345 }, reviewer);
    expect(stale.statusCode).toBe(409);
    expect(errorCode(stale)).toBe("STALE_VALUE");
    const breaks = await post(url, { ...good, value: (score ?? 0) + 0.5 }, reviewer);
    expect(breaks.statusCode).toBe(422);
    expect(errorCode(breaks)).toBe("CHECK_FAILED");

    expect(await storedRecord(seedSha, item.ordinal)).toStrictEqual(before);
    expect(await store.listReviews({ documentSha256: seedSha })).toEqual([]);
  });

  it("stores a correction with an audit trail and the corrected state, then an approval", async () => {
    const item = await target();
    const before = (await storedRecord(seedSha, item.ordinal)) as { indicators: { name: string | null }[] };
    const oldName = before.indicators[0]!.name;
    const res = await post(`/api/records/${item.id}/corrections`, { path: "indicators[0].name", value: "  <b>新名称</b>  ", expected: oldName }, reviewer);
    expect(res.statusCode, res.body).toBe(200);
    const after = (await storedRecord(seedSha, item.ordinal)) as typeof before & { review: { state: string; by: string | null } };
    expect(after.indicators[0]!.name).toBe("<b>新名称</b>");
    // The record's review flags are about other fields: they stay open, and so does the record.
    expect(after.review).toEqual({ state: "pending", by: null, at: null });
    expect((res.json() as { openFlags: number }).openFlags).toBe(2);
    expect(await collect(store.listRecords({ approvedOnly: true, documentSha256: seedSha }))).not.toContainEqual(after);
    const trail = await store.listReviews({ documentSha256: seedSha });
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: "correct", fieldPath: "indicators[0].name", before: oldName, after: "<b>新名称</b>", reviewer: "li.wei" });

    const approved = await post(`/api/records/${item.id}/approve`, {}, reviewer);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ state: "corrected", openFlags: 0 });
    expect((approved.json() as { reviewFlags: { open: boolean; resolution: { how: string; by: string } }[] }).reviewFlags.map((f) => f.resolution))
      .toEqual([expect.objectContaining({ how: "approved", by: "li.wei" }), expect.objectContaining({ how: "approved", by: "li.wei" })]);
    const withApproval = await store.listReviews({ documentSha256: seedSha });
    expect(withApproval.map((r) => r.action)).toEqual(["correct", "approve"]);
    expect(withApproval[1]).toMatchObject({ fieldPath: "", before: null, after: null, reviewer: "li.wei" });
    const q = (await get("/api/queue?state=corrected", reviewer)).json() as { counts: { corrected: number }; items: { id: number }[] };
    expect(q.counts.corrected).toBeGreaterThanOrEqual(1);
    expect(q.items.map((i) => i.id)).toContain(item.id);
    // No open review left on it: the approved-only export includes it.
    const exported = await collect(store.listRecords({ approvedOnly: true, documentSha256: seedSha }));
    expect(exported.some((r) => (r as typeof before).indicators[0]!.name === "<b>新名称</b>")).toBe(true);
  });

  it("keeps the correction when the document is processed again", async () => {
    const item = (await store.reviewQueue({ state: "all", limit: 500 })).items.find((i) => i.documentSha256 === seedSha && i.state === "corrected")!;
    await ingest(seed);
    const again = (await storedRecord(seedSha, item.ordinal)) as { indicators: { name: string | null }[]; review: { state: string; by: string | null } };
    expect(again.indicators[0]!.name).toBe("<b>新名称</b>");
    // The approval is not carried over (the record may have changed): its flags are open again.
    expect(again.review).toEqual({ state: "pending", by: null, at: null });
  });

  it("lets only one of two simultaneous corrections of the same value through", async () => {
    const item = await target();
    const rec = (await storedRecord(seedSha, item.ordinal)) as { indicators: { name: string | null }[] };
    const seen = rec.indicators[1]!.name;
    const url = `/api/records/${item.id}/corrections`;
    const results = await Promise.all(
      ["甲方案", "乙方案"].map((value) => post(url, { path: "indicators[1].name", value, expected: seen }, reviewer)),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = (results.find((r) => r.statusCode === 200)!.json() as { record: typeof rec }).record.indicators[1]!.name;
    expect(((await storedRecord(seedSha, item.ordinal)) as typeof rec).indicators[1]!.name).toBe(winner);
    const trail = (await store.listReviews({ documentSha256: seedSha })).filter((r) => r.fieldPath === "indicators[1].name");
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ before: seen, after: winner });
  });

  it("resolves review flags one at a time (a correction of the flagged value, an acknowledgement); the record is reviewed when none is open", async () => {
    type View = { state: string; openFlags: number; record: { indicators: { level1: string | null }[]; review: { state: string }; source: unknown }; reviewFlags: { code: string; path: string; open: boolean; resolution: { how: string; by: string } | null }[] };
    // The seed's record whose two review flags doubt one row's level-1 and level-2 labels.
    const queue = (await get(`/api/queue?state=all&document=${seedSha}`, reviewer)).json() as { items: { id: number; ordinal: number }[] };
    let item: { id: number; ordinal: number } | undefined;
    let view!: View;
    for (const candidate of queue.items) {
      const v = (await get(`/api/records/${candidate.id}`, viewer)).json() as View;
      const paths = v.reviewFlags.map((f) => f.path).sort();
      if (paths.length === 2 && paths[0] === "indicators[8].level1" && paths[1] === "indicators[8].level2") {
        item = candidate;
        view = v;
        break;
      }
    }
    expect(item, "a record flagged on indicators[8].level1 and .level2").toBeDefined();
    const url = `/api/records/${item!.id}`;
    expect(view.state).toBe("pending");
    expect(view.reviewFlags.every((f) => f.open)).toBe(true);
    const flagOn = (path: string) => view.reviewFlags.find((f) => f.path === path)!;
    const exported = async () => (await collect(store.listRecords({ approvedOnly: true, documentSha256: seedSha }))).some((r) => JSON.stringify(r.source) === JSON.stringify(view.record.source as unknown));

    // A correction of indicators[8].level1 resolves the flag on it, and only that one.
    const level1 = view.record.indicators[8]!.level1;
    const corrected = await post(`${url}/corrections`, { path: "indicators[8].level1", value: level1, expected: level1 }, reviewer);
    expect(corrected.statusCode, corrected.body).toBe(200);
    view = corrected.json() as View;
    expect(view.openFlags).toBe(1);
    expect(flagOn("indicators[8].level1")).toMatchObject({ open: false, resolution: { how: "corrected", by: "li.wei" } });
    expect(flagOn("indicators[8].level2")).toMatchObject({ open: true, resolution: null });
    expect(view.state).toBe("pending");
    expect(await exported()).toBe(false);
    const queued = (await get(`/api/queue?document=${seedSha}`, viewer)).json() as { items: { id: number; openFlags: number; flags: { open: boolean }[] }[] };
    const queuedItem = queued.items.find((i) => i.id === item!.id)!;
    expect(queuedItem.openFlags).toBe(1);
    expect(queuedItem.flags.map((f) => f.open).sort()).toEqual([false, true]);

    // Acknowledging: a reviewer only, an existing review flag only, once.
    const ack = { code: "label_across_page_break", path: "indicators[8].level2" };
    expect((await post(`${url}/flags/acknowledge`, ack, viewer)).statusCode).toBe(403);
    expect((await post(`${url}/flags/acknowledge`, ack, reviewer, false)).statusCode).toBe(403);
    expect((await post(`${url}/flags/acknowledge`, { ...ack, path: "indicators[0].name" }, reviewer)).statusCode).toBe(400);
    expect((await post(`${url}/flags/acknowledge`, { ...ack, extra: 1 }, reviewer)).statusCode).toBe(400);
    const done = await post(`${url}/flags/acknowledge`, ack, reviewer);
    expect(done.statusCode, done.body).toBe(200);
    view = done.json() as View;
    expect(view.openFlags).toBe(0);
    expect(flagOn("indicators[8].level2")).toMatchObject({ open: false, resolution: { how: "acknowledged", by: "li.wei" } });
    expect(view.state).toBe("corrected"); // every flag resolved, and a field of it was corrected
    expect(view.record.review).toMatchObject({ state: "corrected", by: "li.wei" });
    const again = await post(`${url}/flags/acknowledge`, ack, reviewer);
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe("STALE_VALUE");
    expect(await exported()).toBe(true);
    const trail = await store.listReviews({ documentSha256: seedSha });
    expect(trail.at(-1)).toMatchObject({ action: "acknowledge", fieldPath: "indicators[8].level2", flagCode: "label_across_page_break", before: null, after: null, reviewer: "li.wei" });
    expect(trail.at(-2)).toMatchObject({ action: "correct", fieldPath: "indicators[8].level1" });

    // Re-processing raises the same flags: the correction and the acknowledgement still resolve them.
    await ingest(seed);
    const reprocessed = (await collect(store.listRecords({ documentSha256: seedSha })))[item!.ordinal]!;
    expect(reprocessed.review.state).toBe("corrected");
    expect(await exported()).toBe(true);
  });
});
});
}
