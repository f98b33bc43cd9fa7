// Development helper: runs scanned PDFs through the full pipeline (processFile with the OCR
// hook, one shared scan extractor), writes each file's records to <outDir>/<stem>.jsonl and
// prints the wall time per file and per page. Score the outputs with test/eval/score.mjs.
//
//   npx tsx --conditions=source scripts/dev-scan-measure.ts <outDir> file.pdf [...]
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { processFile } from "@jixiao/pipeline";
import { createScanExtractor } from "@jixiao/ocr";

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || !files.length) throw new Error("usage: dev-scan-measure.ts <outDir> file.pdf [...]");
mkdirSync(outDir, { recursive: true });
const scans = createScanExtractor();
try {
  for (const f of files) {
    const t0 = performance.now();
    const r = await processFile(f, { extractScan: scans.extractScan });
    const s = (performance.now() - t0) / 1000;
    const stem = basename(f).replace(/\.[^.]*$/, "");
    writeFileSync(join(outDir, `${stem}.jsonl`), r.records.map((x) => JSON.stringify(x)).join("\n") + "\n");
    console.log(
      JSON.stringify({ file: r.file, status: r.status, error: r.error, pages: r.pageCount, records: r.records.length, seconds: +s.toFixed(1), secondsPerPage: +(s / Math.max(1, r.pageCount)).toFixed(2) }),
    );
  }
} finally {
  await scans.close();
}
