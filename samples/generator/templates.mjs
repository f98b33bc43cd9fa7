#!/usr/bin/env node
// Template-variation generator: renders the three report forms from the truth records in other
// templates (label synonyms, extra rows and columns, other goal shapes, 万元 amounts, other
// layouts and number styles, other offices) through three producers (Chromium from HTML,
// LibreOffice Writer from a Flat ODF text document, LibreOffice Calc from a Flat ODF
// spreadsheet), and writes each PDF next to the exact records it states.
//
//   node samples/generator/templates.mjs --out DIR [--producers html,writer,calc]
//        [--variants synonyms,wanyuan,synonyms+wanyuan] [--seed N] [--keep-sources]
//
// writes DIR/<producer>/<variant>.pdf and DIR/<producer>/<variant>.jsonl (one record per
// report, in document order). A variant name joined with "+" combines features.
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync, readdirSync, copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { chooser, hash, OFFICES, replaceOffice } from "./templates/common.mjs";
import { makeContext, buildReport } from "./templates/model.mjs";
import { writeHtmlPdf } from "./templates/html.mjs";
import { renderFodt, renderFods, convertWithSoffice } from "./templates/odf.mjs";

const here = import.meta.dirname;
const TRUTH = join(here, "..", "truth");

export const PRODUCERS = ["html", "writer", "calc"];

/** Variant name → features. Any "+"-joined list of feature names is a variant too. */
export const VARIANTS = {
  baseline: ["baseline"],
  synonyms: ["synonyms"],
  "extra-rows": ["extra-rows"],
  "extra-columns": ["extra-columns"],
  "goals-captioned": ["goals-captioned"],
  "goals-numbered": ["goals-numbered"],
  wanyuan: ["wanyuan"],
  "layout-landscape": ["layout-landscape"],
  "layout-narrow": ["layout-narrow"],
  "fullwidth-nulls": ["fullwidth-nulls"],
  mixed: ["synonyms", "extra-rows", "extra-columns", "wanyuan", "goals-captioned"],
  dense: ["synonyms", "extra-rows", "layout-narrow", "fullwidth-nulls", "goals-numbered"],
};
export const FEATURES = [...new Set(Object.values(VARIANTS).flat())];

export function featuresOf(variant) {
  if (VARIANTS[variant]) return new Set(VARIANTS[variant]);
  const parts = variant.split("+");
  for (const p of parts) if (!FEATURES.includes(p) && !VARIANTS[p]) throw new Error(`unknown variant or feature "${p}"`);
  return new Set(parts.flatMap((p) => VARIANTS[p] ?? [p]));
}

function readJsonl(path) {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** All truth records by kind. */
function truthPool(dir) {
  const pool = { project_self_eval: [], department_self_eval: [], project_self_assessment: [] };
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".jsonl")).sort()) {
    for (const r of readJsonl(join(dir, f))) pool[r.kind]?.push(r);
  }
  return pool;
}

/** Picks the reports of one variant: 2 project forms, 1 department form, 1 assessment form. */
function pickRecords(pool, seed, variant) {
  const h = (k) => hash(`${seed}|${variant}|${k}`);
  const P = pool.project_self_eval;
  const a = h("p1") % P.length;
  let b = h("p2") % P.length;
  if (b === a) b = (a + 1) % P.length;
  const D = pool.department_self_eval;
  const A = pool.project_self_assessment;
  return [P[a], D[h("d") % D.length], P[b], A[h("a") % A.length]].filter(Boolean);
}

/** Page set-up of one variant × producer. */
function pageOf(features, producer, choose) {
  const has = (f) => features.has(f);
  const landscape = has("layout-landscape") || (producer === "calc" && has("extra-columns"));
  const font = has("baseline") ? "AR PL UMing CN"
    : has("layout-landscape") ? "Noto Sans CJK SC"
    : has("layout-narrow") ? "WenQuanYi Zen Hei"
    : choose("font", ["AR PL UMing CN", "Noto Serif CJK SC", "Noto Sans CJK SC"]);
  const size = has("layout-narrow") ? 9 : has("fullwidth-nulls") ? 9.5 : producer === "calc" ? 10 : 10.5;
  return {
    landscape, size, odfFont: font,
    font: `"${font}", serif`,
    labelTop: has("layout-narrow"),
    fitWidth: producer === "calc" && (has("layout-landscape") || has("extra-columns")),
    footer: producer === "html" ? "none"
      : producer === "calc" ? (has("baseline") ? "pageOf" : choose("calcfoot", ["pageOf", "pageOf", "dash"]))
      : choose("writerfoot", ["pageOf", "dash", "none"]),
    header: producer === "calc" ? (has("baseline") ? "none" : choose("calchead", ["file", "none", "date"]))
      : producer === "writer" ? choose("writerhead", ["none", "none", "date"]) : "none",
  };
}

/** Builds one variant for one producer: { reports (model), records (expected), page }. */
export function buildVariant({ variant, producer, seed = 1, pool }) {
  const features = featuresOf(variant);
  const choose = chooser(`${seed}|${variant}`);
  const office = choose("office", OFFICES);
  const recs = pickRecords(pool, seed, variant).map((r) => replaceOffice(r, office));
  const reports = [];
  const records = [];
  recs.forEach((r, index) => {
    const X = makeContext({ features, choose, producer, index });
    const { blocks, record } = buildReport(r, X);
    reports.push({ blocks });
    records.push(record);
  });
  return { reports, records, page: pageOf(features, producer, choose) };
}

/**
 * Generates DIR/<producer>/<variant>.pdf + .jsonl for every producer × variant.
 * Returns [{ producer, variant, pdf, jsonl }].
 */
export function generate({ out, producers = PRODUCERS, variants = Object.keys(VARIANTS), seed = 1, truth = TRUTH, keepSources = false, log = () => {} }) {
  out = resolve(out);
  const pool = truthPool(truth);
  const work = mkdtempSync(join(tmpdir(), "tpl-gen-"));
  const done = [];
  const odfJobs = [];
  try {
    for (const producer of producers) {
      if (!PRODUCERS.includes(producer)) throw new Error(`unknown producer ${producer}`);
      mkdirSync(join(out, producer), { recursive: true });
      for (const variant of variants) {
        const { reports, records, page } = buildVariant({ variant, producer, seed, pool });
        const pdf = join(out, producer, `${variant}.pdf`);
        const jsonl = join(out, producer, `${variant}.jsonl`);
        writeFileSync(jsonl, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
        if (producer === "html") {
          const dir = mkdtempSync(join(work, "html-"));
          writeHtmlPdf(reports, page, pdf, dir);
          if (keepSources) copyFileSync(join(dir, "page.html"), join(out, producer, `${variant}.html`));
          log(`${producer}/${variant}.pdf`);
        } else {
          const ext = producer === "writer" ? "fodt" : "fods";
          mkdirSync(join(work, producer), { recursive: true });
          const src = join(work, producer, `${variant}.${ext}`);
          writeFileSync(src, producer === "writer" ? renderFodt(reports, page) : renderFods(reports, page));
          if (keepSources) copyFileSync(src, join(out, producer, `${variant}.${ext}`));
          odfJobs.push({ src, pdf, producer, variant });
        }
        done.push({ producer, variant, pdf, jsonl });
      }
    }
    // one soffice call per producer (the sources of one call need distinct names)
    for (const producer of ["writer", "calc"]) {
      const jobs = odfJobs.filter((j) => j.producer === producer);
      convertWithSoffice(jobs);
      for (const j of jobs) log(`${j.producer}/${j.variant}.pdf`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return done;
}

function parseArgs(argv) {
  const a = { producers: PRODUCERS, variants: Object.keys(VARIANTS), seed: 1, keepSources: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === "--out") a.out = next();
    else if (k === "--producers") a.producers = next().split(",").map((s) => s.trim()).filter(Boolean);
    else if (k === "--variants") a.variants = next().split(",").map((s) => s.trim()).filter(Boolean);
    else if (k === "--seed") a.seed = Number(next());
    else if (k === "--truth") a.truth = next();
    else if (k === "--keep-sources") a.keepSources = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.out) throw new Error("usage: templates.mjs --out DIR [--producers html,writer,calc] [--variants v1,v2] [--seed N]");
  for (const v of a.variants) featuresOf(v);
  return a;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const a = parseArgs(process.argv.slice(2));
    const t0 = Date.now();
    const done = generate({ ...a, log: (s) => console.error(s) });
    console.error(`${done.length} PDFs in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${resolve(a.out)}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
