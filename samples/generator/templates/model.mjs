// The producer-neutral form model: turns one record into the report's blocks (title lines,
// bordered or borderless tables with merged cells, lines under the table), with the variant's
// labels, extra rows and columns, goal shapes, money unit and number style applied, and returns
// the record that the printed report states (money in 元, captions and extra rows left out).
//
// A table is { cols: [width %], rows: [[cell]], border, header: {start, count} | null, attach }
// whose rows list cells the HTML way (a cell covered by a rowspan/colspan is left out).
// A cell is { t, rs, cs, a: "c"|"l"|"r", v: "m"|"t", role: "label"|"value"|"prose" }; "\n" in
// t is a line break. A paragraph block is { p, a, size: "title"|"sub"|"normal"|"small" }.
import {
  LABELS, toCents, centsToString, centsToYuan, yuanToWan, rate2, group, fullWidth, short, two,
} from "./common.mjs";

import { assessmentReport, departmentReport, projectReport } from "./forms.mjs";

// ---------------------------------------------------------------- context per report

/**
 * Everything a builder needs to print one report: feature set, label choice, number styles.
 * `choose(key, list)` is deterministic in (seed, variant, report, key).
 */
export function makeContext({ features, choose, producer, index }) {
  const f = features;
  const has = (x) => f.has(x);
  const syn = has("synonyms");
  const k = (key) => `${index}.${key}`;
  const X = { f, has, syn, producer, choose: (key, list) => choose(k(key), list) };
  X.label = (form, key) => {
    const list = LABELS[form][key];
    return syn ? X.choose(`label.${form}.${key}`, list.slice(1).length ? list : list) : list[0];
  };
  // money unit and its marker
  X.wan = has("wanyuan");
  X.unitMode = X.wan ? X.choose("unit", ["header", "line", "labels"]) : X.choose("unit0", ["header", "header", "line"]);
  X.paren = syn && X.choose("paren", [true, false]) ? ["(", ")"] : ["（", "）"];
  // number styles
  const fw = has("fullwidth-nulls");
  X.moneyStyle = fw ? X.choose("money", ["groupedShort", "short"])
    : has("baseline") ? "plain2"
    : X.choose("money", ["plain2", "grouped2", "groupedShort", "short"]);
  X.nullMark = fw ? X.choose("null", ["—", "-", "/", ""]) : has("baseline") ? "" : X.choose("null", ["", "—", ""]);
  X.weightNull = fw ? X.nullMark : has("baseline") ? "—" : X.nullMark || "—";
  X.numStyle = fw ? X.choose("num", ["short", "two"]) : "short";
  X.ratePct = fw ? X.choose("pct", [true, false]) : null; // null: follow the label
  const digits = fw ? (s) => fullWidth(s) : (s) => s;
  X.nul = (role = "value") => (role === "weight" ? X.weightNull : X.nullMark);
  X.money = (v) => {
    if (v === null || v === undefined) return X.nul();
    // full-width only where the figure stays on one line (long amounts were typed half-width)
    const dg = (t) => (t.length <= 6 ? digits(t) : t);
    if (X.wan) return dg(v === 0 && X.moneyStyle !== "plain2" ? "0" : yuanToWan(BigInt(v)));
    const c = toCents(v);
    const s2 = centsToString(c);
    const sh = c % 100n === 0n ? String(c / 100n) : s2;
    const out = X.moneyStyle === "plain2" ? (v === 0 ? "0" : s2)
      : X.moneyStyle === "grouped2" ? group(s2)
      : X.moneyStyle === "groupedShort" ? group(sh)
      : sh;
    return dg(out);
  };
  X.num = (v, role = "value") =>
    v === null || v === undefined ? X.nul(role) : digits(X.numStyle === "two" ? two(v) : short(v));
  X.rate = (v, labelHasPct) => {
    if (v === null || v === undefined) return X.nul();
    const pct = X.ratePct === null ? !labelHasPct : X.ratePct;
    return digits(two(v) + (pct ? "%" : ""));
  };
  X.unitText = (unit) => `${X.paren[0]}${unit}${X.paren[1]}`;
  return X;
}

// ---------------------------------------------------------------- record preparation

const MONEY = {
  project_self_eval: (r) => Object.values(r.funds ?? {}).flatMap((f) => [
    [f, "initial_budget"], [f, "annual_budget"], [f, "executed"]]),
  department_self_eval: (r) => Object.values(r.spending ?? {}).flatMap((s) => [[s, "annual_budget"], [s, "executed"]]),
  project_self_assessment: (r) => [[r, "budget_current_year"], [r, "budget_previous_year"], [r, "executed"]],
};

/**
 * In 万元 variants every amount is rounded to whole 元 (so the 万元 figure has at most 4
 * decimals and converts back exactly); an execution rate is recomputed only where one of its
 * amounts changed.
 */
function roundToYuan(r) {
  const changed = new Set();
  for (const [obj, key] of MONEY[r.kind](r)) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    const c = toCents(v);
    const y = centsToYuan(c);
    if (y * 100n !== c) changed.add(obj);
    obj[key] = Number(y);
  }
  const fix = (obj, ex, bud) => {
    if (obj[ex] === null || obj[bud] === null || obj.execution_rate === null) return;
    const nr = rate2(toCents(obj[ex]), toCents(obj[bud]));
    if (nr !== null) obj.execution_rate = nr;
  };
  if (r.kind === "project_self_eval" && r.funds?.total && changed.has(r.funds.total)) fix(r.funds.total, "executed", "annual_budget");
  if (r.kind === "department_self_eval") for (const s of Object.values(r.spending ?? {})) if (changed.has(s)) fix(s, "executed", "annual_budget");
  if (r.kind === "project_self_assessment" && changed.has(r)) fix(r, "executed", "budget_current_year");
}

const CN_NUM = /^（[一二三四五六七八九十]+）/;

/** Splits prose into numbered lines; returns the printed lines (their join is the value). */
function numbered(text, X, key) {
  if (!text) return null;
  let items;
  if (CN_NUM.test(text)) items = text.split(/(?=（[一二三四五六七八九十]+）)/).filter(Boolean);
  else {
    items = text.split(/(?<=[。；;])/).filter((s) => s.trim());
    if (items.length > 4) items = [...items.slice(0, 3), items.slice(3).join("")];
    const style = X.choose(`num.${key}`, [(i) => `${i}.`, (i) => `（${i}）`, (i) => `${i}、`, (i) => `目标${i}：`]);
    items = items.map((s, i) => style(i + 1) + s);
  }
  return items;
}

/** Deep copy of the record the report will state, plus display overrides. */
function prepare(record, X) {
  const r = structuredClone(record);
  for (const k of ["source", "confidence", "flags", "review"]) delete r[k];
  if (X.wan) roundToYuan(r);
  const show = {};
  if (X.has("goals-numbered")) {
    const pairs = r.kind === "project_self_assessment"
      ? [["annual_goal", r, "annual_goal"], ["achievements", r, "achievements"]]
      : [["expected", r.goals, "expected"], ["actual", r.goals, "actual"]];
    for (const [name, obj, key] of pairs) {
      const lines = numbered(obj?.[key], X, name);
      if (!lines) continue;
      obj[key] = lines.join("");
      show[name] = lines.join("\n");
    }
  }
  return { rec: r, show };
}

// ---------------------------------------------------------------- entry

/** Builds one report: { blocks, record } (record = what the report states). */
export function buildReport(record, X) {
  const { rec, show } = prepare(record, X);
  const blocks = rec.kind === "project_self_eval" ? projectReport(rec, X, show)
    : rec.kind === "department_self_eval" ? departmentReport(rec, X, show)
    : rec.kind === "project_self_assessment" ? assessmentReport(rec, X, show)
    : null;
  if (!blocks) throw new Error(`unknown record kind ${rec.kind}`);
  return { blocks, record: rec };
}
