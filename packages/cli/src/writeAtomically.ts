import { createWriteStream } from "node:fs";
import { rename, rm, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { once } from "node:events";

/**
 * Writes lines to `path` through a temporary file renamed into place at the end, so a crash
 * never leaves a half-written output.
 */
export async function writeLinesAtomically(path: string, lines: AsyncIterable<string> | Iterable<string>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: "utf8" });
  let n = 0;
  try {
    for await (const line of lines) {
      if (!out.write(line + "\n")) await once(out, "drain");
      n++;
    }
    out.end();
    await once(out, "finish");
    await rename(tmp, path);
    return n;
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}
