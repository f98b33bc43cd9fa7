#!/usr/bin/env node
// Benchmark: end-to-end pages/s of the in-process pipeline (extract → reconstruct → normalize →
// store in an embedded PGlite) over the digital sample PDFs, next to `pdftotext -layout` on the
// same files when poppler-utils is installed; then `jixiao run` of the same files as a whole
// process, on a fresh store and again on that store, next to pdftotext; then seconds per scanned page with OCR (one shared
// tesseract.js pool), the peak RSS over the whole scan run, and the native `tesseract` CLI on
// the same page images when it is installed; then queue mode (test/bench/queue.mjs): the digital
// PDFs ×3 through 1 and 2 worker processes on Redis + PostgreSQL, pages/s and the ratio
// (skipped with --no-queue). The warehouse export of the stored records is timed per format. Run with `npm run bench` (builds first).
//   node test/bench/bench.mjs [dir-or-files...] [--rounds N] [--scans DIR] [--no-scans] [--no-queue] [--queue-only]
import { readdirSync, statSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import os, { tmpdir } from "node:os";
import { execFileSync, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { documentToStore, processFile } from "@jixiao/pipeline";
import { openStore } from "@jixiao/store";
import { stageTable, withStageProfile } from "./stageProfile.mjs";

const args = process.argv.slice(2);
const roundsIdx = args.indexOf("--rounds");
const rounds = roundsIdx >= 0 ? Number(args.splice(roundsIdx, 2)[1]) : 3;
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const queueOnly = flag("--queue-only");
const scansChild = flag("--scans-child");
const noQueue = flag("--no-queue");
const noScans = flag("--no-scans") || queueOnly;
const scansIdx = args.indexOf("--scans");
const repo = join(import.meta.dirname, "..", "..");
const scanDir = scansIdx >= 0
  ? resolve(args.splice(scansIdx, 2)[1])
  : [join(repo, "..", "shared", "corpus", "scan"), join(repo, "samples", "scan")].find((d) => existsSync(d));
const inputs = args.length ? args : [join(import.meta.dirname, "..", "..", "samples", "digital")];
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith(".pdf")).sort().map((f) => resolve(p, f)) : [resolve(p)],
);

if (scansChild) {
  await benchScans();
  process.exit(0);
}

if (queueOnly) {
  const { benchQueue } = await import("./queue.mjs");
  await benchQueue(files);
  process.exit(0);
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const dir = mkdtempSync(join(tmpdir(), "jixiao-bench-"));
const store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
const times = [];
const exportLines = [];
let pages = 0;
let records = 0;
let profiled;
try {
  /** One round: every file processed and stored; returns its pages and records. */
  const round = async () => {
    let n = 0;
    let recs = 0;
    for (const f of files) {
      const r = await processFile(f);
      if (r.error) throw new Error(`${f}: ${r.error.code} ${r.error.message}`);
      await store.saveDocument(documentToStore(r));
      n += r.pageCount;
      recs += r.records.length;
    }
    return { pages: n, records: recs };
  };
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = await round();
    times.push((performance.now() - t0) / 1000);
    pages = r.pages;
    records = r.records;
  }
  // One extra round under the CPU profiler, for the per-stage table after the timed ones (not timed: profiling slows it).
  profiled = await withStageProfile(async () => (await round()).pages);
  // Warehouse export of what was stored, in each format.
  const { exportStore } = await import("@jixiao/export");
  for (const format of ["jsonl", "csv", "parquet"]) {
    const t0 = performance.now();
    const res = await exportStore(store, { format, dir: join(dir, `export-${format}`) });
    const secs = (performance.now() - t0) / 1000;
    const rows = Object.values(res.rows).reduce((a, b) => a + b, 0);
    exportLines.push(`export ${format}: ${secs.toFixed(2)} s for ${rows} table rows (${JSON.stringify(res.rows)})`);
  }
} finally {
  clearInterval(sampler);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
const best = Math.min(...times);
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
console.log(`jixiao (end to end, embedded store): ${files.length} files, ${pages} pages, ${records} records`);
console.log(`  rounds ${rounds}: best ${best.toFixed(2)} s, median ${median.toFixed(2)} s → ${(pages / median).toFixed(1)} pages/s (median), ${(pages / best).toFixed(1)} pages/s (best)`);
console.log(`  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
console.log(`  CPU profile by stage (one extra round, ${profiled.result} pages):`);
for (const line of stageTable(profiled.stages, profiled.result)) console.log(line);
for (const line of exportLines) console.log(line);

const hasPdftotext = spawnSync("pdftotext", ["-v"]).error === undefined;
if (hasPdftotext) {
  const t0 = performance.now();
  for (let round = 0; round < rounds; round++) for (const f of files) execFileSync("pdftotext", ["-layout", f, "-"], { maxBuffer: 1 << 28 });
  const secs = (performance.now() - t0) / 1000 / rounds;
  console.log(`pdftotext -layout (text only, no tables/records): ${secs.toFixed(2)} s per round → ${(pages / secs).toFixed(1)} pages/s`);
} else {
  console.log("pdftotext not installed (apt-get install poppler-utils) — no comparison");
}

// ---- jixiao run, whole process --------------------------------------------------------------
// `jixiao run` of the same files as a user runs it (its own process: start-up, PGlite, the
// extraction processes), on a fresh store, then again on that store (every document stored: none
// is extracted), each pair next to pdftotext -layout on the same files, in turn, `rounds` times.
{
  const bin = join(repo, "packages", "cli", "dist", "bin.js");
  const wall = (fn) => {
    const t0 = performance.now();
    fn();
    return (performance.now() - t0) / 1000;
  };
  const first = [];
  const again = [];
  const poppler = [];
  for (let round = 0; round < rounds; round++) {
    const runDir = mkdtempSync(join(tmpdir(), "jixiao-bench-run-"));
    try {
      const run = () => {
        const r = spawnSync(process.execPath, [bin, "run", ...files, "--store", join(runDir, "store"), "--out", join(runDir, "out.jsonl"), "--no-progress", "--quiet"], { stdio: ["ignore", "ignore", "inherit"] });
        if (r.status !== 0) throw new Error(`jixiao run exited with ${r.status ?? r.signal}`);
      };
      first.push(wall(run));
      again.push(wall(run));
      if (hasPdftotext) poppler.push(wall(() => files.forEach((f) => execFileSync("pdftotext", ["-layout", f, "-"], { maxBuffer: 1 << 28 }))));
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const list = (xs) => xs.map((x) => x.toFixed(2)).join(", ");
  console.log(`jixiao run, whole process, ${files.length} files (load ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores):`);
  console.log(`  fresh store: median ${med(first).toFixed(2)} s (${list(first)})${poppler.length ? ` = ${(med(first) / med(poppler)).toFixed(1)}× pdftotext -layout (median ${med(poppler).toFixed(2)} s: ${list(poppler)})` : ""}`);
  console.log(`  again, every document stored: median ${med(again).toFixed(2)} s (${list(again)})`);
}

// ---- scans --------------------------------------------------------------------------------
if (!noScans && scanDir) {
  // The scans run in a process of their own, so that its peak RSS is the OCR process's alone.
  // MALLOC_ARENA_MAX as the extraction sandbox sets it for `jixiao run`'s OCR process.
  spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--scans-child", "--scans", scanDir], {
    stdio: "inherit",
    env: { MALLOC_ARENA_MAX: "2", ...process.env },
  });
}

/**
 * Seconds per scanned page and peak RSS of this process (the files read once, as `jixiao run`
 * reads them), then the same files again under the CPU profiler for the stage table (the
 * profiler's sampling slows the main thread: its time is not the figure), then native tesseract
 * on the same pages.
 */
async function benchScans() {
  const { createScanExtractor } = await import("@jixiao/ocr");
  const scanFiles = readdirSync(scanDir).filter((f) => f.endsWith(".pdf")).sort().map((f) => join(scanDir, f));
  const scans = createScanExtractor();
  let scanPeak = 0;
  const scanSampler = setInterval(() => (scanPeak = Math.max(scanPeak, process.memoryUsage().rss)), 20);
  let scanPages = 0;
  const readAll = async () => {
    let pages = 0;
    for (const f of scanFiles) {
      const r = await processFile(f, { extractScan: scans.extractScan });
      if (r.error) throw new Error(`${f}: ${r.error.code} ${r.error.message}`);
      pages += r.pageCount;
    }
    return pages;
  };
  let secs;
  let profiledSecs;
  let profiled;
  let workPeak = 0;
  try {
    const t0 = performance.now();
    scanPages = await readAll();
    secs = (performance.now() - t0) / 1000;
    workPeak = Math.max(scanPeak, process.resourceUsage().maxRSS * 1024);
    const t1 = performance.now();
    profiled = await withStageProfile(readAll, { intervalUs: 2000 });
    profiledSecs = (performance.now() - t1) / 1000;
  } finally {
    clearInterval(scanSampler);
    await scans.close();
  }
  console.log(`jixiao scans (OCR, end to end): ${scanFiles.length} files, ${scanPages} pages from ${scanDir}`);
  scanPeak = Math.max(scanPeak, process.resourceUsage().maxRSS * 1024);
  const mib = (x) => (x / 2 ** 20).toFixed(0);
  console.log(`  ${(secs / scanPages).toFixed(2)} s/page (${secs.toFixed(1)} s, pool started on first use), peak RSS of this OCR process ${mib(workPeak)} MiB (${(workPeak / 1e6).toFixed(0)} MB) while reading`);
  console.log(`  again under the CPU profiler: ${(profiledSecs / scanPages).toFixed(2)} s/page; ${mib(scanPeak)} MiB with the profile built. Main thread by stage (the OCR engines' own threads show as idle here):`);
  for (const line of stageTable(profiled.stages, scanPages)) console.log(line);
  const hasTesseract = spawnSync("tesseract", ["--version"]).error === undefined;
  const hasPdfimages = spawnSync("pdfimages", ["-v"]).error === undefined;
  if (hasTesseract && hasPdfimages) {
    const dir = mkdtempSync(join(tmpdir(), "jixiao-tess-"));
    try {
      let pages = 0;
      let t = 0;
      for (const f of scanFiles) {
        execFileSync("pdfimages", ["-j", f, join(dir, "p")]);
        for (const img of readdirSync(dir).filter((x) => x.startsWith("p-")).sort()) {
          const t1 = performance.now();
          execFileSync("tesseract", [join(dir, img), "-", "-l", "chi_sim+eng"], { stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, OMP_THREAD_LIMIT: "2" } });
          t += performance.now() - t1;
          pages++;
          rmSync(join(dir, img));
        }
      }
      console.log(`tesseract CLI (full page, chi_sim+eng, text only): ${(t / 1000 / pages).toFixed(2)} s/page over ${pages} pages`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else console.log("tesseract CLI or pdfimages not installed — no comparison");
}

// ---- queue mode ---------------------------------------------------------------------------
if (!noQueue) {
  const { benchQueue } = await import("./queue.mjs");
  try {
    await benchQueue(files);
  } catch (err) {
    console.log(`queue mode not measured (Redis and PostgreSQL needed, see test/bench/queue.mjs): ${err.message}`);
  }
}
