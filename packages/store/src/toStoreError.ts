import { JixiaoError } from "@jixiao/core";

/** Node socket error codes that mean the database could not be reached. */
const socketCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOENT", // Unix socket path missing
]);

/**
 * SQLSTATE codes that mean "the server is not available to us" rather than "your SQL is wrong":
 * class 08 (connection exception), 28 (authorisation), 3D000 (database does not exist),
 * 53300 (too many connections), 57P01-57P03 (shutdown / cannot connect now).
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith("08") ||
    code.startsWith("28") ||
    code === "3D000" ||
    code === "53300" ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03"
  );
}

/** Messages the pg driver and PGlite use for broken, closed or timed-out connections. */
const unavailableMessages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client has encountered a connection error/i,
  /client was closed and is not queryable/i,
  /pglite is clos(ed|ing)/i,
];

export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (socketCodes.has(code) || isUnavailableSqlState(code))) return true;
  if (unavailableMessages.some((re) => re.test(err.message))) return true;
  // Node reports a failed connect to a name with several addresses as an AggregateError.
  if (err instanceof AggregateError) return err.errors.some(isConnectionError);
  return false;
}

/**
 * Maps connection failures to STORE_UNAVAILABLE (retryable); anything else (a SQL error, a
 * JixiaoError raised inside a transaction) is returned unchanged.
 */
export function toStoreError(err: unknown, what = "the store"): unknown {
  if (err instanceof JixiaoError) return err;
  if (isConnectionError(err)) {
    const code = (err as { code?: unknown }).code;
    const detail = (err as Error).message || (typeof code === "string" ? code : String(err));
    return new JixiaoError("STORE_UNAVAILABLE", `${what} could not be reached: ${detail}`, { cause: err });
  }
  return err;
}
