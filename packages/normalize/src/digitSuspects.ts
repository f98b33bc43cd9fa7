/**
 * Digit pairs that OCR confuses on coarse or broken print (a thin stroke lost at 200 dpi bitonal
 * turns 5 into 3, a closed loop turns 3 into 8 …). Each pair works both ways.
 */
const CONFUSABLE_DIGITS: readonly (readonly [string, string])[] = [
  ["3", "5"],
  ["3", "8"],
  ["5", "6"],
  ["6", "8"],
  ["8", "9"],
  ["0", "8"],
  ["1", "7"],
];

/** Options of `digitSuspects`; every field has a default. */
export type DigitSuspectOptions = {
  /** Most misread digits one explanation may assume. Default 2 (more explains almost any sum). */
  maxChanges?: number;
  /** Two sums this close are equal. Default 0.011. */
  tolerance?: number;
};

/** One value of a sum, as read, and the path it has in the record. */
export type Addend = { path: string; value: number };

/** A value the sum could be put right with: the addend, and what it would read. */
export type DigitSuspect = { path: string; read: number; could_be: number[] };

/** The values one confusable digit away from `value` (each digit of its printed form swapped). */
export function confusableReadings(value: number): number[] {
  const text = String(value);
  const out = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    for (const [a, b] of CONFUSABLE_DIGITS) {
      const to = text[i] === a ? b : text[i] === b ? a : undefined;
      if (to === undefined) continue;
      const v = Number(text.slice(0, i) + to + text.slice(i + 1));
      if (Number.isFinite(v) && v !== value) out.add(v);
    }
  }
  return [...out];
}

/**
 * The values `value` reads as with a decimal point OCR lost put back ("75" for 7.5: a point is a
 * speck on a coarse scan): a point before each of its last two digits, when the digit after it
 * is not 0 (a form prints 7.5, not 1.0 for 10).
 */
export function pointLostReadings(value: number): number[] {
  const text = String(value);
  if (!/^\d{2,}$/.test(text)) return [];
  const out: number[] = [];
  for (let i = Math.max(1, text.length - 2); i < text.length; i++) {
    if (/^0*$/.test(text.slice(i))) continue;
    out.push(Number(`${text.slice(0, i)}.${text.slice(i)}`));
  }
  return out;
}

/**
 * A sum that does not come out is often one or two digits misread the way OCR confuses them, or
 * a decimal point lost.
 * Returns the addends that take part in some explanation of `expected` by the fewest such
 * misreads (at most `maxChanges`), each with the readings that would make the sum come out;
 * none when no such explanation exists (the fault then lies elsewhere: a missing row, a
 * misread total, a value read in the wrong column).
 */
export function digitSuspects(addends: readonly Addend[], expected: number, options: DigitSuspectOptions = {}): DigitSuspect[] {
  return suspectsOf(addends, digitExplanations(addends, expected, options));
}

/** The addends some explanation changes (digitExplanations), each with every value it would read. */
export function suspectsOf(addends: readonly Addend[], explanations: readonly (readonly { index: number; value: number }[])[]): DigitSuspect[] {
  const found = new Map<number, Set<number>>();
  for (const explanation of explanations) {
    for (const { index, value } of explanation) (found.get(index) ?? found.set(index, new Set()).get(index)!).add(value);
  }
  return [...found].sort((x, y) => x[0] - y[0]).map(([i, vs]) => ({ path: addends[i]!.path, read: addends[i]!.value, could_be: [...vs].sort((a, b) => a - b) }));
}

/**
 * Every explanation of `expected` by the fewest misreads (see digitSuspects): each a list of the
 * addends changed (by index) and the value each would read. Empty when the sum holds or none
 * exists within `maxChanges`.
 */
export function digitExplanations(addends: readonly Addend[], expected: number, options: DigitSuspectOptions = {}): { index: number; value: number }[][] {
  const maxChanges = options.maxChanges ?? 2;
  const tol = options.tolerance ?? 0.011;
  const gap = expected - addends.reduce((s, a) => s + a.value, 0);
  if (Math.abs(gap) <= tol) return [];
  const options1 = addends.map((a) => [...confusableReadings(a.value), ...pointLostReadings(a.value)].map((v) => ({ v, delta: v - a.value })));
  for (let k = 1; k <= maxChanges; k++) {
    const found: { index: number; value: number }[][] = [];
    const pick = (start: number, left: number, rest: number, chosen: { index: number; value: number }[]) => {
      if (left === 0) {
        if (Math.abs(rest) <= tol) found.push(chosen);
        return;
      }
      for (let i = start; i < addends.length; i++) {
        for (const o of options1[i]!) pick(i + 1, left - 1, rest - o.delta, [...chosen, { index: i, value: o.v }]);
      }
    };
    pick(0, k, gap, []);
    if (found.length) return found;
  }
  return [];
}
