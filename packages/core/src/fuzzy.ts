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

/**
 * Best match of `text` among `candidates` (each a list of spellings of one label) with
 * similarity ≥ threshold; returns the candidate key or null.
 */
export function bestLabel<K extends string>(
  text: string,
  candidates: { readonly [key in K]: readonly string[] },
  threshold = 0.75,
): K | null {
  let best: K | null = null;
  let bestScore = threshold;
  for (const key of Object.keys(candidates) as K[]) {
    for (const spelling of candidates[key]) {
      const s = similarity(text, spelling);
      if (s > bestScore || (s === bestScore && best === null)) {
        best = key;
        bestScore = s;
      }
    }
  }
  return best;
}
