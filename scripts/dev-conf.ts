// Development helper: OCR one scanned file and print per-field confidence with correctness.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { createScanExtractor } from "@jixiao/ocr";
import { reconstruct } from "@jixiao/layout";
import { parseTabular, RecordBuilder } from "@jixiao/normalize";
import { splitReports } from "@jixiao/normalize";
const f = process.argv[2]!;
const truth = readFileSync(process.argv[3]!, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const scans = createScanExtractor();
const doc = await scans.extractScan(new Uint8Array(readFileSync(f)), { file: basename(f), sha256: "0".repeat(64) }, null);
await scans.close();
const reports = splitReports(reconstruct(doc).rows);
reports.forEach((rep, i) => {
  if (rep.kind === "project_self_assessment") return;
  const b = new RecordBuilder();
  const v = parseTabular(rep.kind, rep.rows, b, true);
  const t = truth[i];
  for (const k of ["expected", "actual"] as const) {
    const pred = v.goals[k] ?? "";
    const ok = pred.replace(/\s/g, "") === String(t.goals[k] ?? "").replace(/\s/g, "");
    console.log(k, ok ? "OK " : "BAD", b.confidence[`goals.${k}`]?.toFixed(3), pred.length);
  }
  v.indicators.forEach((ind, k) => {
    for (const fld of ["name", "target", "actual"] as const) {
      const tv = t.indicators[k]?.[fld];
      const ok = String(ind[fld] ?? "").replace(/\s/g, "") === String(tv ?? "").replace(/\s/g, "");
      const c = b.confidence[`indicators[${k}].${fld}`];
      if (!ok || (c ?? 1) < 0.9) console.log(fld, ok ? "OK " : "BAD", c?.toFixed(3), ind[fld], "|", tv);
    }
  });
});
