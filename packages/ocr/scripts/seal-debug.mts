// Debug view of seal removal: crops of the page around each found seal (grey before, grey after
// removeSeal, deskewed mask with the found rulings), plus the seals and levels found.
// Usage: npx tsx --conditions source packages/ocr/scripts/seal-debug.mts FILE.pdf [page ...] [--png dir] [--full]
import fs from "node:fs";
import { forEachScanPage } from "./scanPages.mjs";
import path from "node:path";
import { PNG } from "pngjs";
import type { GreyImage } from "../src/greyImage.js";
import { removeSeal } from "../src/removeSeal.js";
import { binarize, inkThreshold } from "../src/binarize.js";
import { measureSkew } from "../src/measureSkew.js";
import { rotateImage } from "../src/rotateImage.js";
import { findRulings } from "../src/findRulings.js";

const args = process.argv.slice(2);
const pi = args.indexOf("--png");
const pngDir = pi >= 0 ? args.splice(pi, 2)[1] : undefined;
const fi = args.indexOf("--full");
const full = fi >= 0 ? (args.splice(fi, 1), true) : false;
const file = args.shift()!;
const wantPages = args.map(Number);

function writeCrop(name: string, w: number, h: number, px: (x: number, y: number) => [number, number, number], x0: number, y0: number, x1: number, y1: number) {
  if (!pngDir) return;
  x0 = Math.max(0, x0); y0 = Math.max(0, y0); x1 = Math.min(w, x1); y1 = Math.min(h, y1);
  const cw = x1 - x0, ch = y1 - y0;
  const png = new PNG({ width: cw, height: ch });
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) {
    const [r, g, b] = px(x0 + x, y0 + y);
    const i = 4 * (y * cw + x);
    png.data[i] = r; png.data[i + 1] = g; png.data[i + 2] = b; png.data[i + 3] = 255;
  }
  fs.mkdirSync(pngDir, { recursive: true });
  fs.writeFileSync(path.join(pngDir, name), PNG.sync.write(png));
}

await forEachScanPage(file, wantPages, async ({ n, image: clamped, dpi: pageDpi }) => {
  const t0 = performance.now();
  const res = removeSeal(clamped, pageDpi);
  const ms = performance.now() - t0;
  const unsealed: GreyImage = res.image;
  const threshold = inkThreshold(unsealed);
  let grey = unsealed;
  let mask = binarize(grey, threshold);
  let skew = measureSkew(mask, { maxDegrees: 6 });
  if (Math.abs(skew) >= 0.03) { grey = rotateImage(grey, -skew); mask = binarize(grey, threshold); } else skew = 0;
  const found = findRulings(mask, { dpi: pageDpi });
  const { width: w, height: h } = clamped;
  console.log(`p${n} ${w}x${h} dpi ${pageDpi.toFixed(0)} seals ${JSON.stringify(res.seals.map((s) => ({ cx: Math.round(s.cx), cy: Math.round(s.cy), r: Math.round(s.r) })))} cut ${res.cut} thr ${threshold} skew ${skew.toFixed(2)} ${ms.toFixed(0)} ms`);
  const boxes = full ? [{ x0: 0, y0: 0, x1: w, y1: h }] : res.seals.map((s) => ({ x0: Math.floor(s.cx - s.r * 1.6), y0: Math.floor(s.cy - s.r * 1.3), x1: Math.ceil(s.cx + s.r * 1.6), y1: Math.ceil(s.cy + s.r * 1.3) }));
  const rulingPx = new Map<number, [number, number, number]>();
  for (const r of found) {
    const c: [number, number, number] = r.orientation === "h" ? [255, 0, 0] : [0, 0, 255];
    for (let a = Math.floor(r.from); a < Math.ceil(r.to); a++) {
      const p = Math.round(r.pos);
      const [x, y] = r.orientation === "h" ? [a, p] : [p, a];
      if (x >= 0 && y >= 0 && x < w && y < h) rulingPx.set(y * w + x, c);
    }
  }
  boxes.forEach((b, k) => {
    const base = `${path.basename(file, ".pdf")}-p${n}-s${k}`;
    writeCrop(`${base}-a-before.png`, w, h, (x, y) => { const v = clamped.data[y * w + x]!; return [v, v, v]; }, b.x0, b.y0, b.x1, b.y1);
    writeCrop(`${base}-b-after.png`, w, h, (x, y) => { const v = unsealed.data[y * w + x]!; return [v, v, v]; }, b.x0, b.y0, b.x1, b.y1);
    writeCrop(`${base}-c-mask.png`, grey.width, grey.height, (x, y) => {
      const rp = rulingPx.get(y * grey.width + x);
      if (rp) return rp;
      const v = mask.data[y * grey.width + x] ? 90 : 255; return [v, v, v];
    }, b.x0, b.y0, b.x1, b.y1);
  });
});
