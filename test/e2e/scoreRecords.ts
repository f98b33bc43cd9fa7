// Runs the project's field-by-field scorer (test/eval/score.mjs) and returns its JSON figures.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export const repoRoot = join(import.meta.dirname, "..", "..");
const scorer = join(repoRoot, "test", "eval", "score.mjs");

export type Score = {
  accuracy: number;
  silent: number;
  caught: number;
  reviewLoad: number;
  missingRecords: number;
  fields: number;
};

/** Scores a jsonl of predicted records against a truth file (the scorer exits 1 only on --min flags). */
export function scoreRecords(pred: string, truth: string): Score {
  let out: string;
  try {
    out = execFileSync("node", [scorer, "--pred", pred, "--truth", truth, "--json"], { encoding: "utf8" });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return JSON.parse(out) as Score;
}
