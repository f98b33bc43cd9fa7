// Scans end to end: image-only PDFs go through the in-process pipeline with the OCR hook (one
// shared scan extractor for the whole file) and are scored field by field with the project's
// scorer against their expected records.
//   (a) samples/scan/: a real scan (300 dpi grey JPEG per page) of samples/digital/002_….pdf;
//       its expected records are samples/truth/002_….jsonl.
//   (b) samples/degraded/: the digital PDFs rasterized at 200 dpi and degraded by
//       samples/generator/degrade.mjs (skew, blur, grey uneven paper, specks, noise, JPEG q70);
//       each PDF has its expected records next to it (see samples/degraded/README.md).
// Every fixture must reach: accuracy ≥ 97 %, silent wrong fields ≤ 0.3 % of all fields, review
// load ≤ 10 %, and no missing record. Fixtures that do not yet are listed in KNOWN_FAILURES with
// what was measured, and run in the "known failures" block instead (not weakened), which expects
// them to miss the bar: the suite stays green, and a fixture that reaches it fails there, so it
// is taken off the list. A smoke test still runs the real scan through the pipeline so the OCR
// wiring stays covered.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { join, basename } from "node:path";
import { tmpdir } from "node:os";
import { processFile } from "@jixiao/pipeline";
import { createScanExtractor, type ScanExtractor } from "@jixiao/ocr";
import { JxRecord } from "@jixiao/schemas";
import { scoreRecords, type Score } from "./scoreRecords.js";

const root = join(import.meta.dirname, "..", "..");
const degrade = join(root, "samples", "generator", "degrade.mjs");

const MIN_ACCURACY = 0.97;
const MAX_SILENT_SHARE = 0.003;
const MAX_REVIEW_LOAD = 0.1;
/** OCR takes a few seconds per page on 2 cores, more when the machine is busy. */
const TIMEOUT = 600_000;

type Fixture = { name: string; pdf: string; truth: string };

const realScan: Fixture = {
  name: "scan/002_fe319b84d2aa7d28",
  pdf: join(root, "samples", "scan", "002_fe319b84d2aa7d28.pdf"),
  truth: join(root, "samples", "truth", "002_fe319b84d2aa7d28.jsonl"),
};
const degradedDir = join(root, "samples", "degraded");
const degraded: Fixture[] = readdirSync(degradedDir)
  .filter((f) => f.endsWith(".pdf"))
  .sort()
  .map((f) => ({ name: `degraded/${basename(f, ".pdf")}`, pdf: join(degradedDir, f), truth: join(degradedDir, `${basename(f, ".pdf")}.jsonl`) }));
const fixtures = [realScan, ...degraded];

/**
 * Fixtures below a threshold, with the figures measured and what goes wrong. Each runs in the
 * "known failures" block, which expects it to miss the bar, until the pipeline reads it. Empty: the three cases first listed here (a silent
 * 拨→拔 confusion on the real scan, specks merged into text lines on both degraded fixtures)
 * read within the thresholds since the OCR's speck removal and line-by-line retries.
 */
const KNOWN_FAILURES: { [name: string]: string } = {};

let tmp: string;
let scans: ScanExtractor;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "jixiao-scans-"));
  scans = createScanExtractor();
});
afterAll(async () => {
  await scans?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});


/** Each fixture is OCR'd once per test run; later tests reuse the score. */
const scored = new Map<string, Promise<Score>>();
function run(fx: Fixture): Promise<Score> {
  let p = scored.get(fx.name);
  if (!p) scored.set(fx.name, (p = runOnce(fx)));
  return p;
}

async function runOnce(fx: Fixture): Promise<Score> {
  const r = await processFile(fx.pdf, { extractScan: scans.extractScan });
  expect(r.error, `${fx.name}: ${r.error?.code} ${r.error?.message}`).toBeNull();
  for (const rec of r.records) expect(JxRecord.safeParse(rec).success).toBe(true);
  const pred = join(tmp, `${basename(fx.pdf, ".pdf")}.jsonl`);
  writeFileSync(pred, r.records.map((x) => JSON.stringify(x)).join("\n") + "\n");
  return scoreRecords(pred, fx.truth);
}

function expectGood(fx: Fixture, s: Score) {
  const figures = `${fx.name}: accuracy ${(100 * s.accuracy).toFixed(2)} %, silent ${s.silent}/${s.fields}, review load ${(100 * s.reviewLoad).toFixed(2)} %`;
  expect(s.fields, figures).toBeGreaterThan(50);
  expect(s.missingRecords, figures).toBe(0);
  expect(s.accuracy, figures).toBeGreaterThanOrEqual(MIN_ACCURACY);
  expect(s.silent / s.fields, figures).toBeLessThanOrEqual(MAX_SILENT_SHARE);
  expect(s.reviewLoad, figures).toBeLessThanOrEqual(MAX_REVIEW_LOAD);
}

const passing = fixtures.filter((f) => !(f.name in KNOWN_FAILURES));
const failing = fixtures.filter((f) => f.name in KNOWN_FAILURES);

describe("scans: fixtures", () => {
  it("has the real scan and degraded PDFs, each with expected records, all image-only", () => {
    expect(degraded.length).toBeGreaterThanOrEqual(1);
    for (const fx of fixtures) {
      expect(existsSync(fx.truth), fx.truth).toBe(true);
      expect(readFileSync(fx.truth, "utf8").trim().split("\n").length).toBeGreaterThanOrEqual(1);
      // no text layer: every page is one embedded image (what the OCR hook is for)
      const text = execFileSync("pdftotext", [fx.pdf, "-"], { encoding: "utf8" });
      expect(text.replace(/\s/g, ""), fx.name).toBe("");
    }
  });
  it("lists only existing fixtures as known failures", () => {
    for (const name of Object.keys(KNOWN_FAILURES)) expect(fixtures.map((f) => f.name)).toContain(name);
  });
  it("degrade.mjs gives the same bytes for the same seed", { timeout: TIMEOUT }, () => {
    const input = join(root, "samples", "digital", "002_fe319b84d2aa7d28.pdf");
    const cut = join(tmp, "002_p3.pdf");
    execFileSync("qpdf", [input, "--pages", ".", "3", "--", cut]);
    const a = join(tmp, "a.pdf");
    const b = join(tmp, "b.pdf");
    execFileSync("node", [degrade, "--seed", "7", "--out", a, cut]);
    execFileSync("node", [degrade, "--seed", "7", "--out", b, cut]);
    const bytes = readFileSync(a);
    expect(bytes.equals(readFileSync(b))).toBe(true);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.includes(Buffer.from("/Filter /DCTDecode"))).toBe(true);
    expect(bytes.includes(Buffer.from("/ColorSpace /DeviceGray"))).toBe(true);
  });
});

describe("scans: OCR through the pipeline", () => {
  // Not the quality bar (that is the block below and "known failures"): the wiring. An
  // image-only PDF goes through processFile with the shared OCR hook and gives its records.
  it("reads the real scan into schema-valid records, one per expected report", { timeout: TIMEOUT }, async () => {
    const s = await run(realScan);
    expect(s.fields).toBeGreaterThan(200);
    expect(s.missingRecords).toBe(0);
  });
});

describe.skipIf(passing.length === 0)("scans: accuracy, silent errors and review load", () => {
  for (const fx of passing) {
    it(`${fx.name}: accuracy ≥ 97 %, silent ≤ 0.3 % of fields, review load ≤ 10 %`, { timeout: TIMEOUT }, async () => {
      expectGood(fx, await run(fx));
    });
  }
});

// Fixtures that miss a threshold today (figures and causes in KNOWN_FAILURES): each must still
// miss it (it.fails), so one that reaches the bar fails here and is taken off the list.
describe.skipIf(failing.length === 0)("known failures", () => {
  for (const fx of failing) {
    it.fails(`${fx.name} (${KNOWN_FAILURES[fx.name]}): still misses accuracy ≥ 97 %, silent ≤ 0.3 % of fields, review load ≤ 10 %`, { timeout: TIMEOUT }, async () => {
      expectGood(fx, await run(fx));
    });
  }
});
