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
/** A level-1 weight printed after its label: "(45分)", "（权重45分）", "45分". */
const WEIGHT_SUFFIX = /\(?(?:权重|分值)?:?(\d+(?:\.\d+)?)分\)?$/;

/** A level-1 cell's label and the weight printed after it ("产出指标（45分）" → 产出指标, 45). */
export function splitLevelWeight(text: string): { label: string; weight: number | null } {
  const t = compact(text);
  const m = WEIGHT_SUFFIX.exec(t);
  if (!m) return { label: t, weight: null };
  return { label: t.slice(0, m.index), weight: Number(m[1]) };
}

/** A weight after a level-1 label whose closing bracket OCR read as another mark: "(45分上", "(35分,". */
const MISREAD_WEIGHT_SUFFIX = /\((?:权重|分值)?:?(\d+(?:\.\d+)?)分([^\d)])$/;
/** A weight after a level-1 label with a speck read as a mark between it and its 分: "(20.分)". */
const MARKED_WEIGHT_SUFFIX = /\((?:权重|分值)?:?(\d+(?:\.\d+)?)([^\d分)])分\)$/;

/**
 * A level-1 cell whose weight OCR read with a stray character: its closing bracket read as
 * another character ("产出指标（45分上", "满意度指标(20分!"; `at` "bracket"), or a mark between
 * the number and its 分 ("满意度指标(20.分)"; `at` "unit"). The label, the weight and the
 * character, when what precedes the bracket is exactly a level-1 label; otherwise null.
 */
export function splitMisreadLevelWeight(text: string): { label: string; weight: number; mark: string; at: "bracket" | "unit" } | null {
  const t = compact(text);
  const m = MISREAD_WEIGHT_SUFFIX.exec(t);
  const u = m ? null : MARKED_WEIGHT_SUFFIX.exec(t);
  const found = m ?? u;
  if (!found) return null;
  const label = t.slice(0, found.index);
  return matchLabel(label)?.level === 1 ? { label, weight: Number(found[1]), mark: found[2]!, at: m ? "bracket" : "unit" } : null;
}

export function matchLabel(text: string): LabelMatch | null {
  const t = splitLevelWeight(text).label;
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

/**
 * Words in an indicator's name that point to a level-2 category (what the indicator measures).
 * Used only to decide which block an unlabelled row belongs to when its block's label printed
 * on the other side of a page break.
 */
export const LEVEL2_HINTS: { readonly [level2: string]: RegExp } = {
  数量指标: /数量|次数|个数|场次|人次|完成率|覆盖/,
  质量指标: /质量|合格|达标|准确|规范|健全性|合规/,
  时效指标: /及时|时效|按时|期限|进度/,
  成本指标: /成本|费用|节约|预算内/,
  经济效益指标: /经济|收入|产值|效益/,
  社会效益指标: /社会|群众|公众|民生|影响力/,
  生态效益指标: /生态|环境|环保|绿色|节能/,
  可持续影响指标: /长效|可持续|机制|制度|持续/,
  服务对象满意度指标: /满意/,
};

/** How strongly a name points to a level-2 category: 1 when a hint matches, else 0. */
export function hintScore(name: string, level2: string): number {
  const re = LEVEL2_HINTS[compact(level2)];
  return re && re.test(compact(name)) ? 1 : 0;
}
