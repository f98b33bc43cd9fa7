// Measures the glyph-shape check that settles a 3/5 disagreement between the OCR engines
// (packages/ocr/src/glyphs.ts: glyphsOfCharacters, threeOrFive) on 200 dpi bitonal pages with known
// truth.
//
// Each digital PDF is rendered in grey at 200 dpi and made into scans.mjs's g4-200 bitonal page
// (bitonalPage in cellLines.mts: conditions t135 / t150 / t165 force the threshold without skew,
// skew draws scans.mjs's own skew and threshold, which the pipeline's deskew then undoes); the
// page goes through the pipeline's preparePage. Every table-cell line whose text is a number
// (digits with . , % ≥ ≤ =) is cut into glyphs on the prepared ink mask as the pipeline cuts it; when
// each glyph can be paired with its character, and every 3 and 5 (and, to see
// what the check says of other digits, every other digit) is put to threeOrFive.
//
//   npx tsx --conditions source scripts/measure-digit-shapes.mts [--seed 1]
//        [--conditions t135,t150,t165,skew] [--work /tmp/digit-shapes] PDF...
//
// Prints per condition: lines, lines cut into as many glyphs as characters, and for truth 3 and 5
// how many glyphs the check called 3, called 5 or left open; other digits it called 3 or 5.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { extractPdf } from "@jixiao/pdf";
import { inkBounds } from "../packages/ocr/src/findTextLines.ts";
import { glyphsOfCharacters, leadingComparison, threeOrFive } from "../packages/ocr/src/glyphs.ts";
import type { InkMask } from "../packages/ocr/src/greyImage.ts";
import { PAGE_IMAGE_DEFAULTS } from "../packages/ocr/src/ocrPageImage.ts";
import { readingKey } from "../packages/ocr/src/PaddleRecognizer.ts";
import { preparePage } from "../packages/ocr/src/pageJobs.ts";
import { bitonalPage, cellLines, readPgm, renderGrey } from "./cellLines.mts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const valued = new Set(["seed", "conditions", "work"]);
const inputs = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1]!.startsWith("--") && valued.has(args[i - 1]!.slice(2))));
const SEED = opt("seed", "1");
const CONDITIONS = opt("conditions", "t135,t150,t165,skew").split(",");
const WORK = opt("work", "/tmp/digit-shapes");
const DPI = 200;
const NUMBER = /^[\d.,%≥≤=+-]+$/;

/** A glyph's ink as rows of "#" and ".". */
function art(mask: { width: number; data: Uint8Array }, g: { x0: number; y0: number; x1: number; y1: number }): string {
  const rows: string[] = [];
  for (let y = g.y0; y < g.y1; y++) {
    let r = "";
    for (let x = g.x0; x < g.x1; x++) r += mask.data[y * mask.width + x] ? "#" : ".";
    rows.push(r);
  }
  return rows.join("\n");
}

type Tally = { lines: number; cut: number; calls: Map<string, number> };
const tallies = new Map<string, Tally>();
const tally = (cond: string) => {
  let t = tallies.get(cond);
  if (!t) tallies.set(cond, (t = { lines: 0, cut: 0, calls: new Map() }));
  return t;
};
const examples: string[] = [];

for (const pdf of inputs) {
  const key = createHash("sha256").update(pdf).digest("hex").slice(0, 8) + "-" + basename(pdf, ".pdf");
  const data = new Uint8Array(readFileSync(pdf));
  const model = await extractPdf(data, { file: basename(pdf), sha256: createHash("sha256").update(data).digest("hex") });
  const pngs = renderGrey(pdf, join(WORK, `clean-${key}`), DPI);
  for (const page of model.pages) {
    const file = pngs[page.number - 1];
    if (!file) continue;
    const clean = readPgm(file);
    const lines = cellLines(page, clean, DPI).filter((l) => NUMBER.test(readingKey(l.truth)) && /\d/.test(l.truth));
    if (!lines.length) continue;
    for (const cond of CONDITIONS) {
      // grey150: the clean page rendered at 150 dpi (the resolution of a jpeg150 scan), no noise.
      const dpi = cond === "grey150" ? 150 : DPI;
      let mask: InkMask;
      let condLines = lines;
      if (cond === "grey150") {
        const img = readPgm(renderGrey(pdf, join(WORK, `clean150-${key}`), 150)[page.number - 1]!);
        mask = preparePage(img, dpi, PAGE_IMAGE_DEFAULTS).mask;
        condLines = cellLines(page, img, dpi).filter((l) => NUMBER.test(readingKey(l.truth)) && /\d/.test(l.truth));
      } else {
        const forced = /^t(\d+)$/.exec(cond)?.[1];
        const b = bitonalPage(clean, `${SEED}:g4-200:${key}:${page.number}`, cond === "skew", forced ? Number(forced) : undefined);
        mask = preparePage(b.grey, DPI, PAGE_IMAGE_DEFAULTS).mask;
      }
      const t = tally(cond);
      for (const l of condLines) {
        t.lines++;
        const pad = 3;
        const rect = { x0: Math.max(0, l.rect.x0 - pad), y0: Math.max(0, l.rect.y0 - pad), x1: Math.min(mask.width, l.rect.x1 + pad), y1: Math.min(mask.height, l.rect.y1 + pad) };
        const ink = inkBounds(mask, rect);
        if (!ink) continue;
        const chars = [...readingKey(l.truth)];
        // The leading glyph of a number that starts with ≥, ≤ or 2: what leadingComparison says.
        if (/^[≥≤2]\d/.test(chars.join(""))) {
          const k = `lead${chars[0]}→${leadingComparison(mask, ink) ?? "-"}`;
          t.calls.set(k, (t.calls.get(k) ?? 0) + 1);
          if (process.env.SHOW_GE && chars[0] === "≥" && examples.length < 6) examples.push(`${cond} "${l.truth}"\n${art(mask, { ...ink, x1: Math.min(ink.x1, ink.x0 + (ink.y1 - ink.y0)) })}`);
          if (chars[0] === "2" && leadingComparison(mask, ink) && examples.length < 30) examples.push(`${cond} ${key} p${page.number} "${l.truth}": 2 called ${leadingComparison(mask, ink)}\n${art(mask, { ...ink, x1: Math.min(ink.x1, ink.x0 + (ink.y1 - ink.y0)) })}`);
        }
        const glyphs = glyphsOfCharacters(chars.join(""), mask, ink);
        if (!glyphs) continue;
        t.cut++;
        chars.forEach((ch, i) => {
          if (!/\d/.test(ch)) return;
          const said = threeOrFive(mask, glyphs[i]!) ?? "?";
          const k = /[35]/.test(ch) ? `${ch}→${said}` : `other→${said}`;
          t.calls.set(k, (t.calls.get(k) ?? 0) + 1);
          if (/[35]/.test(ch) && said !== "?" && said !== ch && examples.length < 20) examples.push(`${cond} ${key} p${page.number} "${l.truth}" glyph ${i}: ${ch} called ${said}\n${art(mask, glyphs[i]!)}`);
        });
      }
    }
  }
}

const rows: string[][] = [];
for (const [cond, t] of tallies) {
  const c = (k: string) => t.calls.get(k) ?? 0;
  rows.push([cond, String(t.lines), String(t.cut), `${c("3→3")} / ${c("3→5")} / ${c("3→?")}`, `${c("5→5")} / ${c("5→3")} / ${c("5→?")}`, `${c("other→3")} / ${c("other→5")} / ${c("other→?")}`]);
}
console.log("| condition | number lines | cut into their characters | truth 3: called 3 / 5 / open | truth 5: called 5 / 3 / open | other digits: called 3 / 5 / open |");
console.log("|---|---:|---:|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log("\nleadingComparison on numbers starting with ≥, ≤ or 2:\n");
console.log("| condition | ≥: called ≥ / ≤ / nothing | ≤: called ≤ / ≥ / nothing | 2: called ≥ / ≤ / nothing |");
console.log("|---|---|---|---|");
for (const [cond, t] of tallies) {
  const c = (k: string) => t.calls.get(k) ?? 0;
  console.log(`| ${cond} | ${c("lead≥→≥")} / ${c("lead≥→≤")} / ${c("lead≥→-")} | ${c("lead≤→≤")} / ${c("lead≤→≥")} / ${c("lead≤→-")} | ${c("lead2→≥")} / ${c("lead2→≤")} / ${c("lead2→-")} |`);
}
for (const e of examples) console.log(e);
