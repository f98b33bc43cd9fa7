// Generated text dumps (samples/generator/textdump.mjs): reports from samples/truth printed in the
// style of samples/seeds, with page breaks at seeded-random places (inside blocks, around label
// rows, labels moved to the next page or printed on a line of their own, rows cut by a break).
// Every dump goes through the in-process pipeline and is scored field by field.
import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, basename } from "node:path";
import { tmpdir } from "node:os";
import { processFile } from "@jixiao/pipeline";
import { JxRecord } from "@jixiao/schemas";
import { repoRoot, scoreRecords, type Score } from "./scoreRecords.js";

const SEED = 11;
const COUNT = 20;

describe("generated text dumps: labels around page breaks", () => {
  const tmp = mkdtempSync(join(tmpdir(), "jixiao-textdumps-"));
  const scores = new Map<string, Score>();
  let names: string[] = [];
  beforeAll(async () => {
    execFileSync("node", [join(repoRoot, "samples", "generator", "textdump.mjs"), "--truth", join(repoRoot, "samples", "truth"), "--out", tmp, "--seed", String(SEED), "--count", String(COUNT)]);
    names = readdirSync(tmp).filter((f) => f.endsWith(".txt")).sort().map((f) => basename(f, ".txt"));
    for (const n of names) {
      const r = await processFile(join(tmp, `${n}.txt`));
      expect(r.error).toBeNull();
      for (const rec of r.records) expect(JxRecord.safeParse(rec).success).toBe(true);
      const pred = join(tmp, `${n}.pred.jsonl`);
      writeFileSync(pred, r.records.map((x) => JSON.stringify(x)).join("\n") + "\n");
      scores.set(n, scoreRecords(pred, join(tmp, `${n}.jsonl`)));
    }
    return () => rmSync(tmp, { recursive: true, force: true });
  });

  it(`writes ${COUNT} dumps`, () => expect(names).toHaveLength(COUNT));

  it("every dump: no silent wrong field and ≥ 99.5 % of fields correct", () => {
    for (const [n, s] of scores) {
      expect.soft(s.missingRecords, n).toBe(0);
      expect.soft(s.silent, `${n}: silent wrong fields`).toBe(0);
      expect.soft(s.accuracy, `${n}: accuracy`).toBeGreaterThanOrEqual(0.995);
    }
  });

  it("review load over all dumps ≤ 5 %", () => {
    let fields = 0;
    let covered = 0;
    for (const s of scores.values()) {
      fields += s.fields;
      covered += s.reviewLoad * s.fields;
    }
    expect(fields).toBeGreaterThan(5000);
    expect(covered / fields).toBeLessThanOrEqual(0.05);
  });
});
