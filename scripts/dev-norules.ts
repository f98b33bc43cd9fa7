import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { extractPdf } from "@jixiao/pdf";
import { reconstruct } from "@jixiao/layout";
import { normalize } from "@jixiao/normalize";
const out: string[] = [];
for (const f of process.argv.slice(3)) {
  const meta = { file: basename(f), sha256: "0".repeat(64) };
  const doc = await extractPdf(new Uint8Array(readFileSync(f)), meta);
  for (const p of doc.pages) p.rulings = [];
  const recon = reconstruct(doc);
  if (process.env.DUMP_ROWS) for (const r of recon.rows.slice(0, 60)) console.error(r.pageStart ? "*" : " ", r.source, r.cells.map((c) => `${c.text}@${c.x0.toFixed(0)}`).join(" | "));
  try { for (const r of normalize(recon, meta).records) out.push(JSON.stringify(r)); } catch (e) { console.error(String(e)); }
}
writeFileSync(process.argv[2]!, out.join("\n") + "\n");
