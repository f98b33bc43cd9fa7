// Records for tests: the expected records of the sample corpus (samples/truth/*.jsonl), with the
// extra fields the record schema requires (source, confidence, flags, review) filled in.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { JxRecord } from "@jixiao/schemas";

const root = join(import.meta.dirname, "..", "..", "..");

export interface TruthFile {
  file: string;
  sha256: string;
  records: JxRecord[];
}

/** Every truth file's records, as valid records of a document named after the file. */
export function truthFiles(): TruthFile[] {
  const dir = join(root, "samples", "truth");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .map((name) => {
      const file = name.replace(/\.jsonl$/, ".pdf");
      const sha256 = createHash("sha256").update(name).digest("hex");
      const lines = readFileSync(join(dir, name), "utf8").trim().split("\n");
      const records = lines.map((line) => {
        const raw = JSON.parse(line) as { indicators: object[] } & object;
        return JxRecord.parse({
          ...raw,
          indicators: raw.indicators.map((ind) => ({ ...ind, confidence: 1 })),
          source: { file, sha256, pages: [1], provenance: {} },
          confidence: 1,
          flags: [],
          review: { state: "pending", by: null, at: null },
        });
      });
      return { file, sha256, records };
    });
}
