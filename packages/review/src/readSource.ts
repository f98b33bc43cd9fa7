import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { JixiaoError } from "@jixiao/core";

/** Largest source file the review server reads (the pipeline's default input limit). */
const MAX_SOURCE_BYTES = 200 * 1024 * 1024;

/** What the browser is sent for each kind of source it can show. */
export const SOURCE_CONTENT_TYPES = { pdf: "application/pdf", png: "image/png", jpeg: "image/jpeg" } as const;
export type SourceType = keyof typeof SOURCE_CONTENT_TYPES;

/**
 * Opens `path` for reading only if it is a regular file: non-blocking (a FIFO or a device cannot
 * hang the server), and checked on the open handle itself (a symlink to /dev/zero, a FIFO or a
 * directory is refused; there is no window between the check and the read). Null when it cannot
 * be opened or is not a regular file.
 */
async function openRegular(path: string): Promise<{ handle: FileHandle; size: number } | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      return null;
    }
    return { handle, size: st.size };
  } catch {
    await handle.close().catch(() => undefined);
    return null;
  }
}

/**
 * How the browser can show a document's source: a PDF (pdf.js) or a PNG/JPEG image, judged by the
 * input kind and the file's first bytes; null when the file is not a readable regular file here,
 * or is something else (TIFF, a text dump). Says nothing about whose bytes they are (readSource does).
 */
export async function sourceType(inputKind: string | null, path: string): Promise<SourceType | null> {
  if (inputKind !== "pdf" && inputKind !== "image") return null;
  const file = await openRegular(path);
  if (!file) return null;
  const head = Buffer.alloc(8);
  try {
    await file.handle.read(head, 0, 8, 0);
  } catch {
    return null;
  } finally {
    await file.handle.close();
  }
  return typeOfHead(inputKind, head);
}

function typeOfHead(inputKind: string, head: Buffer): SourceType | null {
  if (inputKind === "pdf") return "pdf";
  if (head[0] === 0x89 && head.subarray(1, 4).toString("latin1") === "PNG") return "png";
  if (head[0] === 0xff && head[1] === 0xd8) return "jpeg";
  return null;
}

/**
 * The bytes of a document's source, only if they are the document's own: the file at `path` is
 * read whole (a regular file, at most `maxBytes`), hashed, and returned with its type when its
 * SHA-256 is `sha256`. SOURCE_UNAVAILABLE when it is not a readable regular file, too large, or
 * not something a browser can show; SOURCE_CHANGED when its bytes are not the document's (the
 * file was replaced, or the path now leads to another file).
 */
export async function readSource(
  inputKind: string | null,
  path: string,
  sha256: string,
  what: string,
  maxBytes = MAX_SOURCE_BYTES,
): Promise<{ type: SourceType; data: Buffer }> {
  const unavailable = (why: string) => new JixiaoError("SOURCE_UNAVAILABLE", `${what}: ${why}`);
  if (inputKind !== "pdf" && inputKind !== "image") throw unavailable("the source is not in a form a browser can show");
  const file = await openRegular(path);
  if (!file) throw unavailable("the source file is not a readable regular file on this server");
  let data: Buffer;
  try {
    if (file.size > maxBytes) throw unavailable(`the source file is larger than ${maxBytes} bytes`);
    // Read to the end (the size may have changed since stat), never more than maxBytes + 1.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw unavailable(`the source file is larger than ${maxBytes} bytes`);
    }
    data = Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof JixiaoError) throw err;
    throw unavailable("the source file could not be read");
  } finally {
    await file.handle.close();
  }
  if (createHash("sha256").update(data).digest("hex") !== sha256) {
    throw new JixiaoError("SOURCE_CHANGED", `${what}: the file at the stored path is not this document any more (its SHA-256 differs)`);
  }
  const type = typeOfHead(inputKind, data.subarray(0, 8));
  if (type === null) throw unavailable("the source is not in a form a browser can show");
  return { type, data };
}
