import { readdir, stat } from "node:fs/promises";
import { basename, join, extname, relative, sep } from "node:path";

/** File extensions the pipeline reads when given a directory. */
export const INPUT_EXTENSIONS = new Set([".pdf", ".txt", ".tsv", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]);

/**
 * One input: where to read it, and the name its records and errors carry (`source.file`): its
 * path relative to the directory named on the command line ("a/report.pdf", with `/` whatever
 * the platform), or the base name of a file named directly.
 */
export type InputFile = { path: string; file: string };

/**
 * Expands the command line's files and directories into a sorted list of input files
 * (directories recursively, only known extensions; files named explicitly are always kept so
 * a bad one gets its typed error).
 */
export async function collectInputs(paths: readonly string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push({ path: p, file: basename(p) }); // reported as NOT_FOUND by the pipeline
      continue;
    }
    if (st.isDirectory()) {
      const entries = await readdir(p, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile() && INPUT_EXTENSIONS.has(extname(e.name).toLowerCase()))
        .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
        .sort()
        .map((path) => ({ path, file: relative(p, path).split(sep).join("/") }));
      out.push(...files);
    } else out.push({ path: p, file: basename(p) });
  }
  return out;
}
