// The review page in a real browser (Debian's chromium driven by playwright-core) against the real
// review server over a temporary PGlite store holding a real degraded scan read by the pipeline.
// Plus the API's refusals as plain fetch() calls, and the same scan as a PNG image (input kind
// "image"): the page draws the image and the value's box on it. Set JIXIAO_SCREENSHOT=1 to rewrite
// docs/review-page.png (CI leaves the committed file alone).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { FastifyInstance } from "fastify";
import { createScanExtractor } from "@jixiao/ocr";
import { documentToStore, processFile, type FileResult } from "@jixiao/pipeline";
import { reapplyCorrections } from "@jixiao/normalize";
import { collect, openStore, type Store } from "@jixiao/store";
import { exportStore } from "@jixiao/export";
import { addUser, createReviewApp } from "@jixiao/review";
import type { JxRecord } from "@jixiao/schemas";
import { apiLoginAt, apiPostAt, asScanned, canvasPixels, launchChromium, pickCorrection, signIn, unionBox, valueAt, watchPage as watchPageFor, type Json } from "./reviewBrowserKit.js";

const root = resolve(import.meta.dirname, "../..");
const SAMPLE = join(root, "samples/degraded/004_d6b6ad76fc616d0b_p1.pdf");
const TRUTH = join(root, "samples/degraded/004_d6b6ad76fc616d0b_p1.jsonl");
const SCREENSHOT = join(root, "docs/review-page.png");
const ADMIN_TOKEN = "browser-test-admin-token-0123456789";
const REVIEWER = { name: "li.wei", password: "reviewer password 1", role: "reviewer" as const };
const VIEWER = { name: "zhao.min", password: "viewer password 1", role: "viewer" as const };
/** Text that must stay text on the page (a second, synthetic document; no source file). */
const HOSTILE_TITLE = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>项目`;
/** A document the pipeline could not read: no record to open, only its error (markup stays text). */
const FAILED = {
  sha256: "e".repeat(64),
  file: "scan-07.pdf",
  error: { code: "NO_FORM_FOUND" as const, message: `no performance self-evaluation form on any of 3 pages <img src=x onerror="window.__xss=3">` },
};

let dir: string;
let store: Store;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let scan: FileResult;
/** The scan's page as a PNG (pdftoppm, poppler-utils), read by the OCR as an image input. */
let imageScan: FileResult;
let imageContext: BrowserContext | undefined;
const pageProblems: string[] = [];

/** Signs the reviewer in on the page (at the login form). */
async function loginReviewer(p: Page): Promise<void> {
  await signIn(p, REVIEWER);
  await p.locator("#user-name", { hasText: REVIEWER.name }).waitFor();
}

const watchPage = (p: Page) => watchPageFor(p, pageProblems);

async function storedScanRecord(): Promise<JxRecord> {
  const [rec] = await collect(store.listRecords({ documentSha256: scan.sha256! }));
  return rec!;
}

const apiLogin = (body: object) => apiLoginAt(base, body);
const apiPost = (url: string, body: string, headers: Record<string, string>) => apiPostAt(base, url, body, headers);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-review-browser-"));
  store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });

  // The same page as a PNG (made meanwhile; stored only by the image test, so the first test's
  // queue and export do not see it).
  // A failure is kept as a value until awaited (no unhandled rejection meanwhile).
  const png = promisify(execFile)("pdftoppm", ["-png", "-r", "150", "-singlefile", SAMPLE, join(dir, "scan")]).then(
    () => null,
    (e: Error) => new Error(`pdftoppm (poppler-utils) could not make the PNG: ${e.message}`),
  );

  // The pipeline as `jixiao run` drives it (runFiles in packages/cli/src/main.ts), OCR included.
  const scans = createScanExtractor();
  try {
    scan = await processFile(SAMPLE, { extractScan: scans.extractScan });
    const pngFailed = await png;
    if (pngFailed) throw pngFailed;
    imageScan = await processFile(join(dir, "scan.png"), { extractScan: scans.extractScan });
  } finally {
    await scans.close();
  }
  expect(scan.sha256, scan.error?.message).toBeTruthy();
  expect(imageScan.sha256, imageScan.error?.message).toBeTruthy();
  expect(imageScan.inputKind).toBe("image");
  await store.saveDocument(documentToStore(scan)!, { reapply: reapplyCorrections });

  // A second document whose text is markup, with no readable source: the page must show the text
  // as text, and say the source is unavailable.
  const fakeSha = "f".repeat(64);
  const hostile = structuredClone(scan.records[0]!) as JxRecord & { project_name: string | null };
  hostile.project_name = HOSTILE_TITLE;
  hostile.source = { ...hostile.source, file: "hostile.pdf", sha256: fakeSha };
  hostile.confidence = Math.min(1, scan.records[0]!.confidence + 0.05);
  await store.saveDocument({
    sha256: fakeSha,
    file: "hostile.pdf",
    inputKind: "pdf",
    status: "succeeded",
    pageCount: 1,
    error: null,
    records: [hostile],
    path: join(dir, "missing.pdf"),
    pageGeometry: scan.pageGeometry,
  });

  await store.saveDocument({
    sha256: FAILED.sha256,
    file: FAILED.file,
    inputKind: "pdf",
    status: "failed",
    pageCount: 3,
    error: FAILED.error,
    records: [],
    path: join(dir, FAILED.file),
  });

  await addUser(store, REVIEWER);
  await addUser(store, VIEWER);
  app = await createReviewApp({ store, adminToken: ADMIN_TOKEN });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  // Generous: CI runs this beside the OCR tests on two cores.
  page.setDefaultTimeout(60_000);
  watchPage(page);
}, 240_000);

afterAll(async () => {
  await imageContext?.close().catch(() => {});
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await app?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("review page in chromium", () => {
  it("logs in, shows the flagged value's box on the rendered page, corrects, approves; the store and the export have it", async () => {
    const truth = JSON.parse((await readFile(TRUTH, "utf8")).split("\n")[0]!) as Json;
    const before = await storedScanRecord();
    const target = pickCorrection(before, truth);
    const recordId = (await store.reviewQueue({})).items.find((i) => i.documentSha256 === scan.sha256)!.id;

    await page.goto(base);
    await loginReviewer(page);

    // The queue: both flagged records, worst confidence first, with counts.
    const rows = page.locator(".queue-open");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute("data-id")).toBe(String(recordId));
    expect(await page.textContent('[data-count="pending"]')).toBe("2");

    // The documents view: the failed document first, with its error code and message as text and
    // nothing to open; then the two documents with a record pending review.
    await page.click("#show-documents");
    await page.locator("#documents-view").waitFor({ state: "visible" });
    expect(await page.locator("#queue-view").isHidden()).toBe(true);
    expect(await page.getAttribute("#show-documents", "aria-pressed")).toBe("true");
    const docs = page.locator("#document-list .document-item");
    await expect.poll(() => docs.count()).toBe(3);
    expect(await page.textContent("#documents-count")).toBe("3");
    const failed = docs.first();
    expect(await failed.getAttribute("data-sha256")).toBe(FAILED.sha256);
    expect(await failed.locator(".document-file").textContent()).toBe(FAILED.file);
    expect(await failed.locator(".doc-status").textContent()).toBe("failed");
    expect(await failed.locator(".document-error-code").textContent()).toBe(FAILED.error.code);
    expect(await failed.locator(".document-error-message").textContent()).toBe(FAILED.error.message);
    expect(await failed.locator(".document-pending").textContent()).toBe("0");
    expect(await failed.locator("button").count()).toBe(0);
    expect(await page.locator("#document-list img, #document-list script").count()).toBe(0);
    const scanDoc = page.locator(`#document-list .document-item[data-sha256="${scan.sha256}"]`);
    expect(await scanDoc.locator(".doc-status").textContent()).toBe(scan.status);
    expect(await scanDoc.locator(".document-pending").textContent()).toBe("1");

    // Its button narrows the queue to the scan's records; the chip says so and clears the filter.
    const scanRecordIds = new Set(
      (await store.reviewQueue({ state: "all", documentSha256: scan.sha256! })).items.map((i) => String(i.id)),
    );
    await scanDoc.locator("button.document-open").click();
    await page.locator("#queue-view").waitFor({ state: "visible" });
    const chip = page.locator("#document-filter-clear");
    await chip.filter({ hasText: `document: ${scan.file}` }).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    for (const row of await rows.all()) {
      expect(scanRecordIds.has((await row.getAttribute("data-id"))!)).toBe(true);
      expect(await row.textContent()).toContain(scan.file);
    }
    await chip.click();
    await chip.waitFor({ state: "hidden" });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.textContent('[data-count="pending"]')).toBe("2");

    await page.click(`.queue-open[data-id="${recordId}"]`);
    await page.locator(`.flag-item[data-path="${target.path}"]`).click();
    const canvas = page.locator('#page-canvas[data-rendered="true"]');
    await canvas.waitFor({ timeout: 120_000 });
    const box = page.locator(`.value-box[data-path="${target.path}"]`);
    await box.waitFor({ state: "visible" });

    // pdf.js drew the scan: the canvas is opaque, mostly grey paper (not white), with dark ink.
    const pixels = await canvasPixels(page);
    expect(pixels.paper / pixels.samples).toBeGreaterThan(0.5);
    expect(pixels.ink).toBeGreaterThan(10);

    // The box lies inside the canvas and where the provenance says, as fractions of the page.
    const c = (await canvas.boundingBox())!;
    const b = (await box.boundingBox())!;
    expect(b.width).toBeGreaterThan(10);
    expect(b.height).toBeGreaterThan(5);
    expect(b.x).toBeGreaterThanOrEqual(c.x - 1);
    expect(b.y).toBeGreaterThanOrEqual(c.y - 1);
    expect(b.x + b.width).toBeLessThanOrEqual(c.x + c.width + 1);
    expect(b.y + b.height).toBeLessThanOrEqual(c.y + c.height + 1);
    // A value read from several lines has one entry per line: the box is their union.
    const entries = before.source.provenance[target.path]!;
    const geometry = scan.pageGeometry.find((g) => g.number === entries[0]!.page)!;
    const union = asScanned({
      x0: Math.min(...entries.map((e) => e.bbox.x0)),
      y0: Math.min(...entries.map((e) => e.bbox.y0)),
      x1: Math.max(...entries.map((e) => e.bbox.x1)),
      y1: Math.max(...entries.map((e) => e.bbox.y1)),
    }, geometry);
    expect((b.x - c.x) / c.width).toBeCloseTo(union.x0 / geometry.width, 2);
    expect((b.y - c.y) / c.height).toBeCloseTo(union.y0 / geometry.height, 2);
    expect((b.x + b.width - c.x) / c.width).toBeCloseTo(union.x1 / geometry.width, 2);
    expect((b.y + b.height - c.y) / c.height).toBeCloseTo(union.y1 / geometry.height, 2);

    // The field, its flag and its neighbours are shown.
    expect(await page.textContent("#field-path")).toBe(target.path);
    expect(await page.textContent("#field-flag-message")).toContain(before.flags.find((f) => f.path === target.path)!.message);
    expect(await page.textContent("#field-value")).toContain(String(valueAt(before, target.path)));
    expect(await page.locator(`#neighbours .cell-button[data-path="project_name"]`).count()).toBe(1);

    if (process.env.JIXIAO_SCREENSHOT === "1") {
      await mkdir(join(root, "docs"), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    }

    // Shortcuts: ? shows the help, j/k move through the queue.
    await page.keyboard.press("?");
    await page.locator("#help").waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await page.locator("#help").waitFor({ state: "hidden" });
    await page.keyboard.press("j");
    await page.locator("#record-title", { hasText: "onerror" }).waitFor();
    expect(await page.textContent("#record-title")).toBe(HOSTILE_TITLE);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("#record-view img, #record-view script, #queue-list img, #queue-list script").count()).toBe(0);
    expect(await page.textContent("#page-notice")).toMatch(/not available/);
    await page.keyboard.press("k");
    await page.locator("#record-title", { hasText: String(valueAt(before, "project_name")) }).waitFor();
    await page.locator(`.flag-item[data-path="${target.path}"]`).click();

    // e edits the focused flagged field; Enter saves.
    await page.keyboard.press("e");
    const input = page.locator("#edit-input");
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await input.fill(target.truth);
    await input.press("Enter");
    // The correction resolves the flag on that value; the record stays pending while others are open.
    await page.locator(`.flag-item[data-path="${target.path}"] .flag-state`, { hasText: `corrected by ${REVIEWER.name}` }).waitFor();
    expect(await page.textContent("#field-value")).toContain(target.truth);

    // a approves (the record stays "corrected").
    await page.locator("body").press("a");
    await page.locator("#record-message", { hasText: "Approved" }).waitFor();
    // The queue is reloaded in the background after each write.
    await expect.poll(() => page.textContent('[data-count="corrected"]')).toBe("1");
    await expect.poll(() => page.textContent('[data-count="pending"]')).toBe("1");

    // The store has the correction, the state and the audit trail.
    const after = await storedScanRecord();
    expect(valueAt(after, target.path)).toBe(target.truth);
    expect(after.review.state).toBe("corrected");
    expect(after.review.by).toBe(REVIEWER.name);
    const reviews = await store.listReviews({ documentSha256: scan.sha256! });
    expect(reviews.map((r) => r.action)).toEqual(["correct", "approve"]);
    expect(reviews[0]!.fieldPath).toBe(target.path);
    expect(reviews[0]!.before).toBe(valueAt(before, target.path));
    expect(reviews[0]!.after).toBe(target.truth);

    // The export (approved-only) carries the corrected value and the audit rows.
    const out = join(dir, "export");
    await exportStore(store, { format: "jsonl", dir: out, approvedOnly: true });
    const lines = async (f: string) =>
      (await readFile(join(out, f), "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Json);
    const reports = await lines("reports.jsonl");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.document_sha256).toBe(scan.sha256);
    expect(reports[0]![target.path.replace(".", "_")]).toBe(target.truth);
    expect(reports[0]!.review_state).toBe("corrected");
    const exportedRecords = await lines("records.jsonl");
    expect(valueAt(exportedRecords[0], target.path)).toBe(target.truth);
    const exportedReviews = await lines("reviews.jsonl");
    expect(exportedReviews.map((r) => r.action)).toEqual(["correct", "approve"]);
    expect(exportedReviews[0]!.after).toBe(JSON.stringify(target.truth));

    expect(pageProblems).toEqual([]);
  }, 240_000);

  it("refuses requests without a session, writes by a viewer, writes without the CSRF token, malformed and ill-typed corrections", async () => {
    const recordId = (await store.reviewQueue({ state: "all" })).items.find((i) => i.documentSha256 === scan.sha256)!.id;
    const url = `/api/records/${recordId}/corrections`;
    const before = JSON.stringify(await storedScanRecord());
    const reviewsBefore = (await store.listReviews()).length;
    const weight = valueAt(JSON.parse(before), "indicators[0].weight");

    // No session.
    const anon = await fetch(`${base}/api/queue`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    const anonWrite = await apiPost(url, JSON.stringify({ path: "indicators[0].weight", value: 9, expected: weight }), {});
    expect(anonWrite.status).toBe(401);

    // A viewer may read but not correct or approve.
    const viewer = await apiLogin({ name: VIEWER.name, password: VIEWER.password });
    const read = await fetch(`${base}/api/records/${recordId}`, { headers: { cookie: viewer.cookie } });
    expect(read.status).toBe(200);
    const viewerWrite = await apiPost(url, JSON.stringify({ path: "indicators[0].weight", value: 9, expected: weight }), {
      cookie: viewer.cookie,
      "x-csrf-token": viewer.csrf,
    });
    expect(viewerWrite.status).toBe(403);
    expect(viewerWrite.body.error?.code).toBe("FORBIDDEN");
    const viewerApprove = await apiPost(`/api/records/${recordId}/approve`, "{}", { cookie: viewer.cookie, "x-csrf-token": viewer.csrf });
    expect(viewerApprove.status).toBe(403);

    // A reviewer's write without the CSRF header, or with another session's token.
    const reviewer = await apiLogin({ name: REVIEWER.name, password: REVIEWER.password });
    const noCsrf = await apiPost(url, JSON.stringify({ path: "indicators[0].weight", value: 9, expected: weight }), { cookie: reviewer.cookie });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error?.code).toBe("CSRF_FAILED");
    const wrongCsrf = await apiPost(url, JSON.stringify({ path: "indicators[0].weight", value: 9, expected: weight }), {
      cookie: reviewer.cookie,
      "x-csrf-token": viewer.csrf,
    });
    expect(wrongCsrf.status).toBe(403);

    const auth = { cookie: reviewer.cookie, "x-csrf-token": reviewer.csrf };
    // Malformed: not JSON, an unknown field, a path that is not an editable value.
    for (const body of [
      "{not json",
      JSON.stringify({ path: "indicators[0].weight", value: 9, expected: weight, extra: 1 }),
      JSON.stringify({ path: "confidence", value: 0.5, expected: 0.6 }),
      JSON.stringify({ path: "indicators[0].weight", value: { n: 9 }, expected: weight }),
    ]) {
      const res = await apiPost(url, body, auth);
      expect(res.status, body).toBe(400);
      expect(res.body.error?.code, body).toBe("INVALID_PAYLOAD");
    }

    // A value of the wrong type.
    const wrongType = await apiPost(url, JSON.stringify({ path: "indicators[0].weight", value: "ten", expected: weight }), auth);
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error?.code).toBe("VALIDATION_FAILED");

    // Nothing changed.
    expect(JSON.stringify(await storedScanRecord())).toBe(before);
    expect((await store.listReviews()).length).toBe(reviewsBefore);
  }, 60_000);

  it("draws a scanned PNG (input kind image) with the flagged value's box on it, and keeps editing when the image cannot be decoded", async () => {
    await store.saveDocument(documentToStore(imageScan)!, { reapply: reapplyCorrections });
    const geometry = imageScan.pageGeometry[0]!;
    expect(imageScan.pageGeometry).toHaveLength(1);
    expect(geometry.unit).toBe("px");
    const [record] = await collect(store.listRecords({ documentSha256: imageScan.sha256! }));
    // A flagged path with a box on the image (OCR flags most of this degraded page's long texts).
    const target = record!.flags
      .filter((f) => f.severity === "review")
      .map((f) => ({ path: f.path, box: unionBox(record!, f.path) }))
      .find((t) => t.box !== null && t.box.page === 1 && t.path !== "");
    expect(target, `no flagged path with a box among ${record!.flags.map((f) => f.path).join(", ")}`).toBeDefined();
    const union = asScanned(target!.box!, imageScan.pageGeometry[0]!);

    // A browser context of its own (this case also runs alone, with -t).
    imageContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const p = await imageContext.newPage();
    p.setDefaultTimeout(60_000);
    watchPage(p);
    await p.goto(base);
    await loginReviewer(p);

    // The documents view lists the image with its pending record; its button narrows the queue.
    await p.click("#show-documents");
    const imageDoc = p.locator(`#document-list .document-item[data-sha256="${imageScan.sha256}"]`);
    await imageDoc.locator("button.document-open").click();
    await p.locator("#document-filter-clear", { hasText: imageScan.file }).waitFor();
    const rows = p.locator(".queue-open");
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().click();
    await p.locator(`.flag-item[data-path="${target!.path}"]`).first().click();

    const canvas = p.locator('#page-canvas[data-rendered="true"]');
    await canvas.waitFor();
    expect(await canvas.getAttribute("data-page")).toBe("1");
    expect(await canvas.getAttribute("data-key")).toContain(`/api/documents/${imageScan.sha256}/source|1|`);
    const box = p.locator(`.value-box[data-path="${target!.path}"]`);
    await box.waitFor({ state: "visible" });
    expect(await p.isHidden("#page-notice")).toBe(true);
    // One page: nowhere to turn.
    expect(await p.textContent("#page-label")).toBe("page 1");
    expect(await p.isDisabled("#page-back")).toBe(true);
    expect(await p.isDisabled("#page-forward")).toBe(true);

    // The image was drawn: opaque grey paper with dark ink, in the image's proportions.
    const pixels = await canvasPixels(p);
    expect(pixels.paper / pixels.samples).toBeGreaterThan(0.5);
    expect(pixels.ink).toBeGreaterThan(10);
    const c = (await canvas.boundingBox())!;
    expect(c.height / c.width).toBeCloseTo(geometry.height / geometry.width, 2);

    // The box lies inside the canvas, at the provenance's fractions of the image.
    const b = (await box.boundingBox())!;
    expect(b.width).toBeGreaterThan(10);
    expect(b.height).toBeGreaterThan(5);
    expect(b.x).toBeGreaterThanOrEqual(c.x - 1);
    expect(b.y).toBeGreaterThanOrEqual(c.y - 1);
    expect(b.x + b.width).toBeLessThanOrEqual(c.x + c.width + 1);
    expect(b.y + b.height).toBeLessThanOrEqual(c.y + c.height + 1);
    expect((b.x - c.x) / c.width).toBeCloseTo(union.x0 / geometry.width, 2);
    expect((b.y - c.y) / c.height).toBeCloseTo(union.y0 / geometry.height, 2);
    expect((b.x + b.width - c.x) / c.width).toBeCloseTo(union.x1 / geometry.width, 2);
    expect((b.y + b.height - c.y) / c.height).toBeCloseTo(union.y1 / geometry.height, 2);

    // Zooming draws the image again at the new size; the box keeps its place.
    await p.click("#zoom-in");
    await p.locator("#zoom-label", { hasText: "125%" }).waitFor();
    await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeGreaterThan(c.width * 1.2);
    const c2 = (await canvas.boundingBox())!;
    const b2 = (await box.boundingBox())!;
    expect((b2.x - c2.x) / c2.width).toBeCloseTo(union.x0 / geometry.width, 2);
    expect((b2.y - c2.y) / c2.height).toBeCloseTo(union.y0 / geometry.height, 2);

    // An image the browser cannot decode: a notice, no sheet, and the value can still be edited.
    await p.route(`**/api/documents/${imageScan.sha256}/source`, (route) =>
      route.fulfill({ status: 200, contentType: "image/png", body: "not a png" }),
    );
    await p.reload();
    await p.locator("#page-notice", { hasText: "could not be loaded" }).waitFor();
    expect(await p.textContent("#page-notice")).toMatch(/could not be loaded \(the image could not be decoded\)\. You can still edit/);
    expect(await p.isHidden("#page-stage")).toBe(true);
    expect(await p.getAttribute("#page-canvas", "data-rendered")).toBe("false");
    await p.locator("body").press("e");
    await p.locator("#edit-input").waitFor();
    await p.locator("#edit-input").press("Escape");
    await p.locator("#edit-input").waitFor({ state: "detached" });
    await p.unroute(`**/api/documents/${imageScan.sha256}/source`);

    expect(pageProblems).toEqual([]);
  }, 120_000);
});
