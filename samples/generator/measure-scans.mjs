#!/usr/bin/env node
// Measures the pipeline on the scan conditions of issue 12 (see scans.mjs): for each condition it
// runs the built CLI (`jixiao run`, one process per PDF, fresh store, under `timeout`) on the
// condition's scans, scores them with the shared scorer against their truth, and prints a
// markdown table (condition | files | pages | fields | accuracy | silent | review load | s/page),
// the issue's target for the condition, and the most frequent wrong fields.
//
//   npm run build     # the CLI runs from packages/cli/dist (or --source)
//   node samples/generator/measure-scans.mjs --out DIR --generate            # sources + scans + measure
//   node samples/generator/measure-scans.mjs --out DIR                       # re-measure existing scans
//   node samples/generator/measure-scans.mjs --out DIR --conditions g4-200 --files 1
//        [--all]             every source for every condition, not the default 1–2 documents
//        [--seed 1]          scans.mjs seed       [--tpl-seed 12]  templates.mjs seed
//        [--jobs 1]          PDFs measured at once (each `jixiao run` has its own OCR workers)
//        [--timeout 300]     seconds one `jixiao run` may take (GNU timeout; 124 = killed)
//        [--scorer PATH]     default ../shared/eval/score.mjs, else test/eval/score.mjs
//        [--source] [--show 12] [--json]
//
// Sources (DIR/sources/, with their truth next to them):
//   - the 4 digital corpus PDFs (../shared/corpus/digital, truth in ../truth): "seen producer";
//   - templates.mjs output for --tpl-seed, producers writer and calc, variants baseline, wanyuan
//     and synonyms, named tpl<seed>-<producer>-<variant>.pdf: "other office, other producer".
// Scans: DIR/<condition>/<name>.pdf + .jsonl + manifest.json (scans.mjs); the predictions are
// kept as DIR/<condition>/<name>.pred.jsonl, the run's stderr as <name>.log. The table goes to
// DIR/report.md (or DIR/report-<conditions>.md when only some are measured) and every wrong
// field to DIR/wrong.jsonl (with condition and file).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { CLI, CLI_SOURCE, SCORER, mainCause, score } from "./measure-templates.mjs";
import { generate } from "./templates.mjs";
import { CONDITIONS, makeScans, pageCount } from "./scans.mjs";

const root = join(import.meta.dirname, "..", "..");
// The shared data beside the checkout (../shared), as the bench finds it.
const SHARED = join(root, "..", "shared");
const CORPUS = join(SHARED, "corpus");
const SHARED_SCORER = join(SHARED, "eval", "score.mjs");

const CORPUS_FILES = ["000_f5e7e42ab4334a59", "001_655e35476e9ed446", "002_fe319b84d2aa7d28", "004_d6b6ad76fc616d0b"];
const TPL_PRODUCERS = ["writer", "calc"];
const TPL_VARIANTS = ["baseline", "wanyuan", "synonyms"];

/** Default sources per condition (about 10–15 pages each), as in issue 12's table; `T` = a templates.mjs file. */
const DEFAULTS = {
  grey300: ["002_fe319b84d2aa7d28", "004_d6b6ad76fc616d0b"], // seen producer, 10 pages
  noisy200: ["T-writer-baseline", "T-calc-synonyms"], // other producer, 13 pages
  jpeg150: ["T-calc-baseline", "T-writer-wanyuan"], // other office, 15 pages
  "g4-200": ["T-writer-synonyms", "T-calc-wanyuan"], // other office, 13 pages
  "g4-300-rotated": ["004_d6b6ad76fc616d0b", "T-calc-synonyms"], // 13 pages
  seal200: ["004_d6b6ad76fc616d0b", "T-writer-baseline"], // 14 pages
  "seal200-colour": ["004_d6b6ad76fc616d0b", "T-writer-baseline"],
};

/** Issue 12's targets (accuracy, silent share of fields, review load). */
export const TARGETS = {
  grey300: { accuracy: 0.995, silent: 0, load: 0.05 },
  noisy200: { accuracy: 0.98, silent: 0.002, load: 0.1 },
  jpeg150: { accuracy: 0.97, silent: 0.003, load: 0.15 },
  "g4-200": { accuracy: 0.97, silent: 0.003, load: 0.15 },
};

const allSources = (tplSeed) => [...CORPUS_FILES, ...TPL_PRODUCERS.flatMap((p) => TPL_VARIANTS.map((v) => `tpl${tplSeed}-${p}-${v}`))];
const resolveName = (n, tplSeed) => n.replace(/^T-/, `tpl${tplSeed}-`);

/** The source names a condition is measured on. */
export function sourcesFor(condition, { all = false, files, tplSeed = 12 } = {}) {
  const list = all ? allSources(tplSeed) : DEFAULTS[condition].map((n) => resolveName(n, tplSeed));
  return files ? list.slice(0, files) : list;
}

/** Writes DIR/sources/<name>.pdf + .jsonl for the names asked for (templates.mjs when needed). */
export function prepareSources(dir, names, tplSeed, log = console.error) {
  const src = join(dir, "sources");
  mkdirSync(src, { recursive: true });
  const missing = names.filter((n) => !existsSync(join(src, `${n}.pdf`)));
  const copy = (from, to) => writeFileSync(to, readFileSync(from));
  for (const n of missing.filter((x) => CORPUS_FILES.includes(x))) {
    copy(join(CORPUS, "digital", `${n}.pdf`), join(src, `${n}.pdf`));
    copy(join(CORPUS, "truth", `${n}.jsonl`), join(src, `${n}.jsonl`));
  }
  const tpl = missing.filter((x) => !CORPUS_FILES.includes(x));
  if (tpl.length) {
    const tdir = join(src, `tpl${tplSeed}`);
    const parsed = tpl.map((n) => n.match(/^tpl(\d+)-([a-z]+)-(.+)$/)).filter(Boolean);
    generate({ out: tdir, producers: [...new Set(parsed.map((m) => m[2]))], variants: [...new Set(parsed.map((m) => m[3]))], seed: tplSeed, log });
    for (const m of parsed) {
      copy(join(tdir, m[2], `${m[3]}.pdf`), join(src, `${m[0]}.pdf`));
      copy(join(tdir, m[2], `${m[3]}.jsonl`), join(src, `${m[0]}.jsonl`));
    }
  }
  return names.map((n) => join(src, `${n}.pdf`));
}

/** Runs `timeout T node jixiao run file` with a fresh store; resolves { status, seconds, stderr }. */
function runOne(pdf, pred, { timeout, source }) {
  const store = mkdtempSync(join(tmpdir(), "scan-measure-store-"));
  const args = [String(timeout), "node", ...(source ? CLI_SOURCE : [CLI]), "run", pdf, "--out", pred, "--store", store, "--no-progress"];
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn("timeout", args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => {
      rmSync(store, { recursive: true, force: true });
      done({ status, seconds: (Date.now() - t0) / 1000, stderr });
    });
  });
}

/** Runs the jobs with at most `n` at once. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, worker));
  return out;
}

const pct = (x, d = 2) => (100 * x).toFixed(d);

/** Measures the scans of one condition; returns the table row and the wrong fields. */
async function measureCondition(dir, condition, names, o) {
  const cdir = join(dir, condition);
  const files = names.map((n) => join(cdir, `${n}.pdf`));
  for (const f of files) if (!existsSync(f)) throw new Error(`${f} missing (run with --generate)`);
  const runs = await pool(files, o.jobs, async (pdf) => {
    const stem = basename(pdf, ".pdf");
    const pred = join(cdir, `${stem}.pred.jsonl`);
    rmSync(pred, { force: true });
    o.log(`${condition}/${stem}: running`);
    const r = await runOne(pdf, pred, o);
    writeFileSync(join(cdir, `${stem}.log`), r.stderr);
    if (!existsSync(pred)) writeFileSync(pred, "");
    const pages = pageCount(pdf);
    const s = score(pred, join(cdir, `${stem}.jsonl`), o.scorer);
    o.log(`${condition}/${stem}: status ${r.status}, ${r.seconds.toFixed(0)} s, ${pages} pages, accuracy ${pct(s.accuracy)} %, ${s.silent} silent, load ${pct(s.reviewLoad)} %`);
    return { stem, pages, ...r, s };
  });
  const t = { fields: 0, correct: 0, silent: 0, caught: 0, covered: 0, missingRecords: 0, extraRecords: 0 };
  for (const r of runs) for (const k of Object.keys(t)) t[k] += r.s[k] ?? 0;
  const wrong = runs.flatMap((r) => (r.s.wrong ?? []).map((w) => ({ condition, ...w, file: r.stem })));
  const pages = runs.reduce((a, r) => a + r.pages, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const notes = runs.filter((r) => r.status !== 0).map((r) => `${r.stem}: ${r.status === 124 ? `TIMEOUT after ${o.timeout} s` : `exit ${r.status}`}${errorLine(r.stderr)}`);
  return {
    row: {
      condition, files: runs.length, pages, fields: t.fields,
      accuracy: t.fields ? t.correct / t.fields : 0, silent: t.silent, silentShare: t.fields ? t.silent / t.fields : 0,
      caught: t.caught, reviewLoad: t.fields ? t.covered / t.fields : 0, missingRecords: t.missingRecords, extraRecords: t.extraRecords,
      secondsPerPage: pages ? seconds / pages : 0, cause: mainCause(wrong), notes,
      perFile: runs.map((r) => ({ file: r.stem, pages: r.pages, status: r.status, seconds: r.seconds, accuracy: r.s.accuracy, silent: r.s.silent, reviewLoad: r.s.reviewLoad, missingRecords: r.s.missingRecords })),
    },
    wrong,
  };
}

const errorLine = (stderr) => {
  const l = String(stderr).split("\n").find((x) => /: [A-Z_]+: /.test(x));
  return l ? ` (${l.slice(0, 160)})` : "";
};

const meets = (r) => {
  const t = TARGETS[r.condition];
  if (!t) return "–";
  return r.accuracy >= t.accuracy && r.silentShare <= t.silent + 1e-12 && r.reviewLoad <= t.load ? "yes" : "no";
};
const targetText = (c) => {
  const t = TARGETS[c];
  return t ? `≥${pct(t.accuracy, 1)} %, silent ≤${pct(t.silent, 1)} %, load ≤${pct(t.load, 0)} %` : "–";
};
const cut = (s, n = 50) => String(s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, n);

/**
 * Truth and prediction side by side; long texts only around their first difference after the
 * scorer's normalisation (NFKC, tags and whitespace removed), so （ against ( is no difference.
 */
export function around(truth, pred, n = 24) {
  const norm = (v) => (typeof v === "string" ? v.normalize("NFKC").replace(/<[^>]*>/g, "").replace(/\s+/g, "") : v);
  const t = JSON.stringify(norm(truth)) ?? "null";
  const p = JSON.stringify(norm(pred)) ?? "null";
  if (t.length <= 2 * n && p.length <= 2 * n) return [t, p];
  let i = 0;
  while (i < t.length && t[i] === p[i]) i++;
  const from = Math.max(0, i - 8);
  const part = (x) => `${from ? "…" : ""}${x.slice(from, from + n)}${x.length > from + n ? "…" : ""}`;
  return [part(t), part(p)];
}

export function table(rows, wrong, show = 12) {
  const lines = [
    `| condition | files | pages | fields | accuracy | silent | review load | s/page | target | meets |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---|---|`,
    ...rows.map((r) => `| ${r.condition} | ${r.files} | ${r.pages} | ${r.fields} | ${pct(r.accuracy)} % | ${r.silent} (${pct(r.silentShare)} %) | ${pct(r.reviewLoad)} % | ${r.secondsPerPage.toFixed(1)} | ${targetText(r.condition)} | ${meets(r)} |`),
    ``,
    `| condition | missing / extra records | main wrong fields | notes |`,
    `|---|---|---|---|`,
    ...rows.map((r) => `| ${r.condition} | ${r.missingRecords} / ${r.extraRecords} | ${cut(r.cause, 200)} | ${cut(r.notes.join("; "), 300)} |`),
  ];
  for (const r of rows) {
    const mine = wrong.filter((w) => w.condition === r.condition);
    if (!mine.length) continue;
    lines.push(``, `### ${r.condition}: wrong fields (first ${Math.min(show, mine.length)} of ${mine.length})`, ``, `| | file | record | field | truth | pred |`, `|---|---|---|---|---|---|`);
    // the silent ones first
    for (const w of [...mine.filter((x) => !x.caught), ...mine.filter((x) => x.caught)].slice(0, show)) {
      const [t, p] = around(w.truth, w.pred);
      lines.push(`| ${w.caught ? "caught" : "SILENT"} | ${w.file} | ${cut(w.record, 30)} | ${w.path} | ${cut(t, 60)} | ${cut(p, 60)} |`);
    }
  }
  return lines.join("\n") + "\n";
}

export async function measureScans(o) {
  const dir = resolve(o.out);
  const conditions = o.conditions ?? CONDITIONS;
  for (const c of conditions) if (!CONDITIONS.includes(c)) throw new Error(`unknown condition ${c} (conditions: ${CONDITIONS.join(", ")})`);
  const plan = conditions.map((c) => ({ condition: c, names: sourcesFor(c, o) }));
  if (o.generate) {
    const needed = [...new Set(plan.flatMap((p) => p.names))];
    prepareSources(dir, needed, o.tplSeed, o.log);
    for (const p of plan) {
      const todo = o.regenerate ? p.names : p.names.filter((n) => !existsSync(join(dir, p.condition, `${n}.pdf`)));
      if (todo.length) makeScans({ inputs: todo.map((n) => join(dir, "sources", `${n}.pdf`)), out: dir, seed: o.seed, conditions: [p.condition], log: o.log });
    }
  }
  const rows = [];
  const wrong = [];
  for (const p of plan) {
    const r = await measureCondition(dir, p.condition, p.names, o);
    rows.push(r.row);
    wrong.push(...r.wrong);
  }
  const md = `# Scan conditions: pipeline scores\n\n${o.source ? "sources (tsx)" : "built CLI"}, scans seed ${o.seed}, templates seed ${o.tplSeed}, scorer ${o.scorer}.\n\n${table(rows, wrong, o.show)}`;
  const suffix = o.conditions ? `-${conditions.join("+")}` : "";
  writeFileSync(join(dir, `report${suffix}.md`), md);
  writeFileSync(join(dir, `wrong${suffix}.jsonl`), wrong.map((w) => JSON.stringify(w)).join("\n") + (wrong.length ? "\n" : ""));
  return { rows, wrong, md };
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  try {
    const { values: v } = parseArgs({
      options: {
        out: { type: "string" },
        generate: { type: "boolean", default: false },
        regenerate: { type: "boolean", default: false },
        conditions: { type: "string" },
        files: { type: "string" },
        all: { type: "boolean", default: false },
        seed: { type: "string", default: "1" },
        "tpl-seed": { type: "string", default: "12" },
        jobs: { type: "string", default: "1" },
        timeout: { type: "string", default: "300" },
        scorer: { type: "string" },
        source: { type: "boolean", default: false },
        show: { type: "string", default: "12" },
        json: { type: "boolean", default: false },
      },
    });
    if (!v.out) throw new Error("usage: measure-scans.mjs --out DIR [--generate] [--conditions a,b] [--files N] [--all] [--jobs 1] [--timeout 300]");
    if (!v.source && !existsSync(join(root, "packages", "cli", "dist", "main.js"))) throw new Error("run `npm run build` first (or use --source)");
    if (!v.generate && !(existsSync(v.out) && statSync(v.out).isDirectory())) throw new Error(`${v.out}: no such directory (add --generate)`);
    const r = await measureScans({
      out: v.out,
      generate: v.generate || v.regenerate,
      regenerate: v.regenerate,
      conditions: v.conditions ? v.conditions.split(",").filter(Boolean) : undefined,
      files: v.files ? Number(v.files) : undefined,
      all: v.all,
      seed: v.seed,
      tplSeed: Number(v["tpl-seed"]),
      jobs: Number(v.jobs),
      timeout: Number(v.timeout),
      scorer: v.scorer ?? (existsSync(SHARED_SCORER) ? SHARED_SCORER : SCORER),
      source: v.source,
      show: Number(v.show),
      log: (l) => console.error(l),
    });
    console.log(v.json ? JSON.stringify(r.rows, null, 2) : r.md);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
