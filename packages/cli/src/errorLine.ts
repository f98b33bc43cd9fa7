// How the CLI prints a failure: the file named once, the code, the message as text.

/**
 * The text of something thrown or stored as a message: an Error's message, a string, an
 * object's `message` when it has one, else its JSON (never "[object Object]").
 */
export function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const m = (value as { message?: unknown }).message;
    if (typeof m === "string") return m;
    try {
      const json = JSON.stringify(value);
      if (json !== undefined && json !== "{}") return json;
    } catch {
      // a cycle: fall through
    }
  }
  return String(value);
}

/**
 * `file: CODE: message` for a file's error. The pipeline's messages start with the file's name
 * (so that they stand alone in the store and the review page); printed after the name, that
 * prefix is dropped, so the name appears once.
 */
export function errorLine(file: string, error: { code: string; message: unknown }): string {
  let message = messageOf(error.message);
  if (message.startsWith(`${file}: `)) message = message.slice(file.length + 2);
  return `${file}: ${error.code}: ${message}`;
}
