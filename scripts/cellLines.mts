// Line crops with known truth for the OCR measurement scripts (measure-paddle.mts,
// measure-bitonal-lines.mts, measure-digit-shapes.mts): page images as PGM, the 200 dpi bitonal
// page scans.mjs makes of one, lines of text-layer items inside table cells, the tight ink box of
// a line, and the edit distance the scores use.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compact } from "@jixiao/core";
import type { Page } from "@jixiao/schemas";
import type { GreyImage, PixelRect } from "../packages/ocr/src/greyImage.ts";
// @ts-expect-error: a plain .mjs module without types
import { boxBlur, makeRng, noise, rotate, specks } from "../samples/generator/degrade.mjs";

/** The pages of `pdf` rendered in grey at `dpi` into `dir` (once; pdftoppm), as PGM paths in page order. */
export function renderGrey(pdf: string, dir: string, dpi: number): string[] {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    execFileSync("pdftoppm", ["-gray", "-r", String(dpi), pdf, join(dir, "p")]);
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pgm"))
    .sort((a, b) => Number(a.match(/(\d+)\.pgm$/)![1]) - Number(b.match(/(\d+)\.pgm$/)![1]))
    .map((f) => join(dir, f));
}

/** A binary PGM (P5, 8-bit) as a grey image. */
export function readPgm(path: string): GreyImage {
  const buf = readFileSync(path);
  let pos = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]!))) pos++;
    let t = "";
    while (!/\s/.test(String.fromCharCode(buf[pos]!))) t += String.fromCharCode(buf[pos++]!);
    tokens.push(t);
  }
  pos++;
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  return { width, height, data: new Uint8Array(buf.buffer, buf.byteOffset + pos, width * height).slice() };
}

/** Lines of text-layer items inside table cells (a vertical ruling on either side, spanning the
 * line), each with the tight ink box of its text on `img` (the page rendered at `dpi`). */
export function cellLines(page: Page, img: GreyImage, dpi: number): { rect: PixelRect; truth: string }[] {
  const k = dpi / 72;
  const vr = page.rulings.filter((r) => r.orientation === "v");
  const items = page.items.filter((i) => i.text.trim()).sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
  const between = (xa: number, xb: number, y0: number, y1: number) => vr.some((r) => r.pos > xa && r.pos < xb && r.from < y1 && r.to > y0);
  const groups: (typeof items)[] = [];
  for (const it of items) {
    const h = it.bbox.y1 - it.bbox.y0;
    const g = groups.find((g) => {
      const last = g[g.length - 1]!;
      const ov = Math.min(last.bbox.y1, it.bbox.y1) - Math.max(last.bbox.y0, it.bbox.y0);
      const gap = it.bbox.x0 - last.bbox.x1;
      return ov > 0.6 * Math.min(h, last.bbox.y1 - last.bbox.y0) && gap > -h && gap < 1.2 * h && !between(last.bbox.x1 - 1, it.bbox.x0 + 1, it.bbox.y0, it.bbox.y1);
    });
    if (g) g.push(it);
    else groups.push([it]);
  }
  const out: { rect: PixelRect; truth: string }[] = [];
  for (const g of groups) {
    g.sort((a, b) => a.bbox.x0 - b.bbox.x0);
    const b = {
      x0: Math.min(...g.map((i) => i.bbox.x0)),
      y0: Math.min(...g.map((i) => i.bbox.y0)),
      x1: Math.max(...g.map((i) => i.bbox.x1)),
      y1: Math.max(...g.map((i) => i.bbox.y1)),
    };
    const inCell =
      vr.some((r) => r.pos <= b.x0 + 1 && r.from <= b.y0 + 1 && r.to >= b.y1 - 1) &&
      vr.some((r) => r.pos >= b.x1 - 1 && r.from <= b.y0 + 1 && r.to >= b.y1 - 1);
    if (!inCell) continue;
    const truth = g.map((i) => i.text).join("");
    if (!compact(truth)) continue;
    const ink = inkBox(img, { x0: b.x0 * k - 3, y0: b.y0 * k - 3, x1: b.x1 * k + 3, y1: b.y1 * k + 3 });
    if (!ink || ink.y1 - ink.y0 < 8) continue;
    out.push({ rect: ink, truth });
  }
  return out;
}

/** Tight box of dark pixels, ignoring rows/columns that are almost all ink (rulings). */

/** The tight box of dark ink (< 160) in `r`, leaving out rows and columns that are nearly all ink (rulings). */
export function inkBox(img: GreyImage, r: PixelRect): PixelRect | undefined {
  const x0 = Math.max(0, Math.floor(r.x0));
  const y0 = Math.max(0, Math.floor(r.y0));
  const x1 = Math.min(img.width, Math.ceil(r.x1));
  const y1 = Math.min(img.height, Math.ceil(r.y1));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return undefined;
  const rowInk = new Array<number>(h).fill(0);
  const colInk = new Array<number>(w).fill(0);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (img.data[(y0 + y) * img.width + x0 + x]! < 160) {
    rowInk[y]!++;
    colInk[x]!++;
  }
  const ys = rowInk.flatMap((n, i) => (n > 0 && n < 0.9 * w ? [i] : []));
  const xs = colInk.flatMap((n, i) => (n > 0 && n < 0.9 * h ? [i] : []));
  if (!ys.length || !xs.length) return undefined;
  return { x0: x0 + xs[0]!, y0: y0 + ys[0]!, x1: x0 + xs.at(-1)! + 1, y1: y0 + ys.at(-1)! + 1 };
}

/** Edit distance between two character lists. */
export function levenshtein(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

type FloatImage = { width: number; height: number; data: Float32Array };

/**
 * samples/generator/scans.mjs's g4-200 bitonal page with its PRNG (`rngKey`, scans.mjs's
 * "seed:g4-200:name:page"): the parameters are drawn in the same order; `threshold` overrides the
 * drawn one; the skew is applied only when `skew`.
 */
export function bitonalPage(clean: GreyImage, rngKey: string, skew: boolean, threshold?: number): { grey: GreyImage; params: Record<string, number> } {
  const rng = makeRng(rngKey);
  const params = {
    angle: Math.round(rng.uniform(-2, 2) * 1000) / 1000,
    specks: rng.int(40, 150),
    sigma: Math.round(rng.uniform(12, 18) * 10) / 10,
    threshold: Math.round(rng.uniform(135, 165)),
  };
  if (threshold !== undefined) params.threshold = threshold;
  const raster: FloatImage = { width: clean.width, height: clean.height, data: Float32Array.from(clean.data) };
  const rot: FloatImage = skew ? rotate(raster, params.angle) : raster;
  const bl: FloatImage = boxBlur(rot, 1);
  for (let i = 0; i < rot.data.length; i++) bl.data[i] = 0.5 * rot.data[i]! + 0.5 * bl.data[i]!;
  specks(bl, rng, params.specks);
  noise(bl, rng, params.sigma);
  const out = new Uint8Array(bl.data.length);
  for (let i = 0; i < out.length; i++) out[i] = bl.data[i]! < params.threshold ? 0 : 255;
  return { grey: { width: clean.width, height: clean.height, data: out }, params: skew ? params : { ...params, angle: 0 } };
}
