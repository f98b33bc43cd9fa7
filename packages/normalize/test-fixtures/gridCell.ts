import type { Repair, RowCell } from "@jixiao/layout";

/**
 * A row cell for tests: in grid column `col` (x0 = col, x1 = col + 1), printed on `page` (its
 * provenance box in `unit`), spanning `rows` rows.
 */
export function gridCell(
  text: string,
  col: number,
  o: { rows?: number; page?: number; confidence?: number; repairs?: Repair[]; unit?: "pt" | "grid" } = {},
): RowCell {
  return {
    text,
    x0: col,
    x1: col + 1,
    col,
    colSpan: 1,
    rowSpan: o.rows ?? 1,
    confidence: o.confidence ?? 1,
    prov: [{ page: o.page ?? 1, bbox: { x0: col, y0: 0, x1: col + 1, y1: 1 }, unit: o.unit ?? "pt" }],
    repairs: o.repairs ?? [],
    inherited: false,
  };
}
