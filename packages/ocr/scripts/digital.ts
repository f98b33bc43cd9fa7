// Records from the digital twins through the same stages, for comparison with the scans.
import fs from "node:fs";
import { extractPdf } from "@jixiao/pdf";
import { reconstruct } from "@jixiao/layout";
import { normalize } from "@jixiao/normalize";
const dir = "/work/shared/corpus/digital";
const lines: string[] = [];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".pdf")).sort()) {
  const doc = await extractPdf(new Uint8Array(fs.readFileSync(`${dir}/${f}`)), { file: f, sha256: "0".repeat(64) });
  for (const r of normalize(reconstruct(doc), { file: f, sha256: doc.sha256 }).records) lines.push(JSON.stringify(r));
}
fs.writeFileSync(process.argv[2]!, lines.join("\n") + "\n");
