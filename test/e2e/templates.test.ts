// Template variation: the three forms rendered from the truth records in other templates
// (label synonyms, extra rows and columns, goals with captions or numbered, amounts in 万元,
// landscape / narrow layouts, full-width digits and other null markers, other offices) by three
// producers (Chromium from HTML, LibreOffice Writer, LibreOffice Calc), with
// samples/generator/templates.mjs. Each PDF is run through the in-process pipeline and scored
// against the records it states. Needs chromium and soffice on PATH (see .ci/run).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { processFile } from "@jixiao/pipeline";
import { JxRecord } from "@jixiao/schemas";
import { scoreRecords, repoRoot, type Score } from "./scoreRecords.js";
import { generate, PRODUCERS, VARIANTS } from "../../samples/generator/templates.mjs";

const producers: string[] = PRODUCERS;
const variants: string[] = Object.keys(VARIANTS);
/** Two seeds: each picks other records, offices, wordings and page breaks for every variant. */
const SEEDS = [1, 7];

/**
 * producer/variant combinations the pipeline does not read well enough yet, with the figures
 * measured (seed 1 / seed 7: accuracy, silent wrong fields, review load) and the cause. They are
 * still run and must still have no silent wrong field and no missing record; only the accuracy
 * and review-load bars are waived. Measure with
 * `node samples/generator/measure-templates.mjs --out DIR --generate --source --known-failures`.
 */
const KNOWN_FAILURES: { [key: string]: string } = {
  "calc/dense":
    "90.93 % / 91.39 %, 0 silent, review 28.8 % / 37.7 %: the sheet is wider than the page, so Calc prints its last " +
    "column on a page of its own with no rulings and a piece of the title; those cells are not joined back to their rows " +
    "(caught: missing columns, a title-only record flagged whole)",
};

const combos = producers.flatMap((p) => variants.map((v) => `${p}/${v}`));
const cases = SEEDS.flatMap((seed) => combos.map((c) => `${seed}/${c}`));
const results = new Map<string, Score & { records: number }>();

let dir: string;
let tmp: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-templates-"));
  tmp = mkdtempSync(join(tmpdir(), "jixiao-templates-pred-"));
  for (const seed of SEEDS) generate({ out: join(dir, String(seed)), producers, variants, seed });
}, 15 * 60_000);

afterAll(() => {
  const pct = (x: number) => (100 * x).toFixed(2).padStart(6);
  const lines = [
    "seed variant            producer  accuracy%  silent  review%  missing",
    ...[...results.entries()].map(([k, s]) => {
      const [seed, p, v] = k.split("/");
      return `${seed!.padEnd(4)} ${v!.padEnd(18)} ${p!.padEnd(8)} ${pct(s.accuracy)}    ${String(s.silent).padStart(5)}  ${pct(s.reviewLoad)}  ${s.missingRecords}`;
    }),
  ];
  console.log(lines.join("\n"));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function run(key: string) {
  const [seed, producer, variant] = key.split("/") as [string, string, string];
  const base = join(dir, seed);
  const pdf = join(base, producer, `${variant}.pdf`);
  const r = await processFile(pdf);
  expect(r.error).toBeNull();
  for (const rec of r.records) expect(JxRecord.safeParse(rec).success).toBe(true);
  const pred = join(tmp, `${seed}__${producer}__${variant}.jsonl`);
  // the scorer matches records to the truth file by file stem
  writeFileSync(pred, r.records.map((x) => JSON.stringify({ ...x, source: { ...x.source, file: `${variant}.pdf` } })).join("\n") + "\n");
  const s = scoreRecords(pred, join(base, producer, `${variant}.jsonl`));
  results.set(key, { ...s, records: r.records.length });
  return s;
}

/** What every combination must hold, known failures too: nothing silent, nothing missing. */
function safe(s: Score) {
  expect(s.fields).toBeGreaterThan(100);
  expect(s.missingRecords).toBe(0);
  expect(s.silent).toBe(0);
}

function strict(s: Score) {
  expect(s.fields).toBeGreaterThan(100);
  expect(s.missingRecords).toBe(0);
  expect(s.silent).toBe(0);
  expect(s.accuracy).toBeGreaterThanOrEqual(0.995);
  expect(s.reviewLoad).toBeLessThanOrEqual(0.05);
}

describe("templates: generator", () => {
  it("wrote a PDF and its expected records for every producer × variant", () => {
    for (const k of cases) {
      const [seed, p, v] = k.split("/") as [string, string, string];
      expect(existsSync(join(dir, seed, p, `${v}.pdf`))).toBe(true);
      expect(existsSync(join(dir, seed, p, `${v}.jsonl`))).toBe(true);
    }
  });
  it("writes expected records in the shape of the truth records (same keys per kind, other offices)", () => {
    const readJsonl = (p: string) => readFileSync(p, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
    // key paths of a value, array indices dropped
    const keys = (v: unknown, path = ""): string[] =>
      Array.isArray(v) ? v.flatMap((x) => keys(x, `${path}[]`))
      : v !== null && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => [`${path}.${k}`, ...keys(x, `${path}.${k}`)])
      : [];
    const truthDir = join(repoRoot, "samples", "truth");
    const shapeOf = new Map<string, string>();
    for (const f of readdirSync(truthDir).filter((x) => x.endsWith(".jsonl"))) {
      for (const r of readJsonl(join(truthDir, f))) shapeOf.set(r.kind, [...new Set(keys(r))].sort().join(" "));
    }
    for (const k of cases) {
      const [seed, p, v] = k.split("/") as [string, string, string];
      const recs = readJsonl(join(dir, seed, p, `${v}.jsonl`));
      expect(recs.map((r) => r.kind).sort()).toEqual(
        ["department_self_eval", "project_self_assessment", "project_self_eval", "project_self_eval"]);
      for (const r of recs) {
        expect([...new Set(keys(r))].sort().join(" ")).toBe(shapeOf.get(r.kind));
        // no text mentions the sample district any more
        expect(JSON.stringify(r)).not.toContain("普陀");
      }
    }
  });
  it("lists only existing combinations as known failures", () => {
    for (const k of Object.keys(KNOWN_FAILURES)) expect(combos).toContain(k);
  });
});

describe("templates: other templates and producers", { timeout: 300_000 }, () => {
  for (const key of cases) {
    const known = KNOWN_FAILURES[key.slice(key.indexOf("/") + 1)];
    if (known) {
      it(`${key} (known failure: ${known}): no silent wrong field, no missing record`, async () => safe(await run(key)));
    } else {
      it(`${key}: ≥ 99.5 % correct, no silent wrong field, no missing record, review load ≤ 5 %`, async () => {
        strict(await run(key));
      });
    }
  }
});
