import type { Flag, Provenance } from "@jixiao/schemas";
import { readNumber, readRate, cleanText, isEmptyValue } from "@jixiao/core";
import type { RowCell } from "@jixiao/layout";

/** Options of the normalizer; every field has a default. */
export type NormalizeOptions = {
  /** A value read with lower OCR confidence than this gets a review flag unless a check confirms it. Default 0.8. */
  minConfidence?: number;
};

export const DEFAULT_MIN_CONFIDENCE = 0.8;

/**
 * Collects what one record needs besides its values: flags, provenance per field and the
 * lowest confidence per field, so the checks can later confirm or doubt a value.
 */
export class RecordBuilder {
  readonly flags: Flag[] = [];
  readonly provenance: { [path: string]: Provenance[] } = {};
  /** Field path → confidence of the cell it was read from. */
  readonly confidence: { [path: string]: number } = {};
  readonly pages = new Set<number>();
  private readonly minConfidence: number;

  constructor(options: NormalizeOptions = {}) {
    this.minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  }

  flag(code: string, severity: "info" | "review", path: string, message: string): void {
    if (this.flags.some((f) => f.code === code && f.path === path && f.severity === severity)) return;
    this.flags.push({ code, severity, path, message });
  }

  /** Records where a field came from and turns the cell's repairs into flags on that field. */
  track(path: string, cells: readonly (RowCell | undefined)[]): void {
    for (const cell of cells) {
      if (!cell) continue;
      (this.provenance[path] ??= []).push(...cell.prov);
      for (const p of cell.prov) this.pages.add(p.page);
      this.confidence[path] = Math.min(this.confidence[path] ?? 1, cell.confidence);
      for (const r of cell.repairs) this.flag(r.code, r.severity, path, r.message);
    }
  }

  text(path: string, cells: readonly (RowCell | undefined)[]): string | null {
    const present = cells.filter((c): c is RowCell => !!c && !!c.text);
    this.track(path, present);
    const t = cleanText(present.map((c) => c.text).join(""));
    return isEmptyValue(t) ? null : t;
  }

  number(path: string, cell: RowCell | undefined, rate = false): number | null {
    if (!cell) return null;
    this.track(path, [cell]);
    const r = rate ? readRate(cell.text) : readNumber(cell.text);
    if (r.ok) return r.value;
    this.flag("not_a_number", "review", path, `"${r.text}" is not a number`);
    return null;
  }

  /** Review flags for values read with low confidence, except paths a check confirmed. */
  flagLowConfidence(confirmed: ReadonlySet<string>): void {
    for (const [path, c] of Object.entries(this.confidence)) {
      if (c >= this.minConfidence || confirmed.has(path)) continue;
      this.flag("low_ocr_confidence", "review", path, `read with confidence ${c.toFixed(2)}`);
    }
  }

  /** True when a review flag covers the path. */
  underReview(path: string): boolean {
    return this.flags.some(
      (f) => f.severity === "review" && (f.path === "" || f.path === path || path.startsWith(f.path + ".") || path.startsWith(f.path + "[")),
    );
  }
}
