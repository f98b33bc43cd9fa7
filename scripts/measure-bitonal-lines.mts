// Measures how the preprocessing of a 200 dpi bitonal page (or of its line crops) changes what
// PP-OCR (and Tesseract, on the lines PP-OCR is unsure of) reads.
//
// Crops with known truth: each digital PDF (the corpus and templates.mjs output) is rendered in
// grey at 200 dpi (pdftoppm) and turned into samples/generator/scans.mjs's g4-200 bitonal page
// the same way (half-strength 3×3 blur, specks, noise σ 12–18, threshold), with its PRNG seeded
// as scans.mjs seeds it, but
//   - conditions t135 / t150 / t165: no skew, the threshold forced (the harsh ends and the middle);
//   - condition skew: the drawn skew (±2°) and threshold; the page then goes through the
//     pipeline's own deskew, which resamples it (bilinear), as a real g4-200 page does.
// Every page then goes through the pipeline's preparePage (rulings erased, dust removed), so
// the grey the engines read is the pipeline's. Text items of the digital text layer inside a
// table cell are grouped into lines (as scripts/measure-paddle.mts); a line's crop is the tight
// ink box on the clean page plus the pipeline's 2 px band margin. Truth = the items' text.
//
// Each variant filters the prepared page around the crop (the same result as filtering the
// page), then PP-OCR reads the line as readLinesTwice calls it. With --tess, Tesseract reads the
// lines PP-OCR is unsure of (< 0.99) on the same filtered image, and again at 300 dpi when they
// disagree, so the pipeline's policy (sure / agreed / disputed / silent) can be scored.
//
//   npx tsx --conditions source scripts/measure-bitonal-lines.mts [--seed 1] [--per-family 150] [--calc-weight 2]
//        [--conditions t135,t150,t165,skew] [--variants none,box3,...] [--tess]
//        [--work /tmp/bitonal-measure] [--json out.json] [--errors] PDF...
//
// Caveat: on the unskewed conditions the pipeline's dust removal (removeSpecks: a blob of at most
// dpi/70 px kept only with ink within 5× that on both sides) erases a full-width decimal point
// "．" (3×3 px at 200 dpi, 20+ px from the next digit), so "３．００" reads "300" in every variant;
// a deskewed page resamples the point bigger and keeps it. Compare variants on the other lines.
//
// PDFs: a family name is taken from the path (calc, writer, html, else corpus). Prints per
// variant and condition: exact-match rate, CER, digit-only lines, PP-OCR's confidence on its
// wrong readings (how many are ≥ 0.99: accepted unchecked), 5→3 style digit confusions, and
// with --tess the policy outcome; then the table pooled over the conditions.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { extractPdf } from "@jixiao/pdf";
import type { Page } from "@jixiao/schemas";
// @ts-expect-error: a plain .mjs module without types
import { makeRng } from "../samples/generator/degrade.mjs";
import { fixOcrText } from "../packages/ocr/src/fixOcrText.ts";
import { boxBlur3, cropImage, resizeBilinear, stretchContrast, type GreyImage, type PixelRect } from "../packages/ocr/src/greyImage.ts";
import { PAGE_IMAGE_DEFAULTS } from "../packages/ocr/src/ocrPageImage.ts";
import { OcrPool } from "../packages/ocr/src/OcrPool.ts";
import { PaddleRecognizer, readingKey } from "../packages/ocr/src/PaddleRecognizer.ts";
import { preparePage } from "../packages/ocr/src/pageJobs.ts";
import { bitonalPage, cellLines, levenshtein, readPgm, renderGrey } from "./cellLines.mts";

// ------------------------------------------------------------------ variants

/** A preprocessing: `apply` filters the page (here: a region of it); `crop`, if given, makes PP-OCR's input from a line rect itself. */
type Filter = { apply: (img: GreyImage) => GreyImage; crop?: (img: GreyImage, rect: PixelRect) => GreyImage };

/** Separable Gaussian blur of standard deviation `sigma` (edges clamped). */
function gauss(img: GreyImage, sigma: number): GreyImage {
  const r = Math.max(1, Math.ceil(2.5 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const kn = k.map((v) => v / sum);
  const { width: w, height: h, data } = img;
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let i = -r; i <= r; i++) acc += kn[i + r]! * data[y * w + Math.min(w - 1, Math.max(0, x + i))]!;
    tmp[y * w + x] = acc;
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let i = -r; i <= r; i++) acc += kn[i + r]! * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x]!;
    out[y * w + x] = Math.round(acc);
  }
  return { width: w, height: h, data: out };
}

/** 3×3 median. */
function median3(img: GreyImage): GreyImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h);
  const v = new Array<number>(9);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) v[n++] = data[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!;
    v.sort((a, b) => a - b);
    out[y * w + x] = v[4]!;
  }
  return { width: w, height: h, data: out };
}

/** Grey closing of the (dark) ink with a 2×2 square: a min filter then a max filter; fills 1-px gaps and pits. */
function close2(img: GreyImage): GreyImage {
  const { width: w, height: h, data } = img;
  const at = (d: Uint8Array, x: number, y: number) => d[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  const mn = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mn[y * w + x] = Math.min(at(data, x, y), at(data, x + 1, y), at(data, x, y + 1), at(data, x + 1, y + 1));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = Math.max(at(mn, x, y), at(mn, x - 1, y), at(mn, x, y - 1), at(mn, x - 1, y - 1));
  return { width: w, height: h, data: out };
}

/** A light pixel with at least `min` of its 8 neighbours dark becomes as dark as their mean (fills pits and 1-px breaks). */
function fillPits(img: GreyImage, min = 5): GreyImage {
  const { width: w, height: h, data } = img;
  const out = data.slice();
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    if (data[y * w + x]! < 128) continue;
    let n = 0;
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const v = data[(y + dy) * w + x + dx]!;
      if ((dx || dy) && v < 128) {
        n++;
        s += v;
      }
    }
    if (n >= min) out[y * w + x] = Math.round(s / n);
  }
  return { width: w, height: h, data: out };
}

/** PP-OCR's input made as recognizeLine makes it, but enlarged to height 48 bilinearly (paddleInput's resizeArea repeats pixels). */
function bilinear48(img: GreyImage, rect: PixelRect): GreyImage {
  const h = Math.max(1, rect.y1 - rect.y0);
  const m = Math.round(0.3 * h);
  let crop = stretchContrast(cropImage(img, rect));
  crop = cropImage(crop, { x0: 0, y0: 0, x1: crop.width, y1: crop.height }, m);
  return resizeBilinear(crop, Math.max(1, Math.round((48 * crop.width) / crop.height)), 48);
}

/** Pixel-wise mix of two images of one size: a·x + (1 − a)·y, or the darker of the two when `a` is "min". */
function mix(x: GreyImage, y: GreyImage, a: number | "min"): GreyImage {
  const out = new Uint8Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a === "min" ? Math.min(x.data[i]!, y.data[i]!) : Math.round(a * x.data[i]! + (1 - a) * y.data[i]!);
  return { width: x.width, height: x.height, data: out };
}

const up2 = (img: GreyImage) => resizeBilinear(img, img.width * 2, img.height * 2);
const SOFTEN_FILTERS: Record<string, Filter> = {
  none: { apply: (i) => i },
  box3: { apply: boxBlur3 },
  gauss07: { apply: (i) => gauss(i, 0.7) },
  gauss10: { apply: (i) => gauss(i, 1.0) },
  gauss14: { apply: (i) => gauss(i, 1.4) },
  median3: { apply: median3 },
  "median3+box3": { apply: (i) => boxBlur3(median3(i)) },
  "close2+box3": { apply: (i) => boxBlur3(close2(i)) },
  "fill5+box3": { apply: (i) => boxBlur3(fillPits(i, 5)) },
  "fill6+box3": { apply: (i) => boxBlur3(fillPits(i, 6)) },
  "up2+box3": { apply: (i) => boxBlur3(up2(i)) },
  "up2+gauss14": { apply: (i) => gauss(up2(i), 1.4) },
  "half-box3": { apply: (i) => mix(i, boxBlur3(i), 0.5) },
  "third-box3": { apply: (i) => mix(i, boxBlur3(i), 0.33) },
  "dark-box3": { apply: (i) => mix(i, boxBlur3(i), "min") },
  "half-box3+bil48": { apply: (i) => mix(i, boxBlur3(i), 0.5), crop: bilinear48 },
  "none+bil48": { apply: (i) => i, crop: bilinear48 },
  "box3+bil48": { apply: boxBlur3, crop: bilinear48 },
  "gauss10+bil48": { apply: (i) => gauss(i, 1.0), crop: bilinear48 },
};

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const flag = (name: string) => args.includes(`--${name}`);
const valued = new Set(["seed", "per-family", "calc-weight", "conditions", "variants", "work", "json"]);
const inputs = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1]!.startsWith("--") && valued.has(args[i - 1]!.slice(2))));
const SEED = opt("seed", "1");
const PER_FAMILY = Number(opt("per-family", "150"));
/** The spreadsheet template's lines count this many times the others' (its bitonal scans read worst). */
const CALC_WEIGHT = Number(opt("calc-weight", "2"));
const CONDITIONS = opt("conditions", "t135,t150,t165,skew").split(",");
const VARIANTS = opt("variants", Object.keys(SOFTEN_FILTERS).join(",")).split(",");
const WORK = opt("work", "/tmp/bitonal-measure");
const DPI = 200;
for (const v of VARIANTS) if (!SOFTEN_FILTERS[v]) throw new Error(`unknown variant ${v}: ${Object.keys(SOFTEN_FILTERS).join(", ")}`);
mkdirSync(WORK, { recursive: true });

// ------------------------------------------------------------------ pages

const render = (pdf: string, key: string): string[] => renderGrey(pdf, join(WORK, `clean-${key}`), DPI);

/** scans.mjs's bitonalPage (see bitonalPage in cellLines.mts) for this script's seed. */
const bitonal = (clean: GreyImage, name: string, page: number, skew: boolean, threshold?: number) =>
  bitonalPage(clean, `${SEED}:g4-200:${name}:${page}`, skew, threshold);

// ------------------------------------------------------------------ crops

type Crop = { family: string; doc: string; page: number; rect: PixelRect; truth: string };

/** Lines of table cells with the pipeline's band margin around their ink (readLinesTwice: max(2, dpi / 100)). */
function linesOf(page: Page, img: GreyImage, family: string, doc: string): Crop[] {
  return cellLines(page, img, DPI).map(({ rect: r, truth }) => ({ family, doc, page: page.number, rect: { x0: r.x0 - 2, y0: r.y0 - 2, x1: r.x1 + 2, y1: r.y1 + 2 }, truth }));
}

function shuffle<T>(a: T[], seed: string): T[] {
  const rng = makeRng(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}


// ------------------------------------------------------------------ main

const familyOf = (path: string) => (/calc/.test(path) ? "calc" : /writer/.test(path) ? "writer" : /html/.test(path) ? "html" : "corpus");
const byFamily = new Map<string, Crop[]>();
const pageFiles = new Map<string, string>();
for (const pdf of inputs) {
  const key = createHash("sha256").update(pdf).digest("hex").slice(0, 8) + "-" + basename(pdf, ".pdf");
  const data = new Uint8Array(readFileSync(pdf));
  const model = await extractPdf(data, { file: basename(pdf), sha256: createHash("sha256").update(data).digest("hex") });
  const pngs = render(pdf, key);
  const family = familyOf(pdf);
  for (const page of model.pages) {
    const file = pngs[page.number - 1];
    if (!file) continue;
    pageFiles.set(`${key}:${page.number}`, file);
    const list = byFamily.get(family) ?? [];
    list.push(...linesOf(page, readPgm(file), family, key));
    byFamily.set(family, list);
  }
}
const sample: Crop[] = [];
for (const [family, list] of [...byFamily].sort()) {
  const s = shuffle([...list], `${SEED}:${family}`).slice(0, family === "calc" ? Math.round(CALC_WEIGHT * PER_FAMILY) : PER_FAMILY);
  console.error(`${family}: ${list.length} lines in cells, sampled ${s.length}`);
  sample.push(...s);
}
const isDigits = (t: string) => /^[\d.,%‰+\-]+$/.test(readingKey(t)) && /\d/.test(t);
console.error(`${sample.length} lines, ${sample.filter((c) => isDigits(c.truth)).length} digit-only`);

const paddle = await PaddleRecognizer.create({});
const pool = flag("tess") ? await OcrPool.create({ size: 2 }) : undefined;

type Result = { crop: number; cond: string; variant: string; text: string; conf: number; tess?: string; tess2?: string };
const results: Result[] = [];
const filterMs: Record<string, number> = {};
const pages = [...new Set(sample.map((c) => `${c.doc}:${c.page}`))];
for (const cond of CONDITIONS) {
  const skew = cond === "skew";
  const forced = /^t(\d+)$/.exec(cond)?.[1];
  let measuredSkew = 0;
  for (const pk of pages) {
    const [doc, pageNo] = [pk.slice(0, pk.lastIndexOf(":")), Number(pk.slice(pk.lastIndexOf(":") + 1))];
    const clean = readPgm(pageFiles.get(pk)!);
    const b = bitonal(clean, doc.slice(9), pageNo, skew, forced ? Number(forced) : undefined);
    const prepared = preparePage(b.grey, DPI, PAGE_IMAGE_DEFAULTS);
    measuredSkew += Math.abs(prepared.skewDegrees + b.params.angle!);
    const crops = sample.map((c, i) => [c, i] as const).filter(([c]) => c.doc === doc && c.page === pageNo);
    for (const variant of VARIANTS) {
      const filter = SOFTEN_FILTERS[variant]!;
      const jobs = crops.map(async ([c, i]) => {
        // Filter a region around the crop: the same pixels as filtering the page.
        const pad = 8;
        const region = { x0: Math.max(0, c.rect.x0 - pad), y0: Math.max(0, c.rect.y0 - pad), x1: Math.min(prepared.grey.width, c.rect.x1 + pad), y1: Math.min(prepared.grey.height, c.rect.y1 + pad) };
        const t0 = performance.now();
        const f = filter.apply(cropImage(prepared.grey, region));
        filterMs[variant] = (filterMs[variant] ?? 0) + performance.now() - t0;
        const k = f.width / (region.x1 - region.x0);
        const rect = { x0: (c.rect.x0 - region.x0) * k, y0: (c.rect.y0 - region.y0) * k, x1: (c.rect.x1 - region.x0) * k, y1: (c.rect.y1 - region.y0) * k };
        const r = filter.crop ? await paddle.recognizeCrop(filter.crop(f, rect)) : await paddle.recognizeLine(f, rect);
        const res: Result = { crop: i, cond, variant, text: r.text, conf: r.confidence };
        if (pool && r.confidence < 0.99) {
          const read = async (o: { dpi: number; ocrDpi?: number; upscale?: boolean }) => fixOcrText((await pool.recognize(f, rect, 7, o)).map((l) => l.text).join(""));
          res.tess = await read({ dpi: DPI * k });
          if (readingKey(res.tess) !== readingKey(r.text)) res.tess2 = await read({ dpi: DPI * k, ocrDpi: 300, upscale: true });
        }
        results.push(res);
      });
      await Promise.all(jobs);
    }
  }
  console.error(`${cond}: done; mean |skew error| ${(measuredSkew / pages.length).toFixed(3)}°`);
}
await pool?.terminate();
await paddle.close();

// ------------------------------------------------------------------ report

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(2)}%` : "-");
const right = (r: Result) => readingKey(r.text) === readingKey(sample[r.crop]!.truth);
const confusions = (r: Result) => {
  // digit-for-digit substitutions (same length readings)
  const t = [...readingKey(sample[r.crop]!.truth)];
  const p = [...readingKey(r.text)];
  const out: string[] = [];
  if (t.length === p.length) t.forEach((ch, i) => ch !== p[i] && /\d/.test(ch) && out.push(`${ch}→${p[i]}`));
  return out;
};
function summary(rs: Result[]) {
  const n = rs.length;
  const ok = rs.filter(right).length;
  let e = 0;
  let chars = 0;
  for (const r of rs) {
    const t = [...readingKey(sample[r.crop]!.truth)];
    e += levenshtein([...readingKey(r.text)], t);
    chars += t.length;
  }
  const dig = rs.filter((r) => isDigits(sample[r.crop]!.truth));
  const wrong = rs.filter((r) => !right(r));
  const sureWrong = wrong.filter((r) => r.conf >= 0.99).length;
  const unsure = rs.filter((r) => r.conf < 0.99).length;
  const conf = dig.flatMap(confusions);
  const c53 = conf.filter((c) => c === "5→3" || c === "3→5" || c === "5→6" || c === "6→5" || c === "8→3" || c === "3→8").length;
  const wrongConf = wrong.map((r) => r.conf).sort((a, b) => a - b);
  const med = wrongConf.length ? wrongConf[Math.floor(wrongConf.length / 2)]! : NaN;
  // The pipeline's policy: sure (≥ 0.99) accepted; else Tesseract; agreement (either reading) confirms.
  let silent = 0;
  let disputed = 0;
  if (pool) {
    for (const r of rs) {
      const good = right(r);
      if (r.conf >= 0.99) {
        if (!good) silent++;
        continue;
      }
      const agree = r.text && (readingKey(r.tess ?? "") === readingKey(r.text) || (r.tess2 !== undefined && readingKey(r.tess2) === readingKey(r.text)));
      if (agree) {
        if (!good) silent++;
      } else disputed++;
    }
  }
  return {
    n,
    exact: pct(ok, n),
    cer: pct(e, chars),
    digits: `${pct(dig.filter(right).length, dig.length)} of ${dig.length}`,
    wrong: wrong.length,
    sureWrong,
    wrongConfMedian: med.toFixed(3),
    unsure: pct(unsure, n),
    digitConfusions: conf.length,
    c53,
    ...(pool ? { disputed: pct(disputed, n), silent } : {}),
  };
}
const table: Record<string, unknown>[] = [];
for (const cond of [...CONDITIONS, "all"]) {
  console.log(`\n== ${cond}`);
  console.log("variant        lines  exact    CER     digit-only exact   wrong  wrong≥0.99  wrongConfMed  <0.99   digitSubst 5/3-like" + (pool ? "  disputed  silent" : ""));
  for (const variant of VARIANTS) {
    const rs = results.filter((r) => r.variant === variant && (cond === "all" || r.cond === cond));
    const s = summary(rs);
    table.push({ cond, variant, ...s });
    console.log(
      `${variant.padEnd(14)}${String(s.n).padStart(6)}  ${s.exact.padStart(7)} ${s.cer.padStart(7)}  ${s.digits.padStart(18)}  ${String(s.wrong).padStart(5)}  ${String(s.sureWrong).padStart(10)}  ${s.wrongConfMedian.padStart(12)}  ${s.unsure.padStart(6)}  ${String(s.digitConfusions).padStart(10)} ${String(s.c53).padStart(8)}` +
        (pool ? `  ${String(s.disputed).padStart(8)}  ${String(s.silent).padStart(6)}` : ""),
    );
  }
}
console.log("\nfilter cost (ms per line region): " + VARIANTS.map((v) => `${v} ${((filterMs[v] ?? 0) / (sample.length * CONDITIONS.length)).toFixed(2)}`).join(", "));
if (flag("errors")) {
  for (const variant of VARIANTS) {
    console.log(`\n-- errors of ${variant} (truth | reading | PP-OCR min confidence${pool ? " | Tesseract" : ""})`);
    for (const r of results.filter((r) => r.variant === variant && !right(r))) {
      console.log(`  ${r.cond.padEnd(5)} ${JSON.stringify(sample[r.crop]!.truth)} | ${JSON.stringify(r.text)} | ${r.conf.toFixed(3)}${r.tess !== undefined ? ` | ${JSON.stringify(r.tess)}${r.tess2 !== undefined ? ` / ${JSON.stringify(r.tess2)}` : ""}` : ""}`);
    }
  }
}
const jsonOut = opt("json", "");
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ seed: SEED, conditions: CONDITIONS, variants: VARIANTS, lines: sample, results, table }, null, 1));
