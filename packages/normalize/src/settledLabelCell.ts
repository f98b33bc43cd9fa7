import { compact, matchLabel } from "@jixiao/core";
import type { RowCell } from "@jixiao/layout";

/** Confidence of a label cell the closed list of labels settled (as two engines agreeing: 0.995). */
export const SETTLED_LABEL_CONFIDENCE = 0.995;

/**
 * A level label the two OCR engines read differently, whose kept reading is exactly a label of
 * the taxonomy ("数量指标", where Tesseract read "数臣指标") while no other reading is another
 * label: the closed list of labels settles it, as a second engine agreeing would. Returns the
 * cell without that doubt; any other cell (no doubt, not exactly a label, a reading that is
 * another label, a doubt without its readings) unchanged.
 */
export function settledLabelCell(cell: RowCell | undefined): RowCell | undefined {
  if (!cell) return cell;
  const doubts = cell.repairs.filter((r) => r.code === "ocr_disagreement");
  if (!doubts.length) return cell;
  const label = matchLabel(cell.text);
  if (!label || compact(cell.text) !== label.label) return cell;
  for (const d of doubts) {
    if (!d.readings?.length || compact(d.readings[0]!) !== label.label) return cell;
    if (d.readings.slice(1).some((x) => (matchLabel(x)?.label ?? label.label) !== label.label)) return cell;
  }
  return { ...cell, repairs: cell.repairs.filter((r) => !doubts.includes(r)), confidence: Math.max(cell.confidence, SETTLED_LABEL_CONFIDENCE) };
}
