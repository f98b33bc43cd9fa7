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
import { Record } from "@jixiao/schemas";
import { scoreRecords, repoRoot, type Score } from "./scoreRecords.js";
import { generate, PRODUCERS, VARIANTS } from "../../samples/generator/templates.mjs";

const producers: string[] = PRODUCERS;
const variants: string[] = Object.keys(VARIANTS);
const SEED = 1;

/**
 * producer/variant combinations the pipeline does not read correctly yet, with the figures
 * measured (accuracy, silent wrong fields, review load) and the main cause. Skipped, not
 * weakened, until the pipeline reads them. Measured from the sources with
 * `node samples/generator/measure-templates.mjs --out DIR --generate --source --known-failures`,
 * which prints this map again (figures: accuracy, silent wrong fields, review load; then the
 * most frequent wrong fields). Main causes: in Calc sheets, the merged note cell of the
 * department form (one text over several rows) cut by a page break and the header rows repeated
 * there (print titles) come out as extra indicator rows with a review flag, and a merged level-1
 * label that Calc prints half on each page is read as two labels ("投入管" / "理指标", silent);
 * level-1 labels and weights lost where a block starts just before a page break.
 */
const KNOWN_FAILURES: { [key: string]: string } = {
  "html/dense": "99.37 %, 2 silent, review 0.21 %; indicators[].level2 ×2 (2 silent), indicators[].name ×1",
  "writer/mixed": "98.31 %, 0 silent, review 1.90 %; indicators[].level1 ×4, indicators[].level1_weight ×4",
  "calc/baseline": "95.45 %, 0 silent, review 48.65 %; indicators(extra row) ×10, indicators[].level1 ×2, indicators[].level1_weight ×2",
  "calc/dense": "90.35 %, 2 silent, review 30.31 %; indicators(extra row) ×45, funds.total.score ×2, indicators[].level1_weight ×1",
  "calc/extra-columns": "99.16 %, 0 silent, review 48.01 %; indicators(extra row) ×4",
  "calc/extra-rows": "98.11 %, 0 silent, review 15.50 %; indicators(extra row) ×8, total.weight ×1, total.score ×1",
  "calc/goals-captioned": "99.23 %, 0 silent, review 1.73 %; indicators[].level1 ×3, indicators[].name ×1",
  "calc/layout-narrow": "97.59 %, 8 silent, review 1.41 %; indicators[].level1 ×4 (4 silent), indicators[].level1_weight ×4, indicators[].name ×4 (4 silent)",
  "calc/synonyms": "98.64 %, 0 silent, review 44.19 %; indicators(extra row) ×3, indicators[].level1_weight ×1, indicators[].level2 ×1",
  "calc/wanyuan": "98.66 %, 0 silent, review 43.51 %; indicators(extra row) ×3, indicators[].level1_weight ×1, indicators[].level2 ×1",
};

const cases = producers.flatMap((p) => variants.map((v) => `${p}/${v}`));
const results = new Map<string, Score & { records: number }>();

let dir: string;
let tmp: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-templates-"));
  tmp = mkdtempSync(join(tmpdir(), "jixiao-templates-pred-"));
  generate({ out: dir, producers, variants, seed: SEED });
}, 15 * 60_000);

afterAll(() => {
  const pct = (x: number) => (100 * x).toFixed(2).padStart(6);
  const lines = [
    "variant            producer  accuracy%  silent  review%  missing",
    ...[...results.entries()].map(([k, s]) => {
      const [p, v] = k.split("/");
      return `${v.padEnd(18)} ${p.padEnd(8)} ${pct(s.accuracy)}    ${String(s.silent).padStart(5)}  ${pct(s.reviewLoad)}  ${s.missingRecords}`;
    }),
  ];
  console.log(lines.join("\n"));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function run(key: string) {
  const [producer, variant] = key.split("/");
  const pdf = join(dir, producer, `${variant}.pdf`);
  const r = await processFile(pdf);
  expect(r.error).toBeNull();
  for (const rec of r.records) expect(Record.safeParse(rec).success).toBe(true);
  const pred = join(tmp, `${producer}__${variant}.jsonl`);
  // the scorer matches records to the truth file by file stem
  writeFileSync(pred, r.records.map((x) => JSON.stringify({ ...x, source: { ...x.source, file: `${variant}.pdf` } })).join("\n") + "\n");
  const s = scoreRecords(pred, join(dir, producer, `${variant}.jsonl`));
  results.set(key, { ...s, records: r.records.length });
  return s;
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
      const [p, v] = k.split("/");
      expect(existsSync(join(dir, p, `${v}.pdf`))).toBe(true);
      expect(existsSync(join(dir, p, `${v}.jsonl`))).toBe(true);
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
      const [p, v] = k.split("/");
      const recs = readJsonl(join(dir, p, `${v}.jsonl`));
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
    for (const k of Object.keys(KNOWN_FAILURES)) expect(cases).toContain(k);
  });
});

describe("templates: other templates and producers", { timeout: 300_000 }, () => {
  for (const key of cases) {
    const known = KNOWN_FAILURES[key];
    if (known) {
      it.skip(`${key} (known failure: ${known})`, async () => strict(await run(key)));
    } else {
      it(`${key}: ≥ 99.5 % correct, no silent wrong field, no missing record, review load ≤ 5 %`, async () => {
        strict(await run(key));
      });
    }
  }
});
