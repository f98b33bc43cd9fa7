// End to end over samples/: every input kind through the in-process pipeline, scored field by
// field against the expected records with the project's scorer (test/eval/score.mjs).
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from "node:fs";
import { join, basename } from "node:path";
import { tmpdir } from "node:os";
import { processFile } from "@jixiao/pipeline";
import { JxRecord } from "@jixiao/schemas";
import { scoreRecords } from "./scoreRecords.js";

const root = join(import.meta.dirname, "..", "..");
const samples = join(root, "samples");



for (const [kind, dir, ext] of [
  ["digital PDF", "digital", ".pdf"],
  ["text dump", "seeds", ".txt"],
] as const) {
  describe(`samples: ${kind}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), "jixiao-e2e-"));
    const files = readdirSync(join(samples, dir)).filter((f) => f.endsWith(ext)).sort();
    const preds = new Map<string, string>();
    beforeAll(async () => {
      for (const f of files) {
        const r = await processFile(join(samples, dir, f));
        expect(r.error).toBeNull();
        for (const rec of r.records) expect(JxRecord.safeParse(rec).success).toBe(true);
        const pred = join(tmp, basename(f, ext) + ".jsonl");
        writeFileSync(pred, r.records.map((x) => JSON.stringify(x)).join("\n") + "\n");
        preds.set(f, pred);
      }
      return () => rmSync(tmp, { recursive: true, force: true });
    });
    it("has sample files", () => expect(files.length).toBeGreaterThanOrEqual(4));
    for (const f of files) {
      it(`${f}: ≥ 99.5 % of fields correct and no silent wrong field`, () => {
        const s = scoreRecords(preds.get(f)!, join(samples, "truth", basename(f, ext) + ".jsonl"));
        expect(s.fields).toBeGreaterThan(100);
        expect(s.missingRecords).toBe(0);
        expect(s.accuracy).toBeGreaterThanOrEqual(0.995);
        expect(s.silent).toBe(0);
      });
    }
  });
}

describe("scorer sanity", () => {
  it("catches a wrong value as silent when no review flag covers it", async () => {
    const r = await processFile(join(samples, "seeds", "002_fe319b84d2aa7d28.txt"));
    const rec = JSON.parse(JSON.stringify(r.records[0]));
    rec.indicators[0].weight = 99;
    rec.flags = [];
    const tmp = mkdtempSync(join(tmpdir(), "jixiao-score-"));
    const pred = join(tmp, "002_fe319b84d2aa7d28.jsonl");
    writeFileSync(pred, JSON.stringify(rec) + "\n");
    const s = scoreRecords(pred, join(samples, "truth", "002_fe319b84d2aa7d28.jsonl"));
    rmSync(tmp, { recursive: true, force: true });
    expect(s.silent).toBe(1);
  });
});

