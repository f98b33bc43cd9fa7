// `jixiao run`'s output options: --out - (records on standard output, messages on standard
// error), --out naming a directory or a path that cannot be written (a usage error before any
// work), files skipped for their extension (counted and named), --json, --quiet, the limits
// --max-bytes / --max-pages and their environment variables, and page progress from the sandbox.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createExtractionSandbox, type FileProgress } from "@jixiao/pipeline";
import { openStore } from "@jixiao/store";
import { main } from "./main.js";
import { runFiles, type RunJsonSummary } from "./runFiles.js";
import { errorLine, messageOf } from "./errorLine.js";
import { writePdf } from "../../pdf/test-fixtures/makePdf.js";

const root = join(import.meta.dirname, "..", "..", "..");
const tiny = join(root, "samples", "digital", "002_fe319b84d2aa7d28.pdf");

/** A PDF of `n` blank pages: no text, no image (every page goes to the OCR hook, none is read). */
function blankPdf(n: number): Buffer {
  const kids = Array.from({ length: n }, (_, i) => `${i + 3} 0 R`).join(" ");
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", `<< /Type /Pages /Kids [${kids}] /Count ${n} >>`];
  for (let i = 0; i < n; i++) objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
  return Buffer.from(writePdf(objects));
}

/** Runs the CLI with standard output and standard error captured. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(String(chunk));
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  try {
    const code = await main(["node", "jixiao", ...args], env);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

describe("jixiao run's output options", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-run-options-"));
    mkdirSync(join(dir, "in", "sub"), { recursive: true });
    copyFileSync(tiny, join(dir, "in", "report.pdf"));
    writeFileSync(join(dir, "in", "notes.md"), "# notes\n");
    writeFileSync(join(dir, "in", "sub", "budget.xlsx"), "PK");
    writeFileSync(join(dir, "three.pdf"), blankPdf(3));
    writeFileSync(join(dir, "a-file"), "x");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("--out - writes the records to standard output and every message to standard error; files skipped for their extension are counted and named", async () => {
    const r = await cli(["run", join(dir, "in"), "--out", "-", "--store", join(dir, "store-a"), "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect((JSON.parse(l) as { source: { file: string } }).source.file).toBe("report.pdf");
    expect(existsSync("-")).toBe(false);
    expect(r.stderr).toMatch(/^2 skipped \(not [^)]*\): notes\.md, sub\/budget\.xlsx$/m);
    expect(r.stderr).toMatch(/^1 files: 1 succeeded, 0 partial, 0 failed · \d+ records$/m);
  });

  it("--out naming a directory, or a path under a file, is a usage error before any work", async () => {
    for (const out of [join(dir, "in"), join(dir, "a-file", "records.jsonl")]) {
      const store = join(dir, `store-${out.length}`);
      const r = await cli(["run", join(dir, "in"), "--out", out, "--store", store, "--no-progress"]);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(/^error: --out /);
      expect(existsSync(store), "nothing was stored").toBe(false);
    }
    expect((await cli(["run", join(dir, "in"), "--out", "-", "--json"])).code).toBe(2);
  });

  it("--json prints one summary object on standard output; --quiet prints only the failed files' errors", async () => {
    const store = join(dir, "store-json");
    const r = await cli(["run", join(dir, "in"), join(dir, "three.pdf"), "--store", store, "--json", "--out", join(dir, "j.jsonl")]);
    expect(r.code).toBe(1); // three.pdf has no form
    const s = JSON.parse(r.stdout) as RunJsonSummary;
    expect(s).toMatchObject({ files: 2, succeeded: 1, failed: 1, skipped: 0, skippedFiles: ["notes.md", "sub/budget.xlsx"], out: join(dir, "j.jsonl"), interrupted: null });
    expect(s.failures).toEqual([{ file: "three.pdf", code: "NO_FORM_FOUND", message: expect.stringMatching(/three\.pdf/) as unknown as string }]);
    expect(s.records).toBe(readFileSync(join(dir, "j.jsonl"), "utf8").trim().split("\n").length);

    const q = await cli(["run", join(dir, "in"), join(dir, "three.pdf"), "--store", store, "--quiet"]);
    expect(q.code).toBe(1);
    expect(q.stdout).toBe("");
    // The error line names the file once.
    expect(q.stderr).toMatch(/^three\.pdf: NO_FORM_FOUND: no performance self-evaluation form was recognised\n$/);
  });

  it("honours --max-pages and --max-bytes, and JIXIAO_MAX_PAGES / JIXIAO_MAX_BYTES", async () => {
    const pages = await cli(["run", join(dir, "three.pdf"), "--store", join(dir, "store-limit-1"), "--no-progress", "--max-pages", "2"]);
    expect(pages.stderr).toMatch(/three\.pdf: OVER_LIMIT: 3 pages, the limit is 2/);
    const envPages = await cli(["run", join(dir, "three.pdf"), "--store", join(dir, "store-limit-2"), "--no-progress"], { JIXIAO_MAX_PAGES: "2" });
    expect(envPages.stderr).toMatch(/three\.pdf: OVER_LIMIT: 3 pages, the limit is 2/);
    const envBytes = await cli(["run", join(dir, "three.pdf"), "--store", join(dir, "store-limit-3"), "--no-progress"], { JIXIAO_MAX_BYTES: "100" });
    expect(envBytes.stderr).toMatch(/three\.pdf: OVER_LIMIT: \d+ bytes, the limit is 100/);
    // The option wins over the environment.
    const both = await cli(["run", join(dir, "three.pdf"), "--store", join(dir, "store-limit-4"), "--no-progress", "--max-bytes", "200000"], { JIXIAO_MAX_BYTES: "100" });
    expect(both.stderr).toMatch(/three\.pdf: NO_FORM_FOUND/);
    expect((await cli(["run", join(dir, "three.pdf"), "--max-pages", "0"])).code).toBe(2);
    expect((await cli(["run", join(dir, "three.pdf")], { JIXIAO_MAX_BYTES: "lots" })).code).toBe(2);
  });

  it("the extraction sandbox reports the pages read of the current file", async () => {
    const store = await openStore({ kind: "pglite", dataDir: join(dir, "store-progress") });
    const sandbox = createExtractionSandbox();
    const seen: [string, FileProgress][] = [];
    try {
      const [r] = await runFiles([join(dir, "three.pdf")], { store, options: { sandbox }, onProgress: (input, p) => void seen.push([input.file, p]) });
      expect(r!.error?.code).toBe("NO_FORM_FOUND");
      expect(seen).toEqual([1, 2, 3].map((pagesDone) => ["three.pdf", { pagesDone, pageCount: 3 }]));
    } finally {
      await sandbox.close();
      await store.close();
    }
  });
});

describe("error lines", () => {
  it("name the file once and never print [object Object]", () => {
    expect(errorLine("a/b.pdf", { code: "NOT_FOUND", message: "a/b.pdf: ENOENT" })).toBe("a/b.pdf: NOT_FOUND: ENOENT");
    expect(errorLine("b.pdf", { code: "INTERNAL", message: "worker died" })).toBe("b.pdf: INTERNAL: worker died");
    expect(messageOf({ message: "from an object" })).toBe("from an object");
    expect(messageOf({ status: 500 })).toBe('{"status":500}');
    expect(messageOf(new Error("e"))).toBe("e");
  });
});
