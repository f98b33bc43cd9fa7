// Prints the text items of one page: OCR (from a bench.ts --out JSON) next to the digital twin's.
import fs from "node:fs";
import path from "node:path";
import { extractPdf } from "@jixiao/pdf";
import type { DocumentModel } from "@jixiao/schemas";
// Usage: items.ts <dir from bench.ts --out> <stem> <page> [y0 y1]; the digital twin is
// <stem>.pdf in ../shared/corpus/digital beside the repository, or in $DIGITAL.
const [dir, stem, pageArg, y0, y1] = process.argv.slice(2);
const pn = Number(pageArg ?? 1);
const scan = JSON.parse(fs.readFileSync(`${dir}/${stem}.pdf.json`, "utf8")) as DocumentModel;
const dig = await extractPdf(new Uint8Array(fs.readFileSync(path.join(process.env.DIGITAL ?? path.resolve(import.meta.dirname, "../../../../shared/corpus/digital"), `${stem}.pdf`))), { file: stem, sha256: "0".repeat(64) });
const k = scan.pages[pn - 1]!.image!.dpi / 72;
const lo = Number(y0 ?? 0), hi = Number(y1 ?? 1e9);
console.log("--- digital (scaled to px)");
for (const it of dig.pages[pn - 1]!.items) { const b = it.bbox; if (b.y0 * k < lo || b.y0 * k > hi) continue; console.log(Math.round(b.x0 * k), Math.round(b.y0 * k), Math.round(b.x1 * k), Math.round(b.y1 * k), JSON.stringify(it.text)); }
console.log("--- ocr");
for (const it of scan.pages[pn - 1]!.items) { const b = it.bbox; if (b.y0 < lo || b.y0 > hi) continue; console.log(b.x0, b.y0, b.x1, b.y1, JSON.stringify(it.text), it.confidence.toFixed(2)); }
