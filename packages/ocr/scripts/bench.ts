// Times extractScanPdf on scan PDFs with one shared pool and samples the process RSS.
// Usage: node --conditions=source --import tsx packages/ocr/scripts/bench.ts [files...] [--out dir] [--repeat n]
import fs from "node:fs";
import path from "node:path";
import { OcrPool, extractScanPdf } from "@jixiao/ocr";

const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const outDir = outIdx >= 0 ? args.splice(outIdx, 2)[1] : undefined;
const repIdx = args.indexOf("--repeat");
const repeat = repIdx >= 0 ? Number(args.splice(repIdx, 2)[1]) : 1;
// Default: the shared scan corpus beside the repository (../shared/corpus/scan).
const dir = path.resolve(import.meta.dirname, "../../../../shared/corpus/scan");
const once = args.length ? args : fs.readdirSync(dir).filter((f) => f.endsWith(".pdf")).map((f) => path.join(dir, f));
const files = Array.from({ length: repeat }, () => once).flat();
let peak = 0;
const rss: number[] = [];
const sample = setInterval(() => {
  const r = process.memoryUsage().rss;
  peak = Math.max(peak, r);
}, 50);
const t0 = Date.now();
const pool = await OcrPool.create();
console.log(`pool of ${pool.size} (${pool.langs}) ready in ${Date.now() - t0} ms`);
let pages = 0;
const tAll = Date.now();
for (const f of files) {
  const t1 = Date.now();
  const doc = await extractScanPdf(new Uint8Array(fs.readFileSync(f)), { file: path.basename(f), sha256: "0".repeat(64) }, { pool });
  const s = (Date.now() - t1) / 1000;
  pages += doc.pages.length;
  rss.push(process.memoryUsage().rss);
  const items = doc.pages.reduce((n, p) => n + p.items.length, 0);
  const skews = doc.pages.map((p) => p.image?.skewDegrees ?? 0);
  console.log(
    `${path.basename(f)}: ${doc.pages.length} pages, ${s.toFixed(1)} s, ${(s / doc.pages.length).toFixed(2)} s/page, ${items} items, ` +
      `skew ${Math.min(...skews).toFixed(2)}…${Math.max(...skews).toFixed(2)}°, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
  if (outDir) fs.writeFileSync(path.join(outDir, path.basename(f) + ".json"), JSON.stringify(doc));
}
const total = (Date.now() - tAll) / 1000;
clearInterval(sample);
console.log(`all: ${pages} pages in ${total.toFixed(1)} s = ${(total / pages).toFixed(2)} s/page; peak RSS ${(peak / 1e6).toFixed(0)} MB; jobs ${pool.stats.jobs}, workers recycled ${pool.stats.recycled}`);
await pool.terminate();
