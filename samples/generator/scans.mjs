#!/usr/bin/env node
// Makes archive-like scans of digital report PDFs under the named conditions of issue 12 (the
// conditions the evaluators measure on), each an image-only PDF with its truth jsonl copied
// alongside under the same basename, so `jixiao run` + the scorer can measure them.
//
//   node samples/generator/scans.mjs --out DIR --seed 1 [--conditions grey300,g4-200]
//        [--truth TRUTHDIR] in1.pdf [in2.pdf ...]
//        [--name-with-parent]   output names <parent dir>-<name>.pdf (for templates.mjs output,
//                               where writer/baseline.pdf and calc/baseline.pdf would collide)
//        [--g4-wrapper img2pdf|tiff2pdf]   how the G4 TIFF becomes a PDF (default img2pdf)
//        [--skip rotate,blur,paper,specks,noise,seal]   leave out steps (the other parameters stay;
//                               seal200's skew and noise are always applied, seal can be skipped)
//        [--quiet]
//
// writes DIR/<condition>/<name>.pdf, DIR/<condition>/<name>.jsonl (the input's truth, found next
// to the input or in --truth as <stem>.jsonl; a PDF without truth is an error) and
// DIR/<condition>/manifest.json (per file and page: the parameters drawn, the encoding; entries
// of other files already there with the same seed are kept).
//
// Conditions (all pages are rasterized by poppler's pdftoppm at the condition's dpi; the page
// size in points stays the original's, except pages turned by 90°/270°, which are landscape):
//   grey300         300 dpi grey, skew ±0.7°, light paper (245–252, ±3 gradient), ink 5–15, 0–40
//                   specks, noise σ 3; alternately (by input order) JPEG q90 and Flate (the raw
//                   grey bytes, /FlateDecode, no predictor).
//   noisy200        200 dpi grey, exactly degrade.mjs's degradePage: skew ±1.5°, 3×3 blur, uneven
//                   paper 200–230 with vignette, ink 15–35, 200–400 specks, noise σ 7, JPEG q70.
//   jpeg150         150 dpi grey, skew ±1°, paper 232–248 (±5 gradient), ink 10–25, 0–80 specks,
//                   noise σ 4, JPEG q60.
//   g4-200          200 dpi bitonal: skew ±2°, half-strength 3×3 blur, 40–150 specks, noise
//                   σ 12–18, threshold 135–165 (so strokes and rulings come out ragged), CCITT
//                   Group 4 (ImageMagick -compress Group4, one strip) wrapped by img2pdf without
//                   re-encoding (/CCITTFaxDecode, /K -1).
//   g4-300-rotated  300 dpi bitonal like g4-200 but skew ±1°, and per document one page turned
//                   180° and another (when there is one) 90° or 270° clockwise: the raster itself
//                   is turned (the page becomes landscape), there is no /Rotate.
//   seal200         200 dpi, rendered in RGB; on every page that holds a report's 总分/合计/总计 row
//                   (the report's last page) a red round seal (3.8–4.2 cm; one ring, or a thick
//                   and a thin ring; the office's name around the top, a star in the middle,
//                   sometimes a line of text under it) is stamped semi-transparently (multiplied;
//                   ink strength 0.7–0.95 × a texture of 0.55–1 over the seal) with its centre on
//                   that row (or between it and a 填报单位（盖章） line under it), over the score
//                   columns (centre at 52–80 % of the page width); then skew
//                   ±0.7°, converted to grey as a scanner does (luminance 0.299 R + 0.587 G +
//                   0.114 B), noise σ 3, JPEG q85.
//   seal200-colour  the same pages (same seal, same skew) kept in colour: RGB JPEG q85.
// The seal's name is the department (competent_department / department_name / budget_unit /
// implementing_unit) of the report whose total row it covers (records in document order), the
// truth is unchanged (a person reads through a seal).
//
// Parameters are drawn from PRNGs (degrade.mjs's makeRng) seeded with
// `<seed>:<condition>:<output name>:<page>` (per page) and `<seed>:<condition>:<output name>`
// (per document: which pages are turned), so the output is the same for the same seed, name and
// poppler/ImageMagick versions. seal200 and seal200-colour share their seeds (condition "seal200").
// No JBIG2 condition: there is no JBIG2 encoder on the build machines.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { deflateSync } from "node:zlib";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { boxBlur, makeRng, noise, paper, readPgm, readPnmHeader, rotate, specks, toBytes, degradePage } from "./degrade.mjs";
import { encodeGreyJpeg, writeImagePdf } from "./imagePdf.mjs";
import { placeSeals, sealMask, stampSeal } from "./scanSeal.mjs";

const require = createRequire(import.meta.url);
const jpeg = require("jpeg-js");

/** Steps --skip can leave out (for finding which one hurts); not every condition has every step. */
export const STEPS = ["rotate", "blur", "paper", "specks", "noise", "seal"];

export const CONDITIONS = ["grey300", "noisy200", "jpeg150", "g4-200", "g4-300-rotated", "seal200", "seal200-colour"];

const r3 = (x) => Math.round(x * 1000) / 1000;

// ---------------------------------------------------------------- raster input

/** Number of pages (pdfinfo). */
export function pageCount(pdf) {
  const out = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  const m = out.match(/^Pages:\s+(\d+)/m);
  if (!m) throw new Error(`${pdf}: pdfinfo gives no page count`);
  return Number(m[1]);
}

/** Parses a binary PPM (P6, maxval 255) into three Uint8Array planes. */
export function readPpm(buf) {
  const { width, height, offset: pos } = readPnmHeader(buf, "P6");
  const n = width * height;
  const planes = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)];
  for (let i = 0, j = pos; i < n; i++, j += 3) {
    planes[0][i] = buf[j];
    planes[1][i] = buf[j + 1];
    planes[2][i] = buf[j + 2];
  }
  return { width, height, planes };
}

/** Rasterizes one page (1-based) with pdftoppm: grey PGM, or RGB planes when `colour`. */
export function rasterizePage(pdf, page, dpi, colour, tmp) {
  const base = join(tmp, `r${page}`);
  execFileSync("pdftoppm", ["-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", ...(colour ? [] : ["-gray"]), pdf, base]);
  const file = `${base}.${colour ? "ppm" : "pgm"}`;
  const buf = readFileSync(file);
  rmSync(file);
  return colour ? readPpm(buf) : readPgm(buf);
}

// ---------------------------------------------------------------- bitonal + CCITT G4

/** Thresholds a Float32 grey image: 1 = black where value < t. */
function threshold(img, t) {
  const bits = new Uint8Array(img.width * img.height);
  for (let i = 0; i < bits.length; i++) bits[i] = img.data[i] < t ? 1 : 0;
  return { width: img.width, height: img.height, bits };
}

/** Turns a bitonal/grey raster by 90, 180 or 270 degrees clockwise (exact, a permutation). */
export function turn(img, degrees, key = "bits") {
  const { width: w, height: h } = img;
  const src = img[key];
  if (degrees === 0) return img;
  const out = new src.constructor(w * h);
  const W = degrees === 180 ? w : h;
  const H = degrees === 180 ? h : w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let nx;
      let ny;
      if (degrees === 90) [nx, ny] = [h - 1 - y, x];
      else if (degrees === 180) [nx, ny] = [w - 1 - x, h - 1 - y];
      else [nx, ny] = [y, w - 1 - x];
      out[ny * W + nx] = src[y * w + x];
    }
  }
  return { ...img, width: W, height: H, [key]: out };
}

/** PBM (P4): rows packed MSB first, 1 = black. */
function pbm({ width, height, bits }) {
  const rowBytes = Math.ceil(width / 8);
  const body = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (bits[y * width + x]) body[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return Buffer.concat([Buffer.from(`P4\n${width} ${height}\n`, "latin1"), body]);
}

/** Writes bitonal pages as G4 TIFFs (one strip each) and wraps them into one PDF. */
function writeG4Pdf(pages, dpi, output, tmp, wrapper) {
  const tiffs = pages.map((p, i) => {
    const pb = join(tmp, `g${i + 1}.pbm`);
    const tif = join(tmp, `g${i + 1}.tif`);
    writeFileSync(pb, pbm(p));
    execFileSync("convert", ["-density", String(dpi), "-units", "PixelsPerInch", pb, "-compress", "Group4", "-define", `tiff:rows-per-strip=${p.height}`, tif]);
    rmSync(pb);
    return tif;
  });
  if (wrapper === "tiff2pdf") {
    const multi = join(tmp, "all.tif");
    execFileSync("tiffcp", ["-c", "g4", ...tiffs, multi]);
    execFileSync("tiff2pdf", ["-o", output, multi]);
    rmSync(multi);
  } else {
    execFileSync("img2pdf", ["--producer", "samples/generator/scans.mjs", "-o", output, ...tiffs]);
  }
  for (const t of tiffs) rmSync(t);
}

// ---------------------------------------------------------------- per condition

/** The parameters without those of skipped steps (every one is still drawn, so the others stay the same). */
function skipped(params, skip) {
  if (!skip.size) return params;
  const keys = { rotate: ["angle"], paper: ["base", "gradient", "direction", "vignette", "ink"], specks: ["specks"], noise: ["sigma"] };
  const out = { ...params };
  for (const k of skip) for (const key of keys[k] ?? []) delete out[key];
  return { ...out, skipped: [...skip] };
}

/** Grey page degradations other than noisy200 (which is degradePage itself). */
function greyPage(raster, rng, o, skip) {
  const params = {
    angle: r3(rng.uniform(-o.skew, o.skew)),
    base: Math.round(rng.uniform(o.paper[0], o.paper[1])),
    gradient: Math.round(rng.uniform(-o.gradient, o.gradient) * 10) / 10,
    direction: r3(rng.uniform(0, 2 * Math.PI)),
    vignette: Math.round(rng.uniform(0, o.vignette) * 10) / 10,
    ink: Math.round(rng.uniform(o.ink[0], o.ink[1])),
    specks: rng.int(o.specks[0], o.specks[1]),
    sigma: o.sigma,
  };
  let img = skip.has("rotate") ? { ...raster, data: Float32Array.from(raster.data) } : rotate(raster, params.angle);
  if (!skip.has("paper")) img = paperLight(img, params);
  if (!skip.has("specks")) specks(img, rng, params.specks);
  if (!skip.has("noise")) noise(img, rng, params.sigma);
  return { image: toBytes(img), params: skipped(params, skip) };
}

/** degrade.mjs's paper() clamps to 190–235; a light paper (up to 252) maps like it without the clamp. */
function paperLight(img, p) {
  if (p.base <= 230) return paper(img, p);
  const { width: w, height: h, data } = img;
  const out = new Float32Array(w * h);
  const half = Math.hypot(w / 2, h / 2);
  const gx = Math.cos(p.direction);
  const gy = Math.sin(p.direction);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x - w / 2) / half;
      const dy = (y - h / 2) / half;
      const level = Math.min(254, Math.max(200, p.base + p.gradient * (dx * gx + dy * gy) - p.vignette * (dx * dx + dy * dy)));
      const i = y * w + x;
      out[i] = p.ink + ((level - p.ink) * data[i]) / 255;
    }
  }
  return { width: w, height: h, data: out };
}

/** Bitonal page: skew, half-strength blur, specks, noise, threshold. */
function bitonalPage(raster, rng, skew, skip) {
  const params = {
    angle: r3(rng.uniform(-skew, skew)),
    specks: rng.int(40, 150),
    sigma: Math.round(rng.uniform(12, 18) * 10) / 10,
    threshold: Math.round(rng.uniform(135, 165)),
  };
  const rot = skip.has("rotate") ? { ...raster, data: Float32Array.from(raster.data) } : rotate(raster, params.angle);
  const bl = skip.has("blur") ? rot : boxBlur(rot, 1);
  if (!skip.has("blur")) for (let i = 0; i < rot.data.length; i++) bl.data[i] = 0.5 * rot.data[i] + 0.5 * bl.data[i];
  if (!skip.has("specks")) specks(bl, rng, params.specks);
  if (!skip.has("noise")) noise(bl, rng, params.sigma);
  return { bits: threshold(bl, params.threshold), params: skipped(params, skip) };
}

const DPI = { grey300: 300, noisy200: 200, jpeg150: 150, "g4-200": 200, "g4-300-rotated": 300, seal200: 200, "seal200-colour": 200 };

/**
 * Makes one condition's scan of `input` at `output`; returns the manifest entry
 * { file, source, condition, dpi, encoding, pages: [{ page, ...params }] }.
 */
export function makeScan(input, output, { condition, seed, name = basename(output), records = [], g4Wrapper = "img2pdf", index = 0, skip = [] }) {
  skip = new Set(skip);
  if (!CONDITIONS.includes(condition)) throw new Error(`unknown condition ${condition} (conditions: ${CONDITIONS.join(", ")})`);
  const dpi = DPI[condition];
  const n = pageCount(input);
  const seedCond = condition === "seal200-colour" ? "seal200" : condition;
  const pageRng = (p) => makeRng(`${seed}:${seedCond}:${name}:${p}`);
  const docRng = makeRng(`${seed}:${seedCond}:${name}`);
  const tmp = mkdtempSync(join(tmpdir(), "scans-"));
  const log = [];
  let encoding;
  try {
    if (condition === "g4-200" || condition === "g4-300-rotated") {
      // which pages are turned (per document)
      const turns = new Array(n + 1).fill(0);
      if (condition === "g4-300-rotated") {
        const a = docRng.int(1, n);
        turns[a] = 180;
        if (n > 1) {
          let b = docRng.int(1, n - 1);
          if (b >= a) b++;
          turns[b] = docRng.next() < 0.5 ? 90 : 270;
        }
      }
      const pages = [];
      for (let p = 1; p <= n; p++) {
        const rng = pageRng(p);
        const { bits, params } = bitonalPage(rasterizePage(input, p, dpi, false, tmp), rng, condition === "g4-200" ? 2 : 1, skip);
        pages.push(turn(bits, turns[p]));
        log.push({ page: p, ...params, rotation: turns[p] });
      }
      writeG4Pdf(pages, dpi, output, tmp, g4Wrapper);
      encoding = `CCITT G4 (${g4Wrapper})`;
    } else if (condition === "seal200" || condition === "seal200-colour") {
      const seals = skip.has("seal") ? [] : placeSeals(input, records, docRng, dpi);
      const pages = [];
      for (let p = 1; p <= n; p++) {
        const rng = pageRng(p);
        const img = rasterizePage(input, p, dpi, true, tmp);
        const mine = seals.filter((s) => s.page === p);
        for (const s of mine) stampSeal(img, sealMask({ ...s, tmp }), { ...s, rng: makeRng(`${seed}:seal:${name}:${p}:${s.cx}`) });
        const angle = r3(rng.uniform(-0.7, 0.7));
        const sigma = 3;
        const entry = { page: p, angle, sigma, seals: mine.map(({ name: nm, px, double, bottomText, cx, cy, strength, ink }) => ({ name: nm, diameterPx: Math.round(px), double, bottomText, cx, cy, strength, ink })) };
        if (condition === "seal200") {
          const grey = new Uint8Array(img.width * img.height);
          for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * img.planes[0][i] + 0.587 * img.planes[1][i] + 0.114 * img.planes[2][i]);
          const g = rotate({ width: img.width, height: img.height, data: grey }, angle);
          noise(g, rng, sigma);
          pages.push({ width: img.width, height: img.height, jpeg: encodeGreyJpeg(toBytes(g), 85, dpi) });
        } else {
          const rgb = img.planes.map((pl) => {
            const r = rotate({ width: img.width, height: img.height, data: pl }, angle);
            noise(r, rng, sigma);
            return toBytes(r).data;
          });
          const rgba = Buffer.alloc(img.width * img.height * 4);
          for (let i = 0, j = 0; i < rgb[0].length; i++, j += 4) {
            rgba[j] = rgb[0][i];
            rgba[j + 1] = rgb[1][i];
            rgba[j + 2] = rgb[2][i];
            rgba[j + 3] = 255;
          }
          pages.push({ width: img.width, height: img.height, data: jpeg.encode({ data: rgba, width: img.width, height: img.height }, 85).data, colorSpace: "DeviceRGB" });
        }
        log.push(entry);
      }
      encoding = condition === "seal200" ? "grey JPEG q85" : "RGB JPEG q85";
      writeFileSync(output, writeImagePdf(pages, dpi, info(condition, name, seed, dpi, log)));
    } else {
      const flate = condition === "grey300" && index % 2 === 1;
      const quality = { grey300: 90, noisy200: 70, jpeg150: 60 }[condition];
      encoding = flate ? "grey Flate" : `grey JPEG q${quality}`;
      const pages = [];
      for (let p = 1; p <= n; p++) {
        const rng = pageRng(p);
        const raster = rasterizePage(input, p, dpi, false, tmp);
        const { image, params } =
          condition === "noisy200"
            ? degradePage(raster, rng, skip)
            : greyPage(raster, rng, condition === "grey300"
              ? { skew: 0.7, paper: [245, 252], gradient: 3, vignette: 4, ink: [5, 15], specks: [0, 40], sigma: 3 }
              : { skew: 1, paper: [232, 248], gradient: 5, vignette: 8, ink: [10, 25], specks: [0, 80], sigma: 4 }, skip);
        pages.push(flate
          ? { width: image.width, height: image.height, data: deflateSync(image.data), filter: "FlateDecode" }
          : { width: image.width, height: image.height, jpeg: encodeGreyJpeg(image, quality, dpi) });
        log.push({ page: p, ...params });
      }
      writeFileSync(output, writeImagePdf(pages, dpi, info(condition, name, seed, dpi, log)));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { file: basename(output), source: input, condition, dpi, encoding, pages: log };
}

function info(condition, name, seed, dpi, log) {
  return {
    Producer: "samples/generator/scans.mjs",
    Subject: `${condition} scan of ${name}, seed ${seed}, ${dpi} dpi`,
    Keywords: log.map((l) => `p${l.page} angle ${l.angle}${l.rotation ? ` turned ${l.rotation}` : ""}`).join("; "),
  };
}

// ---------------------------------------------------------------- driver

/** The truth jsonl of a PDF: <stem>.jsonl next to it, else in truthDir. */
export function truthOf(pdf, truthDir) {
  const stem = basename(pdf).replace(/\.pdf$/i, "");
  const candidates = [join(dirname(pdf), `${stem}.jsonl`), ...(truthDir ? [join(truthDir, `${stem}.jsonl`)] : [])];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`${pdf}: no truth (${candidates.join(" or ")})`);
  return found;
}

const readJsonl = (p) => readFileSync(p, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

/**
 * Makes every condition's scans of `inputs` under out/<condition>/; returns the manifests by
 * condition. `log` gets one line per file.
 */
export function makeScans({ inputs, out, seed, conditions = CONDITIONS, truthDir, nameWithParent = false, g4Wrapper = "img2pdf", skip = [], log = () => {} }) {
  for (const k of skip) if (!STEPS.includes(k)) throw new Error(`unknown step ${k} (steps: ${STEPS.join(", ")})`);
  const names = inputs.map((f) => (nameWithParent ? `${basename(dirname(resolve(f)))}-${basename(f)}` : basename(f)));
  const dup = names.find((x, i) => names.indexOf(x) !== i);
  if (dup) throw new Error(`two inputs are named ${dup}; use --name-with-parent`);
  const manifests = {};
  for (const condition of conditions) {
    if (!CONDITIONS.includes(condition)) throw new Error(`unknown condition ${condition} (conditions: ${CONDITIONS.join(", ")})`);
    const dir = join(out, condition);
    mkdirSync(dir, { recursive: true });
    const files = [];
    inputs.forEach((input, index) => {
      const truth = truthOf(input, truthDir);
      const name = names[index];
      const output = join(dir, name);
      const t0 = Date.now();
      const entry = makeScan(input, output, { condition, seed, name, records: readJsonl(truth), g4Wrapper, index, skip });
      writeFileSync(output.replace(/\.pdf$/i, ".jsonl"), readFileSync(truth)); // not copyFileSync: the shared truth is read-only
      files.push(entry);
      log(`${condition}/${name}: ${entry.pages.length} pages, ${entry.encoding}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
    // an existing manifest (other files made earlier with the same seed) keeps its other entries
    const mpath = join(dir, "manifest.json");
    const old = existsSync(mpath) ? JSON.parse(readFileSync(mpath, "utf8")) : null;
    const kept = old && old.seed === String(seed) ? old.files.filter((f) => !files.some((x) => x.file === f.file)) : [];
    manifests[condition] = { condition, seed: String(seed), dpi: DPI[condition], files: [...kept, ...files].sort((a, b) => a.file.localeCompare(b.file)) };
    writeFileSync(mpath, JSON.stringify(manifests[condition], null, 2) + "\n");
  }
  return manifests;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  try {
    const { values: v, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        out: { type: "string" },
        seed: { type: "string" },
        conditions: { type: "string" },
        truth: { type: "string" },
        "name-with-parent": { type: "boolean", default: false },
        "g4-wrapper": { type: "string", default: "img2pdf" },
        skip: { type: "string", default: "" },
        quiet: { type: "boolean", default: false },
      },
    });
    if (!v.out || v.seed === undefined || !positionals.length) {
      throw new Error("usage: scans.mjs --out DIR --seed N [--conditions a,b] [--truth DIR] [--name-with-parent] in.pdf ...");
    }
    if (!["img2pdf", "tiff2pdf"].includes(v["g4-wrapper"])) throw new Error("--g4-wrapper: img2pdf or tiff2pdf");
    makeScans({
      inputs: positionals,
      out: v.out,
      seed: v.seed,
      conditions: v.conditions ? v.conditions.split(",").filter(Boolean) : CONDITIONS,
      truthDir: v.truth,
      nameWithParent: v["name-with-parent"],
      g4Wrapper: v["g4-wrapper"],
      skip: v.skip.split(",").filter(Boolean),
      log: v.quiet ? () => {} : (l) => console.error(l),
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
