// The three forms of the form model (model.mjs): each turns a prepared record into the report's
// blocks, with the variant's labels, rows, columns and goal shapes.
import { LABELS } from "./common.mjs";
import {
  C, P, PEOPLE, STANDARD, blockIds, footLines, goalsMode, grade, headLines, natureOf, phone, spans, title, widths, yearLines,
} from "./formPieces.mjs";

// ---------------------------------------------------------------- 项目支出绩效自评表

export function projectReport(r, X, show) {
  const L = (k) => X.label("project", k);
  const blocks = [];
  const tt = title("project", r, X);
  const hl = headLines(X, r.implementing_unit);
  blocks.push(...hl.before, P(tt.t, "title"));
  const yr = yearLines(r, X, tt.withYear);
  blocks.push(...yr.lines, ...hl.after);
  const unitLine = X.unitMode === "line";
  if (unitLine) blocks.push(P(`单位：${X.wan ? "万元" : "元"}`, "normal", "r"));

  // top table: 9 columns as in the samples
  const top = [];
  const lab = (t, o = {}) => C(t, { ...o, role: "label" });
  top.push([lab(L("project_name")), C(r.project_name, { cs: 8, a: "l" })]);
  if (yr.cell) top.push([lab("评价年度"), C(yr.cell, { cs: 8, a: "l" })]);
  const leadRow = X.has("extra-rows") ? X.choose("leadrow", ["own", "beside"]) : null;
  if (leadRow === "beside") {
    // 项目负责人 next to 实施单位 on the same row
    top.push([lab(L("competent")), C(r.competent_department, { cs: 2 }), lab(L("implementing")), C(r.implementing_unit, { cs: 2 }),
      lab("项目负责人"), C(`${X.choose("lead", PEOPLE)}\n${phone(X, "tel")}`, { cs: 2 })]);
  } else {
    top.push([lab(L("competent")), C(r.competent_department, { cs: 3 }), lab(L("implementing")), C(r.implementing_unit, { cs: 4 })]);
  }
  if (leadRow === "own") top.push([lab("项目负责人"), C(X.choose("lead", PEOPLE), { cs: 3 }), lab("联系电话"), C(phone(X, "tel"), { cs: 4 })]);
  if (X.has("extra-rows")) {
    top.push([lab("项目属性"), C(X.choose("attr", ["经常性项目", "一次性项目", "延续性项目"]), { cs: 3 }),
      lab("资金来源"), C(X.choose("src", ["本级财政资金", "区级财政拨款", "上级转移支付"]), { cs: 4 })]);
  }
  const unit = unitLine ? "" : X.unitMode === "header" ? X.unitText(X.wan ? "万元" : "元") : "";
  const colUnit = X.unitMode === "labels" ? X.unitText(X.wan ? "万元" : "元") : "";
  const rateL = L("rate");
  const pct = rateL.includes("%");
  const funds = r.funds ?? {};
  top.push([
    lab(`${L("funds")}${unit ? "\n" + unit : ""}`, { rs: 5 }), lab(""),
    lab(L("initial") + colUnit), lab(L("annual") + colUnit), lab(L("executed") + colUnit),
    lab(L("fweight")), lab(rateL), lab(L("fscore"), { cs: 2 }),
  ]);
  for (const key of ["total", "fiscal", "carryover", "other"]) {
    const f = funds[key] ?? {};
    top.push([lab(L(key)), C(X.money(f.initial_budget)), C(X.money(f.annual_budget)), C(X.money(f.executed)),
      C(X.num(f.weight, "weight")), C(X.rate(f.execution_rate, pct)), C(X.num(f.score), { cs: 2 })]);
  }
  goalsRows(top, r.goals, X, show, { label: L("goals"), expected: L("expected"), actual: L("actual"), rest: 8 });
  blocks.push({ cols: topGrid(X), rows: top, border: true, header: null });

  // indicator table
  const ec = X.has("extra-columns");
  const sectionMode = X.has("layout-landscape") ? "none" : X.has("layout-narrow") ? "stacked" : "word";
  const keys = [
    ...(sectionMode === "none" ? [] : ["section"]), "l1", "l2", "name", ...(ec ? ["nature"] : []),
    "target", "actual", "weight", "score", ...(ec ? ["standard"] : []), "deviation", ...(ec ? ["remark"] : []),
  ];
  const base = { section: 6, l1: 9, l2: 10, name: 17, nature: 6, target: 11, actual: 11, weight: 6, score: 6, standard: 12, deviation: 15, remark: 6 };
  const head = {
    section: L("section"), l1: L("l1"), l2: L("l2"), name: L("name"), nature: "指标性质", target: L("target"),
    actual: L("iactual"), weight: L("weight"), score: L("score"), standard: "评分标准", deviation: L("deviation"), remark: "备注",
  };
  const ind = r.indicators ?? [];
  const rows = [];
  const hdr = keys.map((k) => lab(head[k]));
  if (sectionMode !== "none") {
    const s = sectionMode === "stacked" ? [...L("section")].join("\n") : L("section");
    hdr[0] = lab(s, { rs: ind.length + 1 });
  }
  rows.push(hdr);
  indicatorRows(rows, ind, keys, X, { l1w: false });
  const wi = keys.indexOf("weight");
  rows.push([lab(L("sum"), { cs: wi }), C(X.num(r.total?.weight)), C(X.num(r.total?.score)), C("", { cs: keys.length - wi - 2 })]);
  if (X.has("extra-rows")) rows.push([lab("自评等级", { cs: wi }), C(grade(r.total?.score), { cs: keys.length - wi })]);
  blocks.push({ cols: widths(keys, base, X), rows, border: true, header: { start: 0, count: 1 }, attach: true });
  blocks.push(...footLines(X, r.fiscal_year));
  return blocks;
}

/** The 9-column grid of the upper part; full-width digits need wider number columns. */
const topGrid = (X) => (X.has("fullwidth-nulls") ? [8, 9, 12, 12, 12, 12, 13, 11, 11] : [10, 10, 12, 16, 12, 11, 9, 9, 11]);

/** Goal rows of the project and department forms; `rest` columns after the label column. */
function goalsRows(rows, goals, X, show, L) {
  const exp = show.expected ?? goals?.expected ?? "";
  const act = show.actual ?? goals?.actual ?? "";
  const long = (exp.length + act.length) > 360;
  const mode = goalsMode(X, long);
  const lab = (t, o = {}) => C(t, { ...o, role: "label" });
  const glabel = X.has("layout-narrow") ? [...L.label].join("\n") : L.label;
  const half = Math.floor(L.rest / 2);
  if (mode === "captioned") {
    rows.push([lab(glabel), C(`${L.expected}：${exp}`, { cs: half, a: "l", v: "t", role: "prose" }),
      C(`${L.actual}：${act}`, { cs: L.rest - half, a: "l", v: "t", role: "prose" })]);
  } else if (mode === "stacked") {
    rows.push([lab(glabel, { rs: 4 }), lab(L.expected, { cs: L.rest })]);
    rows.push([C(exp, { cs: L.rest, a: "l", v: "t", role: "prose" })]);
    rows.push([lab(L.actual, { cs: L.rest })]);
    rows.push([C(act, { cs: L.rest, a: "l", v: "t", role: "prose" })]);
  } else {
    rows.push([lab(glabel, { rs: 2 }), lab(L.expected, { cs: half }), lab(L.actual, { cs: L.rest - half })]);
    rows.push([C(exp, { cs: half, a: "l", v: "t", role: "prose" }), C(act, { cs: L.rest - half, a: "l", v: "t", role: "prose" })]);
  }
}

/** Indicator rows with merged level-1 / level-2 labels (and merged note rows). */
function indicatorRows(rows, ind, keys, X, { l1w }) {
  const lab = (t, o = {}) => C(t, { ...o, role: "label" });
  const l1 = spans(ind, (x) => (x.level1 === null || x.level1 === undefined ? null : `${x.level1}|${l1w ? x.level1_weight : ""}`));
  const ids = blockIds(l1);
  const outer = (x) => ids[ind.indexOf(x)];
  const l2 = spans(ind, (x) => x.level2 ?? null, outer);
  const note = spans(ind, (x) => (x.target === null && x.actual === null ? x.name ?? null : null), outer);
  const ni = keys.indexOf("name");
  const ai = keys.indexOf("actual");
  let noteLeft = 0;
  ind.forEach((x, i) => {
    const tr = [];
    let skipUntil = -1;
    keys.forEach((k, ci) => {
      if (ci <= skipUntil) return;
      switch (k) {
        case "section": return; // covered by the header row's span
        case "l1": if (l1[i]) tr.push(lab(x.level1, { rs: l1[i] })); return;
        case "l1w": if (l1[i]) tr.push(C(X.num(x.level1_weight), { rs: l1[i] })); return;
        case "l2": if (l2[i]) tr.push(lab(x.level2, { rs: l2[i] })); return;
        case "name":
          if (noteLeft > 0) { noteLeft--; skipUntil = ai; return; }
          if (note[i] > 1) {
            tr.push(C(x.name, { rs: note[i], cs: ai - ni + 1 }));
            noteLeft = note[i] - 1;
            skipUntil = ai;
            return;
          }
          tr.push(C(x.name)); return;
        case "nature": tr.push(C(natureOf(x, X))); return;
        case "target": tr.push(C(x.target ?? X.nul())); return;
        case "actual": tr.push(C(x.actual ?? X.nul())); return;
        case "weight": tr.push(C(X.num(x.weight, "weight"))); return;
        case "score": tr.push(C(X.num(x.score))); return;
        case "standard": tr.push(C(X.choose(`std${i}`, STANDARD), { a: "l" })); return;
        case "deviation": tr.push(C(x.deviation ?? "", { a: "l" })); return;
        case "remark": tr.push(C(X.choose(`rm${i}`, ["", "", "无"]))); return;
        default: throw new Error(`column ${k}`);
      }
    });
    rows.push(tr);
  });
}

// ---------------------------------------------------------------- 部门整体支出绩效自评表

export function departmentReport(r, X, show) {
  const L = (k) => X.label("department", k);
  const blocks = [];
  const tt = title("department", r, X);
  const hl = headLines(X, r.department_name);
  blocks.push(...hl.before, P(X.has("baseline") ? `《${tt.t}》` : tt.t, "title"));
  const yr = yearLines(r, X, tt.withYear);
  blocks.push(...yr.lines, ...hl.after);
  const unitLine = X.unitMode === "line";
  if (unitLine) blocks.push(P(`单位：${X.wan ? "万元" : "元"}`, "normal", "r"));
  const lab = (t, o = {}) => C(t, { ...o, role: "label" });
  const top = [];
  top.push([lab(L("name")), C(r.department_name, { cs: 5 }), lab(L("units"), { cs: 2 }), C(X.num(r.subordinate_units))]);
  if (yr.cell) top.push([lab("评价年度"), C(yr.cell, { cs: 8, a: "l" })]);
  if (X.has("extra-rows")) {
    top.push([lab("部门负责人"), C(X.choose("lead", PEOPLE), { cs: 3 }), lab("联系电话", { cs: 2 }), C(phone(X, "tel"), { cs: 3 })]);
  }
  const unit = unitLine ? "" : X.unitMode === "header" ? X.unitText(X.wan ? "万元" : "元") : "";
  const colUnit = X.unitMode === "labels" ? X.unitText(X.wan ? "万元" : "元") : "";
  const rateL = L("rate");
  const pct = rateL.includes("%");
  top.push([lab(`${L("spending")}${unit ? "\n" + unit : ""}`, { rs: 5 }), lab("", { cs: 2 }),
    lab(L("annual") + colUnit, { cs: 2 }), lab(L("executed") + colUnit, { cs: 2 }), lab(rateL, { cs: 2 })]);
  const sp = r.spending ?? {};
  for (const key of ["fiscal", "other", "basic", "project"]) {
    const s = sp[key] ?? {};
    top.push([C(L(key), { cs: 2, a: "l", role: "label" }), C(X.money(s.annual_budget), { cs: 2 }),
      C(X.money(s.executed), { cs: 2 }), C(X.rate(s.execution_rate, pct), { cs: 2 })]);
  }
  // the row label and the caption of the expected goal never print the same word
  const gl = L("goals");
  const ge = L("expected") === gl ? LABELS.department.expected[0] : L("expected");
  goalsRows(top, r.goals, X, show, { label: gl, expected: ge, actual: L("actual"), rest: 8 });
  blocks.push({ cols: topGrid(X), rows: top, border: true, header: null });

  const ec = X.has("extra-columns");
  const keys = ["l1", "l1w", "l2", "name", ...(ec ? ["nature"] : []), "target", "actual", "weight", "score",
    ...(ec ? ["standard"] : []), "deviation", ...(ec ? ["remark"] : [])];
  const base = { l1: 10, l1w: 7, l2: 11, name: 18, nature: 6, target: 11, actual: 11, weight: 7, score: 7, standard: 12, deviation: 13, remark: 6 };
  const [w1, w2] = X.syn ? X.choose("label.department.weights", LABELS.department.weights) : LABELS.department.weights[0];
  const head = {
    l1: L("l1"), l1w: w1, l2: L("l2"), name: L("iname"), nature: "指标性质", target: L("target"), actual: L("iactual"),
    weight: w2, score: L("score"), standard: "评分标准", deviation: L("deviation"), remark: "备注",
  };
  const rows = [];
  rows.push([lab(L("split"), { cs: keys.length })]);
  rows.push(keys.map((k) => lab(head[k])));
  indicatorRows(rows, r.indicators ?? [], keys, X, { l1w: true });
  const wi = keys.indexOf("weight");
  rows.push([lab(L("sum"), { cs: wi }), C(X.num(r.total?.weight)), C(X.num(r.total?.score)), C("", { cs: keys.length - wi - 2 })]);
  if (X.has("extra-rows")) rows.push([lab("自评等级", { cs: wi }), C(grade(r.total?.score), { cs: keys.length - wi })]);
  blocks.push({ cols: widths(keys, base, X), rows, border: true, header: { start: 1, count: 1 }, attach: true });
  blocks.push(...footLines(X, r.fiscal_year));
  return blocks;
}

// ---------------------------------------------------------------- 项目绩效自评价

function dateText(iso, X) {
  if (!iso) return X.nul();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m || !X.syn) return iso;
  const [, y, mo, d] = m;
  return X.choose("date", [iso, `${y}年${Number(mo)}月${Number(d)}日`, `${y}.${mo}.${d}`, `${y}/${Number(mo)}/${Number(d)}`]);
}

export function assessmentReport(r, X, show) {
  const L = (k) => X.label("assessment", k);
  const blocks = [];
  const hl = headLines(X, r.budget_unit);
  blocks.push(...hl.before, P(title("assessment", r, X).t, "title"), ...hl.after);
  const unitLine = X.unitMode === "line";
  if (unitLine) blocks.push(P(`单位：${X.wan ? "万元" : "元"}`, "normal", "r"));
  const u = unitLine ? "" : X.unitText(X.wan ? "万元" : "元");
  const yesNo = r.recurring === true ? "是" : r.recurring === false ? "否" : X.nul();
  const rateL = L("rate");
  const pct = rateL.includes("%");
  const kvPairs = [
    [L("name"), r.project_name, L("unit"), r.budget_unit],
    [L("office"), r.implementing_office ?? X.nul(), L("recurring"), yesNo],
    [L("current") + u, X.money(r.budget_current_year), L("previous") + u, X.money(r.budget_previous_year)],
    [L("executed") + u, X.money(r.executed), rateL, X.rate(r.execution_rate, pct)],
  ];
  if (X.has("extra-rows")) kvPairs.splice(2, 0, ["项目负责人", X.choose("lead", PEOPLE), "联系电话", phone(X, "tel")]);
  const goal = show.annual_goal ?? r.annual_goal;
  const ach = show.achievements ?? r.achievements;
  const prose = [
    [L("goal"), goal], [L("date"), dateText(r.evaluation_date, X)], [L("grade"), r.grade ?? X.nul()],
    [L("achievements"), ach], [L("problems"), r.problems ?? X.nul()], [L("improvements"), r.improvements ?? X.nul()],
  ];
  if (X.has("goals-captioned")) {
    // bordered key–value grid with narrow label cells that wrap over several lines
    const lab = (t, o = {}) => C(t, { ...o, role: "label" });
    const rows = kvPairs.map(([a, b, c, d]) => [lab(a), C(b, { a: "l" }), lab(c), C(d, { a: "l" })]);
    for (const [a, b] of prose) rows.push([lab(a), C(b, { cs: 3, a: "l", v: "t", role: "prose" })]);
    blocks.push({ cols: [11, 39, 11, 39], rows, border: true, header: null });
  } else {
    const colon = X.choose("colon", ["：", "："]);
    blocks.push({
      cols: [20, 30, 20, 30], border: false, header: null,
      rows: kvPairs.map(([a, b, c, d]) => [C(a + colon, { a: "l", v: "t", role: "label" }), C(b, { a: "l", v: "t" }),
        C(c + colon, { a: "l", v: "t", role: "label" }), C(d, { a: "l", v: "t" })]),
    });
    for (const [label, value] of prose) {
      if (String(value).length <= 30 && !String(value).includes("\n")) blocks.push(P(`${label}${colon} ${value}`));
      else { blocks.push(P(`${label}${colon}`)); blocks.push(P(value, "prose")); }
    }
  }
  const ec = X.has("extra-columns");
  const keys = ["l1", "name", ...(ec ? ["nature"] : []), "explanation", ...(ec ? ["standard"] : []), "weight", "score", "note"];
  const base = { l1: 14, name: 22, nature: 8, explanation: 24, standard: 14, weight: 9, score: 9, note: 12 };
  const head = { l1: L("l1"), name: L("iname"), nature: "指标性质", explanation: L("explanation"), standard: "评分标准", weight: L("weight"), score: L("score"), note: L("note") };
  const lab = (t, o = {}) => C(t, { ...o, role: "label" });
  const rows = [keys.map((k) => lab(head[k]))];
  const ind = r.indicators ?? [];
  const l1 = spans(ind, (x) => (x.level1 === null || x.level1 === undefined ? null : `${x.level1}|${x.level1_weight}`));
  const wstyle = X.syn ? X.choose("l1w", ["\n（{W}分）", "\n({W}分)", "（{W}分）", "\n{W}分"]) : "\n({W}分)";
  ind.forEach((x, i) => {
    const tr = [];
    for (const k of keys) {
      if (k === "l1") {
        if (!l1[i]) continue;
        const w = x.level1_weight === null || x.level1_weight === undefined ? "" : wstyle.replace("{W}", X.num(x.level1_weight));
        tr.push(lab((x.level1 ?? "") + w, { rs: l1[i] }));
      } else if (k === "name") tr.push(C(x.name));
      else if (k === "nature") tr.push(C(natureOf(x, X)));
      else if (k === "explanation") tr.push(C(x.explanation ?? X.nul(), { a: "l" }));
      else if (k === "standard") tr.push(C(X.choose(`std${i}`, STANDARD), { a: "l" }));
      else if (k === "weight") tr.push(C(X.num(x.weight, "weight")));
      else if (k === "score") tr.push(C(X.num(x.score)));
      else if (k === "note") tr.push(C(x.note ?? ""));
    }
    rows.push(tr);
  });
  const wi = keys.indexOf("weight");
  rows.push([lab(L("sum"), { cs: wi }), C(X.num(r.total?.weight)), C(X.num(r.total?.score)), C("", { cs: keys.length - wi - 2 })]);
  blocks.push({ cols: widths(keys, base, X), rows, border: true, header: { start: 0, count: 1 } });
  blocks.push(P("说明：1、依据本项目应实现的绩效目标或工作计划，对照已完成的情况，进行绩效自评。\n" +
    "2、绩效等级说明：自评分合计90（含）-100分为优秀，75（含）-90分为良好，60（含）-75分为合格，0-60分为不合格。", "small"));
  blocks.push(...footLines(X, null));
  return blocks;
}
