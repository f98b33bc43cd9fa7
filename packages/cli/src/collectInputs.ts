import { readdir, stat } from "node:fs/promises";
import { join, extname } from "node:path";

/** File extensions the pipeline reads when given a directory. */
export const INPUT_EXTENSIONS = new Set([".pdf", ".txt", ".tsv", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]);

/**
 * Expands the command line's files and directories into a sorted list of input files
 * (directories recursively, only known extensions; files named explicitly are always kept so
 * a bad one gets its typed error).
 */
export async function collectInputs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push(p); // reported as NOT_FOUND by the pipeline
      continue;
    }
    if (st.isDirectory()) {
      const entries = await readdir(p, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile() && INPUT_EXTENSIONS.has(extname(e.name).toLowerCase()))
        .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
        .sort();
      out.push(...files);
    } else out.push(p);
  }
  return out;
}
