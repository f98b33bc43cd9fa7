#!/usr/bin/env node
// Writes tab-separated text dumps of reports, in the style of samples/seeds/*.txt, from their
// expected records (samples/truth/*.jsonl), with page breaks at seeded-random places.
//
//   node samples/generator/textdump.mjs --truth samples/truth --out DIR [--seed N] [--count K]
//        [--reports-per-dump M]
//
// For every dump i (0 ≤ i < K) it writes DIR/<name>.txt and DIR/<name>.jsonl, the second holding
// the truth lines of the reports in the dump, verbatim and in order. Only the two tabular forms
// are written (财政项目支出绩效自评表, 部门（单位）整体支出绩效自评表); 项目绩效自评价 prints no
// tabs, so page breaks do not move its labels.
//
// How a dump prints (as the seeds do):
// - a report starts after a blank line; title and year line; label/value rows; the funds rows;
//   the goals header and texts; the indicator header; indicator rows; the 总分 row;
// - a blank line between two table rows is a page break. Each report gets 1–3 breaks inside its
//   indicator rows (between rows, right before or after a label row, before the 总分 row), and
//   sometimes a row whose name is cut by the break (name start before, rest and numbers after);
// - a merged level-1 or level-2 label prints once per block: on the block's first row; when the
//   block straddles a break and its middle row falls on the next page, on that middle row, on
//   the first row of its part on the next page, or on a line of its own at the top of the next
//   page (a level-1 label also on a line of its own just before the break), or still on the
//   first row (a producer that keeps the text at the top of the merged cell);
// - the department form's 权重 prints with its level-1 label; a note spanning 三级指标 to
//   全年完成值 over a block prints once;
// - project rows are sometimes shifted by one column (an empty cell dropped or added), as the
//   seeds show.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

function parseArgs(argv) {
  const a = { truth: null, out: null, seed: 1, count: 10, perDump: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === "--truth") a.truth = argv[++i];
    else if (k === "--out") a.out = argv[++i];
    else if (k === "--seed") a.seed = Number(argv[++i]);
    else if (k === "--count") a.count = Number(argv[++i]);
    else if (k === "--reports-per-dump") a.perDump = Number(argv[++i]);
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.truth || !a.out) throw new Error("usage: textdump.mjs --truth DIR|FILE --out DIR [--seed N] [--count K]");
  return a;
}

/** mulberry32: a small seeded PRNG. */
export function rng(seed) {
  // Scramble the seed (nearby seeds give unrelated streams).
  let s = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < 4; i++) next();
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

// ---- number printing --------------------------------------------------------------------------

function group3(intPart) {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Money as the forms print it: "1200000.00", "1,199,900", "308097.74". */
function money(n, style, nul) {
  if (n === null || n === undefined) return nul;
  const neg = n < 0;
  const abs = Math.abs(n);
  const dec = Number.isInteger(abs) ? "" : String(abs).split(".")[1] ?? "";
  let text;
  if (style === "fixed2" || (dec.length > 0 && dec.length <= 2 && style !== "plain")) text = abs.toFixed(Math.max(2, dec.length));
  else text = String(abs);
  if (style === "grouped") {
    const [i, d] = text.split(".");
    text = group3(i) + (d !== undefined ? "." + d : "");
  }
  return (neg ? "-" : "") + text;
}

function rate(n, style, nul) {
  if (n === null || n === undefined) return nul;
  if (style === "bare") return n.toFixed(2);
  return (style === "fixed2" ? n.toFixed(2) : String(n)) + "%";
}

function num(n, fixed2) {
  if (n === null || n === undefined) return "";
  return fixed2 ? n.toFixed(2) : String(n);
}

const txt = (s) => (s === null || s === undefined ? "" : String(s));

// ---- label placement --------------------------------------------------------------------------

/** Consecutive runs of rows with the same key: [{ key, start, end }] (end inclusive). */
function runs(rows, keyOf) {
  const out = [];
  rows.forEach((r, i) => {
    const k = keyOf(r);
    const last = out[out.length - 1];
    if (last && last.key === k) last.end = i;
    else out.push({ key: k, start: i, end: i });
  });
  return out;
}

/**
 * Where a block's merged label prints. Returns { row } (printed on that row) or
 * { own: i, side: "before" | "after" } (on a line of its own before row i, before or after the
 * page break that precedes row i).
 */
function placeLabel(block, breaks, r, level) {
  const inner = breaks.filter((b) => b > block.start && b <= block.end);
  if (!inner.length) return { row: block.start };
  const b = inner[0];
  const n = block.end - block.start + 1;
  const middle = block.start + Math.floor((n - 1) / 2);
  const nextEnd = inner[1] !== undefined ? inner[1] - 1 : block.end;
  if (middle < b) return { row: block.start };
  const choices = ["first", "middle", "nextFirst", "nextFirst", "ownAfter"];
  if (level === 1) choices.push("ownBefore");
  const c = r.pick(choices);
  if (c === "first") return { row: block.start };
  if (c === "middle") return { row: Math.min(middle, nextEnd), moved: Math.min(middle, nextEnd) === b };
  if (c === "nextFirst") return { row: b, moved: true };
  if (c === "ownAfter") return { own: b, side: "after" };
  return { own: b, side: "before" };
}

// ---- the two tabular forms --------------------------------------------------------------------

function projectHead(rec, r, st) {
  const L = [];
  const pad = (cells, n = 9) => {
    while (cells.length < n) cells.push("");
    return cells.join("\t");
  };
  L.push("");
  const year = r.pick([`(${rec.fiscal_year} 年度)`, `（ ${rec.fiscal_year} 年度）`, `(${rec.fiscal_year}年度)`]);
  if (st.freeTitle) L.push("财政项目支出绩效自评表", "", year, "");
  else L.push(pad(["财政项目支出绩效自评表"]), pad([year]));
  L.push(pad(st.wideName ? ["项目名称", "", txt(rec.project_name)] : ["项目名称", txt(rec.project_name)]));
  L.push(pad(r.chance(0.8) ? ["主管部门", txt(rec.competent_department), "", "", "实施单位", txt(rec.implementing_unit)] : ["主管部门", txt(rec.competent_department), "", "", "", "实施单位", txt(rec.implementing_unit)]));
  L.push(pad(["项目资金 (元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]));
  const f = rec.funds;
  const row = (label, x, total) =>
    pad([
      "",
      label,
      money(x.initial_budget, st.money, st.nul),
      money(x.annual_budget, st.money, st.nul),
      money(x.executed, total ? st.totalMoney : st.money, st.nul),
      total ? num(x.weight) : x.weight === null ? st.nulWeight : num(x.weight),
      rate(x.execution_rate, st.rate, total ? "" : st.nulRest),
      x.score === null ? st.nulRest : num(x.score),
    ]);
  L.push(row("年度资金总额", f.total, true), row("其中：当年财政拨款", f.fiscal), row("上年结转资金", f.carryover), row("其他资金", f.other));
  const g = rec.goals ?? { expected: null, actual: null };
  const goalStyle = r.int(4);
  if (goalStyle === 0) L.push(pad([r.pick(["年度 总体 目标", "年度总体目标"]), "预期目标", "", "", "实际完成情况"]), pad(["", txt(g.expected), "", "", txt(g.actual)]));
  else if (goalStyle === 1) L.push(pad(["", "预期目标", "", "", "实际完成情况"]), pad([r.pick(["年度目标", "年度总体目标"]), txt(g.expected), "", "", txt(g.actual)]));
  else if (goalStyle === 2) L.push(pad(["年度", "预期目标", "", "", "实际完成情况"]), pad(["总体目标", txt(g.expected), "", "", txt(g.actual)]));
  else L.push(pad(["年度总体目标", "预期目标", "", "", "实际完成情况"]), pad(["", txt(g.expected), "", "", txt(g.actual)]));
  L.push(
    r.pick([
      "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
      "绩效 指标\t一级指标\t二级指标\t三级指标\t年度 指标值\t实际 完成值\t分值\t得分\t偏差原因分析及 改进措施",
      "绩\t一级指标\t二级指标\t三级指标\t年度 指标值\t实际 完成值\t分值\t得分\t偏差原因分析及 改进措施",
    ]),
  );
  return L;
}

function departmentHead(rec, r) {
  const L = [];
  const pad = (cells, n = 9) => {
    while (cells.length < n) cells.push("");
    return cells.join("\t");
  };
  L.push("", r.pick(["### 《部门（单位）整体支出绩效自评表》", "部门（单位）整体支出绩效自评表"]), "", r.pick([`(${rec.fiscal_year}年度)`, `（${rec.fiscal_year}年度）`]), "");
  L.push(pad(["部门名称", "", txt(rec.department_name), "", "下属单位个数", "", num(rec.subordinate_units)]));
  L.push(pad(["整体支出规模（元）", "", "", "全年预算数", "", "全年执行数", "", "执行率(%)"]));
  const s = rec.spending;
  const row = (label, x) => pad(["", label, "", money(x.annual_budget, "grouped", ""), "", money(x.executed, "grouped", ""), "", rate(x.execution_rate, "bare", "")]);
  L.push(row("资金来源：（1）财政拨款", s.fiscal), row("（2）其他资金", s.other), row("资金结构：（1）基本支出", s.basic), row("（2）项目支出", s.project));
  const g = rec.goals ?? { expected: null, actual: null };
  const para = (t) => (t && r.chance(0.5) ? `<p>${t}</p>` : txt(t));
  L.push(pad(["年度总目标", "年初设定目标", "", "", "全年完成情况"]), pad(["", para(g.expected), "", "", "", para(g.actual)]));
  L.push(pad(["分解目标自评"]));
  L.push("一级指标\t权重\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析");
  return L;
}

/** Picks 1–3 page breaks among the indicator rows: break b means a blank line before row b (b = n: before 总分). */
function pickBreaks(n, r) {
  const k = 1 + r.int(3);
  const set = new Set();
  for (let t = 0; t < 20 && set.size < k; t++) {
    const b = 1 + r.int(n); // 1..n
    if ([...set].some((x) => Math.abs(x - b) < 2)) continue;
    set.add(b);
  }
  return [...set].sort((a, b) => a - b);
}

/** The indicator table of one report, as lines (with blank lines for page breaks). */
function indicatorLines(rec, r, dept) {
  const inds = rec.indicators;
  const n = inds.length;
  const breaks = pickBreaks(n, r);
  const l1Blocks = runs(inds, (x) => x.level1);
  const l2Blocks = runs(inds, (x) => `${x.level1}\u0000${x.level2}`);
  // Labels attached to rows, and labels on lines of their own.
  const rowL1 = new Map();
  const rowL2 = new Map();
  const own = []; // { at, side, l1?, l2?, w? }
  const ownAt = (at, side) => {
    let o = own.find((x) => x.at === at && x.side === side);
    if (!o) own.push((o = { at, side }));
    return o;
  };
  for (const blk of l1Blocks) {
    // The department form's first block (投入管理指标) keeps its label on its first row: its
    // level-2 wording is free and is read from the level-2 column only inside a labelled block.
    const p = dept && blk.start === 0 ? { row: 0 } : placeLabel(blk, breaks, r, 1);
    const w = inds[blk.start].level1_weight;
    if ("row" in p) rowL1.set(p.row, { text: blk.key, w, moved: !!p.moved });
    else Object.assign(ownAt(p.own, p.side), { l1: blk.key, w });
  }
  for (const blk of l2Blocks) {
    const l2 = inds[blk.start].level2;
    if (l2 === null || l2 === undefined) continue;
    const extra = dept && inds[blk.start].level1 === l1Blocks[0].key && l1Blocks[0].start === 0 && !/指标$/.test(l2);
    const p = extra ? { row: blk.start } : placeLabel(blk, breaks, r, 2);
    if ("row" in p) rowL2.set(p.row, { text: l2, moved: !!p.moved });
    else ownAt(p.own, p.side).l2 = l2;
  }
  // A note printed once for a block (name spanning to 实际完成值, no target/actual).
  const noteShown = (i) =>
    i > 0 && inds[i - 1].level1 === inds[i].level1 && inds[i].name !== null && inds[i - 1].name === inds[i].name && inds[i].target === null && inds[i].actual === null && inds[i - 1].target === null && inds[i - 1].actual === null;

  const cellsOf = (i) => {
    const x = inds[i];
    const l1 = rowL1.get(i);
    const l2 = rowL2.get(i)?.text ?? "";
    const name = noteShown(i) ? "" : txt(x.name);
    if (dept) {
      return [l1 ? l1.text : "", l1 && l1.w !== null && l1.w !== undefined ? num(l1.w) : "", l2, name, txt(x.target), txt(x.actual), num(x.weight, true), num(x.score, true), txt(x.deviation)];
    }
    return [i === 0 && r.chance(0.2) ? "" : "", l1 ? spaced(l1.text, r) : "", spaced(l2, r), name, txt(x.target), txt(x.actual), num(x.weight), num(x.score), txt(x.deviation)];
  };
  const ownLine = (o) => {
    if (dept) return [o.l1 ?? "", o.l1 && o.w !== null && o.w !== undefined ? num(o.w) : "", o.l2 ?? "", "", "", "", "", "", ""].join("\t");
    if (o.l1 && !o.l2 && r.chance(0.5)) return [o.l1, "", "", "", "", "", "", ""].join("\t");
    return ["", o.l1 ?? "", o.l2 ?? "", "", "", "", "", "", ""].join("\t");
  };
  const L = [];
  for (let i = 0; i <= n; i++) {
    const isBreak = breaks.includes(i);
    const before = own.filter((o) => o.at === i && o.side === "before");
    const after = own.filter((o) => o.at === i && o.side === "after");
    for (const o of before) L.push(ownLine(o));
    if (isBreak) {
      // Sometimes the row before the break is cut: its name starts before the break, and the rest
      // of the name and its values print after it.
      const prev = L.length ? L[L.length - 1] : null;
      const pi = i - 1;
      const x = inds[pi];
      const cutOk = !before.length && !dept && prev !== null && x && x.name && x.name.length >= 6 && x.weight !== null && !noteShown(pi) && L.lastRow === pi && !L.lastShifted;
      if (cutOk && r.chance(0.25)) {
        const cells = L.lastCells;
        let k = 2 + r.int(x.name.length - 3);
        while (k < x.name.length - 1 && x.name[k - 1] === x.name[k]) k++;
        if (x.name[k - 1] !== x.name[k]) {
          const dup = r.chance(0.5) ? 1 : 0; // a glyph cut in half prints on both pages
          const first = [...cells];
          first[3] = x.name.slice(0, k);
          for (let c = 4; c < first.length; c++) first[c] = "";
          L[L.length - 1] = first.join("\t");
          L.push("");
          // A label moved to the first row of its block's part on the next page prints on the
          // rest of the cut row, which is that first row.
          const m1 = rowL1.get(i)?.moved ? rowL1.get(i) : undefined;
          const m2 = rowL2.get(i)?.moved ? rowL2.get(i) : undefined;
          if (m1) rowL1.delete(i);
          if (m2) rowL2.delete(i);
          L.push(["", m1 ? m1.text : "", m2 ? m2.text : "", x.name.slice(k - dup), txt(x.target), txt(x.actual), num(x.weight), num(x.score), txt(x.deviation)].join("\t"));
          for (const o of after) L.push(ownLine(o));
          if (i < n) pushRow(L, i, cellsOf(i), r, dept, inds);
          continue;
        }
      }
      L.push("");
    }
    for (const o of after) L.push(ownLine(o));
    if (i < n) pushRow(L, i, cellsOf(i), r, dept, inds);
  }
  const t = rec.total ?? { weight: null, score: null };
  if (dept) L.push(["总分", "", "", "", num(t.weight), num(t.score), "", "", ""].join("\t"));
  else {
    const w = num(t.weight);
    const s = num(t.score);
    L.push(
      r.pick([
        ["总分", "", "", "", "", "", w, s, ""],
        ["总分", "", "", "", "", w, s, ""],
        ["", "总分", "", "", "", "", "", w, s, ""],
      ]).join("\t"),
    );
  }
  return L;
}

/** "产出指标" sometimes prints with a layout space ("产出 指标"), as narrow columns wrap it. */
function spaced(label, r) {
  if (!label || !r.chance(0.1)) return label;
  return label.replace(/指标$/, " 指标");
}

function pushRow(L, i, cells, r, dept, inds) {
  const x = inds[i];
  // A shifted row (project form only, as in the seeds): an empty leading cell dropped or added.
  // Only rows whose name, target and actual all print, so they still read in order.
  L.lastShifted = false;
  if (!dept && x.name && x.target && x.actual && r.chance(0.08)) {
    L.lastShifted = true;
    if (cells[0] === "" && r.chance(0.5)) cells = cells.slice(1);
    else if (cells[1] === "" || cells[2] === "") cells = ["", ...cells.slice(0, 3), ...cells.slice(3)].slice(0, x.deviation ? 10 : 9);
  }
  L.push(cells.join("\t"));
  L.lastRow = i;
  L.lastCells = cells;
}

export function renderReport(rec, r) {
  if (rec.kind === "project_self_eval") {
    const st = {
      freeTitle: r.chance(0.25),
      wideName: r.chance(0.2),
      money: r.pick(["fixed2", "grouped", "plain"]),
      totalMoney: r.pick(["grouped", "fixed2", "plain"]),
      rate: r.pick(["fixed2", "plain"]),
      nul: r.pick(["", "-"]),
      nulWeight: r.pick(["—", "-"]),
      nulRest: r.pick(["", "-"]),
    };
    return [...projectHead(rec, r, st), ...indicatorLines(rec, r, false)];
  }
  if (rec.kind === "department_self_eval") return [...departmentHead(rec, r), ...indicatorLines(rec, r, true)];
  return null;
}

function readTruth(path) {
  const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith(".jsonl")).sort().map((f) => join(path, f)) : [path];
  const out = [];
  for (const f of files) {
    for (const line of readFileSync(f, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line);
      if (rec.kind === "project_self_eval" || rec.kind === "department_self_eval") out.push({ line, rec, from: basename(f) });
    }
  }
  return out;
}

/** Generates `count` dumps; returns [{ name, text, truth }]. */
export function generate(pool, { seed = 1, count = 10, perDump = null } = {}) {
  const out = [];
  for (let d = 0; d < count; d++) {
    const r = rng(seed * 1000003 + d * 7919 + 17);
    const m = perDump ?? 4 + r.int(5);
    const left = [...pool];
    const picked = [];
    for (let k = 0; k < m && left.length; k++) picked.push(left.splice(r.int(left.length), 1)[0]);
    const lines = [];
    for (const p of picked) lines.push(...renderReport(p.rec, r));
    out.push({ name: `gen_s${seed}_${String(d).padStart(3, "0")}`, text: lines.join("\n") + "\n", truth: picked.map((p) => p.line).join("\n") + "\n" });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = parseArgs(process.argv.slice(2));
  const pool = readTruth(a.truth);
  if (!pool.length) throw new Error(`${a.truth}: no project or department records`);
  mkdirSync(a.out, { recursive: true });
  for (const g of generate(pool, { seed: a.seed, count: a.count, perDump: a.perDump })) {
    writeFileSync(join(a.out, `${g.name}.txt`), g.text);
    writeFileSync(join(a.out, `${g.name}.jsonl`), g.truth);
  }
}
