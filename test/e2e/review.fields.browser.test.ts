// The review page in chromium over text dumps (no OCR): the form's labels beside the paths,
// amounts with thousands separators (and edits typed with or without them), records addressed by
// document and ordinal as the export numbers them, two documents with one file name told apart,
// and the upload page (a file, a folder, a zip bomb refused with OVER_LIMIT).
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { FastifyInstance } from "fastify";
import { numberRecords } from "@jixiao/export";
import { documentToStore, processFile } from "@jixiao/pipeline";
import { reapplyCorrections } from "@jixiao/normalize";
import { collect, openStore, type Store } from "@jixiao/store";
import { addUser, createReviewApp, inProcessUploads } from "@jixiao/review";
import type { JxRecord } from "@jixiao/schemas";
import { launchChromium, signIn, watchPage } from "./reviewBrowserKit.js";

const root = resolve(import.meta.dirname, "../..");
const seeds = join(root, "samples/seeds");
const ADMIN_TOKEN = "browser-test-admin-token-0123456789";
const REVIEWER = { name: "li.wei", password: "reviewer password 1", role: "reviewer" as const };

let dir: string;
let store: Store;
let app: FastifyInstance;
let base: string;
let browser: Browser;
const problems: string[] = [];
/** Seed 000 (several project reports) and two documents both named report.txt. */
let seedSha: string;
const sameName: { sha256: string; path: string }[] = [];

/** Processes a text dump and stores it with a review flag on `flagPath` of each record (text dumps read cleanly: nothing would be in the queue). */
async function ingest(path: string, file: string, flagPath: string): Promise<string> {
  const r = await processFile(path, {}, file);
  const records = r.records.map((rec): JxRecord => ({
    ...rec,
    flags: [...rec.flags, { code: "low_ocr_confidence", severity: "review", path: flagPath, message: "read with confidence 0.61" }],
  }));
  const doc = documentToStore(r);
  if (!doc) throw new Error(`${path}: ${r.error?.message}`);
  await store.saveDocument({ ...doc, records }, { reapply: reapplyCorrections });
  return doc.sha256;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const p = await context.newPage();
  p.setDefaultTimeout(60_000);
  watchPage(p, problems);
  return p;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-review-fields-"));
  store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
  seedSha = await ingest(join(seeds, "000_f5e7e42ab4334a59.txt"), "000.txt", "funds.total.initial_budget");
  for (const [sub, seed] of [["a", "001_655e35476e9ed446.txt"], ["b", "002_fe319b84d2aa7d28.txt"]] as const) {
    const path = join(dir, sub, "report.txt");
    await mkdir(join(dir, sub));
    await cp(join(seeds, seed), path);
    sameName.push({ sha256: await ingest(path, "report.txt", "indicators[0].name"), path });
  }
  await addUser(store, REVIEWER);
  app = await createReviewApp({
    store,
    adminToken: ADMIN_TOKEN,
    uploads: { dir: join(dir, "uploads"), processor: inProcessUploads(store), zip: { maxTotalBytes: 4 * 1024 * 1024 } },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await app?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("review page: fields, numbers, addresses", () => {
  it("opens a record by document and the export's ordinal, shows the form's labels and grouped amounts, and takes an amount with or without separators", async () => {
    const numbered = (await collect(numberRecords(store, false))).filter((n) => n.record.source.sha256 === seedSha);
    const second = numbered.find((n) => n.ordinal === 1)!;
    expect(second).toBeDefined();
    const p = await newPage();
    await p.goto(`${base}/#document=${seedSha}&ordinal=1`);
    await signIn(p, REVIEWER);
    // The bookmark opens the record the export numbers 1 in this document.
    await p.locator("#record-title", { hasText: String((second.record as { project_name?: string | null }).project_name) }).waitFor();
    expect(await p.textContent("#record-meta")).toContain(`000.txt · ${seedSha.slice(0, 8)} · record 1`);
    expect(new URL(p.url()).hash).toBe(`#document=${seedSha}&ordinal=1`);

    // The flagged field: the form's label first, the path small; the amount as the form prints it.
    const initial = (second.record as JxRecord & { funds: { total: { initial_budget: number } } }).funds.total.initial_budget;
    expect(initial).toBeGreaterThanOrEqual(1000);
    expect(await p.textContent("#field-label")).toBe("年度资金总额 · 年初预算数");
    expect(await p.textContent("#field-path")).toBe("funds.total.initial_budget");
    const grouped = initial.toLocaleString("en-US", { maximumFractionDigits: 20 });
    expect(await p.textContent("#field-value")).toContain(grouped);
    expect(await p.textContent(".flag-item .field-label")).toBe("年度资金总额 · 年初预算数");
    // Neighbours: each with its label and path.
    const row = p.locator("#neighbours tr", { has: p.locator('.cell-button[data-path="competent_department"]') });
    expect(await row.locator(".field-label").textContent()).toBe("主管部门");
    expect(await row.locator(".field-path-small").textContent()).toBe("competent_department");
    // A year is not grouped.
    expect(await p.locator('.cell-button[data-path="fiscal_year"]').textContent()).toBe(String(second.record.kind === "project_self_eval" ? second.record.fiscal_year : ""));

    // Editing starts from the shown text; both spellings of a number are taken.
    for (const [typed, stored, shown] of [["1,234,567.5", 1234567.5, "1,234,567.5"], ["7654321.25", 7654321.25, "7,654,321.25"]] as const) {
      await p.click("#edit-button");
      const input = p.locator("#edit-input");
      await input.waitFor();
      expect(await input.inputValue()).toMatch(/^\d{1,3}(,\d{3})+(\.\d+)?$/);
      await input.fill(typed);
      await input.press("Enter");
      await p.locator("#field-value", { hasText: shown }).waitFor();
      const [now] = (await collect(store.listRecords({ documentSha256: seedSha }))).slice(1, 2);
      expect((now as typeof second.record & { funds: { total: { initial_budget: number } } }).funds.total.initial_budget).toBe(stored);
    }

    // The queue tells apart the two documents named report.txt by their short hashes.
    const items = p.locator(".queue-open", { hasText: "report.txt" });
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(2);
    const hashes = [...new Set(await items.locator(".short-hash").allTextContents())].sort();
    expect(hashes).toEqual(sameName.map((d) => d.sha256.slice(0, 8)).sort());
    expect((await items.locator(".queue-ordinal").allTextContents())).toContain("#0");
    // So does the documents list; a reviewer is not told where the files lie on the server.
    await p.click("#show-documents");
    for (const d of sameName) {
      const doc = p.locator(`.document-item[data-sha256="${d.sha256}"]`);
      expect(await doc.locator(".document-file").textContent()).toBe("report.txt");
      expect(await doc.locator(".short-hash").textContent()).toBe(d.sha256.slice(0, 8));
      expect(await doc.locator(".document-path").count()).toBe(0);
    }
    expect(await p.isHidden("#upload-button")).toBe(true);
    await p.context().close();
    expect(problems).toEqual([]);
  }, 120_000);

  it("lets an admin upload a file and a folder, shows each one's progress and result, and a zip bomb's OVER_LIMIT", async () => {
    const p = await newPage();
    await p.goto(base);
    await signIn(p, { token: ADMIN_TOKEN });
    // An admin sees where each document lies.
    await p.click("#show-documents");
    const doc = p.locator(`.document-item[data-sha256="${sameName[0]!.sha256}"]`);
    expect(await doc.locator(".document-path").textContent()).toBe(resolve(sameName[0]!.path));

    await p.click("#upload-button");
    await p.locator("#upload-view").waitFor({ state: "visible" });
    expect(await p.isHidden("#record-pane")).toBe(true);
    expect(await p.textContent("#upload-mode")).toMatch(/processed on this server/);
    await p.setInputFiles("#upload-files", [join(seeds, "004_d6b6ad76fc616d0b.txt")]);
    const one = p.locator('.upload-item[data-file="004_d6b6ad76fc616d0b.txt"]');
    await one.and(p.locator('[data-state="succeeded"]')).waitFor({ timeout: 90_000 });
    expect(await one.locator(".upload-sub").textContent()).toMatch(/\d+ records?/);

    // A folder: each file named by its path below the folder's parent.
    const folder = join(dir, "archive");
    await mkdir(join(folder, "2022"), { recursive: true });
    await cp(join(seeds, "001_655e35476e9ed446.txt"), join(folder, "2022", "001.txt"));
    await writeFile(join(folder, "2022", "empty.pdf"), "");
    await p.setInputFiles("#upload-folder", folder);
    await p.locator('.upload-item[data-file="archive/2022/001.txt"][data-state="skipped"]').waitFor({ timeout: 90_000 });
    const empty = p.locator('.upload-item[data-file="archive/2022/empty.pdf"][data-state="failed"]');
    await empty.waitFor();
    expect(await empty.locator(".upload-error-code").textContent()).toBe("EMPTY_FILE");

    // A zip whose file inflates past the limit: refused whole, with its code.
    await writeFile(join(dir, "zeros.txt"), Buffer.alloc(8 * 1024 * 1024));
    execFileSync("zip", ["-qj", join(dir, "bomb.zip"), join(dir, "zeros.txt")]);
    await p.setInputFiles("#upload-files", [join(dir, "bomb.zip")]);
    const bomb = p.locator('.upload-item[data-file="bomb.zip"][data-state="failed"]');
    await bomb.first().waitFor();
    expect(await bomb.first().locator(".upload-error-code").textContent()).toBe("OVER_LIMIT");

    // The uploaded document is in the store under its name, its file kept by the server.
    const stored = (await store.listDocuments()).find((d) => d.file === "004_d6b6ad76fc616d0b.txt");
    expect(stored).toMatchObject({ status: "succeeded" });
    expect(stored!.path!.startsWith(join(dir, "uploads"))).toBe(true);
    await p.click("#upload-close");
    await p.locator("#record-pane").waitFor({ state: "visible" });
    await p.context().close();
    // The browser logs the refused upload's 413 response; nothing else went wrong.
    expect(problems.filter((m) => !/status of 413/.test(m))).toEqual([]);
  }, 180_000);
});
