/**
 * The one error-code table. Every failure the pipeline reports for a file carries one of these
 * codes; the table says whether a retry can help (queue mode) and which HTTP status it maps to.
 */
export const errorCodes = {
  NOT_FOUND: { retry: false, http: 404, summary: "input file does not exist or cannot be read" },
  EMPTY_FILE: { retry: false, http: 422, summary: "input file is empty" },
  UNSUPPORTED_INPUT: { retry: false, http: 415, summary: "input is not a PDF, image or text dump" },
  TRUNCATED_PDF: { retry: false, http: 422, summary: "PDF is truncated or damaged" },
  ENCRYPTED_PDF: { retry: false, http: 422, summary: "PDF is encrypted (password protected)" },
  NO_FORM_FOUND: { retry: false, http: 422, summary: "no performance self-evaluation form was recognised" },
  OVER_LIMIT: { retry: false, http: 413, summary: "input exceeds a configured limit (size, pages, image pixels, inflated stream, line length, or memory while extracting)" },
  TIMEOUT: { retry: false, http: 422, summary: "extracting the file took longer than the configured time limit" },
  DAMAGED_IMAGE: { retry: false, http: 422, summary: "image file is truncated or damaged" },
  EXTRACTION_CRASHED: { retry: false, http: 422, summary: "the extraction process died on this file (not from a limit)" },
  INVALID_PAYLOAD: { retry: false, http: 400, summary: "job or request payload failed validation" },
  OCR_UNAVAILABLE: { retry: false, http: 500, summary: "OCR language data is missing" },
  STORE_UNAVAILABLE: { retry: true, http: 503, summary: "the store could not be reached" },
  STORE_LOCKED: { retry: false, http: 409, summary: "another process holds the embedded store (and does not share it)" },
  QUEUE_UNAVAILABLE: { retry: true, http: 503, summary: "the queue could not be reached" },
  QUEUE_MISCONFIGURED: { retry: false, http: 500, summary: "the queue's Redis would evict keys (maxmemory-policy is not noeviction)" },
  UNAUTHENTICATED: { retry: false, http: 401, summary: "no valid session or credentials" },
  FORBIDDEN: { retry: false, http: 403, summary: "the user's role does not allow this" },
  CSRF_FAILED: { retry: false, http: 403, summary: "a write without the session's CSRF token" },
  RECORD_NOT_FOUND: { retry: false, http: 404, summary: "no such record, document or page" },
  SOURCE_UNAVAILABLE: { retry: false, http: 404, summary: "the document's source file is not readable here" },
  SOURCE_CHANGED: { retry: false, http: 409, summary: "the file at the document's stored path is not the document any more (its SHA-256 differs)" },
  STALE_VALUE: { retry: false, http: 409, summary: "the value changed since it was shown (someone else corrected it)" },
  VALIDATION_FAILED: { retry: false, http: 422, summary: "a correction fails the record schema" },
  CHECK_FAILED: { retry: false, http: 422, summary: "a correction breaks an arithmetic check" },
  INTERNAL: { retry: true, http: 500, summary: "unexpected internal error" },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class JixiaoError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "JixiaoError";
    this.code = code;
    this.file = options.file;
  }

  get retryable(): boolean {
    return errorCodes[this.code].retry;
  }

  get httpStatus(): number {
    return errorCodes[this.code].http;
  }
}

/** The longest message taken from a thrown object's JSON; longer JSON is cut and marked with "…". */
const THROWN_JSON_MAX_CHARS = 500;

/**
 * The message of anything thrown: an Error's message; for another object its own `message`
 * string, else its JSON (cut at THROWN_JSON_MAX_CHARS), else its constructor's name (never
 * "[object Object]"); for anything else its string form.
 */
function thrownMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err !== "object" || err === null) return String(err);
  const own = (err as { message?: unknown }).message;
  if (typeof own === "string" && own !== "") return own;
  let json: string | undefined;
  try {
    json = JSON.stringify(err);
  } catch {
    json = undefined; // a cycle or a BigInt
  }
  if (json !== undefined && json !== "{}") {
    return json.length > THROWN_JSON_MAX_CHARS ? `${json.slice(0, THROWN_JSON_MAX_CHARS)}…` : json;
  }
  const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
  return `a thrown ${typeof name === "string" && name !== "" ? name : "object"} without a message`;
}

/** Wraps anything thrown into a JixiaoError (unknown errors become INTERNAL). */
export function toJixiaoError(err: unknown, file?: string): JixiaoError {
  if (err instanceof JixiaoError) return err;
  return new JixiaoError("INTERNAL", thrownMessage(err), { cause: err, ...(file === undefined ? {} : { file }) });
}
