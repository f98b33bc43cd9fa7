import { indicatorValuePath } from "@jixiao/core";
import { CHECK_FLAG_CODES, type Flag, type Provenance } from "@jixiao/schemas";

/**
 * How a field's confidence is derived from what the pipeline knows about it. Every field has a
 * default; the defaults were set from the reliability measurement in the README (confidence
 * bucket × observed error rate on generated scans), so that a confidence reads as the chance
 * that the value is right.
 */
export type ConfidenceOptions = {
  /**
   * A value a review flag covers: a person should look, so it is no more sure than this.
   * Default 0.8 (on generated scans about 83 % of flagged values were right).
   */
  underReview?: number;
  /** A value an arithmetic check confirmed (weights add up, a rate matches): at least this. Default 0.998. */
  confirmed?: number;
  /**
   * A field left empty with nothing read there and no flag about it, on a page read by OCR: the
   * form printed nothing, or faint ink was missed. Default 0.995. (On a text layer: 1.)
   */
  nothingRead?: number;
};

const DEFAULTS: Required<ConfidenceOptions> = { underReview: 0.8, confirmed: 0.998, nothingRead: 0.995 };

/** Keys of a record that are not values read from the page (derived, or about the record). */
const NOT_VALUES = new Set(["source", "confidence", "flags", "review", "target_parsed", "actual_parsed"]);

/** Every value path of a record ("funds.total.executed", "indicators[3].name"), in record order. */
export function valuePaths(record: object): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (NOT_VALUES.has(k)) continue;
        walk(x, path ? `${path}.${k}` : k);
      }
    } else {
      out.push(path);
    }
  };
  walk(record, "");
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * One confidence per value, in [0, 1]: the confidence of what it was read from (1 for a text
 * layer; the OCR stage's for a scan, which already weighs two engines agreeing), raised when an
 * arithmetic check confirmed it, and capped when a review flag covers it. Repairs the pipeline is
 * sure of (info flags) leave it as it is.
 */
export function fieldConfidences(
  record: object,
  read: { readonly [path: string]: number },
  flags: readonly Flag[],
  confirmed: ReadonlySet<string>,
  options: ConfidenceOptions = {},
): { [path: string]: number } {
  const o = { ...DEFAULTS, ...options };
  const ocr = Object.values(read).some((c) => c < 1);
  const nothingRead = ocr ? o.nothingRead : 1;
  const review = flags.filter((f) => f.severity === "review").flatMap((f) => f.paths ?? [f.path]);
  // Flags are indexed by their path so that a record of thousands of rows stays linear.
  const reviewAt = new Set(review);
  const prefixes = (path: string): string[] => {
    const out = [""];
    const re = /\.|\[/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(path))) out.push(path.slice(0, m.index));
    out.push(path);
    return out;
  };
  const out: { [path: string]: number } = {};
  for (const path of valuePaths(record)) {
    let c = read[path] ?? nothingRead;
    if (confirmed.has(path)) c = Math.max(c, o.confirmed);
    if (prefixes(path).some((p) => reviewAt.has(p))) c = Math.min(c, o.underReview);
    out[path] = round3(c);
  }
  return out;
}

/** A record's confidence: the expected share of its values that are right (their mean confidence). */
export function recordConfidence(fields: { readonly [path: string]: number }): number {
  const values = Object.values(fields);
  if (!values.length) return 0;
  return round3(values.reduce((s, c) => s + c, 0) / values.length);
}

/**
 * One doubt, one review item: a merged cell copied into several rows (a level-1 label and its
 * weight) raises the same flag on every row it fills. Flags with the same code, severity and
 * message whose fields were read from exactly the same place are merged into one flag that
 * names every path (`paths`, the first also as `path`); a correction of one of them applies to
 * all (correctRecord).
 */
export function mergeSameCellFlags(flags: readonly Flag[], provenance: { readonly [path: string]: readonly Provenance[] }): Flag[] {
  const place = (path: string) => {
    const prov = provenance[path];
    if (!prov?.length) return undefined;
    return prov.map((p) => `${p.page}:${Math.round(p.bbox.x0)},${Math.round(p.bbox.y0)},${Math.round(p.bbox.x1)},${Math.round(p.bbox.y1)}`).sort().join(";");
  };
  const out: Flag[] = [];
  const byKey = new Map<string, Flag>();
  for (const f of flags) {
    const where = place(f.path);
    // Only value paths of indicator rows are copies of one cell; a flag on a whole row stays.
    const value = indicatorValuePath(f.path);
    if (!where || !value) {
      out.push(f);
      continue;
    }
    const field = value.field;
    const key = `${f.code}\u0000${f.severity}\u0000${f.message}\u0000${field}\u0000${where}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.paths = [...(seen.paths ?? [seen.path]), f.path];
      continue;
    }
    const copy = { ...f };
    byKey.set(key, copy);
    out.push(copy);
  }
  return out;
}

/**
 * A row with doubts on several of its values was most likely read out of line (a cell that
 * spilled into its neighbour, a seal or a fold across it): besides the values, the row's own
 * cells get one review flag together (its `paths`: one review item), so that the values nobody
 * doubted are looked at too. `minFields` (default 4) distinct doubted fields make a row
 * doubtful: on a 200 dpi bitonal scan three of a row's values in OCR doubt are ordinary (seeds 35
 * and 37 of the scan generator: at 3 the flag covered about 0.7 % of all fields and was the only
 * flag on no wrong value). Only doubts about reading the row's own cells count: a failed sum (the
 * check codes of the flag-code table) concerns a block or the total, it is raised on every row of the block,
 * and tells nothing about how this row's cells lined up. `ownFields(index)` names the row's own
 * value fields: not the level labels and level-1 weight of its block, which merged cells share
 * with other rows and the taxonomy and the block sums check. Without it the flag is on the row.
 */
export function flagDoubtfulRows(flags: readonly Flag[], minFields = 4, ownFields?: (index: number) => readonly string[]): Flag[] {
  const fieldsOfRow = new Map<number, Set<string>>();
  for (const f of flags) {
    // A merged cell's doubt (one flag naming every row it spans) is about that cell, not about how
    // any one row's cells lined up.
    if (f.severity !== "review" || CHECK_FLAG_CODES.has(f.code) || (f.paths?.length ?? 0) > 1) continue;
    for (const p of f.paths ?? [f.path]) {
      const v = indicatorValuePath(p);
      if (!v) continue;
      (fieldsOfRow.get(v.index) ?? fieldsOfRow.set(v.index, new Set()).get(v.index)!).add(v.field);
    }
  }
  const rowFlagged = new Set(flags.filter((f) => f.severity === "review").map((f) => f.path));
  const out = [...flags];
  for (const [index, fields] of fieldsOfRow) {
    const row = `indicators[${index}]`;
    if (fields.size < minFields || rowFlagged.has(row)) continue;
    const message = `${fields.size} values of this row are in doubt (${[...fields].join(", ")}): its cells may be out of line`;
    const own = (ownFields?.(index) ?? []).map((field) => `${row}.${field}`);
    if (own.length > 1) out.push({ code: "row_in_doubt", severity: "review", path: own[0]!, paths: own, message });
    else out.push({ code: "row_in_doubt", severity: "review", path: own[0] ?? row, message });
  }
  return out;
}
