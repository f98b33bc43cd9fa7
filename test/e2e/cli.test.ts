// The CLI end to end: bad inputs get typed errors while the other files still process; the
// same file twice gives one document; export writes everything stored.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, copyFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { main } from "@jixiao/cli";
import { openStore } from "@jixiao/store";
import { processFile } from "@jixiao/pipeline";
import { writePdf } from "../../packages/pdf/test-fixtures/makePdf.js";

const root = join(import.meta.dirname, "..", "..");
const digital = join(root, "samples", "digital");
const tiny = "002_fe319b84d2aa7d28.pdf";

/** A well-formed one-page PDF with a line of Latin text and no form. */
function pdfWithoutForm(): Buffer {
  const content = "BT /F1 12 Tf 72 720 Td (Quarterly newsletter, nothing to evaluate) Tj ET";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  return Buffer.from(writePdf(objects));
}

describe("jixiao run / export", () => {
  let dir: string;
  const quiet = () => {
    const write = process.stderr.write.bind(process.stderr);
    const lines: string[] = [];
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
    return { lines, restore: () => void (process.stderr.write = write) };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-cli-"));
    writeFileSync(join(dir, "not-a-pdf.pdf"), "hello, this is text pretending to be a PDF");
    writeFileSync(join(dir, "empty.pdf"), "");
    const whole = readFileSync(join(digital, tiny));
    writeFileSync(join(dir, "truncated.pdf"), whole.subarray(0, Math.floor(whole.length / 2)));
    copyFileSync(join(root, "packages", "pdf", "test-fixtures", "encrypted-aes256.pdf"), join(dir, "encrypted.pdf"));
    writeFileSync(join(dir, "no-form.pdf"), pdfWithoutForm());
    copyFileSync(join(digital, tiny), join(dir, "good.pdf"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives each bad file its typed error and still processes the good one", async () => {
    const expected: { [f: string]: string } = {
      "not-a-pdf.pdf": "TRUNCATED_PDF",
      "empty.pdf": "EMPTY_FILE",
      "truncated.pdf": "TRUNCATED_PDF",
      "encrypted.pdf": "ENCRYPTED_PDF",
      "no-form.pdf": "NO_FORM_FOUND",
    };
    for (const [f, code] of Object.entries(expected)) {
      const r = await processFile(join(dir, f));
      expect(r.status, f).toBe("failed");
      expect([code, "UNSUPPORTED_INPUT"], `${f}: ${r.error?.code} ${r.error?.message}`).toContain(r.error?.code);
      expect(r.error?.message).toMatch(new RegExp(f.replace(".", "\\.")));
    }
    const missing = await processFile(join(dir, "does-not-exist.pdf"));
    expect(missing.error?.code).toBe("NOT_FOUND");

    const store = join(dir, "store");
    const out = join(dir, "out.jsonl");
    const q = quiet();
    let code: number;
    try {
      code = await main(["node", "jixiao", "run", dir, "--out", out, "--store", store, "--no-progress"], {});
    } finally {
      q.restore();
    }
    expect(code).toBe(1); // some files failed
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1); // the department report of good.pdf
    expect(JSON.parse(lines[0]!).source.file).toBe("good.pdf");
    expect(q.lines.join("")).toMatch(/ENCRYPTED_PDF/);

    const s = await openStore({ kind: "pglite", dataDir: store });
    try {
      const counts = await s.countByStatus();
      expect(counts.failed).toBe(4); // every bad file that could be hashed is a failed document
      expect(counts.succeeded).toBe(1);
    } finally {
      await s.close();
    }
  });

  it("stores the same file once, and exports everything stored", async () => {
    const store = join(dir, "store2");
    const q = quiet();
    try {
      expect(await main(["node", "jixiao", "run", join(digital, tiny), "--store", store, "--no-progress"], {})).toBe(0);
      expect(await main(["node", "jixiao", "run", join(dir, "good.pdf"), "--store", store, "--no-progress"], {})).toBe(0);
      const out = join(dir, "export.jsonl");
      expect(await main(["node", "jixiao", "export", "--format", "jsonl", "--out", out, "--store", store], {})).toBe(0);
      const lines = readFileSync(out, "utf8").trim().split("\n");
      expect(lines).toHaveLength(1); // same bytes → same document, no duplicate
      expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
    } finally {
      q.restore();
    }
  });

  it("names each input by its path under the directory given (two report.pdf are two files), a file named directly by its base name", async () => {
    const tree = join(dir, "tree");
    mkdirSync(join(tree, "a"), { recursive: true });
    mkdirSync(join(tree, "b"), { recursive: true });
    mkdirSync(join(tree, "c"), { recursive: true });
    const pdf = readFileSync(join(digital, tiny));
    writeFileSync(join(tree, "a", "report.pdf"), pdf);
    writeFileSync(join(tree, "b", "report.pdf"), Buffer.concat([pdf, Buffer.from("\n%another copy\n")])); // other bytes, same report
    writeFileSync(join(tree, "c", "empty.pdf"), "");
    const store = join(dir, "store3");
    const out = join(dir, "tree.jsonl");
    const q = quiet();
    try {
      expect(await main(["node", "jixiao", "run", tree, "--out", out, "--store", store, "--no-progress"], {})).toBe(1); // c/empty.pdf
      expect(q.lines.join("")).toMatch(/c\/empty\.pdf: EMPTY_FILE/);
      const records = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { source: { file: string; sha256: string } });
      expect(records.map((r) => r.source.file)).toEqual(["a/report.pdf", "b/report.pdf"]);
      expect(new Set(records.map((r) => r.source.sha256)).size).toBe(2);
      const s = await openStore({ kind: "pglite", dataDir: store });
      try {
        expect((await s.listDocuments()).map((d) => d.file).sort()).toEqual(["a/report.pdf", "b/report.pdf"]); // an empty file is never hashed
      } finally {
        await s.close();
      }
      // The same file named directly: its base name (the document, keyed by SHA-256, is not duplicated).
      const direct = join(dir, "direct.jsonl");
      expect(await main(["node", "jixiao", "run", join(tree, "b", "report.pdf"), "--out", direct, "--store", store, "--no-progress"], {})).toBe(0);
      expect(JSON.parse(readFileSync(direct, "utf8").trim()).source.file).toBe("report.pdf");
      const s2 = await openStore({ kind: "pglite", dataDir: store });
      try {
        expect(await s2.listDocuments()).toHaveLength(2);
      } finally {
        await s2.close();
      }
    } finally {
      q.restore();
    }
  });

  it("exits 0 when every file succeeds and 2 on a usage error", async () => {
    const q = quiet();
    try {
      expect(await main(["node", "jixiao", "frobnicate"], {})).toBe(2);
    } finally {
      q.restore();
    }
  });
});

describe("jixiao show", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-show-"));
    mkdirSync(join(dir, "in", "a"), { recursive: true });
    mkdirSync(join(dir, "in", "b"), { recursive: true });
    copyFileSync(join(digital, tiny), join(dir, "in", "a", "report.pdf"));
    writeFileSync(join(dir, "in", "b", "report.pdf"), "not a PDF at all");
    writeFileSync(join(dir, "notes.doc"), "a Word file, named directly");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI with standard output and standard error captured. */
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      return { code: await main(["node", "jixiao", ...args], {}), stdout: out.join(""), stderr: err.join("") };
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
  }

  it("prints one stored document's state, records and flags, found by file, SHA-256 prefix or stored name; its error when it failed", async () => {
    const store = join(dir, "store");
    expect((await cli(["run", join(dir, "in"), join(dir, "notes.doc"), "--store", store, "--no-progress"])).code).toBe(1);
    const sha = (await processFile(join(dir, "in", "a", "report.pdf"))).sha256!;

    const byFile = await cli(["show", join(dir, "in", "a", "report.pdf"), "--store", store]);
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(byFile.stdout).toMatch(/^a\/report\.pdf\n  sha256   [0-9a-f]{64}\n  input    pdf, \d+ pages? · .*report\.pdf\n  status   succeeded · 1 record · updated /);
    expect(byFile.stdout).toMatch(/^record 0: department_self_eval · .+ · \d+ indicators · confidence \d\.\d{3} · review /m);
    expect((await cli(["show", sha.slice(0, 10), "--store", store])).stdout).toBe(byFile.stdout);

    const failed = await cli(["show", "b/report.pdf", "--store", store]);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/status   failed · 0 records/);
    expect(failed.stdout).toMatch(/^  error    (UNSUPPORTED_INPUT|TRUNCATED_PDF): /m);
    expect(failed.stdout).not.toMatch(/error    .*b\/report\.pdf/); // the name once, at the top

    // A file whose kind could not be told is stored as failed, of no kind (not as a PDF).
    const unknown = await cli(["show", "notes.doc", "--store", store]);
    expect(unknown.stdout).toMatch(/^  input    unknown\b/m);
    expect(unknown.stdout).toMatch(/^  error    UNSUPPORTED_INPUT: /m);

    const json = JSON.parse((await cli(["show", sha, "--store", store, "--json"])).stdout) as { document: { sha256: string }; records: { ordinal: number; record: { source: { sha256: string } } }[] };
    expect(json.document.sha256).toBe(sha);
    expect(json.records.map((r) => [r.ordinal, r.record.source.sha256])).toEqual([[0, sha]]);

    const none = await cli(["show", "c/nothing.pdf", "--store", store]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no stored document for c\/nothing\.pdf/);
  });
});

describe("the Debian set-up script", () => {
  const script = join(root, "scripts", "setup-debian.sh");
  const print = (...groups: string[]) => {
    const r = spawnSync("bash", [script, "--print", ...groups], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim().split("\n");
  };

  it("installs by feature what the README's table says, and CI calls it", () => {
    expect(print()).toEqual(["tesseract-ocr", "tesseract-ocr-chi-sim", "tesseract-ocr-eng"]);
    expect(print("queue")).toEqual(expect.arrayContaining(["redis-server", "postgresql"]));
    const all = new Set(print("queue", "test"));
    expect(all.has("chromium") && all.has("libreoffice-calc-nogui") && all.has("img2pdf")).toBe(true);

    // The README's table: the packages column of every row, against the script's lists.
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("**System packages, by feature**"));
    const rows = table.slice(0, table.indexOf("\n\n", table.indexOf("|---"))).split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| feature"));
    const named = new Set(rows.flatMap((row) => [...(row.split("|")[2] ?? "").matchAll(/`([a-z0-9][a-z0-9.+-]+)`/g)].map((m) => m[1]!)));
    expect([...named].sort()).toEqual([...all].sort());

    const ci = readFileSync(join(root, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^bash scripts\/setup-debian\.sh test$/m);
    expect(ci).toMatch(/^set -euo pipefail$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).not.toMatch(/apt-get/); // one list, in the script
  });

  it("refuses an unknown group", () => {
    const r = spawnSync("bash", [script, "everything"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown argument 'everything'/);
  });
});

