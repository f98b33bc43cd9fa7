// The hostile-input corpus (generated into a temporary directory by test/hostile/generate.mjs):
// every kind ends in its typed, non-retryable error within the time and memory bounds, and a
// good file placed after all of them in the same batch still gets its records stored. Runs the
// in-process batch API `jixiao run` uses (runFiles) with the extraction sandbox; needs neither
// Redis nor PostgreSQL, and no OCR language data (OCR is pointed at a folder without any, so a
// scan ends in OCR_UNAVAILABLE and a blank page must not).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { errorCodes, type ErrorCode } from "@jixiao/core";
import { createExtractionSandbox, processFile, type FileResult } from "@jixiao/pipeline";
import { runFiles } from "@jixiao/cli";
import { openStore } from "@jixiao/store";
import { generateHostile } from "./generate.mjs";

type Kind = ReturnType<typeof generateHostile>[number];

const root = join(import.meta.dirname, "..", "..");
const GOOD = join(root, "samples", "digital", "002_fe319b84d2aa7d28.pdf");
/** The bounds the issue asks for; the sandbox runs with tighter ones so the test stays short. */
const MAX_MS = 60_000;
const MAX_BYTES = 1.5e9;
const TIME_LIMIT_MS = 20_000;
const MEMORY_LIMIT_BYTES = 1e9;

describe("hostile inputs", () => {
  let dir: string;
  let kinds: Kind[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-hostile-"));
    kinds = generateHostile(join(dir, "in"));
    copyFileSync(GOOD, join(dir, "in", "zz-good.pdf"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has at least 30 kinds", () => {
    expect(kinds.length).toBeGreaterThanOrEqual(30);
  });

  it("ends each kind in its typed error within the bounds, then still stores the good file", { timeout: 15 * 60_000 }, async () => {
    const sandbox = createExtractionSandbox({
      timeLimitMs: TIME_LIMIT_MS,
      memoryLimitBytes: MEMORY_LIMIT_BYTES,
      ocr: { langPath: join(dir, "no-tessdata") },
    });
    const store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
    const took = new Map<string, number>();
    let last = performance.now();
    let results: FileResult[];
    try {
      results = await runFiles([...kinds.map((k) => k.path), join(dir, "in", "zz-good.pdf")], {
        store,
        options: { sandbox },
        onResult: (r) => {
          const now = performance.now();
          took.set(r.file, now - last);
          last = now;
        },
      });
    } finally {
      await sandbox.close();
    }
    try {
      const report = results.map((r) => ({
        file: r.file,
        code: r.error?.code ?? r.status,
        ms: Math.round(took.get(r.file) ?? NaN),
        peakMB: r.usage?.peakRssBytes ? Math.round(r.usage.peakRssBytes / 1e6) : null,
      }));
      console.log(report.map((x) => `${x.file.padEnd(32)} ${String(x.code).padEnd(18)} ${String(x.ms).padStart(6)} ms  ${x.peakMB ?? "-"} MB`).join("\n"));

      expect(results.map((r) => r.file)).toEqual([...kinds.map((k) => k.name), "zz-good.pdf"]);
      for (const k of kinds) {
        const r = results.find((x) => x.file === k.name)!;
        const code = r.error?.code;
        expect(r.status, k.name).toBe("failed");
        expect(k.expect, `${k.name} (${k.what}): ${code} ${r.error?.message}`).toContain(code);
        expect(errorCodes[code as ErrorCode].retry, `${k.name}: ${code} must not be retryable`).toBe(false);
        expect(took.get(k.name)!, `${k.name}: time`).toBeLessThan(MAX_MS);
        if (r.usage) {
          expect(r.usage.ms, `${k.name}: extraction time`).toBeLessThan(MAX_MS);
          if (r.usage.peakRssBytes !== null) expect(r.usage.peakRssBytes, `${k.name}: peak memory`).toBeLessThan(MAX_BYTES);
        }
      }
      const good = results.at(-1)!;
      expect(good.error, JSON.stringify(good.error)).toBeNull();
      expect(good.records.length).toBeGreaterThan(0);
      const stored = await store.getDocument(good.sha256!);
      expect(stored?.status).toBe(good.status);
      let records = 0;
      for await (const rec of store.listRecords()) if (rec.source.file === "zz-good.pdf") records++;
      expect(records).toBe(good.records.length);
    } finally {
      await store.close();
    }
  });

  it("kills a file that goes over the time limit and goes on with a fresh process", { timeout: 120_000 }, async () => {
    const sandbox = createExtractionSandbox({ timeLimitMs: 3000, ocr: false });
    try {
      const flood = kinds.find((k) => k.name === "pdf-operator-flood.pdf")!;
      const t = performance.now();
      const r = await processFile(flood.path, { sandbox });
      expect(r.error?.code).toBe("TIMEOUT");
      expect(performance.now() - t).toBeLessThan(10_000);
      const good = await processFile(GOOD, { sandbox });
      expect(good.error).toBeNull();
      expect(good.records.length).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
  });

  it("kills a file that goes over the memory limit", { timeout: 120_000 }, async () => {
    const sandbox = createExtractionSandbox({ memoryLimitBytes: 400e6, ocr: false });
    try {
      const flood = kinds.find((k) => k.name === "pdf-operator-flood.pdf")!;
      const r = await processFile(flood.path, { sandbox });
      expect(r.error?.code).toBe("OVER_LIMIT");
      expect(r.usage?.peakRssBytes ?? 0).toBeLessThan(600e6);
    } finally {
      await sandbox.close();
    }
  });
});
