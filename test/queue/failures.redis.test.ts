// Failure policy of queue mode, with the three workers running in this process (page jobs not
// sandboxed) against the real Redis and PostgreSQL: deterministic failures fail at once and are
// stored with their code, a page job that fails for good fails its document instead of leaving
// the parent waiting, and retryable failures are retried with backoff.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Worker } from "bullmq";
import { JixiaoError } from "@jixiao/core";
import { createScanExtractor } from "@jixiao/ocr";
import { addDocumentFlow, openQueueContext, openQueueStore, submitDocuments, type QueueContext } from "@jixiao/queue";
import type { Store } from "@jixiao/store";
import { createAssembleWorker } from "@jixiao/worker-assemble";
import { createIntakeWorker } from "@jixiao/worker-intake";
import { createPageWorker } from "@jixiao/worker-page";
import { cleanup, configOf, namespace, queueEnv, removeDir, root, waitFor } from "./harness.js";

const digital = join(root, "samples", "digital");
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
});

type Failure = { queue: string; id: string; message: string; final: boolean };

/** A namespace with in-process workers; `wrapStore` lets a test inject store faults. */
async function setup(extra: { [k: string]: string } = {}, wrapStore?: (s: Store) => Store) {
  const ns = namespace();
  const config = configOf(queueEnv(ns, { JIXIAO_ATTEMPTS: "3", JIXIAO_BACKOFF_MS: "100", ...extra }));
  cleanups.push(() => cleanup(ns));
  const store = await openQueueStore(config, 4);
  cleanups.push(() => store.close());
  const ctx: QueueContext = await openQueueContext(config, { store: wrapStore ? wrapStore(store) : store });
  cleanups.push(() => ctx.close());
  const scans = createScanExtractor({ size: 1 });
  cleanups.push(() => scans.close());
  const workers: Worker[] = [createIntakeWorker(ctx, { concurrency: 2 }), createPageWorker(ctx, { concurrency: 2, inProcess: { scans } }), createAssembleWorker(ctx, { concurrency: 2 })];
  const failures: Failure[] = [];
  for (const [i, w] of workers.entries()) {
    w.on("failed", (job, err) => failures.push({ queue: ["intake", "page", "assemble"][i]!, id: job?.id ?? "", message: err.message, final: err.name === "UnrecoverableError" || (job?.attemptsMade ?? 0) >= (job?.opts.attempts ?? 1) }));
    cleanups.push(() => w.close());
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return { ctx, store, failures };
}

describe("queue mode failure policy", () => {
  it("deterministic input errors fail at once, are not retried, and are stored with their code", async () => {
    const { ctx, failures } = await setup({ JIXIAO_MAX_PAGES: "10", JIXIAO_MAX_BYTES: "1300000" });
    const dir = mkdtempSync(join(tmpdir(), "jixiao-qfail-"));
    cleanups.push(() => removeDir(dir));
    const bytes = readFileSync(join(digital, "002_fe319b84d2aa7d28.pdf"));
    copyFileSync(join(root, "packages", "pdf", "test-fixtures", "encrypted-aes256.pdf"), join(dir, "encrypted.pdf"));
    writeFileSync(join(dir, "not-a-pdf.bin"), "hello, this is not a PDF");
    writeFileSync(join(dir, "empty.pdf"), "");
    writeFileSync(join(dir, "truncated.pdf"), bytes.subarray(0, Math.floor(bytes.length / 2)));
    copyFileSync(join(digital, "000_f5e7e42ab4334a59.pdf"), join(dir, "many-pages.pdf")); // 25 pages > 10
    copyFileSync(join(root, "samples", "scan", "002_fe319b84d2aa7d28.pdf"), join(dir, "big.pdf")); // 1.98 MB > 1.3 MB
    copyFileSync(join(digital, "004_d6b6ad76fc616d0b.pdf"), join(dir, "seven-pages.pdf")); // within both limits
    const results = await submitDocuments(ctx, [
      join(dir, "encrypted.pdf"), join(dir, "not-a-pdf.bin"), join(dir, "empty.pdf"), join(dir, "truncated.pdf"),
      join(dir, "many-pages.pdf"), join(dir, "big.pdf"), join(dir, "seven-pages.pdf"), join(dir, "missing.pdf"),
    ], { pollMs: 200, timeoutMs: 120_000 });
    const byFile = Object.fromEntries(results.map((r) => [r.file, r]));
    expect(byFile["encrypted.pdf"]!.error?.code).toBe("ENCRYPTED_PDF");
    expect(byFile["not-a-pdf.bin"]!.error?.code).toBe("UNSUPPORTED_INPUT");
    expect(byFile["empty.pdf"]!.error?.code).toBe("EMPTY_FILE");
    expect(byFile["truncated.pdf"]!.error?.code).toBe("TRUNCATED_PDF");
    expect(byFile["many-pages.pdf"]!.error).toMatchObject({ code: "OVER_LIMIT", message: "many-pages.pdf: 25 pages, the limit is 10" });
    expect(byFile["big.pdf"]!.error).toMatchObject({ code: "OVER_LIMIT", message: "big.pdf: 1980334 bytes, the limit is 1300000" });
    expect(byFile["seven-pages.pdf"]!.status).toBe("succeeded");
    expect(byFile["missing.pdf"]!).toMatchObject({ sha256: null, status: "failed", error: { code: "NOT_FOUND" } });
    for (const f of ["encrypted.pdf", "not-a-pdf.bin", "empty.pdf", "truncated.pdf", "many-pages.pdf", "big.pdf"]) {
      expect(byFile[f]!.status, f).toBe("failed");
      const doc = (await ctx.store.getDocument(byFile[f]!.sha256!))!;
      expect(doc.error?.message, f).toContain(f);
      // Each failed once, for good: no retry of a deterministic error.
      const mine = failures.filter((x) => x.id === `doc-${byFile[f]!.sha256}`);
      expect(mine.map((x) => [x.queue, x.final]), f).toEqual([["intake", true]]);
    }
  });

  it("a page job that fails for good fails its document; the parent never hangs in waiting-children", async () => {
    const { ctx, failures } = await setup();
    const path = join(digital, "002_fe319b84d2aa7d28.pdf");
    const sha256 = (await submitDocuments(ctx, [path], { noWait: true }))[0]!.sha256!;
    await waitFor("the first round", async () => (await ctx.store.getDocument(sha256))!.status === "succeeded", 60_000);
    // A flow asking for a page the PDF does not have: that child fails (INVALID_PAYLOAD).
    await ctx.store.markDocument(sha256, "002.pdf", "processing");
    await addDocumentFlow(ctx, { sha256, path, file: "002.pdf", inputKind: "pdf", pageCount: 4 });
    await waitFor("the document to fail", async () => (await ctx.store.getDocument(sha256))!.status === "failed", 60_000);
    const doc = (await ctx.store.getDocument(sha256))!;
    expect(doc.error?.code).toBe("INVALID_PAYLOAD");
    expect(doc.error?.message).toMatch(/no page 4/);
    expect(doc.recordCount).toBe(0);
    expect(await ctx.store.pageNumbers(sha256)).toEqual([]); // dropped with the failed document
    expect(failures.filter((f) => f.queue === "page").map((f) => [f.id, f.final])).toEqual([[`doc-${sha256}-p4`, true]]);
    expect(await ctx.queues.assemble.getJobCountByTypes("waiting-children", "waiting", "active")).toBe(0);
  });

  it("retryable failures are retried with exponential backoff; out of attempts, the document fails with that code", async () => {
    let failuresLeft = 2;
    const flaky = (store: Store): Store =>
      new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === "savePages") {
            return async (...args: Parameters<Store["savePages"]>) => {
              if (failuresLeft-- > 0) throw new JixiaoError("STORE_UNAVAILABLE", "PostgreSQL could not be reached: test");
              return target.savePages(...args);
            };
          }
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    const { ctx, failures } = await setup({}, flaky);
    const path = join(root, "samples", "seeds", "002_fe319b84d2aa7d28.txt");
    const [ok] = await submitDocuments(ctx, [path], { pollMs: 200, timeoutMs: 60_000 });
    expect(ok!.status).toBe("succeeded");
    const retried = failures.filter((f) => f.queue === "page");
    expect(retried.map((f) => [f.message, f.final])).toEqual([
      ["STORE_UNAVAILABLE: PostgreSQL could not be reached: test", false],
      ["STORE_UNAVAILABLE: PostgreSQL could not be reached: test", false],
    ]);
    // Now every try fails: after 3 attempts the child fails and the document with it.
    failuresLeft = Infinity;
    const [bad] = await submitDocuments(ctx, [join(root, "samples", "seeds", "001_655e35476e9ed446.txt")], { pollMs: 200, timeoutMs: 60_000 });
    expect(bad!).toMatchObject({ status: "failed", error: { code: "STORE_UNAVAILABLE" } });
    expect(failures.filter((f) => f.id === `doc-${bad!.sha256}-all`).map((f) => f.final)).toEqual([false, false, true]);
  });
});
