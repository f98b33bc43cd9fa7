import { readFileSync } from "node:fs";
import { extractPdf } from "@jixiao/pdf";
import { reconstruct } from "@jixiao/layout";
const data = readFileSync(process.argv[2]!);
const doc = await extractPdf(new Uint8Array(data), { file: "x.pdf", sha256: "0".repeat(64) });
doc.pages = doc.pages.slice(0, Number(process.argv[3] ?? 1));
for (const r of reconstruct(doc).rows.slice(0, 12)) console.log(r.source, r.cells.map((c) => `${c.text}@${c.x0.toFixed(0)},${c.prov[0]?.bbox.y0.toFixed(0)}`).join(" | "));
