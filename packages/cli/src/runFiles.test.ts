// `jixiao run` a second time: a file whose document (same SHA-256) the store already holds
// finished is not extracted again; its stored records are its result and go to --out, and the
// summary says how many were skipped. --reprocess extracts it again. Extraction is counted
// through the sandbox hook processBytes calls, so nothing here depends on timing.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExtractionSandbox, SandboxResult } from "@jixiao/pipeline";
import { openStore } from "@jixiao/store";
import { main } from "./main.js";
import { runFiles, summarize, type RunResult } from "./runFiles.js";

const root = join(import.meta.dirname, "..", "..", "..");
const tiny = join(root, "samples", "digital", "002_fe319b84d2aa7d28.pdf");

/** A sandbox that counts extractions and answers with `answer` (a result of a real extraction). */
function countingSandbox(answer: () => SandboxResult): ExtractionSandbox & { calls: number } {
  const s = {
    calls: 0,
    process: async () => {
      s.calls++;
      return answer();
    },
    close: async () => {},
  };
  return s;
}

describe("run skips documents already stored", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-rerun-"));
    mkdirSync(join(dir, "in", "a"), { recursive: true });
    copyFileSync(tiny, join(dir, "in", "a", "report.pdf"));
    copyFileSync(tiny, join(dir, "renamed.pdf")); // the same bytes under another name
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("does not extract a stored document again, gives its stored records, and extracts it with reprocess", async () => {
    const store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
    try {
      const first = await runFiles([join(dir, "in")], { store });
      expect(first.map((r) => [r.file, r.status, r.skipped])).toEqual([["a/report.pdf", "succeeded", undefined]]);
      expect(first[0]!.records.length).toBeGreaterThan(0);
      const extracted = first[0]!;
      const sandbox = countingSandbox(() => ({
        inputKind: extracted.inputKind!,
        pageCount: extracted.pageCount,
        pageGeometry: extracted.pageGeometry,
        records: extracted.records,
        issues: extracted.issues,
        usage: { ms: 0, peakRssBytes: null },
      }));

      const again = await runFiles([join(dir, "in")], { store, options: { sandbox } });
      expect(sandbox.calls).toBe(0);
      expect(again.map((r) => [r.file, r.status, r.skipped])).toEqual([["a/report.pdf", "succeeded", true]]);
      expect(again[0]!.records).toEqual(first[0]!.records);
      expect(summarize(again)).toMatchObject({ files: 1, succeeded: 1, skipped: 1, records: first[0]!.records.length });

      // Named otherwise in this run: the stored records, named as this run names the file.
      const renamed = await runFiles([join(dir, "renamed.pdf")], { store, options: { sandbox } });
      expect(sandbox.calls).toBe(0);
      expect(renamed[0]!.skipped).toBe(true);
      expect(renamed[0]!.records.map((r) => r.source.file)).toEqual(first[0]!.records.map(() => "renamed.pdf"));
      expect(renamed[0]!.records.map((r) => ({ ...r, source: { ...r.source, file: "a/report.pdf" } }))).toEqual(first[0]!.records);

      const forced: RunResult[] = await runFiles([join(dir, "in")], { store, options: { sandbox }, reprocess: true });
      expect(sandbox.calls).toBe(1);
      expect(forced[0]!.skipped).toBeUndefined();
      expect(forced[0]!.records).toEqual(first[0]!.records);
      expect(await store.listDocuments()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it("jixiao run a second time: the same --out, the summary counts the skipped files; --reprocess extracts", async () => {
    const store = join(dir, "store-cli");
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
    const run = async (out: string, ...extra: string[]) => {
      stderr.length = 0;
      const code = await main(["node", "jixiao", "run", join(dir, "in"), "--out", join(dir, out), "--store", store, "--no-progress", ...extra], {});
      return { code, summary: stderr.join("") };
    };
    // The stored records as written (jsonb keeps the same values, not the order of an object's keys).
    const records = (out: string) => readFileSync(join(dir, out), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);
    try {
      const first = await run("first.jsonl");
      expect(first.code).toBe(0);
      expect(first.summary).not.toMatch(/already stored/);
      const second = await run("second.jsonl");
      expect(second.code).toBe(0);
      expect(second.summary).toMatch(/^1 files: 1 succeeded, 0 partial, 0 failed · \d+ records → .*second\.jsonl · 1 already stored, not extracted again \(--reprocess extracts them\)$/m);
      expect(records("second.jsonl")).toEqual(records("first.jsonl"));
      const forced = await run("forced.jsonl", "--reprocess");
      expect(forced.code).toBe(0);
      expect(forced.summary).not.toMatch(/already stored/);
      expect(records("forced.jsonl")).toEqual(records("first.jsonl"));
    } finally {
      process.stderr.write = write;
    }
  });

  it("extracts no more files at once than extractAtOnce says, asked with the inputs", async () => {
    const inputs = join(dir, "at-once");
    mkdirSync(inputs);
    for (const n of [0, 1, 2]) {
      copyFileSync(tiny, join(inputs, `${n}.pdf`));
      appendFileSync(join(inputs, `${n}.pdf`), `\n% at once ${n}\n`); // distinct documents
    }
    const answer: SandboxResult = { inputKind: "pdf", pageCount: 1, pageGeometry: [], records: [], issues: [], usage: { ms: 0, peakRssBytes: null } };
    let inFlight = 0;
    let most = 0;
    const sandbox: ExtractionSandbox = {
      processes: 3,
      process: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return answer;
      },
      close: async () => {},
    };
    const asked: string[][] = [];
    const store = await openStore({ kind: "pglite", dataDir: join(dir, "store-at-once") });
    try {
      const results = await runFiles([inputs], {
        store,
        options: { sandbox },
        extractAtOnce: (found) => {
          asked.push(found.files.map((f) => f.file));
          return 1;
        },
      });
      expect(asked).toEqual([["0.pdf", "1.pdf", "2.pdf"]]);
      expect(most).toBe(1);
      expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    } finally {
      await store.close();
    }
  });

  it("extracts as many files at once as the sandbox has processes, and stores and reports them in input order", async () => {
    const inputs = join(dir, "jobs");
    mkdirSync(inputs);
    for (const n of [0, 1, 2]) {
      copyFileSync(tiny, join(inputs, `${n}.pdf`));
      appendFileSync(join(inputs, `${n}.pdf`), `\n% copy ${n}\n`); // distinct documents
    }
    const answer: SandboxResult = { inputKind: "pdf", pageCount: 1, pageGeometry: [], records: [], issues: [], usage: { ms: 0, peakRssBytes: null } };
    const calls: { file: string; done: () => void }[] = [];
    let inFlight = 0;
    let most = 0;
    const sandbox: ExtractionSandbox = {
      processes: 2,
      process: (_data, meta) =>
        new Promise((resolve) => {
          most = Math.max(most, ++inFlight);
          calls.push({ file: meta.file, done: () => (inFlight--, resolve(answer)) });
        }),
      close: async () => {},
    };
    const store = await openStore({ kind: "pglite", dataDir: join(dir, "store-jobs") });
    try {
      const reported: string[] = [];
      const running = runFiles([inputs], { store, options: { sandbox }, onResult: (r) => void reported.push(r.file) });
      // The first two files are read at once, so they may reach the sandbox in either order.
      const call = (file: string) => calls.find((c) => c.file === file)!;
      await vi.waitFor(() => expect(calls.map((c) => c.file).sort()).toEqual(["0.pdf", "1.pdf"]));
      call("1.pdf").done(); // the second file finishes first: its process takes the third
      await vi.waitFor(() => expect(calls.map((c) => c.file).sort()).toEqual(["0.pdf", "1.pdf", "2.pdf"]));
      expect(reported).toEqual([]); // nothing is stored or reported before the first file
      call("2.pdf").done();
      call("0.pdf").done();
      const results = await running;
      expect(most).toBe(2);
      expect(results.map((r) => [r.file, r.status])).toEqual([["0.pdf", "succeeded"], ["1.pdf", "succeeded"], ["2.pdf", "succeeded"]]);
      expect(reported).toEqual(["0.pdf", "1.pdf", "2.pdf"]);
      expect(await store.listDocuments()).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
