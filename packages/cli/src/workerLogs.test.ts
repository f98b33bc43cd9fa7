// `jixiao worker`'s logs: JSON lines with time and level, one per finished document, one per
// failed or retried job with its code, and the level option dropping the lines below it.
import { describe, it, expect } from "vitest";
import { EventEmitter } from "node:events";
import { UnrecoverableError } from "bullmq";
import { logWorkerEvents, workerLogger } from "./workerLogs.js";

function capture(level: string) {
  const lines: string[] = [];
  const log = workerLogger(level, { write: (s: string) => void lines.push(s) });
  return { log, entries: () => lines.join("").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { [k: string]: unknown }) };
}

const sha = "a".repeat(64);
const job = (data: object, over: object = {}) => ({ id: `doc-${sha}`, data, attemptsMade: 1, opts: { attempts: 5 }, timestamp: 1_000, finishedOn: 4_500, ...over });

describe("worker logs", () => {
  it("logs a line per finished document, with its outcome as fields", () => {
    const { log, entries } = capture("info");
    const w = new EventEmitter();
    logWorkerEvents(w, "assemble", log);
    w.emit("completed", job({ sha256: sha, file: "a/report.pdf", pageCount: 3 }), { status: "partial", records: 4 });
    const [e] = entries();
    expect(e).toMatchObject({ level: 30, name: "jixiao-worker", queue: "assemble", sha256: sha, file: "a/report.pdf", status: "partial", records: 4, ms: 3_500 });
    expect(e!.msg).toBe("document finished: a/report.pdf: partial, 4 records");
    expect(typeof e!.time).toBe("number");
    expect(e!.pid).toBe(process.pid);
  });

  it("logs a job failed for good as an error with its code, a retried one as a warning", () => {
    const { log, entries } = capture("info");
    const w = new EventEmitter();
    logWorkerEvents(w, "intake", log);
    const final = new UnrecoverableError("ENCRYPTED_PDF: b.pdf: the PDF is encrypted");
    w.emit("failed", job({ sha256: sha, file: "b.pdf", path: "/in/b.pdf" }), final);
    w.emit("failed", job({ sha256: sha, file: "c.pdf", path: "/in/c.pdf" }), new Error("STORE_UNAVAILABLE: PostgreSQL could not be reached"));
    const [failed, retry] = entries();
    expect(failed).toMatchObject({ level: 50, queue: "intake", file: "b.pdf", code: "ENCRYPTED_PDF" });
    expect(failed!.msg).toMatch(/^intake doc-a+ failed: ENCRYPTED_PDF: b\.pdf: the PDF is encrypted$/);
    expect(retry).toMatchObject({ level: 40, file: "c.pdf", code: "STORE_UNAVAILABLE", attemptsMade: 1 });
    expect(retry!.msg).toMatch(/will retry: STORE_UNAVAILABLE/);
  });

  it("keeps page and intake completions for debug, and drops what is below the level", () => {
    const info = capture("info");
    const debug = capture("debug");
    const quiet = capture("error");
    for (const c of [info, debug, quiet]) {
      const w = new EventEmitter();
      logWorkerEvents(w, "page", c.log);
      w.emit("completed", job({ sha256: sha, file: "a.pdf", page: 2 }), undefined);
      const a = new EventEmitter();
      logWorkerEvents(a, "assemble", c.log);
      a.emit("completed", job({ sha256: sha, file: "a.pdf" }), { status: "succeeded", records: 1 });
    }
    expect(info.entries().map((e) => e.msg)).toEqual(["document finished: a.pdf: succeeded, 1 records"]);
    expect(debug.entries()).toHaveLength(2);
    expect(debug.entries()[0]).toMatchObject({ level: 20, queue: "page", page: 2 });
    expect(quiet.entries()).toEqual([]);
  });
});
