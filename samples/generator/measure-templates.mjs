#!/usr/bin/env node
// Measures the pipeline on the template variants: runs the built CLI once over DIR (the output
// of templates.mjs), scores every DIR/<producer>/<variant>.pdf against its .jsonl with
// test/eval/score.mjs, prints a table and writes it to DIR/report.md, with the most frequent
// wrong fields under it.
//
//   npm run build     # the CLI runs from packages/cli/dist
//   node samples/generator/measure-templates.mjs --out DIR [--generate] [--producers html,writer,calc]
//        [--variants a,b] [--seed N] [--show 40] [--json] [--source] [--known-failures]
//
// --generate first (re)writes DIR with templates.mjs (same --producers/--variants/--seed).
// --source runs the CLI from the TypeScript sources (tsx, no build needed; slower start).
// --known-failures prints the KNOWN_FAILURES map of test/e2e/templates.test.ts for what fails now.
// Without --producers/--variants every DIR/<producer>/<variant>.pdf found is measured.
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync, spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { generate, PRODUCERS, VARIANTS } from "./templates.mjs";

const root = join(import.meta.dirname, "..", "..");
export const CLI = join(root, "packages", "cli", "bin", "jixiao.js");
export const CLI_SOURCE = ["--conditions=source", "--import", "tsx", join(root, "packages", "cli", "src", "bin.ts")];
export const SCORER = join(root, "test", "eval", "score.mjs");

function parseArgs(argv) {
  const a = { generate: false, show: 40, json: false, seed: 1, source: false, known: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === "--out") a.out = next();
    else if (k === "--generate") a.generate = true;
    else if (k === "--producers") a.producers = next().split(",").filter(Boolean);
    else if (k === "--variants") a.variants = next().split(",").filter(Boolean);
    else if (k === "--seed") a.seed = Number(next());
    else if (k === "--show") a.show = Number(next());
    else if (k === "--json") a.json = true;
    else if (k === "--source") a.source = true;
    else if (k === "--known-failures") a.known = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.out) throw new Error("usage: measure-templates.mjs --out DIR [--generate] [--producers …] [--variants …]");
  return a;
}

/** The (producer, variant) pairs present in DIR, optionally filtered. */
function listCases(dir, producers, variants) {
  const cases = [];
  for (const p of producers ?? PRODUCERS) {
    const pd = join(dir, p);
    if (!existsSync(pd)) continue;
    const stems = readdirSync(pd).filter((f) => f.endsWith(".pdf")).map((f) => f.slice(0, -4)).sort();
    for (const v of stems) {
      if (variants && !variants.includes(v)) continue;
      if (!existsSync(join(pd, `${v}.jsonl`))) continue;
      cases.push({ producer: p, variant: v });
    }
  }
  return cases;
}

const readJsonl = (p) => readFileSync(p, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

/**
 * Runs the CLI over the case PDFs, one process per producer (file stems are unique within a
 * producer; source.file holds only the name), and returns the records by "producer/variant".
 */
function runCli(dir, cases, tmp, source) {
  const byCase = new Map();
  for (const producer of [...new Set(cases.map((c) => c.producer))]) {
    const mine = cases.filter((c) => c.producer === producer);
    const pred = join(tmp, `pred-${producer}.jsonl`);
    const store = join(tmp, `store-${producer}`);
    const files = mine.map((c) => join(dir, c.producer, `${c.variant}.pdf`));
    const r = spawnSync("node", [...(source ? CLI_SOURCE : [CLI]), "run", ...files, "--out", pred, "--store", store, "--no-progress"], {
        encoding: "utf8", maxBuffer: 64 << 20, cwd: root,
    });
    if (r.status === 2 || !existsSync(pred)) {
      throw new Error(`jixiao run failed (status ${r.status}): ${r.stderr || r.stdout}`.slice(0, 2000));
    }
    for (const rec of readJsonl(pred)) {
      const stem = String(rec?.source?.file ?? "").replace(/^.*[\\/]/, "").replace(/\.pdf$/i, "");
      const key = `${producer}/${stem}`;
      if (!byCase.has(key)) byCase.set(key, []);
      byCase.get(key).push(rec);
    }
  }
  return { byCase };
}

/** Scores a prediction jsonl against a truth jsonl (or directory) with the scorer's --json output. */
export function score(predPath, truthPath, scorer = SCORER) {
  let out;
  try {
    out = execFileSync("node", [scorer, "--pred", predPath, "--truth", truthPath, "--json"], { encoding: "utf8", maxBuffer: 64 << 20 });
  } catch (e) {
    out = e.stdout;
  }
  return JSON.parse(out);
}

const pct = (x) => (100 * x).toFixed(2);

/** Generalised wrong-field path: indicators[12].name → indicators[].name. */
const shape = (p) => String(p).replace(/\[\d+\]/g, "[]").replace(/\(extra .*\)$/, "(extra row)");

export function measure({ out, producers, variants, seed = 1, regenerate = false, show = 40, source = false, log = console.error }) {
  const dir = resolve(out);
  if (regenerate) {
    generate({ out: dir, producers: producers ?? PRODUCERS, variants: variants ?? Object.keys(VARIANTS), seed, log });
  }
  const cases = listCases(dir, producers, variants);
  if (cases.length === 0) throw new Error(`no <producer>/<variant>.pdf with its .jsonl under ${dir}`);
  const tmp = mkdtempSync(join(tmpdir(), "tpl-measure-"));
  try {
    const t0 = Date.now();
    const { byCase } = runCli(dir, cases, tmp, source);
    const seconds = (Date.now() - t0) / 1000;
    const rows = [];
    const wrongAll = [];
    for (const c of cases) {
      const key = `${c.producer}/${c.variant}`;
      const pred = join(tmp, `${c.producer}__${c.variant}.jsonl`);
      // the scorer groups by the stem of source.file; one file per case keeps it unambiguous
      writeFileSync(pred, (byCase.get(key) ?? []).map((r) => JSON.stringify({ ...r, source: { ...(r.source ?? {}), file: `${c.variant}.pdf` } })).join("\n") + "\n");
      const s = score(pred, join(dir, c.producer, `${c.variant}.jsonl`));
      rows.push({ ...c, accuracy: s.accuracy, silent: s.silent, caught: s.caught, reviewLoad: s.reviewLoad,
        missingRecords: s.missingRecords, extraRecords: s.extraRecords, fields: s.fields, records: (byCase.get(key) ?? []).length });
      for (const w of s.wrong ?? []) wrongAll.push({ ...w, producer: c.producer, variant: c.variant });
      rows[rows.length - 1].cause = mainCause(s.wrong ?? []);
    }
    // most frequent wrong field shapes
    const freq = new Map();
    for (const w of wrongAll) {
      const k = `${w.caught ? "caught" : "SILENT"} ${shape(w.path)}`;
      const e = freq.get(k) ?? { n: 0, cases: new Set(), example: w };
      e.n++;
      e.cases.add(`${w.producer}/${w.variant}`);
      freq.set(k, e);
    }
    const top = [...freq.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, show);
    const md = [
      `# Template variants: pipeline scores`,
      ``,
      `${cases.length} PDFs, pipeline (${source ? "sources" : "built CLI"}) run ${seconds.toFixed(0)} s. Pass: accuracy ≥ 99.5 %, silent 0, no missing record, review load ≤ 5 %.`,
      ``,
      `| variant | producer | accuracy % | silent | caught | review load % | records (pred/expected missing) | pass |`,
      `|---|---|---:|---:|---:|---:|---|---|`,
      ...rows.map((r) => `| ${r.variant} | ${r.producer} | ${pct(r.accuracy)} | ${r.silent} | ${r.caught} | ${pct(r.reviewLoad)} | ${r.records} / ${r.missingRecords} missing, ${r.extraRecords} extra | ${passes(r) ? "yes" : "no"} |`),
      ``,
      `## Most frequent wrong fields`,
      ``,
      `| count | field | cases | example (truth → pred) |`,
      `|---:|---|---|---|`,
      ...top.map(([k, e]) => `| ${e.n} | ${k} | ${[...e.cases].slice(0, 4).join(", ")}${e.cases.size > 4 ? ` +${e.cases.size - 4}` : ""} | ${cut(JSON.stringify(e.example.truth))} → ${cut(JSON.stringify(e.example.pred))} |`),
      ``,
    ].join("\n");
    writeFileSync(join(dir, "report.md"), md);
    writeFileSync(join(dir, "wrong.jsonl"), wrongAll.map((w) => JSON.stringify(w)).join("\n") + "\n");
    return { rows, md, wrong: wrongAll };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The most frequent wrong field shapes of one case, e.g. "indicators[].deviation ×12 (4 silent)". */
export function mainCause(wrong) {
  const m = new Map();
  for (const w of wrong) {
    const k = shape(w.path);
    const e = m.get(k) ?? { n: 0, silent: 0 };
    e.n++;
    if (!w.caught) e.silent++;
    m.set(k, e);
  }
  return [...m.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, 3)
    .map(([k, e]) => `${k} ×${e.n}${e.silent ? ` (${e.silent} silent)` : ""}`).join(", ");
}

/** The KNOWN_FAILURES map of test/e2e/templates.test.ts for the failing rows. */
export function knownFailures(rows) {
  const lines = rows.filter((r) => !passes(r)).map((r) =>
    `  "${r.producer}/${r.variant}": ${JSON.stringify(`${pct(r.accuracy)} %, ${r.silent} silent, review ${pct(r.reviewLoad)} %${r.missingRecords ? `, ${r.missingRecords} missing` : ""}; ${r.cause}`)},`);
  return `const KNOWN_FAILURES: { [key: string]: string } = {\n${lines.join("\n")}\n};`;
}

const cut = (s) => String(s ?? "").replace(/\|/g, "\\|").slice(0, 60);

export const passes = (r) => r.accuracy >= 0.995 && r.silent === 0 && r.missingRecords === 0 && r.reviewLoad <= 0.05;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const a = parseArgs(process.argv.slice(2));
    if (!a.source && !existsSync(join(root, "packages", "cli", "dist", "main.js"))) throw new Error("run `npm run build` first (or use --source)");
    if (!a.generate && !(existsSync(a.out) && statSync(a.out).isDirectory())) throw new Error(`${a.out}: no such directory (add --generate)`);
    const r = measure({ out: a.out, producers: a.producers, variants: a.variants, seed: a.seed, regenerate: a.generate, show: a.show, source: a.source });
    if (a.json) console.log(JSON.stringify(r.rows, null, 2));
    else if (a.known) console.log(knownFailures(r.rows));
    else console.log(r.md);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
