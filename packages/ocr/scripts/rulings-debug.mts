// Debug view of the ruling step: deskewed mask with the found rulings drawn, and the tables.
// Usage: npx tsx --conditions source packages/ocr/scripts/rulings-debug.mts FILE.pdf [page ...] [--png dir]
import fs from "node:fs";
import { forEachScanPage } from "./scanPages.mjs";
import path from "node:path";
import { PNG } from "pngjs";
import { buildTables } from "@jixiao/layout";
import type { Page } from "@jixiao/schemas";
import { PAGE_IMAGE_DEFAULTS } from "../src/ocrPageImage.js";
import { deskewPage, rulingOptions } from "../src/pageJobs.js";
import { findRulings, besideInk, toPageRulings } from "../src/findRulings.js";

const args = process.argv.slice(2);
const pi = args.indexOf("--png");
const pngDir = pi >= 0 ? args.splice(pi, 2)[1] : undefined;
const file = args.shift()!;
const wantPages = args.map(Number);
await forEachScanPage(file, wantPages, async ({ n, image: clamped, dpi }) => {
  // The page pipeline's own first steps (pageJobs.ts), so this view cannot drift from them.
  const { grey, mask, dpi: pageDpi, skewDegrees: skew, bitonal } = deskewPage(clamped, dpi, PAGE_IMAGE_DEFAULTS);
  const t0 = performance.now();
  const extra = JSON.parse(process.env.RULINGS_OPTS ?? "{}") as Record<string, unknown>;
  const found = findRulings(mask, { ...rulingOptions(pageDpi, bitonal), ...extra });
  const ms = performance.now() - t0;
  const { width, height } = grey;
  const page: Page = {
    number: n, width, height, unit: "px", origin: "top-left", items: [], rulings: toPageRulings(found), tables: [],
    image: { width, height, dpi: pageDpi, skewDegrees: skew },
  };
  const tables = buildTables(page);
  const nh = found.filter((r) => r.orientation === "h").length;
  console.log(
    `p${n} ${width}x${height} dpi ${pageDpi.toFixed(0)} bitonal ${bitonal} skew ${skew.toFixed(2)} rulings h${nh} v${found.length - nh} ${ms.toFixed(0)} ms; tables ` +
      tables.map((t) => `${t.rowEdges.length - 1}x${t.colEdges.length - 1}/${t.cells.length}c`).join(" "),
  );
  if (process.env.SANDWICH) {
    for (const r of found) {
      const sw = besideInk(mask, r, 2, Math.round(pageDpi / 40));
      if (Math.max(sw.a, sw.b) >= Number(process.env.SANDWICH)) console.log(`  ${r.orientation} pos ${r.pos.toFixed(1)} ${r.from}..${r.to} w ${r.width.toFixed(1)} beside ${sw.a.toFixed(2)} ${sw.b.toFixed(2)} ${sw.both.toFixed(2)}`);
    }
  }
  if (pngDir) {
    const png = new PNG({ width, height });
    for (let i = 0; i < width * height; i++) {
      const v = mask.data[i] ? 120 : 255;
      png.data[4 * i] = v; png.data[4 * i + 1] = v; png.data[4 * i + 2] = v; png.data[4 * i + 3] = 255;
    }
    for (const r of found) {
      const c = r.orientation === "h" ? [255, 0, 0] : [0, 0, 255];
      for (let a = Math.floor(r.from); a < Math.ceil(r.to); a++) {
        const p = Math.round(r.pos);
        const [x, y] = r.orientation === "h" ? [a, p] : [p, a];
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const i = y * width + x;
        png.data[4 * i] = c[0]!; png.data[4 * i + 1] = c[1]!; png.data[4 * i + 2] = c[2]!;
      }
    }
    fs.mkdirSync(pngDir, { recursive: true });
    fs.writeFileSync(path.join(pngDir, `${path.basename(file, ".pdf")}-p${n}.png`), PNG.sync.write(png));
  }
});
