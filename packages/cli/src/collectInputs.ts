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
 * What the command line names: the input files (sorted, directories recursively), and the files
 * found in those directories that were left out for their extension (named as inputs are named,
 * so that a command can say which).
 */
export type FoundInputs = { files: InputFile[]; skipped: InputFile[] };

/**
 * Expands the command line's files and directories into a sorted list of input files
 * (directories recursively, only known extensions; files named explicitly are always kept so
 * a bad one gets its typed error). Files of other extensions under a directory are `skipped`.
 */
export async function findInputs(paths: readonly string[]): Promise<FoundInputs> {
  const files: InputFile[] = [];
  const skipped: InputFile[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      files.push({ path: p, file: basename(p) }); // reported as NOT_FOUND by the pipeline
      continue;
    }
    if (st.isDirectory()) {
      const entries = await readdir(p, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
        .sort()
        .map((path) => ({ path, file: relative(p, path).split(sep).join("/") }));
      for (const f of found) (INPUT_EXTENSIONS.has(extname(f.path).toLowerCase()) ? files : skipped).push(f);
    } else files.push({ path: p, file: basename(p) });
  }
  return { files, skipped };
}

/** The input files only (see findInputs). */
export async function collectInputs(paths: readonly string[]): Promise<InputFile[]> {
  return (await findInputs(paths)).files;
}

/**
 * The line a command prints about files skipped for their extension: how many, and which (the
 * first `max`, then how many more), or null when none was.
 */
export function skippedLine(skipped: readonly InputFile[], max = 10): string | null {
  if (skipped.length === 0) return null;
  const names = skipped.slice(0, max).map((f) => f.file);
  const more = skipped.length > max ? `, … ${skipped.length - max} more` : "";
  const exts = [...INPUT_EXTENSIONS].join(" ");
  return `${skipped.length} skipped (not ${exts}): ${names.join(", ")}${more}`;
}
