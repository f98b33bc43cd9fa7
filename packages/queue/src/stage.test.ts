import { describe, expect, it, vi } from "vitest";
import { UnrecoverableError } from "bullmq";
import { JixiaoError } from "@jixiao/core";
import { IntakeJob } from "@jixiao/schemas";
import { readQueueEnv } from "./config.js";
import { docJobId, pageJobId, pageJobOptions, shaOfJobId } from "./names.js";
import { parseMaxmemoryPolicy, redactUrl } from "./redis.js";
import { isFinalAttempt, parseFailureReason, parsePayload, runStage } from "./stage.js";

const sha = "ab".repeat(32);
const job = (attemptsMade: number, attempts = 3) => ({ id: "j", data: {}, attemptsMade, opts: { attempts } });

describe("runStage: errors mapped through the error table", () => {
  it("a deterministic code fails at once (UnrecoverableError) and records the failure", async () => {
    const onFinal = vi.fn(async () => {});
    const err = await runStage(job(0), async () => { throw new JixiaoError("ENCRYPTED_PDF", "a.pdf: password"); }, onFinal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe("ENCRYPTED_PDF: a.pdf: password");
    expect(onFinal).toHaveBeenCalledOnce();
    for (const code of ["OVER_LIMIT", "UNSUPPORTED_INPUT", "INVALID_PAYLOAD", "TRUNCATED_PDF"] as const) {
      const e = await runStage(job(0), async () => { throw new JixiaoError(code, "x"); }).catch((x: unknown) => x);
      expect((e as Error).name).toBe("UnrecoverableError");
    }
  });

  it("a retryable code is thrown for BullMQ to retry; the failure is recorded on the last try only", async () => {
    const onFinal = vi.fn(async () => {});
    const first = await runStage(job(0), async () => { throw new JixiaoError("STORE_UNAVAILABLE", "down"); }, onFinal).catch((e: unknown) => e);
    expect(first).not.toBeInstanceOf(UnrecoverableError);
    expect((first as Error).message).toBe("STORE_UNAVAILABLE: down");
    expect(onFinal).not.toHaveBeenCalled();
    await runStage(job(2), async () => { throw new TypeError("bug"); }, onFinal).catch(() => undefined);
    expect(onFinal).toHaveBeenCalledWith(expect.objectContaining({ code: "INTERNAL" }));
  });

  it("a failure while recording the failure does not hide the job's own error, and is logged as a JSON line", async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    let err: unknown;
    try {
      err = await runStage(job(0), async () => { throw new JixiaoError("EMPTY_FILE", "e"); }, async () => { throw new Error("store down"); })
        .catch((e: unknown) => e);
    } finally {
      write.mockRestore();
    }
    expect((err as Error).message).toBe("EMPTY_FILE: e");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, name: "jixiao-worker", jobId: "j", code: "EMPTY_FILE", msg: "job j: could not record the failure: store down" });
  });

  it("reads a failure reason back, and knows the last try", () => {
    expect(parseFailureReason("OVER_LIMIT: f.pdf: 3000 pages")).toEqual({ code: "OVER_LIMIT", message: "f.pdf: 3000 pages" });
    expect(parseFailureReason("job stalled more than allowable limit")).toEqual({ code: "INTERNAL", message: "job stalled more than allowable limit" });
    expect(parseFailureReason("NOPE: x").code).toBe("INTERNAL");
    expect(isFinalAttempt(job(1, 3))).toBe(false);
    expect(isFinalAttempt(job(2, 3))).toBe(true);
    expect(isFinalAttempt({ data: {}, attemptsMade: 0, opts: {} })).toBe(true);
  });

  it("rejects a payload that does not fit its schema with INVALID_PAYLOAD", () => {
    expect(parsePayload(IntakeJob, { path: "/a", file: "a", sha256: sha }, "intake")).toEqual({ path: "/a", file: "a", sha256: sha });
    const err = (() => { try { parsePayload(IntakeJob, { path: "", sha256: "x" }, "intake"); } catch (e) { return e; } })();
    expect((err as JixiaoError).code).toBe("INVALID_PAYLOAD");
    expect((err as JixiaoError).message).toMatch(/intake job payload is invalid: path/);
  });
});

describe("queue names and options", () => {
  it("names jobs after the document hash", () => {
    expect(docJobId(sha)).toBe(`doc-${sha}`);
    expect(shaOfJobId(pageJobId(sha, 12))).toBe(sha);
    expect(shaOfJobId(pageJobId(sha, null))).toBe(sha);
    expect(shaOfJobId("something-else")).toBeNull();
    expect(pageJobId(sha, 3)).not.toContain(":");
  });

  it("page jobs move to the parent's failed dependencies, never leaving it waiting", () => {
    const o = pageJobOptions(readQueueEnv({}), sha, 1);
    expect(o).toMatchObject({ ignoreDependencyOnFailure: true, attempts: 5, backoff: { type: "exponential", delay: 2000 } });
    expect(o.failParentOnFailure).toBeUndefined();
  });
});

describe("configuration from the environment", () => {
  it("has a documented default for everything but the database", () => {
    const c = readQueueEnv({});
    expect(c).toMatchObject({ redisUrl: "redis://127.0.0.1:6379", prefix: "jixiao", maxBytes: 200 * 1024 * 1024, maxPages: 2000, attempts: 5 });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.concurrency).toBeGreaterThanOrEqual(1);
  });

  it("reads and validates the variables", () => {
    const c = readQueueEnv({ JIXIAO_DATABASE_URL: "postgresql://u@h/db", JIXIAO_CONCURRENCY: "3", JIXIAO_MAX_PAGES: "", JIXIAO_QUEUE_PREFIX: "p1" });
    expect(c).toMatchObject({ databaseUrl: "postgresql://u@h/db", concurrency: 3, maxPages: 2000, prefix: "p1" });
    expect(() => readQueueEnv({ JIXIAO_CONCURRENCY: "many" })).toThrow(/JIXIAO_CONCURRENCY/);
    expect(() => readQueueEnv({ JIXIAO_REDIS_URL: "http://x" })).toThrow(/JIXIAO_REDIS_URL/);
    expect(() => readQueueEnv({ JIXIAO_QUEUE_PREFIX: "a:b" })).toThrow(/INVALID|JIXIAO_QUEUE_PREFIX/);
  });

  it("reads maxmemory-policy from INFO memory and hides passwords", () => {
    expect(parseMaxmemoryPolicy("# Memory\r\nused_memory:1\r\nmaxmemory_policy:noeviction\r\n")).toBe("noeviction");
    expect(parseMaxmemoryPolicy("used_memory:1")).toBeNull();
    expect(redactUrl("redis://user:secret@host:6379/0")).toBe("redis://user:***@host:6379/0");
  });
});
