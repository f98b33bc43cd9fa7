// Side-by-side check of OCR output against the digital twins: page-by-page cell texts.
// Usage: node --conditions=source --import tsx packages/ocr/scripts/compare.ts [pages=1] [files...]
import fs from "node:fs";
import path from "node:path";
import { OcrPool, extractScanPdf } from "@jixiao/ocr";
import { buildTables, freeItems } from "@jixiao/layout";
import { extractPdf } from "@jixiao/pdf";
import { cleanText } from "@jixiao/core";
import type { Page, Table } from "@jixiao/schemas";

// The shared corpus beside the repository (../shared/corpus), or $CORPUS.
const corpus = process.env.CORPUS ?? path.resolve(import.meta.dirname, "../../../../shared/corpus");
const maxPages = Number(process.argv[2] ?? 1);
const files = process.argv.slice(3).length ? process.argv.slice(3) : fs.readdirSync(`${corpus}/scan`).filter((f) => f.endsWith(".pdf"));
const norm = (s: string) => cleanText(s).normalize("NFKC").replace(/\s+/g, "");
function lev(a: string, b: string): number {
  const A = [...a], B = [...b];
  let prev = Array.from({ length: B.length + 1 }, (_, i) => i);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    for (let j = 1; j <= B.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (A[i - 1] === B[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[B.length]!;
}
const pool = await OcrPool.create(process.env.LANGS ? { langs: process.env.LANGS } : {});
let cells = 0, exact = 0, chars = 0, errs = 0, freeChars = 0, freeErrs = 0;
const wrong: string[] = [];
const perFile: string[] = [];
for (const f of files) {
  const before = { cells, exact, chars, errs };
  const scanData = new Uint8Array(fs.readFileSync(`${process.env.SCAN_DIR ?? `${corpus}/scan`}/${f}`));
  const digData = new Uint8Array(fs.readFileSync(`${corpus}/digital/${f}`));
  const meta = { file: f, sha256: "0".repeat(64) };
  const t0 = Date.now();
  const scan = await extractScanPdf(scanData, meta, { pool });
  console.error(`${f}: ${scan.pages.length} pages in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const dig = await extractPdf(digData, meta);
  for (let pn = 0; pn < Math.min(maxPages, scan.pages.length); pn++) {
    const sp = scan.pages[pn]!;
    const dp = dig.pages[pn]!;
    const k = sp.image!.dpi / 72;
    const st = buildTables(sp);
    const dt = buildTables(dp);
    // Offset between the two: align the first table's top-left corners.
    const dx = st[0] && dt[0] ? st[0].bbox.x0 - dt[0].bbox.x0 * k : 0;
    const dy = st[0] && dt[0] ? st[0].bbox.y0 - dt[0].bbox.y0 * k : 0;
    const scells = st.flatMap((t: Table) => t.cells);
    for (const t of dt) {
      for (const c of t.cells) {
        const want = norm(c.text);
        const b = { x0: c.bbox.x0 * k + dx, y0: c.bbox.y0 * k + dy, x1: c.bbox.x1 * k + dx, y1: c.bbox.y1 * k + dy };
        let best: (typeof scells)[number] | undefined, bestIou = 0;
        for (const s of scells) {
          const ix = Math.max(0, Math.min(b.x1, s.bbox.x1) - Math.max(b.x0, s.bbox.x0));
          const iy = Math.max(0, Math.min(b.y1, s.bbox.y1) - Math.max(b.y0, s.bbox.y0));
          const inter = ix * iy;
          const iou = inter / ((b.x1 - b.x0) * (b.y1 - b.y0) + (s.bbox.x1 - s.bbox.x0) * (s.bbox.y1 - s.bbox.y0) - inter);
          if (iou > bestIou) { bestIou = iou; best = s; }
        }
        const got = best && bestIou > 0.5 ? norm(best.text) : "<no cell>";
        if (!want && !got) continue;
        cells++;
        chars += [...want].length;
        const e = got === "<no cell>" ? [...want].length : lev(want, got);
        errs += e;
        if (e === 0) exact++;
        else wrong.push(`${f} p${pn + 1} r${c.row}c${c.col}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
      }
    }
    // Text outside tables, compared as one string per page (reading order top to bottom).
    const free = (p: Page, tables: Table[]) => norm(freeItems(p.items, tables).sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0).map((i) => i.text).join(""));
    const fw = free(dp, dt), fg = free(sp, st);
    freeChars += [...fw].length;
    // Reading order differs between the two extractors (lines split into label/value pieces),
    // so text outside tables is compared as a bag of characters: missing + extra characters.
    const bag = new Map<string, number>();
    for (const ch of fw) bag.set(ch, (bag.get(ch) ?? 0) + 1);
    let extra = 0;
    for (const ch of fg) {
      const n = bag.get(ch) ?? 0;
      if (n > 0) bag.set(ch, n - 1);
      else extra++;
    }
    const missingChars = [...bag.values()].reduce((a, b) => a + b, 0);
    const fe = Math.max(missingChars, extra);
    freeErrs += fe;
    if (fe) wrong.push(`${f} p${pn + 1} outside tables: ${missingChars} characters missing, ${extra} extra:\n   want ${fw}\n   got  ${fg}`);
  }
  perFile.push(`${f}: cells ${cells - before.cells}, exact ${exact - before.exact}, character errors ${errs - before.errs}/${chars - before.chars}`);
}
await pool.terminate();
console.log(wrong.join("\n"));
console.log(perFile.join("\n"));
console.log(`cells ${cells}, exact ${exact} (${((100 * exact) / cells).toFixed(1)}%), CER ${((100 * errs) / chars).toFixed(2)}% (${errs}/${chars}); outside tables character error (bag of characters) ${((100 * freeErrs) / Math.max(1, freeChars)).toFixed(2)}% (${freeErrs}/${freeChars})`);
