// Runs saved OCR page models (from bench.ts --out) through reconstruct + normalize and writes
// records as jsonl, to score with ../shared/eval/score.mjs against the truth files.
// Usage: e2e.ts <dir with *.pdf.json> <out.jsonl>
import fs from "node:fs";
import path from "node:path";
import { reconstruct } from "@jixiao/layout";
import { normalize } from "@jixiao/normalize";
import type { DocumentModel } from "@jixiao/schemas";

const [dir, out] = process.argv.slice(2);
const lines: string[] = [];
for (const f of fs.readdirSync(dir!).filter((f) => f.endsWith(".pdf.json")).sort()) {
  const doc = JSON.parse(fs.readFileSync(path.join(dir!, f), "utf8")) as DocumentModel;
  try {
    const { records, issues } = normalize(reconstruct(doc), { file: doc.file, sha256: doc.sha256 });
    for (const r of records) lines.push(JSON.stringify(r));
    console.log(`${doc.file}: ${records.length} records, ${issues.length} issues`);
  } catch (err) {
    console.log(`${doc.file}: failed: ${(err as Error).message}`);
  }
}
fs.writeFileSync(out!, lines.join("\n") + "\n");
