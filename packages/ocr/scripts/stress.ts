// Degrades a scan page (extra rotation, lower resolution, darker, noisier) and compares the
// cell texts read from it with those read from the original page.
// Usage: stress.ts <scan.pdf> <page> <extraDegrees> <dpi> <darken 0..1>
import fs from "node:fs";
import { buildTables } from "@jixiao/layout";
import { OcrPool, embeddedPageImage, ocrPageImage, resizeArea, rotateImage } from "@jixiao/ocr";
import { rng } from "../test-fixtures/synthetic.js";

const [file, pageArg, degArg, dpiArg, darkArg] = process.argv.slice(2);
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(file!)) }).promise;
const load = async () => (await embeddedPageImage(await doc.getPage(Number(pageArg)), pdfjs.OPS))!;
const pool = await OcrPool.create();
const texts = async (img: Parameters<typeof ocrPageImage>[0], dpi: number) => {
  const t = Date.now();
  const { page } = await ocrPageImage(img, 1, dpi, pool);
  const tables = buildTables(page);
  const cells = tables.flatMap((t) => t.cells.map((c) => c.text)).filter(Boolean);
  if (process.env.CELLS) for (const t of tables) for (const c of t.cells) console.log(dpi, c.row, c.col, JSON.stringify(c.text), c.confidence.toFixed(2), c.items.map((i) => JSON.stringify(i.bbox)).join(" "));
  return { cells, page, ms: Date.now() - t };
};
const base = await texts((await load()).image, 300);
let img = rotateImage((await load()).image, Number(degArg));
const dpi = Number(dpiArg);
if (dpi < 300) img = resizeArea(img, Math.round((img.width * dpi) / 300), Math.round((img.height * dpi) / 300));
const dark = Number(darkArg);
const rand = rng(3);
for (let i = 0; i < img.data.length; i++) {
  // Grey paper, weaker ink contrast, grain.
  const v = img.data[i]! * (1 - dark * 0.45) + dark * 40 + (rand() - 0.5) * 60 * dark;
  img.data[i] = Math.max(0, Math.min(255, Math.round(v)));
}
const hard = await texts(img, dpi);
const left = [...hard.cells];
let same = 0;
const lost: string[] = [];
for (const c of base.cells) {
  const i = left.indexOf(c);
  if (i >= 0) { same++; left.splice(i, 1); } else lost.push(c);
}
console.log("lost:", lost.slice(0, 20).join(" | "));
console.log(`skew measured ${hard.page.image!.skewDegrees}° (original ${base.page.image!.skewDegrees}°), rulings ${hard.page.rulings.length}/${base.page.rulings.length}, cells ${hard.cells.length}/${base.cells.length}, identical texts ${same}/${base.cells.length}, ${hard.ms} ms vs ${base.ms} ms`);
if (process.env.RULINGS) {
  const fmt = (r: { orientation: string; pos: number; from: number; to: number; width: number }) => `${r.orientation} ${Math.round(r.pos)} ${Math.round(r.from)}-${Math.round(r.to)} w${r.width}`;
  console.log("base:", base.page.rulings.map(fmt).join("; "));
  console.log("hard:", hard.page.rulings.map(fmt).join("; "));
}
console.log("differing:", left.slice(0, 15).join(" | "));
await pool.terminate();
