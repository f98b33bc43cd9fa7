// Development helper: run the in-process pipeline stages over files and print jsonl.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createHash } from "node:crypto";
import { readTextDump } from "@jixiao/textdump";
import { reconstruct } from "@jixiao/layout";
import { normalize } from "@jixiao/normalize";

const out: string[] = [];
for (const f of process.argv.slice(3)) {
  const data = readFileSync(f);
  const sha256 = createHash("sha256").update(data).digest("hex");
  const meta = { file: basename(f), sha256 };
  let doc;
  if (f.endsWith(".pdf")) {
    const { extractPdf } = await import("@jixiao/pdf");
    doc = await extractPdf(new Uint8Array(data), meta);
  } else doc = readTextDump(data.toString("utf8"), meta);
  const recon = reconstruct(doc);
  if (process.env.DUMP_ROWS) for (const r of recon.rows) console.error(r.pages.join(","), r.pageStart ? "*" : " ", r.cells.map((c) => `${c.text}@${c.x0.toFixed(0)}${c.rowSpan > 1 ? "↓" + c.rowSpan : ""}`).join(" | "), r.spanned.length ? " ⟂ " + r.spanned.map((c) => c.text).join("|") : "");
  const { records } = normalize(recon, meta);
  for (const r of records) out.push(JSON.stringify(r));
}
writeFileSync(process.argv[2]!, out.join("\n") + "\n");
