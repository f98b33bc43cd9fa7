import { compact, matchLabel, splitLevelWeight } from "@jixiao/core";
import type { RowCell } from "@jixiao/layout";

/** Confidence of a label cell the closed list of labels settled (as two engines agreeing: 0.995). */
export const SETTLED_LABEL_CONFIDENCE = 0.995;

/**
 * A level label cell the two OCR engines read differently, whose kept text is exactly a label of
 * the taxonomy ("数量指标", where Tesseract read "数臣指标"), perhaps with its level-1 weight
 * printed after it ("产出指标（45分）"): the closed list of labels settles the label, as a second
 * engine agreeing would. Each doubt names the kept reading of one of the cell's lines (a label
 * wrapped in a narrow column is read line by line: "效益指" and "标"); the doubt is settled when
 * no other reading of that line, put in its place, makes the cell another label. A doubt on the
 * weight printed after the label is no doubt about the label (the weight's own path keeps it).
 *
 * Returns the cell as the label's source without those doubts; any other cell (no doubt, not
 * exactly a label, a reading that makes another label, a doubt without its readings) unchanged.
 */
export function settledLabelCell(cell: RowCell | undefined): RowCell | undefined {
  if (!cell) return cell;
  const doubts = cell.repairs.filter((r) => r.code === "ocr_disagreement");
  if (!doubts.length) return cell;
  const text = compact(cell.text);
  const label = matchLabel(text);
  if (!label || splitLevelWeight(text).label !== label.label) return cell;
  for (const d of doubts) {
    const kept = d.readings?.length ? compact(d.readings[0]!) : "";
    const at = kept ? text.indexOf(kept) : -1;
    if (at < 0) return cell;
    // Only the weight after the label: the label is not in question.
    if (at >= label.label.length) continue;
    const labelOf = (reading: string) => {
      const t = text.slice(0, at) + compact(reading) + text.slice(at + kept.length);
      return matchLabel(t)?.label ?? null;
    };
    if (d.readings!.slice(1).some((x) => (labelOf(x) ?? label.label) !== label.label)) return cell;
  }
  return { ...cell, repairs: cell.repairs.filter((r) => !doubts.includes(r)), confidence: Math.max(cell.confidence, SETTLED_LABEL_CONFIDENCE) };
}
