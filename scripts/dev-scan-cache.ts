// Development helper: OCR scanned files once (cached as page-model JSON in the temporary directory), then run
// reconstruct + normalize on the cached pages, so normalizer changes can be measured quickly.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import type { DocumentModel } from "@jixiao/schemas";
import { createScanExtractor } from "@jixiao/ocr";
import { reconstruct } from "@jixiao/layout";
import { normalize } from "@jixiao/normalize";
import { recordLine } from "@jixiao/core/recordLine";

const out: string[] = [];
// MAX_DPI: the resolution pages are read at (maxDpi), for measuring it.
const scans = createScanExtractor(process.env.MAX_DPI ? { maxDpi: Number(process.env.MAX_DPI) } : {});
try {
  for (const f of process.argv.slice(3)) {
    const data = readFileSync(f);
    const sha256 = createHash("sha256").update(data).digest("hex");
    const cache = join(tmpdir(), `ocrcache-${sha256}.json`);
    let doc: DocumentModel;
    if (existsSync(cache) && !process.env.NO_CACHE) doc = JSON.parse(readFileSync(cache, "utf8"));
    else {
      doc = await scans.extractScan(new Uint8Array(data), { file: basename(f), sha256 }, null);
      writeFileSync(cache, JSON.stringify(doc));
    }
    const recon = reconstruct(doc);
    // DUMP_ROWS=1: the reconstructed rows on stderr (pages, page start, cells with their x and row span).
    if (process.env.DUMP_ROWS) for (const r of recon.rows) console.error(r.source === "text" ? "T" : "", r.pages.join(","), r.pageStart ? "*" : " ", r.cells.map((c) => `${c.text}@${c.x0.toFixed(0)}${c.rowSpan > 1 ? "↓" + c.rowSpan : ""}`).join(" | "), r.spanned.length ? " ⟂ " + r.spanned.map((c) => c.text).join("|") : "");
    // As `run --out` writes records: a flag over several fields once per path.
    for (const r of normalize(recon, { file: basename(f), sha256 }).records) out.push(recordLine(r));
  }
} finally {
  await scans.close();
}
writeFileSync(process.argv[2]!, out.join("\n") + "\n");
