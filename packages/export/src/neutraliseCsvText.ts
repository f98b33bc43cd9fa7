/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, that some
 * importers strip before checking): a text cell starting with one of them is neutralised.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The prefix put before a text cell that would start a formula. */
export const CSV_TEXT_PREFIX = "'";

/**
 * Neutralises a TEXT cell for CSV (formula injection): a value starting with `=`, `+`, `-`,
 * `@`, tab or CR gets a single quote in front. Only text goes through this: numbers are written
 * as plain numbers and never changed (so -5 stays -5).
 */
export function neutraliseCsvText(text: string): string {
  return FORMULA_START.test(text) ? CSV_TEXT_PREFIX + text : text;
}
