import { compact } from "./text.js";

/**
 * The national indicator taxonomy: level-1 labels and the level-2 labels under each.
 * A label is a label wherever the layout put it.
 */
export const TAXONOMY: { readonly [level1: string]: readonly string[] } = {
  产出指标: ["数量指标", "质量指标", "时效指标", "成本指标"],
  效益指标: ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
  满意度指标: ["服务对象满意度指标"],
};

/** Level-1 labels that exist outside the output/benefit/satisfaction tree (department form). */
export const EXTRA_LEVEL1 = ["投入管理指标", "投入指标", "过程指标", "管理指标"] as const;

const level2Parent = new Map<string, string>();
for (const [l1, l2s] of Object.entries(TAXONOMY)) for (const l2 of l2s) level2Parent.set(l2, l1);

export type LabelMatch = { level: 1 | 2; label: string; parent: string | null };

/**
 * Recognises a taxonomy label in a cell's text, tolerating whitespace and layout wraps.
 * Returns null when the text is not exactly a label (a name that merely contains a label
 * word, like "服务对象满意度指标" used as an indicator name, is still a label — callers decide
 * by position).
 */
export function matchLabel(text: string): LabelMatch | null {
  const t = compact(text).replace(/[（(]\s*\d+(\.\d+)?\s*分\s*[)）]$/, "");
  if (!t) return null;
  if (TAXONOMY[t]) return { level: 1, label: t, parent: null };
  if ((EXTRA_LEVEL1 as readonly string[]).includes(t)) return { level: 1, label: t, parent: null };
  const parent = level2Parent.get(t);
  if (parent) return { level: 2, label: t, parent };
  return null;
}

/** The level-1 parent of a level-2 label, or null. */
export function parentOf(level2: string): string | null {
  return level2Parent.get(compact(level2)) ?? null;
}

/** All labels, longest first (for finding a label that is a prefix/suffix of split text). */
export const ALL_LABELS: readonly string[] = [
  ...Object.keys(TAXONOMY),
  ...EXTRA_LEVEL1,
  ...Object.values(TAXONOMY).flat(),
].sort((a, b) => b.length - a.length);

/**
 * True when text is a piece of the vertical 绩效指标 section label ("绩", "效 指 标", "绩效").
 */
export function isSectionLabelPiece(text: string): boolean {
  const t = compact(text);
  if (!t) return false;
  return /^[绩效指标]+$/.test(t) && t.length <= 4 && !matchLabel(t);
}
