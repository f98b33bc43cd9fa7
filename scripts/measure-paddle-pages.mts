// What a second engine would cost per page of a real scan: runs the scan path's page OCR
// (ocrPageImage, unchanged) on pages of the corpus scans with a pool that records every
// Tesseract call, then reads the same one-line crops (psm 7, the same processed page image and
// rectangle) with PP-OCRv4 and compares the two readings.
//
//   npx tsx --conditions source scripts/measure-paddle-pages.mts [--pages 8] [--min-width 160]
//        [--inline] [scan.pdf ...]
//
// Prints per page: Tesseract calls (psm 7 / psm 6), distinct psm-7 rectangles, wall and CPU time
// of the page with Tesseract alone, Paddle's CPU time on the distinct rectangles, how often
// the engines agree, and Paddle's confidence where they disagree. With --inline, each page is
// run again with Paddle reading every psm-7 crop as the pipeline asks for it (both engines
// competing for the two cores) and that wall time is printed too.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { OcrPool, type OcrLine, type Psm, type RecognizeOptions } from "../packages/ocr/src/OcrPool.ts";
import { ocrPageImage } from "../packages/ocr/src/ocrPageImage.ts";
import { fixOcrText } from "../packages/ocr/src/fixOcrText.ts";
import { cropImage, type GreyImage, type PixelRect } from "../packages/ocr/src/greyImage.ts";
import { PaddleRecognizer, sameReading } from "../packages/ocr/src/PaddleRecognizer.ts";
const SCAN_DIR = join(import.meta.dirname, "..", "..", "shared", "corpus", "scan");

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const PAGES = Number(opt("pages", "8"));
const MIN_WIDTH = Number(opt("min-width", "160"));
const INLINE = args.includes("--inline");
const files = args.filter((a, i) => a.endsWith(".pdf") && !args[i - 1]?.startsWith("--"));
const scans = files.length ? files : readdirSync(SCAN_DIR).filter((f) => f.endsWith(".pdf")).sort().map((f) => join(SCAN_DIR, f));
const WORK = "/tmp/paddle-measure/scan-pages";
mkdirSync(WORK, { recursive: true });

function readPgm(path: string): GreyImage {
  const buf = readFileSync(path);
  const head = buf.subarray(0, 64).toString("latin1");
  const m = head.match(/^P5\s+(\d+)\s+(\d+)\s+255\s/)!;
  return { width: Number(m[1]), height: Number(m[2]), data: new Uint8Array(buf.subarray(m[0].length, m[0].length + Number(m[1]) * Number(m[2]))) };
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Pages: spread over the files (every file's pages in turn) up to PAGES.
const pages: { file: string; n: number; path: string }[] = [];
const counts = scans.map((f) => Number(execFileSync("pdfinfo", [f]).toString().match(/Pages:\s+(\d+)/)![1]));
for (let n = 1; pages.length < PAGES && counts.some((c) => c >= n); n++) {
  scans.forEach((f, i) => {
    if (pages.length < PAGES && counts[i]! >= n) {
      const prefix = join(WORK, `${basename(f, ".pdf")}-${n}`);
      const path = `${prefix}.pgm`;
      // The scans embed one 300-dpi grey image per page: rendering at 300 dpi gives its pixels.
      if (!existsSync(path)) execFileSync("pdftoppm", ["-gray", "-r", "300", "-f", String(n), "-l", String(n), "-singlefile", f, prefix]);
      pages.push({ file: basename(f), n, path });
    }
  });
}

const pool = await OcrPool.create({ size: 2 });
const paddle = await PaddleRecognizer.create({ threads: 1 });
type Call = { psm: Psm; rect: PixelRect; crop: GreyImage; opts: RecognizeOptions; lines?: OcrLine[] };

/** An OcrPool stand-in that records the calls (and optionally reads psm-7 crops with Paddle too). */
function recordingPool(calls: Call[], inline: boolean): OcrPool {
  const chain: Promise<unknown>[] = [];
  let last: Promise<unknown> = Promise.resolve();
  const proxy = {
    recognize: async (image: GreyImage, rect: PixelRect, psm: Psm = 7, o: RecognizeOptions = {}) => {
      const call: Call = { psm, rect, crop: cropImage(image, rect), opts: o };
      calls.push(call);
      if (inline && psm === 7) {
        const crop = call.crop;
        last = last.then(() => paddle.recognizeLine(crop, { x0: 0, y0: 0, x1: crop.width, y1: crop.height }, { minWidth: MIN_WIDTH }));
        chain.push(last);
      }
      call.lines = await pool.recognize(image, rect, psm, o);
      return call.lines;
    },
    get ocrDpi() {
      return pool.ocrDpi;
    },
  };
  (proxy as unknown as { done: () => Promise<unknown> }).done = () => Promise.all(chain);
  return proxy as unknown as OcrPool;
}

const totals = { pages: 0, tessWall: 0, tessCpu: 0, calls7: 0, calls6: 0, rects: 0, paddleCpu: 0, agree: 0, compared: 0, inlineWall: 0, lowConf: 0 };
const disagreements: string[] = [];
for (const p of pages) {
  const base = readPgm(p.path);
  // Tesseract alone (the pipeline as it is), recording its calls.
  const calls: Call[] = [];
  let t0 = performance.now();
  let c0 = cpuMs();
  const res = await ocrPageImage({ ...base, data: base.data.slice() }, p.n, 300, recordingPool(calls, false));
  const tessWall = performance.now() - t0;
  const tessCpu = cpuMs() - c0;
  // Paddle on each distinct psm-7 crop (the first call for a rectangle; retries at another dpi are the same crop).
  const seen = new Set<string>();
  const distinct = calls.filter((c) => {
    if (c.psm !== 7) return false;
    const k = `${c.rect.x0},${c.rect.y0},${c.rect.x1},${c.rect.y1}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  c0 = cpuMs();
  let agree = 0;
  let low = 0;
  for (const c of distinct) {
    const r = await paddle.recognizeLine(c.crop, { x0: 0, y0: 0, x1: c.crop.width, y1: c.crop.height }, { minWidth: MIN_WIDTH });
    const tess = fixOcrText((c.lines ?? []).map((l) => l.text).join(""));
    if (r.confidence < 0.99) low++;
    if (sameReading(tess, r.text)) agree++;
    else disagreements.push(`${p.file}:${p.n} tess ${JSON.stringify(tess)} (${Math.min(1, ...(c.lines ?? []).map((l) => l.confidence)).toFixed(2)}) paddle ${JSON.stringify(r.text)} (${r.confidence.toFixed(2)})`);
  }
  const paddleCpu = cpuMs() - c0;
  let inlineWall = 0;
  if (INLINE) {
    const calls2: Call[] = [];
    const rp = recordingPool(calls2, true);
    t0 = performance.now();
    await ocrPageImage({ ...base, data: base.data.slice() }, p.n, 300, rp);
    await (rp as unknown as { done: () => Promise<unknown> }).done();
    inlineWall = performance.now() - t0;
  }
  const c7 = calls.filter((c) => c.psm === 7).length;
  console.log(
    `${p.file} p${p.n}: items ${res.page.items.length}, tesseract calls psm7 ${c7} psm6 ${calls.length - c7}, distinct psm7 rects ${distinct.length}; tesseract page wall ${tessWall.toFixed(0)} ms CPU ${tessCpu.toFixed(0)} ms; paddle CPU ${paddleCpu.toFixed(0)} ms (${(paddleCpu / Math.max(1, distinct.length)).toFixed(1)}/line); agree ${agree}/${distinct.length}; paddle min<0.99 ${low}${INLINE ? `; both inline wall ${inlineWall.toFixed(0)} ms` : ""}`,
  );
  Object.assign(totals, {
    pages: totals.pages + 1,
    tessWall: totals.tessWall + tessWall,
    tessCpu: totals.tessCpu + tessCpu,
    calls7: totals.calls7 + c7,
    calls6: totals.calls6 + calls.length - c7,
    rects: totals.rects + distinct.length,
    paddleCpu: totals.paddleCpu + paddleCpu,
    agree: totals.agree + agree,
    compared: totals.compared + distinct.length,
    inlineWall: totals.inlineWall + inlineWall,
    lowConf: totals.lowConf + low,
  });
}
await pool.terminate();
await paddle.close();
const n = totals.pages;
console.log(
  `\nper page (${n} pages): tesseract calls ${(totals.calls7 / n).toFixed(0)} psm7 + ${(totals.calls6 / n).toFixed(0)} psm6, distinct line crops ${(totals.rects / n).toFixed(0)}; ` +
    `tesseract-only wall ${(totals.tessWall / n / 1000).toFixed(2)} s, CPU ${(totals.tessCpu / n / 1000).toFixed(2)} s; ` +
    `paddle CPU on every line ${(totals.paddleCpu / n / 1000).toFixed(2)} s; agree ${totals.agree}/${totals.compared} (${((100 * totals.agree) / totals.compared).toFixed(1)}%); paddle min<0.99 on ${((100 * totals.lowConf) / totals.compared).toFixed(1)}% of lines` +
    (INLINE ? `; both inline wall ${(totals.inlineWall / n / 1000).toFixed(2)} s` : ""),
);
console.log("disagreements:");
for (const d of disagreements) console.log("  " + d);
