// Pieces the three forms of the form model share (model.mjs, forms.mjs): cells and paragraphs,
// the year, head and foot lines, merged-cell spans, column widths, goal layouts.

export const C = (t, o = {}) => ({
  t: t === null || t === undefined ? "" : String(t),
  rs: o.rs ?? 1, cs: o.cs ?? 1, a: o.a ?? "c", v: o.v ?? "m", role: o.role ?? "value",
});
export const P = (p, size = "normal", a = size === "title" || size === "sub" ? "c" : "l") => ({ p, size, a });

export function yearLines(r, X, titleHadYear) {
  const Y = r.fiscal_year;
  if (Y === null || Y === undefined || titleHadYear) return { lines: [], cell: null };
  const mode = X.syn ? X.choose("year", ["full", "half", "plain", "cell"]) : "half";
  if (mode === "cell") return { lines: [], cell: X.choose("yearcell", [`${Y}年度`, `${Y}年`, String(Y)]) };
  const t = mode === "full" ? `（${Y}年度）` : mode === "plain" ? `${Y}年度` : `(${Y} 年度)`;
  return { lines: [P(t, "sub")], cell: null };
}

/** 附件2 / 表1 above the title and a 填报单位（盖章） line under it (extra-rows only). */
export function headLines(X, unit) {
  if (!X.has("extra-rows")) return { before: [], after: [] };
  const tag = X.choose("tag", ["附件2", "表1", "附件3-1", null]);
  return {
    before: tag ? [P(tag, "normal", "l")] : [],
    after: [P(`填报单位（盖章）：${unit ?? ""}`, "normal", "l")],
  };
}

export function title(form, r, X) {
  const t = X.label(form, "title");
  const withYear = t.includes("{Y}");
  return { t: t.replace("{Y}", r.fiscal_year ?? ""), withYear };
}

export const PEOPLE = ["张明", "李华", "王芳", "陈静", "刘洋", "赵磊", "周敏", "吴婷"];
export function phone(X, key) {
  const n = 50000000 + Math.floor(X.choose(key, [...Array(97).keys()]) * 417_321) % 49999999;
  return `0${X.choose(key + "a", ["21", "25", "571", "755", "28", "27"])}-${n}`;
}

/** 填表人 / 审核人 / 填报日期 and a 说明 or 注 line, under the table. */
export function footLines(X, year) {
  if (!X.has("extra-rows")) return [];
  const y = (year ?? 2022) + 1;
  return [
    P(`填表人：${X.choose("filler", PEOPLE)}　　　审核人：${X.choose("checker", PEOPLE)}　　　填报日期：${y}年${X.choose("m", [2, 3, 4])}月${X.choose("d", [8, 15, 20, 28])}日`, "normal"),
    P(X.choose("note", [
      "说明：1.本表由项目实施单位填写，主管部门审核；2.偏差原因需逐项说明，未完成的指标应写明改进措施。",
      "注：自评得分保留两位小数；各项指标分值合计为100分。",
      "说明：自评等级分为优、良、中、差四档，90分（含）以上为优。",
    ]), "small"),
  ];
}

export function grade(score) {
  if (score === null || score === undefined) return "—";
  return score >= 90 ? "优" : score >= 80 ? "良" : score >= 60 ? "中" : "差";
}

/** Row spans for one key: runs of equal non-null keys, never crossing a block of `outer`. */
export function spans(rows, key, outer = () => "") {
  const out = new Array(rows.length).fill(0);
  let i = 0;
  while (i < rows.length) {
    let j = i + 1;
    while (j < rows.length && key(rows[j]) !== null && key(rows[j]) === key(rows[i]) && outer(rows[j]) === outer(rows[i])) j++;
    out[i] = j - i;
    i = j;
  }
  return out;
}

export function blockIds(spanStarts) {
  const ids = [];
  let id = -1;
  for (let i = 0; i < spanStarts.length; i++) { if (spanStarts[i] > 0) id++; ids.push(id); }
  return ids;
}

/** Column widths (%) by key, normalised; narrow/wide layouts change the label columns. */
export function widths(keys, base, X) {
  const labelKeys = new Set(["section", "l1", "l2", "l1w"]);
  const m = X.has("layout-narrow") ? 0.6 : X.has("layout-landscape") ? 1.35 : 1;
  // full-width digits are twice as wide: wider number columns
  const numKeys = new Set(["weight", "score", "l1w"]);
  const n = X.has("fullwidth-nulls") ? 1.5 : 1;
  const w = keys.map((k) => (base[k] ?? 8) * (labelKeys.has(k) ? m : numKeys.has(k) ? n : 1));
  const s = w.reduce((a, b) => a + b, 0);
  const pct = w.map((x) => (100 * x) / s);
  // number columns keep room for "99.96" on one line; the other columns give way
  const min = X.has("fullwidth-nulls") ? 8.5 : X.has("layout-landscape") ? 5 : 6.5;
  const num = keys.map((k) => numKeys.has(k));
  const add = pct.reduce((a, x, i) => a + (num[i] && x < min ? min - x : 0), 0);
  if (add === 0) return pct;
  const rest = pct.reduce((a, x, i) => a + (num[i] ? 0 : x), 0);
  return pct.map((x, i) => (num[i] ? Math.max(x, min) : x * (1 - add / rest)));
}

export function natureOf(x, X) {
  const quant = /\d/.test(x.target ?? "");
  return X.choose("nature", ["a", "b"]) === "a" ? (quant ? "定量" : "定性") : "正向";
}
export const STANDARD = ["完成得满分，未完成按比例扣分", "达到目标值得满分", "按完成程度计分"];

/** The goal texts: "side" (header row + texts), "captioned" (one row), "stacked" (four rows). */
export function goalsMode(X, long) {
  if (X.has("goals-captioned")) return "captioned";
  if (X.producer === "calc" && long) return "stacked";
  return "side";
}
