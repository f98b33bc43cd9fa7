/**
 * Test helper: the behaviour every Store backend must show. Store.test.ts (PGlite on disk) and
 * Store.pg.test.ts (PostgreSQL) both call storeContract, so both run the identical assertions.
 * The review page's part is in reviewContract.ts. Not part of the package build (see tsconfig.json).
 */
import { expect, it } from "vitest";
import { JxRecord, type ProjectSelfEval } from "@jixiao/schemas";
import { collect, type Store } from "./Store.js";
import { assessmentRecord, documentWith, expectCode, projectRecord, randomSha256 } from "./storeFixtures.js";
import { reviewContract } from "./reviewContract.js";


/**
 * Registers the contract tests. `open` must return a new Store over the SAME storage each time
 * (same data directory / same schema), already migrated. Tests use random sha256s, so they do
 * not depend on the storage being empty.
 */
export function storeContract(open: () => Promise<Store>): void {
  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await open();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  it("migrates idempotently", () =>
    withStore(async (store) => {
      expect(await store.migrate()).toBe(4);
      expect(await store.migrate()).toBe(4);
    }));

  it("saves a document with two records and reads them back unchanged", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const doc = documentWith(sha, "001_合作交流.pdf");
      expect(await store.saveDocument(doc)).toEqual({ inserted: true });

      const stored = await store.getDocument(sha);
      expect(stored).toMatchObject({
        sha256: sha,
        file: "001_合作交流.pdf",
        inputKind: "pdf",
        status: "succeeded",
        pageCount: 3,
        error: null,
        recordCount: 2,
      });
      expect(Date.parse(stored!.createdAt)).not.toBeNaN();

      const records = await collect(store.listRecords({ documentSha256: sha }));
      expect(records).toStrictEqual(doc.records);
      // Same JSON text too: keys come back in schema order, numbers and strings untouched.
      expect(JSON.stringify(records)).toBe(JSON.stringify(doc.records));
      for (const r of records) expect(JxRecord.safeParse(r).success).toBe(true);

      const flags = await store.listFlags({ documentSha256: sha });
      expect(flags).toEqual([
        { documentSha256: sha, file: doc.file, ordinal: 0, ...doc.records[0]!.flags[0]! },
        { documentSha256: sha, file: doc.file, ordinal: 0, ...doc.records[0]!.flags[1]! },
      ]);
      expect(await store.listFlags({ documentSha256: sha, severity: "review" })).toHaveLength(1);
    }));

  it("saving the same sha256 again replaces the document: no duplicates", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const doc = documentWith(sha, "a.pdf");
      await store.saveDocument(doc);
      const first = await store.getDocument(sha);

      expect(await store.saveDocument(doc)).toEqual({ inserted: false });
      const changed = documentWith(sha, "a.pdf", { status: "partial" });
      (changed.records[0] as ProjectSelfEval).project_name = "合作交流工作业务费（更正）";
      expect(await store.saveDocument(changed)).toEqual({ inserted: false });

      const docs = (await store.listDocuments()).filter((d) => d.sha256 === sha);
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ status: "partial", recordCount: 2, createdAt: first!.createdAt });
      const records = await collect(store.listRecords({ documentSha256: sha }));
      expect(records).toStrictEqual(changed.records);
      expect(await store.listFlags({ documentSha256: sha })).toHaveLength(2);
    }));

  it("rejects an invalid record with INVALID_PAYLOAD and leaves the stored version unchanged", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const doc = documentWith(sha, "b.pdf");
      await store.saveDocument(doc);
      const before = await store.getDocument(sha);

      const bad = projectRecord(sha, "b.pdf") as unknown as { confidence: number };
      bad.confidence = 1.7;
      const err = await expectCode(
        store.saveDocument(documentWith(sha, "b.pdf", { status: "partial", records: [assessmentRecord(sha, "b.pdf"), bad as never] })),
        "INVALID_PAYLOAD",
      );
      expect(err.message).toMatch(/record 1 .*confidence/);

      // A record claiming another file's hash is rejected too.
      await expectCode(
        store.saveDocument(documentWith(sha, "b.pdf", { records: [projectRecord(randomSha256(), "b.pdf")] })),
        "INVALID_PAYLOAD",
      );
      // So is a bad document field.
      await expectCode(store.saveDocument(documentWith("nothex", "b.pdf")), "INVALID_PAYLOAD");

      expect(await store.getDocument(sha)).toEqual(before);
      expect(await collect(store.listRecords({ documentSha256: sha }))).toStrictEqual(doc.records);
      expect(await store.getDocument("0".repeat(64))).toBeNull();
    }));

  it("keeps data when the storage is opened again", async () => {
    const sha = randomSha256();
    const doc = documentWith(sha, "c.pdf");
    await withStore((store) => store.saveDocument(doc));
    await withStore(async (store) => {
      expect(await store.getDocument(sha)).toMatchObject({ status: "succeeded", recordCount: 2 });
      expect(await collect(store.listRecords({ documentSha256: sha }))).toStrictEqual(doc.records);
    });
  });

  it("tracks queue status with markDocument and counts documents by status", () =>
    withStore(async (store) => {
      const before = await store.countByStatus();
      expect(Object.keys(before).sort()).toEqual(["failed", "partial", "processing", "queued", "succeeded"]);

      const [q1, q2, ok, bad] = [randomSha256(), randomSha256(), randomSha256(), randomSha256()];
      expect(await store.markDocument(q1, "q1.pdf", "queued")).toEqual({ inserted: true });
      await store.markDocument(q2, "q2.pdf", "queued");
      await store.markDocument(ok, "ok.pdf", "queued");
      await store.markDocument(ok, "ok.pdf", "processing", { inputKind: "image", pageCount: 3 });
      expect(await store.getDocument(ok)).toMatchObject({ status: "processing", inputKind: "image", pageCount: 3, recordCount: 0 });
      await store.saveDocument(documentWith(ok, "ok.pdf"));
      await store.markDocument(bad, "bad.pdf", "failed", {
        inputKind: "pdf",
        error: { code: "ENCRYPTED_PDF", message: "PDF is encrypted" },
      });

      expect(await store.getDocument(q1)).toMatchObject({ status: "queued", inputKind: null, pageCount: null, error: null });
      expect(await store.getDocument(bad)).toMatchObject({
        status: "failed",
        inputKind: "pdf",
        error: { code: "ENCRYPTED_PDF", message: "PDF is encrypted" },
      });

      const after = await store.countByStatus();
      expect(after.queued - before.queued).toBe(2);
      expect(after.processing - before.processing).toBe(0);
      expect(after.succeeded - before.succeeded).toBe(1);
      expect(after.failed - before.failed).toBe(1);
      expect(after.partial - before.partial).toBe(0);

      const failed = await store.listDocuments({ status: "failed" });
      expect(failed.map((d) => d.sha256)).toContain(bad);
      expect(failed.every((d) => d.status === "failed")).toBe(true);

      // A retry: status changes, the error is kept unless cleared, records are never touched.
      await store.markDocument(bad, "bad.pdf", "queued");
      expect((await store.getDocument(bad))!.error).not.toBeNull();
      await store.markDocument(bad, "bad.pdf", "processing", { error: null });
      expect(await store.getDocument(bad)).toMatchObject({ status: "processing", error: null, inputKind: "pdf" });
      await store.markDocument(ok, "ok.pdf", "succeeded");
      expect((await store.getDocument(ok))!.recordCount).toBe(2);
    }));

  it("stores a failed document with its error and no records", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      await store.saveDocument(
        documentWith(sha, "broken.pdf", {
          status: "failed",
          pageCount: 0,
          error: { code: "TRUNCATED_PDF", message: "PDF is truncated at byte 1024" },
          records: [],
        }),
      );
      expect(await store.getDocument(sha)).toMatchObject({
        status: "failed",
        recordCount: 0,
        error: { code: "TRUNCATED_PDF", message: "PDF is truncated at byte 1024" },
      });
      await expectCode(
        store.saveDocument(documentWith(sha, "broken.pdf", { error: { code: "NOPE" as never, message: "x" } })),
        "INVALID_PAYLOAD",
      );
      // A file whose kind could not be told is stored without one (never as a PDF it is not).
      const unknown = randomSha256();
      const error = { code: "UNSUPPORTED_INPUT" as const, message: "notes.doc: not a PDF, PNG/JPEG/TIFF image or .txt text dump" };
      await store.saveDocument(documentWith(unknown, "notes.doc", { status: "failed", inputKind: null, pageCount: 0, error, records: [] }));
      expect(await store.getDocument(unknown)).toMatchObject({ status: "failed", inputKind: null, error });
      await expectCode(store.saveDocument(documentWith(randomSha256(), "x.pdf", { inputKind: null })), "INVALID_PAYLOAD");
    }));

  it("lists records in file/ordinal order across batches, optionally only approved ones", () =>
    withStore(async (store) => {
      const shas = [randomSha256(), randomSha256(), randomSha256()];
      const files = ["zz-b.pdf", "zz-a.pdf", "zz-B.pdf"];
      for (const [i, sha] of shas.entries()) await store.saveDocument(documentWith(sha, files[i]!));
      const mine = new Set(shas);

      const all = (await collect(store.listRecords({ batchSize: 1 }))).filter((r) => mine.has(r.source.sha256));
      // Byte order of file names ("B" < "a" < "b"), then position in the file.
      expect(all.map((r) => `${r.source.file}:${r.kind}`)).toEqual([
        "zz-B.pdf:project_self_eval",
        "zz-B.pdf:project_self_assessment",
        "zz-a.pdf:project_self_eval",
        "zz-a.pdf:project_self_assessment",
        "zz-b.pdf:project_self_eval",
        "zz-b.pdf:project_self_assessment",
      ]);
      expect((await collect(store.listRecords())).filter((r) => mine.has(r.source.sha256))).toStrictEqual(all);

      const approved = (await collect(store.listRecords({ approvedOnly: true }))).filter((r) => mine.has(r.source.sha256));
      expect(approved).toHaveLength(3);
      expect(approved.every((r) => r.review.state === "approved")).toBe(true);
    }));

  it("two concurrent saves of the same sha256 end as one document", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const two = documentWith(sha, "race.pdf");
      const one = documentWith(sha, "race.pdf", { status: "partial", records: [projectRecord(sha, "race.pdf")] });
      const results = await Promise.all([store.saveDocument(two), store.saveDocument(one)]);
      expect(results.map((r) => r.inserted).sort()).toEqual([false, true]);

      expect((await store.listDocuments()).filter((d) => d.sha256 === sha)).toHaveLength(1);
      const doc = (await store.getDocument(sha))!;
      const records = await collect(store.listRecords({ documentSha256: sha }));
      // Whichever save committed last wins, completely: its status and exactly its records.
      const winner = doc.status === "partial" ? one : two;
      expect(records).toStrictEqual(winner.records);
      expect(doc.recordCount).toBe(winner.records.length);
    }));

  it("queue mode: queues a document once, claims it, keeps page models until the document is saved", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const first = await store.queueDocument(sha, "q.pdf", "/shared/q.pdf");
      expect(first.queued).toBe(true);
      expect(first.document).toMatchObject({ status: "queued", path: "/shared/q.pdf", recordCount: 0 });
      // A second submission while it is in flight changes nothing.
      expect((await store.queueDocument(sha, "q.pdf", "/shared/q.pdf")).queued).toBe(false);
      expect(await store.claimDocument(sha, "q.pdf", "/shared/q.pdf")).toBe(true);
      expect((await store.getDocument(sha))!.status).toBe("processing");
      const page = (n: number) => ({
        number: n, width: 595, height: 842, unit: "pt" as const, origin: "top-left" as const,
        items: [{ text: `第${n}页\u0000`, bbox: { x0: 0.1, y0: 1 / 3, x1: 2, y1: 3 }, confidence: 1, origin: "pdf-text" as const }],
        rulings: [], tables: [],
      });
      await store.savePages(sha, [page(2)]);
      await store.savePages(sha, [page(1), page(2)]); // a retried page job replaces its page
      expect(await store.pageNumbers(sha)).toEqual([1, 2]);
      expect(await store.loadPages(sha)).toStrictEqual([page(1), page(2)]);
      await store.saveDocument(documentWith(sha, "q.pdf"));
      expect(await store.pageNumbers(sha)).toEqual([]);
      // Finished: not claimed again, not queued again unless asked.
      expect(await store.claimDocument(sha, "q.pdf", "/shared/q.pdf")).toBe(false);
      expect((await store.queueDocument(sha, "q.pdf", "/shared/q.pdf")).queued).toBe(false);
      expect((await store.getDocument(sha))!.status).toBe("succeeded");
      const again = await store.queueDocument(sha, "q.pdf", "/elsewhere/q.pdf", { reprocess: true });
      expect(again.queued).toBe(true);
      expect(again.document).toMatchObject({ status: "queued", path: "/elsewhere/q.pdf", recordCount: 2, error: null });
      expect((await store.listDocuments({ status: "queued", unchangedForMs: 60_000 })).map((d) => d.sha256)).not.toContain(sha);
      expect((await store.listDocuments({ status: "queued", unchangedForMs: 0 })).map((d) => d.sha256)).toContain(sha);
      expect(await store.requeueDocument(sha, 60_000)).toBe(false); // changed just now
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.requeueDocument(sha, 1)).toBe(true);
      expect((await store.getDocuments([sha, randomSha256()])).map((d) => [d.sha256, d.status])).toEqual([[sha, "queued"]]);
      await store.saveDocument(documentWith(sha, "q.pdf"));
      expect(await store.requeueDocument(sha, 0)).toBe(false); // finished documents stay finished
    }));

  it("keeps a document's source path and page sizes for the review page", () =>
    withStore(async (store) => {
      const sha = randomSha256();
      const pageGeometry = [{ number: 1, width: 595.3, height: 841.9, unit: "pt" as const }, { number: 2, width: 2480, height: 3508, unit: "px" as const, skewDegrees: -1.25 }];
      await store.saveDocument(documentWith(sha, "geo.pdf", { path: "/data/geo.pdf", pageGeometry }));
      const id = (await store.reviewQueue({ state: "all", limit: 500 })).items.find((i) => i.documentSha256 === sha)!.id;
      expect(await store.getRecord(id)).toMatchObject({ documentSha256: sha, ordinal: 0, kind: "project_self_eval", state: "pending", pages: pageGeometry, sourcePath: "/data/geo.pdf", inputKind: "pdf" });
      // Saved again without them (e.g. by an older worker): they are kept.
      await store.saveDocument(documentWith(sha, "geo.pdf"));
      const again = (await store.reviewQueue({ state: "all", limit: 500 })).items.find((i) => i.documentSha256 === sha)!.id;
      expect((await store.getRecord(again))!.pages).toEqual(pageGeometry);
      await expectCode(store.saveDocument(documentWith(sha, "geo.pdf", { pageGeometry: [{ number: 0, width: 1, height: 1, unit: "pt" }] })), "INVALID_PAYLOAD");
      expect(await store.getRecord(-1)).toBeNull();
    }));

  reviewContract(withStore);

  it("reports STORE_UNAVAILABLE once closed", async () => {
    const store = await open();
    await store.close();
    await store.close(); // closing twice is fine
    await expectCode(store.getDocument(randomSha256()), "STORE_UNAVAILABLE");
  });
}
