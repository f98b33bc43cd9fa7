#!/usr/bin/env node
// Makes harder "scans" from digital report PDFs: every page is rasterized in grey at 200 dpi with
// poppler's pdftoppm, then degraded in JS the way a cheap office scan looks, and the pages are
// packed into an image-only PDF (one greyscale JPEG per page, no text layer).
//
//   node samples/generator/degrade.mjs --seed 1 --out-dir /tmp/degraded in1.pdf [in2.pdf ...]
//   node samples/generator/degrade.mjs --seed 1 --out out.pdf in.pdf
//        [--dpi 200]            raster resolution (the page size in points stays the original's)
//        [--quality 70]         JPEG quality (jpeg-js scale)
//        [--manifest m.json]    also write the per-page parameters (angle, paper level, ...) as JSON
//        [--skip rotate,blur,paper,specks,noise]   leave out steps (for finding which one hurts;
//                               the other steps keep their parameters)
//
// Per page, in this order (parameters drawn from a PRNG seeded with `<seed>:<input file name>:<page>`,
// so the output is byte-for-byte the same for the same seed, input name and poppler version):
//   1. rotate by a random angle in ±1.5° about the page centre (bilinear; the uncovered
//      corners are paper);
//   2. blur: 3×3 box blur (radius 1);
//   3. uneven grey paper: white becomes a paper level of 200–230 that varies smoothly over the
//      page (a linear gradient in a random direction, ±8, and a vignette of −6 to −18 in the
//      corners); ink is lifted from 0 to 15–35, so contrast is lower than the original;
//   4. specks: 200–400 dark dots of 1–3 px diameter at random places;
//   5. additive Gaussian noise, σ = 7;
//   6. JPEG at quality 70 (jpeg-js), re-packed losslessly as a one-component (greyscale) JPEG.
// The angles and other parameters are printed (one JSON line per page) and stored in the PDF's
// /Info /Keywords.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { encodeGreyJpeg, writeImagePdf } from "./imagePdf.mjs";

// ---------------------------------------------------------------- seeded PRNG

/** 32-bit string hash (FNV-1a then avalanche), the seed of a page's generator. */
function hashSeed(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: small, fast, deterministic; returns uniform numbers in [0, 1). */
export function makeRng(seedString) {
  let a = hashSeed(seedString);
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare = null;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor((hi - lo + 1) * next()),
    /** Standard normal (Box–Muller, both values used). */
    gauss: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

// ---------------------------------------------------------------- raster input

/**
 * Reads the header of a binary PGM/PPM ("P5"/"P6", maxval 255) as pdftoppm writes it; returns
 * the size and where the pixels start.
 */
export function readPnmHeader(buf, magic) {
  let pos = 0;
  const token = () => {
    for (;;) {
      while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++;
      if (buf[pos] === 0x23) while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      else break;
    }
    const start = pos;
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    return buf.toString("latin1", start, pos);
  };
  if (token() !== magic) throw new Error(`not a binary ${magic === "P5" ? "PGM" : "PPM"} (${magic})`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (maxval !== 255) throw new Error(`${magic} maxval ${maxval} not supported`);
  return { width, height, offset: pos + 1 }; // one whitespace byte after maxval
}

/** Parses a binary PGM (P5, maxval 255) as written by pdftoppm -gray. */
export function readPgm(buf) {
  const { width, height, offset } = readPnmHeader(buf, "P5");
  const data = new Uint8Array(buf.buffer, buf.byteOffset + offset, width * height).slice();
  return { width, height, data };
}

/** Rasterizes every page of a PDF in grey with pdftoppm; returns the pages in order. */
function rasterize(pdf, dpi) {
  const dir = mkdtempSync(join(tmpdir(), "degrade-"));
  try {
    execFileSync("pdftoppm", ["-r", String(dpi), "-gray", pdf, join(dir, "p")]);
    const files = readdirSync(dir).filter((f) => f.endsWith(".pgm"));
    files.sort((a, b) => Number(a.match(/(\d+)\.pgm$/)[1]) - Number(b.match(/(\d+)\.pgm$/)[1]));
    return files.map((f) => readPgm(readFileSync(join(dir, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- degradations (Float32 images)

/** Rotates about the centre by `degrees` (positive = counter-clockwise on screen), bilinear, fill 255. */
export function rotate(img, degrees) {
  const { width: w, height: h, data } = img;
  const out = new Float32Array(w * h);
  const t = (degrees * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    const dy = y - cy;
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      // inverse mapping: source = R(-t) · destination (y grows downwards)
      const sx = c * dx - s * dy + cx;
      const sy = s * dx + c * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xx, yy) => (xx < 0 || yy < 0 || xx >= w || yy >= h ? 255 : data[yy * w + xx]);
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[y * w + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { width: w, height: h, data: out };
}

/** Box blur of radius r (separable, edges clamped). */
export function boxBlur(img, r = 1) {
  const { width: w, height: h, data } = img;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const n = 2 * r + 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += data[row + Math.min(w - 1, Math.max(0, x + k))];
      tmp[row + x] = sum / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
      out[y * w + x] = sum / n;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Uneven grey paper: maps 255 → paper(x, y) and 0 → ink, linearly. paper = base + a linear
 * gradient along a random direction (±gradient at the edges) − vignette · (distance from the
 * centre / half-diagonal)², clamped to [190, 235].
 */
export function paper(img, { base, gradient, direction, vignette, ink }) {
  const { width: w, height: h, data } = img;
  const out = new Float32Array(w * h);
  const cx = w / 2;
  const cy = h / 2;
  const half = Math.hypot(cx, cy);
  const gx = Math.cos(direction);
  const gy = Math.sin(direction);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x - cx) / half;
      const dy = (y - cy) / half;
      let p = base + gradient * (dx * gx + dy * gy) - vignette * (dx * dx + dy * dy);
      p = Math.min(235, Math.max(190, p));
      const i = y * w + x;
      out[i] = ink + ((p - ink) * data[i]) / 255;
    }
  }
  return { width: w, height: h, data: out };
}

/** Dark specks: `count` round dots of diameter 1–3 px, darkness 25–90, soft-edged by coverage. */
export function specks(img, rng, count) {
  const { width: w, height: h, data } = img;
  const placed = [];
  for (let k = 0; k < count; k++) {
    const x = rng.uniform(2, w - 3);
    const y = rng.uniform(2, h - 3);
    const d = rng.uniform(1, 3);
    const level = rng.uniform(25, 90);
    placed.push({ x, y, d, level });
    const r = d / 2;
    for (let yy = Math.floor(y - r - 1); yy <= Math.ceil(y + r + 1); yy++) {
      for (let xx = Math.floor(x - r - 1); xx <= Math.ceil(x + r + 1); xx++) {
        // coverage of the pixel (centre xx+0.5, yy+0.5) by a disc of radius r, approximated
        const dist = Math.hypot(xx + 0.5 - x, yy + 0.5 - y);
        const cover = Math.min(1, Math.max(0, r + 0.5 - dist));
        if (cover <= 0) continue;
        const i = yy * w + xx;
        data[i] = data[i] * (1 - cover) + Math.min(data[i], level) * cover;
      }
    }
  }
  return placed;
}

/** Additive Gaussian noise of standard deviation sigma, in place. */
export function noise(img, rng, sigma) {
  const { data } = img;
  for (let i = 0; i < data.length; i++) data[i] += sigma * rng.gauss();
}

export const toBytes = (img) => {
  const out = new Uint8Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(img.data[i])));
  return { width: img.width, height: img.height, data: out };
};
// ---------------------------------------------------------------- driver

/** Degrades one rasterized page; returns the grey bytes and the parameters drawn. */
export function degradePage(raster, rng, skip = new Set()) {
  const angle = Math.round(rng.uniform(-1.5, 1.5) * 1000) / 1000;
  const params = {
    angle,
    base: Math.round(rng.uniform(200, 230)),
    gradient: Math.round(rng.uniform(-8, 8) * 10) / 10,
    direction: Math.round(rng.uniform(0, 2 * Math.PI) * 1000) / 1000,
    vignette: Math.round(rng.uniform(6, 18) * 10) / 10,
    ink: Math.round(rng.uniform(15, 35)),
    specks: rng.int(200, 400),
    sigma: 7,
  };
  // every parameter is drawn even for skipped steps, so the others stay the same
  let img = skip.has("rotate") ? { ...raster, data: Float32Array.from(raster.data) } : rotate(raster, angle);
  if (!skip.has("blur")) img = boxBlur(img, 1);
  if (!skip.has("paper")) img = paper(img, params);
  if (!skip.has("specks")) specks(img, rng, params.specks);
  if (!skip.has("noise")) noise(img, rng, params.sigma);
  const keys = { rotate: ["angle"], paper: ["base", "gradient", "direction", "vignette", "ink"], specks: ["specks"], noise: ["sigma"] };
  for (const s of skip) for (const k of keys[s] ?? []) delete params[k];
  return { image: toBytes(img), params: { ...params, ...(skip.size ? { skipped: [...skip] } : {}) } };
}

/** Degrades every page of `input` and writes the image-only PDF to `output`. */
export function degradePdf(input, output, { seed, dpi = 200, quality = 70, skip = [] }) {
  const name = basename(input);
  const rasters = rasterize(input, dpi);
  const pages = [];
  const log = [];
  rasters.forEach((raster, i) => {
    const rng = makeRng(`${seed}:${name}:${i + 1}`);
    const { image, params } = degradePage(raster, rng, new Set(skip));
    pages.push({ width: image.width, height: image.height, jpeg: encodeGreyJpeg(image, quality, dpi) });
    log.push({ file: name, page: i + 1, ...params });
  });
  const keywords = log.map((l) => `p${l.page} angle ${l.angle}`).join("; ");
  const pdf = writeImagePdf(pages, dpi, {
    Producer: "samples/generator/degrade.mjs",
    Subject: `degraded scan of ${name}, seed ${seed}, ${dpi} dpi, JPEG q${quality}${skip.length ? `, skipped ${skip.join(",")}` : ""}`,
    Keywords: keywords,
  });
  writeFileSync(output, pdf);
  return log;
}

function parseArgs(argv) {
  const a = { seed: null, outDir: null, out: null, dpi: 200, quality: 70, manifest: null, skip: [], inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === "--seed") a.seed = next();
    else if (k === "--out-dir") a.outDir = next();
    else if (k === "--out") a.out = next();
    else if (k === "--dpi") a.dpi = Number(next());
    else if (k === "--quality") a.quality = Number(next());
    else if (k === "--manifest") a.manifest = next();
    else if (k === "--skip") a.skip = next().split(",").filter(Boolean);
    else if (k.startsWith("--")) throw new Error(`unknown option ${k}`);
    else a.inputs.push(k);
  }
  if (a.seed === null) throw new Error("--seed is required (the output is deterministic given the seed)");
  if (!a.inputs.length) throw new Error("no input PDF");
  if (!a.out === !a.outDir) throw new Error("give either --out file.pdf (one input) or --out-dir dir");
  if (a.out && a.inputs.length !== 1) throw new Error("--out takes exactly one input; use --out-dir");
  const steps = ["rotate", "blur", "paper", "specks", "noise"];
  for (const s of a.skip) if (!steps.includes(s)) throw new Error(`--skip: unknown step ${s} (steps: ${steps.join(", ")})`);
  return a;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  const a = parseArgs(process.argv.slice(2));
  if (a.outDir) mkdirSync(a.outDir, { recursive: true });
  const all = [];
  for (const input of a.inputs) {
    const output = a.out ?? join(a.outDir, basename(input));
    const log = degradePdf(input, output, a);
    for (const l of log) console.log(JSON.stringify(l));
    all.push(...log);
  }
  if (a.manifest) writeFileSync(a.manifest, JSON.stringify(all, null, 2) + "\n");
}
