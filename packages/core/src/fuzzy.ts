import levenshtein from "fast-levenshtein";
import { compact } from "./text.js";

/** Similarity in [0, 1] of two labels after whitespace removal and NFKC. */
export function similarity(a: string, b: string): number {
  return similarityOfCompact(compact(a), compact(b));
}

/** `similarity` of two texts already compacted (no whitespace, NFKC). */
export function similarityOfCompact(x: string, y: string): number {
  if (!x && !y) return 1;
  const d = levenshtein.get(x, y);
  return 1 - d / Math.max(x.length, y.length);
}
