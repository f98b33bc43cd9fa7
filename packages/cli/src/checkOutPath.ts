import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./UsageError.js";

/**
 * Refuses, before any work, an `--out` file that cannot be written: an existing directory, an
 * existing file without write permission, or a path under a file or an unwritable directory
 * (the directories still missing are created when the run starts). "-" is standard output.
 */
export function checkOutPath(out: string, option = "--out"): void {
  if (out === "-") return;
  if (out === "") throw new UsageError(`${option} needs a file name (or - for standard output)`);
  const path = resolve(out);
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new UsageError(`${option} ${out} is a directory; name a file (records.jsonl), or - for standard output`);
  if (st) {
    if (!writable(path)) throw new UsageError(`${option} ${out}: not writable`);
    return;
  }
  // The nearest directory that exists must be a directory we may create entries in.
  let dir = dirname(path);
  for (;;) {
    const d = statOrNull(dir);
    if (d) {
      if (!d.isDirectory()) throw new UsageError(`${option} ${out}: ${dir} is not a directory`);
      if (!writable(dir, constants.W_OK | constants.X_OK)) throw new UsageError(`${option} ${out}: cannot create files in ${dir}`);
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function writable(path: string, mode = constants.W_OK): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}
