// The scan path held to scan conditions made from the digital samples by
// samples/generator/scans.mjs: a red seal over the total rows scanned to grey, and 300 dpi
// bitonal CCITT G4 pages with one page upside down and one sideways. Seed 3 was not used while
// developing; the generator draws skew, noise, seal place and turns from it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { processFile } from "@jixiao/pipeline";
import { createScanExtractor, type ScanExtractor } from "@jixiao/ocr";
import { makeScans } from "../../samples/generator/scans.mjs";
import { repoRoot, scoreRecords } from "./scoreRecords.js";

const SOURCES = ["002_fe319b84d2aa7d28", "004_d6b6ad76fc616d0b"];
const CONDITIONS = ["seal200", "g4-300-rotated"];
const TIMEOUT = 600_000;

let tmp: string;
let scans: ScanExtractor;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "jixiao-conditions-"));
  scans = createScanExtractor();
  makeScans({
    inputs: SOURCES.map((s) => join(repoRoot, "samples", "digital", `${s}.pdf`)),
    out: tmp,
    seed: "3",
    conditions: CONDITIONS,
    truthDir: join(repoRoot, "samples", "truth"),
  });
}, TIMEOUT);
afterAll(async () => {
  await scans?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("scan conditions of archives (generated from the digital samples)", () => {
  for (const condition of CONDITIONS) {
    for (const source of SOURCES) {
      it(`${condition}/${source}: accuracy ≥ 97 %, silent ≤ 0.3 % of fields, review load ≤ 10 %`, { timeout: TIMEOUT }, async () => {
        const pdf = join(tmp, condition, `${source}.pdf`);
        const head = readFileSync(pdf).subarray(0, 5).toString("latin1");
        expect(head).toBe("%PDF-");
        const r = await processFile(pdf, { extractScan: scans.extractScan });
        expect(r.error, `${r.error?.code} ${r.error?.message}`).toBeNull();
        const pred = join(tmp, condition, `${source}.pred.jsonl`);
        writeFileSync(pred, r.records.map((x) => JSON.stringify(x)).join("\n") + "\n");
        const s = scoreRecords(pred, join(tmp, condition, `${source}.jsonl`));
        const figures = `accuracy ${(100 * s.accuracy).toFixed(2)} %, silent ${s.silent}/${s.fields}, review load ${(100 * s.reviewLoad).toFixed(2)} %`;
        expect(s.missingRecords, figures).toBe(0);
        expect(s.accuracy, figures).toBeGreaterThanOrEqual(0.97);
        expect(s.silent / s.fields, figures).toBeLessThanOrEqual(0.003);
        expect(s.reviewLoad, figures).toBeLessThanOrEqual(0.1);
      });
    }
  }
});
