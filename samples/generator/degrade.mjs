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
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const jpeg = require("jpeg-js");

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

// ---------------------------------------------------------------- JPEG (greyscale)

/**
 * Encodes a grey image with jpeg-js at `quality`. jpeg-js always writes three components
 * (Y, Cb, Cr, 1×1 sampling, one interleaved scan); for a grey input Cb and Cr are flat. The
 * result is re-packed without loss as a one-component baseline JPEG: the Y blocks' entropy-coded
 * bits are copied verbatim (each component has its own DC predictor, and with 1×1 sampling the
 * interleaved MCU order is the Y block order), Cb/Cr blocks are dropped. The JFIF header records
 * the dpi.
 */
export function encodeGreyJpeg(img, quality, dpi) {
  const { width, height, data } = img;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    rgba[j] = rgba[j + 1] = rgba[j + 2] = data[i];
    rgba[j + 3] = 255;
  }
  const colour = jpeg.encode({ data: rgba, width, height }, quality).data;
  return toGreyscaleJpeg(colour, dpi);
}

/** Re-packs a 3-component, 1×1-sampled, single-scan baseline JPEG as its Y component alone. */
export function toGreyscaleJpeg(buf, dpi = 72) {
  let pos = 2;
  if (buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error("not a JPEG");
  const dqt = new Map(); // table id → 64 bytes (8-bit precision)
  const dht = new Map(); // (class<<4 | id) → { counts, symbols }
  let frame = null;
  let scan = null;
  while (pos < buf.length) {
    if (buf[pos] !== 0xff) throw new Error(`JPEG marker expected at ${pos}`);
    const marker = buf[pos + 1];
    pos += 2;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9) break;
    const len = buf.readUInt16BE(pos);
    const seg = buf.subarray(pos + 2, pos + len);
    pos += len;
    if (marker === 0xdb) {
      for (let p = 0; p < seg.length; p += 65) {
        if (seg[p] >> 4) throw new Error("16-bit quantization table not supported");
        dqt.set(seg[p] & 15, seg.subarray(p + 1, p + 65));
      }
    } else if (marker === 0xc4) {
      for (let p = 0; p < seg.length; ) {
        const key = seg[p];
        const counts = seg.subarray(p + 1, p + 17);
        const n = counts.reduce((a, b) => a + b, 0);
        dht.set(key, { counts, symbols: seg.subarray(p + 17, p + 17 + n) });
        p += 17 + n;
      }
    } else if (marker === 0xc0) {
      const comps = [];
      for (let i = 0; i < seg[5]; i++) comps.push({ id: seg[6 + 3 * i], hv: seg[7 + 3 * i], tq: seg[8 + 3 * i] });
      frame = { height: seg.readUInt16BE(1), width: seg.readUInt16BE(3), comps };
    } else if (marker === 0xdd) {
      throw new Error("restart intervals not supported");
    } else if (marker === 0xda) {
      const comps = [];
      for (let i = 0; i < seg[0]; i++) comps.push({ id: seg[1 + 2 * i], td: seg[2 + 2 * i] >> 4, ta: seg[2 + 2 * i] & 15 });
      // entropy-coded data runs to the next marker that is not a stuffed 0xFF00
      let end = pos;
      while (!(buf[end] === 0xff && buf[end + 1] !== 0x00)) end++;
      scan = { comps, data: buf.subarray(pos, end) };
      pos = end;
    } else if (marker >= 0xc1 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new Error("only baseline JPEG is supported");
    }
  }
  if (!frame || !scan) throw new Error("JPEG without frame or scan");
  if (frame.comps.some((c) => c.hv !== 0x11)) throw new Error("only 1×1 sampling is supported");
  if (scan.comps.length !== frame.comps.length) throw new Error("only a single interleaved scan is supported");

  // Huffman decoding tables (canonical codes): per length, first code, count and symbol offset.
  const decoder = (t) => {
    const maxcode = new Int32Array(18).fill(-1);
    const valptr = new Int32Array(17);
    const mincode = new Int32Array(17);
    let code = 0;
    let k = 0;
    for (let l = 1; l <= 16; l++) {
      const n = t.counts[l - 1];
      valptr[l] = k;
      mincode[l] = code;
      code += n;
      k += n;
      maxcode[l] = n ? code - 1 : -1;
      code <<= 1;
    }
    return { maxcode, valptr, mincode, symbols: t.symbols };
  };
  const tables = scan.comps.map((c) => ({ dc: decoder(dht.get(c.td)), ac: decoder(dht.get(0x10 | c.ta)) }));

  // bit reader over the unstuffed data, with an optional "copy" writer for the Y blocks
  const src = scan.data;
  let byteAt = 0;
  let bitsLeft = 0;
  let cur = 0;
  const out = [];
  let acc = 0;
  let accBits = 0;
  let copying = false;
  const putBit = (b) => {
    acc = (acc << 1) | b;
    if (++accBits === 8) {
      out.push(acc);
      if (acc === 0xff) out.push(0x00);
      acc = 0;
      accBits = 0;
    }
  };
  const readBit = () => {
    if (bitsLeft === 0) {
      cur = src[byteAt++];
      if (cur === 0xff) byteAt++; // skip the stuffed 0x00
      bitsLeft = 8;
    }
    const b = (cur >> --bitsLeft) & 1;
    if (copying) putBit(b);
    return b;
  };
  const decode = (t) => {
    let code = 0;
    for (let l = 1; l <= 16; l++) {
      code = (code << 1) | readBit();
      if (t.maxcode[l] >= 0 && code <= t.maxcode[l]) return t.symbols[t.valptr[l] + code - t.mincode[l]];
    }
    throw new Error("bad Huffman code");
  };
  const skipBits = (n) => {
    for (let i = 0; i < n; i++) readBit();
  };
  const blocks = Math.ceil(frame.width / 8) * Math.ceil(frame.height / 8);
  const yIndex = scan.comps.findIndex((c) => c.id === frame.comps[0].id);
  for (let b = 0; b < blocks; b++) {
    for (let ci = 0; ci < scan.comps.length; ci++) {
      copying = ci === yIndex;
      const t = tables[ci];
      skipBits(decode(t.dc));
      for (let k = 1; k < 64; ) {
        const rs = decode(t.ac);
        const r = rs >> 4;
        const s = rs & 15;
        if (s === 0) {
          if (r !== 15) break; // EOB
          k += 16;
          continue;
        }
        k += r;
        skipBits(s);
        k++;
      }
    }
  }
  copying = false;
  while (accBits) putBit(1); // pad the last byte with 1-bits

  const yComp = frame.comps[0];
  const yScan = scan.comps[yIndex];
  const seg = (marker, body) => {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(0xff00 | marker, 0);
    h.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([h, Buffer.from(body)]);
  };
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, dpi >> 8, dpi & 255, dpi >> 8, dpi & 255, 0, 0]);
  const sof = Buffer.from([8, frame.height >> 8, frame.height & 255, frame.width >> 8, frame.width & 255, 1, 1, 0x11, 0]);
  const dcT = dht.get(yScan.td);
  const acT = dht.get(0x10 | yScan.ta);
  const dhtBody = Buffer.concat([Buffer.from([0x00]), dcT.counts, dcT.symbols, Buffer.from([0x10]), acT.counts, acT.symbols]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, jfif),
    seg(0xdb, Buffer.concat([Buffer.from([0]), dqt.get(yComp.tq)])),
    seg(0xc0, sof),
    seg(0xc4, dhtBody),
    seg(0xda, sos),
    Buffer.from(out),
    Buffer.from([0xff, 0xd9]),
  ]);
}

// ---------------------------------------------------------------- PDF writer

/**
 * A minimal image-only PDF: one page per JPEG, each a /DCTDecode greyscale image XObject drawn
 * over the whole page. Page size in points = pixels × 72 / dpi.
 * A page may instead give `data` (the stream), `filter` ("DCTDecode", "FlateDecode"),
 * `colorSpace` ("DeviceGray", "DeviceRGB") and `dpi` (its own resolution); the defaults are the
 * greyscale JPEG in `jpeg` at the `dpi` argument.
 */
export function writeImagePdf(pages, dpi, info = {}) {
  const chunks = [];
  let length = 0;
  const offsets = [];
  const push = (b) => {
    const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
    chunks.push(buf);
    length += buf.length;
  };
  const object = (n, body, stream) => {
    offsets[n] = length;
    push(`${n} 0 obj\n${body}\n`);
    if (stream) {
      push("stream\n");
      push(stream);
      push("\nendstream\n");
    }
    push("endobj\n");
  };
  const pdfString = (s) => `(${String(s).replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const fmt = (v) => String(Math.round(v * 1000) / 1000);
  push("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const n = pages.length;
  // 1 catalog, 2 pages, 3 info, then per page: page, contents, image
  const pageObj = (i) => 4 + 3 * i;
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageObj(i)} 0 R`).join(" ")}] /Count ${n} >>`);
  const infoEntries = Object.entries(info).map(([k, v]) => `/${k} ${pdfString(v)}`).join(" ");
  object(3, `<< ${infoEntries} >>`);
  pages.forEach((p, i) => {
    const w = fmt((p.width * 72) / (p.dpi ?? dpi));
    const h = fmt((p.height * 72) / (p.dpi ?? dpi));
    const stream = p.data ?? p.jpeg;
    const content = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q\n`;
    object(
      pageObj(i),
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im0 ${pageObj(i) + 2} 0 R >> >> /Contents ${pageObj(i) + 1} 0 R >>`,
    );
    object(pageObj(i) + 1, `<< /Length ${content.length} >>`, Buffer.from(content, "latin1"));
    object(
      pageObj(i) + 2,
      `<< /Type /XObject /Subtype /Image /Width ${p.width} /Height ${p.height} /ColorSpace /${p.colorSpace ?? "DeviceGray"} /BitsPerComponent 8 /Filter /${p.filter ?? "DCTDecode"} /Length ${stream.length} >>`,
      stream,
    );
  });
  const size = 4 + 3 * n;
  const xref = length;
  let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let i = 1; i < size; i++) table += `${String(offsets[i]).padStart(10, "0")} 00000 n \n`;
  push(table);
  push(`trailer\n<< /Size ${size} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

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
