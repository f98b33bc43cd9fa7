// The assemble stage when two runs of a document's flow overlap (Redis lost its jobs while the
// first assemble was still running, and the reconciler sent the document round again): the one
// that finishes second neither fails the document for the pages the first one dropped, nor
// writes over it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@jixiao/store";
import type { QueueContext } from "@jixiao/queue";
import { processAssemble, type AssembleJobLike } from "./processAssemble.js";

const sha = () => randomBytes(32).toString("hex");

describe("processAssemble of a document finished meanwhile", () => {
  let store: Store;
  let ctx: QueueContext;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite", dataDir: "memory://" });
    ctx = { store } as unknown as QueueContext;
  });
  afterAll(() => store.close());

  const job = (sha256: string, attemptsMade = 0): AssembleJobLike => ({
    id: `doc-${sha256}`,
    data: { sha256, path: "/shared/a.pdf", file: "a.pdf", inputKind: "pdf", pageCount: 25 },
    attemptsMade,
    opts: { attempts: 5 },
    getIgnoredChildrenFailures: async () => ({}),
  });

  it("leaves a document another assemble stored as it is (its pages are gone), on every try", async () => {
    const s = sha();
    await store.queueDocument(s, "a.pdf", "/shared/a.pdf");
    await store.claimDocument(s, "a.pdf", "/shared/a.pdf");
    // the first assemble stored it (and dropped its pages)
    await store.saveDocument({ sha256: s, file: "a.pdf", inputKind: "pdf", status: "succeeded", pageCount: 25, error: null, records: [] });
    for (const attempt of [0, 4]) {
      const r = await processAssemble(job(s, attempt), ctx);
      expect(r).toMatchObject({ status: "succeeded", skipped: "finished" });
    }
    expect((await store.getDocument(s))!.status).toBe("succeeded");
  });

  it("still retries, then fails, a document whose pages are missing while it is unfinished", async () => {
    const s = sha();
    await store.queueDocument(s, "b.pdf", "/shared/b.pdf");
    await store.claimDocument(s, "b.pdf", "/shared/b.pdf");
    await expect(processAssemble(job(s, 0), ctx)).rejects.toThrow(/INTERNAL: .*0 of 25 pages/);
    expect((await store.getDocument(s))!.status).toBe("processing");
    await expect(processAssemble(job(s, 4), ctx)).rejects.toThrow(/0 of 25 pages/);
    expect((await store.getDocument(s))!).toMatchObject({ status: "failed", error: { code: "INTERNAL" } });
  });

  it("saveDocument with onlyIfUnfinished writes nothing over a finished document", async () => {
    const s = sha();
    await store.saveDocument({ sha256: s, file: "c.pdf", inputKind: "pdf", status: "succeeded", pageCount: 1, error: null, records: [] });
    const r = await store.saveDocument(
      { sha256: s, file: "c.pdf", inputKind: "pdf", status: "failed", pageCount: 1, error: { code: "INTERNAL", message: "late" }, records: [] },
      { onlyIfUnfinished: true },
    );
    expect(r).toEqual({ inserted: false, skipped: true });
    expect((await store.getDocument(s))!.status).toBe("succeeded");
  });
});
