import { describe, expect, it } from "vitest";
import { errorCodes, JixiaoError, toJixiaoError, type ErrorCode } from "./errors.js";

describe("errorCodes", () => {
  it("says which failures a retry can help", () => {
    const retryable = (Object.keys(errorCodes) as ErrorCode[]).filter((c) => errorCodes[c].retry).sort();
    expect(retryable).toEqual(["INTERNAL", "QUEUE_UNAVAILABLE", "STORE_UNAVAILABLE"]);
  });

  it("maps each code to its HTTP status", () => {
    const http = Object.fromEntries(Object.entries(errorCodes).map(([k, v]) => [k, v.http]));
    expect(http).toEqual({
      NOT_FOUND: 404,
      EMPTY_FILE: 422,
      UNSUPPORTED_INPUT: 415,
      TRUNCATED_PDF: 422,
      ENCRYPTED_PDF: 422,
      NO_FORM_FOUND: 422,
      OVER_LIMIT: 413,
      TIMEOUT: 422,
      DAMAGED_IMAGE: 422,
      EXTRACTION_CRASHED: 422,
      INVALID_PAYLOAD: 400,
      OCR_UNAVAILABLE: 500,
      STORE_UNAVAILABLE: 503,
      STORE_LOCKED: 409,
      QUEUE_UNAVAILABLE: 503,
      QUEUE_MISCONFIGURED: 500,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      CSRF_FAILED: 403,
      RECORD_NOT_FOUND: 404,
      SOURCE_UNAVAILABLE: 404,
      SOURCE_CHANGED: 409,
      STALE_VALUE: 409,
      VALIDATION_FAILED: 422,
      CHECK_FAILED: 422,
      INTERNAL: 500,
    });
    for (const v of Object.values(errorCodes)) expect(v.summary.length).toBeGreaterThan(0);
  });
});

describe("JixiaoError", () => {
  it("carries code, file, cause, retryable and httpStatus", () => {
    const cause = new Error("disk");
    const e = new JixiaoError("STORE_UNAVAILABLE", "no store", { file: "a.pdf", cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("JixiaoError");
    expect(e.message).toBe("no store");
    expect(e.code).toBe("STORE_UNAVAILABLE");
    expect(e.file).toBe("a.pdf");
    expect(e.cause).toBe(cause);
    expect(e.retryable).toBe(true);
    expect(e.httpStatus).toBe(503);
  });

  it("has no cause or file unless given", () => {
    const e = new JixiaoError("EMPTY_FILE", "empty");
    expect(e.file).toBeUndefined();
    expect("cause" in e).toBe(false);
    expect(e.retryable).toBe(false);
    expect(e.httpStatus).toBe(422);
  });
});

describe("toJixiaoError", () => {
  it("returns a JixiaoError unchanged", () => {
    const e = new JixiaoError("NO_FORM_FOUND", "none", { file: "x.txt" });
    expect(toJixiaoError(e, "other.txt")).toBe(e);
  });

  it("wraps an Error as INTERNAL keeping its message and cause", () => {
    const err = new TypeError("boom");
    const e = toJixiaoError(err, "f.pdf");
    expect(e).toBeInstanceOf(JixiaoError);
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toBe("boom");
    expect(e.cause).toBe(err);
    expect(e.file).toBe("f.pdf");
    expect(e.retryable).toBe(true);
    expect(e.httpStatus).toBe(500);
  });

  it("wraps non-Error values with their string form", () => {
    const e = toJixiaoError("plain string");
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toBe("plain string");
    expect(e.file).toBeUndefined();
    expect(toJixiaoError(42).message).toBe("42");
    expect(toJixiaoError(undefined).cause).toBeUndefined();
  });

  it("takes a thrown plain object's message from its message property or its JSON, never [object Object]", () => {
    const withMessage = { message: "connection reset", code: "ECONNRESET" };
    const e = toJixiaoError(withMessage, "f.pdf");
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toBe("connection reset");
    expect(e.cause).toBe(withMessage);
    expect(toJixiaoError({ code: 7, reason: "worker gone" }).message).toBe('{"code":7,"reason":"worker gone"}');
    expect(toJixiaoError({ message: 42 }).message).toBe('{"message":42}');
    expect(toJixiaoError({ blob: "x".repeat(2000) }).message).toMatch(/^\{"blob":"x+…$/);
    expect(toJixiaoError({ blob: "x".repeat(2000) }).message.length).toBeLessThan(600);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(toJixiaoError(cyclic).message).toBe("a thrown Object without a message");
    expect(toJixiaoError({}).message).toBe("a thrown Object without a message");
    expect(toJixiaoError(Object.create(null)).message).toBe("a thrown object without a message");
    for (const v of [{}, { a: 1 }, cyclic, [1, 2], new (class Oops {})()]) expect(toJixiaoError(v).message).not.toContain("[object");
  });
});
