import type { ErrorCode } from "@jixiao/core";
import { JixiaoError } from "@jixiao/core";
import type { StoredSession } from "@jixiao/store";
import type { z } from "zod";

/** The session a request carries, once authenticated. */
export interface RequestSession extends StoredSession {
  idHash: string;
}

/** An error answered with its code's HTTP status and optional details (zod issues, failed checks). */
export class RequestError extends JixiaoError {
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(code, message);
    this.details = details;
  }
}

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const res = schema.safeParse(value ?? {});
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new RequestError("INVALID_PAYLOAD", `malformed ${what}`, issues);
}

