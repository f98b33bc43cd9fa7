import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { JixiaoError } from "@jixiao/core";

/** Bounds of one uploaded zip; checked while it is read, so a zip bomb stops at the limit. */
export type ZipLimits = {
  /** Most files in one zip. */
  maxEntries: number;
  /** Most bytes all its files may inflate to, together. */
  maxTotalBytes: number;
  /** Most bytes one file may inflate to (the pipeline's file size limit). */
  maxEntryBytes: number;
};

/** Defaults: 10 000 files, 2 GiB inflated in all, 200 MiB a file (as `jixiao run`'s file limit). */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxTotalBytes: 2 * 1024 ** 3, maxEntryBytes: 200 * 1024 * 1024 };

/** An entry name as a safe relative path ("a/b.pdf"), or null for what is not a report (folders, macOS metadata, hidden files) or escapes the folder. */
export function entryPath(name: string): string | null {
  const parts = name.replace(/\\/g, "/").split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || name.endsWith("/")) return null;
  if (parts.some((p) => p === ".." || p.startsWith(".") || p === "__MACOSX")) return null;
  return parts.join("/");
}

const overLimit = (file: string, what: string) => new JixiaoError("OVER_LIMIT", `${file}: ${what}`, { file });

/**
 * Extracts the files of a zip into `dir` (keeping their folders), checking the limits on the
 * entry count before extracting and on the inflated bytes as they stream (the sizes a zip
 * declares are not trusted). Returns each file's path under `dir` and its name in the zip.
 * A zip over a limit gives OVER_LIMIT; one that cannot be read, UNSUPPORTED_INPUT.
 */
export async function unzipUpload(zipPath: string, zipName: string, dir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<{ path: string; file: string }[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (err) {
    throw new JixiaoError("UNSUPPORTED_INPUT", `${zipName}: not a readable zip (${(err as Error).message})`, { file: zipName, cause: err });
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw overLimit(zipName, `${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
    const out: { path: string; file: string }[] = [];
    let total = 0;
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          zip.off("end", onEnd);
          zip.off("error", onError);
          resolve(e);
        };
        const onEnd = () => {
          zip.off("entry", onEntry);
          zip.off("error", onError);
          resolve(null);
        };
        const onError = (err: Error) => {
          zip.off("entry", onEntry);
          zip.off("end", onEnd);
          reject(err);
        };
        zip.once("entry", onEntry);
        zip.once("end", onEnd);
        zip.once("error", onError);
        zip.readEntry();
      });
      if (entry === null) break;
      const rel = entryPath(entry.fileName);
      if (rel === null) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes) throw overLimit(zipName, `${rel} inflates to ${entry.uncompressedSize} bytes, more than the file limit of ${limits.maxEntryBytes}`);
      if (total + entry.uncompressedSize > limits.maxTotalBytes) throw overLimit(zipName, `its files inflate to more than the limit of ${limits.maxTotalBytes} bytes`);
      const target = join(dir, rel);
      await mkdir(dirname(target), { recursive: true });
      const stream = await zip.openReadStreamPromise(entry);
      let entryBytes = 0;
      // Counted as it inflates: a size the zip misstates stops here too.
      const count = new Transform({
        transform(chunk: Buffer, _enc, done: TransformCallback) {
          entryBytes += chunk.length;
          total += chunk.length;
          if (entryBytes > limits.maxEntryBytes) return done(overLimit(zipName, `${rel} inflates to more than the file limit of ${limits.maxEntryBytes} bytes`));
          if (total > limits.maxTotalBytes) return done(overLimit(zipName, `its files inflate to more than the limit of ${limits.maxTotalBytes} bytes`));
          done(null, chunk);
        },
      });
      await pipeline(stream, count, createWriteStream(target, { flags: "wx" }));
      out.push({ path: target, file: rel });
    }
    return out;
  } catch (err) {
    if (err instanceof JixiaoError) throw err;
    throw new JixiaoError("UNSUPPORTED_INPUT", `${zipName}: the zip is damaged (${(err as Error).message})`, { file: zipName, cause: err });
  } finally {
    zip.close();
  }
}
