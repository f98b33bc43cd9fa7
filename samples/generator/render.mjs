#!/usr/bin/env node
// Renders expected records (jsonl, docs/record-format.md) as an HTML page that prints like the
// real report forms, and optionally prints it to PDF with headless Chromium. The generated PDFs
// are fixtures for testing the pipeline on other producers, fonts, column widths and page
// orientations; the records they came from are their expected output, unchanged.
//
//   node samples/generator/render.mjs --truth samples/truth/000_x.jsonl --html out.html
//        [--reports 0,2,5]          which records (0-based line numbers), default all
//        [--pdf out.pdf]            also print to PDF (needs `chromium` on PATH or $CHROMIUM)
//        [--jsonl out.jsonl]        also write the selected records (the truth lines, verbatim)
//        [--landscape]              A4 landscape instead of portrait
//        [--font "Noto Sans CJK SC"] CSS font-family list for the page
//        [--font-size 10.5]         body font size in pt
//        [--col-widths default|narrow|wide|even]
//        [--label-top]              merged label cells vertical-align: top (default middle)
//        [--vertical-label]         the 绩效指标 label stacked one character per line with <br>
//        [--nulls dash|hyphen|slash|empty]   how empty numeric cells print (default dash:
//                                   "—" under 分值, empty elsewhere, as in the Chrome samples)
//        [--numbers mixed|grouped|plain]     money style (default mixed: "1200000.00" budgets,
//                                   "1,199,900" executed, as in the samples)
//
// Each report starts on a new page; tables are allowed to break across pages, so merged label
// cells and rows are split by page breaks wherever they fall.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { resolve, join } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

// ---------------------------------------------------------------- arguments

export function parseArgs(argv) {
  const a = {
    truth: null, html: null, pdf: null, jsonl: null, reports: null,
    landscape: false, font: null, fontSize: 10.5, colWidths: "default",
    labelTop: false, verticalLabel: false, nulls: "dash", numbers: "mixed",
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === "--truth") a.truth = next();
    else if (k === "--html") a.html = next();
    else if (k === "--pdf") a.pdf = next();
    else if (k === "--jsonl") a.jsonl = next();
    else if (k === "--reports") a.reports = next().split(",").map((s) => Number(s.trim()));
    else if (k === "--landscape") a.landscape = true;
    else if (k === "--font") a.font = next();
    else if (k === "--font-size") a.fontSize = Number(next());
    else if (k === "--col-widths") a.colWidths = next();
    else if (k === "--label-top") a.labelTop = true;
    else if (k === "--vertical-label") a.verticalLabel = true;
    else if (k === "--nulls") a.nulls = next();
    else if (k === "--numbers") a.numbers = next();
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.truth || (!a.html && !a.pdf)) {
    throw new Error("usage: render.mjs --truth records.jsonl (--html out.html | --pdf out.pdf) [options]");
  }
  if (!COL_WIDTHS[a.colWidths]) throw new Error(`--col-widths: one of ${Object.keys(COL_WIDTHS).join(", ")}`);
  if (!["dash", "hyphen", "slash", "empty"].includes(a.nulls)) throw new Error("--nulls: dash, hyphen, slash or empty");
  if (!["mixed", "grouped", "plain"].includes(a.numbers)) throw new Error("--numbers: mixed, grouped or plain");
  if (!(a.fontSize > 4 && a.fontSize < 40)) throw new Error("--font-size: a size in pt");
  if (a.reports && a.reports.some((n) => !Number.isInteger(n) || n < 0)) throw new Error("--reports: 0-based indices");
  return a;
}

// ---------------------------------------------------------------- column widths (percent)

// Project and department forms share a 9-column grid; the assessment table has 6 columns.
const COL_WIDTHS = {
  // close to the Chrome samples
  default: { grid: [10, 10, 12, 16, 12, 11, 9, 9, 11], assess: [15, 25, 25, 10, 10, 15] },
  // narrow label columns: labels wrap to 2–3 characters a line
  narrow: { grid: [5, 8, 8, 24, 13, 12, 8, 8, 14], assess: [9, 30, 30, 9, 9, 13] },
  // wide label columns, narrow name and value columns: names wrap over several lines
  wide: { grid: [14, 14, 16, 13, 10, 10, 7, 7, 9], assess: [22, 18, 24, 11, 11, 14] },
  // every column the same width
  even: { grid: Array(9).fill(100 / 9), assess: Array(6).fill(100 / 6) },
};

// ---------------------------------------------------------------- values

const esc = (s) =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Text cell content; null prints as an empty cell. */
const text = (v) => (v === null || v === undefined ? "" : esc(v));

/** Fixed two decimals when that is exact, else the shortest form (never loses a digit). */
function fixed2(n) {
  const s = n.toFixed(2);
  return Number(s) === n ? s : String(n);
}

function group(s) {
  const neg = s.startsWith("-");
  const [int, frac] = (neg ? s.slice(1) : s).split(".");
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "-" : "") + g + (frac !== undefined ? "." + frac : "");
}

/** Plain shortest number: 7.5, 100, 99.92. */
const num = (n) => String(n);
/** Two decimals: 7.50, 100.00. */
const num2 = (n) => fixed2(n);
/** Money, plain with two decimals: 1200000.00 (a zero prints "0", as in the samples). */
const moneyPlain = (n) => (n === 0 ? "0" : fixed2(n));
/** Money, grouped, decimals only when there are cents: 1,199,900 / 308,097.74. */
const moneyGroupedShort = (n) => group(Number.isInteger(n) ? String(n) : fixed2(n));
/** Money, grouped with two decimals: 113,569,961.85 / 0.00. */
const moneyGrouped2 = (n) => group(fixed2(n));
/** Rate with a percent sign: 100.00%. */
const ratePct = (n) => fixed2(n) + "%";

/** Formats a number with fmt, or the null marker for the cell's role. */
function makeValue(opts) {
  const nullMark = (role) => {
    switch (opts.nulls) {
      case "hyphen": return "-";
      case "slash": return "/";
      case "empty": return "";
      default: return role === "weight" ? "—" : ""; // the Chrome samples: "—" under 分值 only
    }
  };
  return (v, fmt, role = "value") => (v === null || v === undefined ? nullMark(role) : esc(fmt(v)));
}

/** Money formatter for a project-form column (the samples mix styles within one table). */
function projectMoney(opts, column, row) {
  if (opts.numbers === "plain") return moneyPlain;
  if (opts.numbers === "grouped") return moneyGroupedShort;
  // mixed, as in 000: budgets plain with decimals; executed grouped on the total row only
  if (column === "executed") return row === "total" ? moneyGroupedShort : num;
  return moneyPlain;
}

// ---------------------------------------------------------------- merged cells

/**
 * Row spans for one column: runs of equal keys, never crossing a boundary of `outer`
 * (the enclosing block). Returns, per row, the span starting there (0 inside a run).
 */
function spans(rows, key, outer = () => "") {
  const out = new Array(rows.length).fill(0);
  let i = 0;
  while (i < rows.length) {
    let j = i + 1;
    while (
      j < rows.length && key(rows[j]) !== null && key(rows[j]) === key(rows[i]) &&
      outer(rows[j]) === outer(rows[i])
    ) j++;
    out[i] = j - i;
    i = j;
  }
  return out;
}

function td(content, { rowspan = 1, colspan = 1, cls = "" } = {}) {
  let a = "";
  if (rowspan > 1) a += ` rowspan="${rowspan}"`;
  if (colspan > 1) a += ` colspan="${colspan}"`;
  if (cls) a += ` class="${cls}"`;
  return `<td${a}>${content}</td>`;
}

// ---------------------------------------------------------------- forms

function colgroup(widths) {
  return "<colgroup>" + widths.map((w) => `<col style="width:${w.toFixed(3)}%">`).join("") + "</colgroup>";
}

/** 财政项目支出绩效自评表 */
function renderProject(r, opts) {
  const v = makeValue(opts);
  const w = COL_WIDTHS[opts.colWidths].grid;
  const rows = [];
  const year = r.fiscal_year === null || r.fiscal_year === undefined ? "" : `<div class="subtitle">(${esc(r.fiscal_year)} 年度)</div>`;

  rows.push(`<tr>${td("项目名称", { cls: "label" })}${td(text(r.project_name), { colspan: 8, cls: "left" })}</tr>`);
  rows.push(
    `<tr>${td("主管部门", { cls: "label" })}${td(text(r.competent_department), { colspan: 3 })}` +
    `${td("实施单位", { cls: "label" })}${td(text(r.implementing_unit), { colspan: 4 })}</tr>`,
  );

  const funds = r.funds ?? {};
  const fundRows = [
    ["total", "年度资金总额"],
    ["fiscal", "其中：当年财政拨款"],
    ["carryover", "上年结转资金"],
    ["other", "其他资金"],
  ];
  rows.push(
    `<tr>${td("项目资金<br>(元)", { rowspan: 5, cls: "label merged" })}${td("")}` +
    `${td("年初预算数")}${td("全年预算数")}${td("全年执行数")}${td("分值")}${td("执行率")}${td("得分", { colspan: 2 })}</tr>`,
  );
  for (const [key, label] of fundRows) {
    const f = funds[key] ?? {};
    rows.push(
      `<tr>${td(label, { cls: "label" })}` +
      `${td(v(f.initial_budget, projectMoney(opts, "initial_budget", key)))}` +
      `${td(v(f.annual_budget, projectMoney(opts, "annual_budget", key)))}` +
      `${td(v(f.executed, projectMoney(opts, "executed", key)))}` +
      `${td(v(f.weight, num, "weight"))}` +
      `${td(v(f.execution_rate, ratePct))}` +
      `${td(v(f.score, num), { colspan: 2 })}</tr>`,
    );
  }

  rows.push(
    `<tr>${td("年度<br>总体<br>目标", { rowspan: 2, cls: "label merged" })}` +
    `${td("预期目标", { colspan: 4 })}${td("实际完成情况", { colspan: 4 })}</tr>`,
  );
  rows.push(
    `<tr>${td(text(r.goals?.expected), { colspan: 4, cls: "prose" })}${td(text(r.goals?.actual), { colspan: 4, cls: "prose" })}</tr>`,
  );

  const ind = r.indicators ?? [];
  const l1 = spans(ind, (x) => x.level1 ?? null);
  const l1key = (() => {
    // block id per row, so inner spans never cross a level-1 block
    const ids = [];
    let id = -1;
    for (let i = 0; i < ind.length; i++) { if (l1[i] > 0) id++; ids.push(id); }
    return (x) => ids[ind.indexOf(x)];
  })();
  const l2 = spans(ind, (x) => x.level2 ?? null, l1key);
  const note = spans(ind, (x) => (x.target === null && x.actual === null ? x.name ?? null : null), l1key);
  const sectionLabel = opts.verticalLabel ? "绩<br>效<br>指<br>标" : "绩效指标";
  rows.push(
    `<tr>${td(sectionLabel, { rowspan: ind.length + 1, cls: "label merged section" })}` +
    `${td("一级指标")}${td("二级指标")}${td("三级指标")}${td("年度指标值")}${td("实际完成值")}` +
    `${td("分值")}${td("得分")}${td("偏差原因分析及改进措施")}</tr>`,
  );
  let noteLeft = 0;
  ind.forEach((x, i) => {
    let tr = "<tr>";
    if (l1[i]) tr += td(text(x.level1), { rowspan: l1[i], cls: "label merged" });
    if (l2[i]) tr += td(text(x.level2), { rowspan: l2[i], cls: "label merged" });
    if (noteLeft > 0) noteLeft--;
    else if (note[i] > 1) {
      tr += td(text(x.name), { rowspan: note[i], colspan: 3, cls: "merged" });
      noteLeft = note[i] - 1;
    } else {
      tr += td(text(x.name)) + td(v(x.target, String)) + td(v(x.actual, String));
    }
    tr += td(v(x.weight, num)) + td(v(x.score, num)) + td(text(x.deviation), { cls: "left" });
    rows.push(tr + "</tr>");
  });
  rows.push(
    `<tr>${td("总分", { colspan: 6 })}${td(v(r.total?.weight, num))}${td(v(r.total?.score, num))}${td("")}</tr>`,
  );

  return (
    `<h1>财政项目支出绩效自评表</h1>${year}` +
    `<table class="grid">${colgroup(w)}<tbody>${rows.join("\n")}</tbody></table>`
  );
}

/** 部门（单位）整体支出绩效自评表 */
function renderDepartment(r, opts) {
  const v = makeValue(opts);
  const w = COL_WIDTHS[opts.colWidths].grid;
  const money = opts.numbers === "plain" ? moneyPlain : opts.numbers === "grouped" ? moneyGroupedShort : moneyGrouped2;
  const rows = [];
  const year = r.fiscal_year === null || r.fiscal_year === undefined ? "" : `<div class="subtitle">(${esc(r.fiscal_year)}年度)</div>`;

  rows.push(
    `<tr>${td("部门名称", { cls: "label" })}${td(text(r.department_name), { colspan: 5 })}` +
    `${td("下属单位个数", { colspan: 2, cls: "label" })}${td(v(r.subordinate_units, num))}</tr>`,
  );
  const sp = r.spending ?? {};
  rows.push(
    `<tr>${td("整体支出<br>规模（元）", { rowspan: 5, cls: "label merged" })}${td("", { colspan: 2 })}` +
    `${td("全年预算数", { colspan: 2 })}${td("全年执行数", { colspan: 2 })}${td("执行率(%)", { colspan: 2 })}</tr>`,
  );
  for (const [key, label] of [
    ["fiscal", "资金来源：（1）财政拨款"],
    ["other", "（2）其他资金"],
    ["basic", "资金结构：（1）基本支出"],
    ["project", "（2）项目支出"],
  ]) {
    const s = sp[key] ?? {};
    rows.push(
      `<tr>${td(label, { colspan: 2, cls: "left" })}${td(v(s.annual_budget, money), { colspan: 2 })}` +
      `${td(v(s.executed, money), { colspan: 2 })}${td(v(s.execution_rate, num2), { colspan: 2 })}</tr>`,
    );
  }
  rows.push(
    `<tr>${td("年度总目标", { rowspan: 2, cls: "label merged" })}` +
    `${td("年初设定目标", { colspan: 4 })}${td("全年完成情况", { colspan: 4 })}</tr>`,
  );
  rows.push(
    `<tr>${td(text(r.goals?.expected), { colspan: 4, cls: "prose" })}${td(text(r.goals?.actual), { colspan: 4, cls: "prose" })}</tr>`,
  );
  rows.push(`<tr>${td("分解目标自评", { colspan: 9 })}</tr>`);
  rows.push(
    `<tr>${td("一级指标")}${td("权重")}${td("二级指标")}${td("三级指标")}${td("年度指标值")}` +
    `${td("全年完成值")}${td("分值")}${td("得分")}${td("偏差及原因分析")}</tr>`,
  );

  const ind = r.indicators ?? [];
  const l1 = spans(ind, (x) => (x.level1 === null || x.level1 === undefined ? null : `${x.level1}|${x.level1_weight}`));
  const ids = [];
  { let id = -1; for (let i = 0; i < ind.length; i++) { if (l1[i] > 0) id++; ids.push(id); } }
  const l1key = (x) => ids[ind.indexOf(x)];
  const l2 = spans(ind, (x) => x.level2 ?? null, l1key);
  const note = spans(ind, (x) => (x.target === null && x.actual === null ? x.name ?? null : null), l1key);
  let noteLeft = 0;
  ind.forEach((x, i) => {
    let tr = "<tr>";
    if (l1[i]) {
      tr += td(text(x.level1), { rowspan: l1[i], cls: "label merged" });
      tr += td(v(x.level1_weight, num), { rowspan: l1[i], cls: "merged" });
    }
    if (l2[i]) tr += td(text(x.level2), { rowspan: l2[i], cls: "label merged" });
    if (noteLeft > 0) noteLeft--;
    else if (note[i] > 1) {
      tr += td(text(x.name), { rowspan: note[i], colspan: 3, cls: "merged" });
      noteLeft = note[i] - 1;
    } else {
      tr += td(text(x.name)) + td(v(x.target, String)) + td(v(x.actual, String));
    }
    tr += td(v(x.weight, num2)) + td(v(x.score, num2)) + td(text(x.deviation), { cls: "left" });
    rows.push(tr + "</tr>");
  });
  rows.push(
    `<tr>${td("总分", { colspan: 6 })}${td(v(r.total?.weight, num))}${td(v(r.total?.score, num))}${td("")}</tr>`,
  );
  return (
    `<h1>《部门（单位）整体支出绩效自评表》</h1>${year}` +
    `<table class="grid">${colgroup(w)}<tbody>${rows.join("\n")}</tbody></table>`
  );
}

/** 项目绩效自评价: label/value lines without borders, then a bordered indicator table. */
function renderAssessment(r, opts) {
  const v = makeValue(opts);
  const w = COL_WIDTHS[opts.colWidths].assess;
  const money = opts.numbers === "plain" ? moneyPlain : moneyGrouped2;
  const yesNo = r.recurring === true ? "是" : r.recurring === false ? "否" : "";
  const kv = [
    ["项目名称：", text(r.project_name), "预算单位：", text(r.budget_unit)],
    ["具体实施处（科室）：", text(r.implementing_office), "是否为经常性项目：", yesNo],
    ["当年预算数（元）：", v(r.budget_current_year, money), "上年预算金额（元）：", v(r.budget_previous_year, money)],
    ["预算执行数（元）：", v(r.executed, money), "预算执行率（%）：", v(r.execution_rate, ratePct)],
  ];
  const head =
    `<table class="kv"><colgroup><col style="width:20%"><col style="width:30%"><col style="width:20%"><col style="width:30%"></colgroup><tbody>` +
    kv.map((k) => `<tr>${k.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`;
  const block = (label, value) => {
    const t = text(value);
    return t.length <= 30
      ? `<p class="line">${label} ${t}</p>`
      : `<p class="line">${label}</p><p class="prose">${t}</p>`;
  };
  const parts = [
    head,
    `<p class="line">项目年度总目标：</p><p class="prose">${text(r.annual_goal)}</p>`,
    `<p class="line">自评时间： ${text(r.evaluation_date)}</p>`,
    `<p class="line">绩效等级： ${text(r.grade)}</p>`,
    `<p class="line">主要绩效：</p><p class="prose">${text(r.achievements)}</p>`,
    block("主要问题：", r.problems),
    block("改进措施：", r.improvements),
  ];

  const ind = r.indicators ?? [];
  const l1 = spans(ind, (x) => (x.level1 === null || x.level1 === undefined ? null : `${x.level1}|${x.level1_weight}`));
  const rows = [
    `<tr>${td("一级指标")}${td("指标名称")}${td("指标解释")}${td("权重")}${td("自评分")}${td("备注")}</tr>`,
  ];
  ind.forEach((x, i) => {
    let tr = "<tr>";
    if (l1[i]) {
      const wt = x.level1_weight === null || x.level1_weight === undefined ? "" : `<br>(${esc(num(x.level1_weight))}分)`;
      tr += td(text(x.level1) + wt, { rowspan: l1[i], cls: "label merged" });
    }
    tr += td(text(x.name)) + td(text(x.explanation)) + td(v(x.weight, num)) + td(v(x.score, num)) + td(text(x.note));
    rows.push(tr + "</tr>");
  });
  rows.push(`<tr>${td("合计", { colspan: 3 })}${td(v(r.total?.weight, num))}${td(v(r.total?.score, num))}${td("")}</tr>`);
  parts.push(`<table class="grid">${colgroup(w)}<tbody>${rows.join("\n")}</tbody></table>`);
  parts.push(
    `<div class="remarks">说明：1、依据本项目应实现的绩效目标或工作计划，对照已完成的情况，进行绩效自评。<br>` +
    `2、绩效等级说明：自评分合计90（含）-100分为优秀，75（含）-90分为良好，60（含）-75分为合格，0-60分为不合格。<br>` +
    `3、产出目标、效果目标和影响力目标可根据项目情况自行增加绩效指标。</div>`,
  );
  return `<h1>项目绩效自评价</h1>` + parts.join("\n");
}

// ---------------------------------------------------------------- page

const DEFAULT_FONT = `"AR PL UMing CN", "Noto Serif CJK SC", SimSun, serif`;

export function renderHtml(records, opts) {
  const font = opts.font ?? DEFAULT_FONT;
  const size = opts.fontSize;
  const valign = opts.labelTop ? "top" : "middle";
  const css = `
@page { size: A4 ${opts.landscape ? "landscape" : "portrait"}; margin: 16mm 14mm 16mm 14mm; }
html, body { margin: 0; padding: 0; }
body { font-family: ${font}; font-size: ${size}pt; line-height: 1.45; color: #000; }
.report + .report { break-before: page; page-break-before: always; }
h1 { font-size: ${(size * 1.75).toFixed(1)}pt; text-align: center; margin: 0 0 2pt 0; font-weight: bold; letter-spacing: 1pt; }
.subtitle { text-align: center; margin: 0 0 6pt 0; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 4pt 0; }
table.grid td { border: 0.75pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; word-break: break-all; overflow-wrap: anywhere; }
table.grid td.merged { vertical-align: ${valign}; }
table.grid td.left { text-align: left; }
table.grid td.prose { text-align: left; vertical-align: top; text-indent: 2em; }
table.grid tr { break-inside: auto; }
table.kv { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 6pt 0 2pt 0; }
table.kv td { border: none; padding: 1pt 2pt; vertical-align: top; text-align: left; }
p { margin: 2pt 0; }
p.prose { text-indent: 2em; }
.remarks { margin-top: 4pt; font-size: ${(size * 0.9).toFixed(1)}pt; }
`;
  const body = records
    .map((r) => {
      const inner =
        r.kind === "project_self_eval" ? renderProject(r, opts)
        : r.kind === "department_self_eval" ? renderDepartment(r, opts)
        : r.kind === "project_self_assessment" ? renderAssessment(r, opts)
        : null;
      if (inner === null) throw new Error(`unknown record kind ${r.kind}`);
      return `<section class="report">\n${inner}\n</section>`;
    })
    .join("\n");
  return `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>绩效自评</title><style>${css}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

// ---------------------------------------------------------------- printing

export function printPdf(htmlPath, pdfPath) {
  const chromium = process.env.CHROMIUM ?? "chromium";
  const profile = mkdtempSync(join(tmpdir(), "render-chromium-"));
  try {
    execFileSync(chromium, [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--user-data-dir=${profile}`, "--no-pdf-header-footer",
      `--print-to-pdf=${resolve(pdfPath)}`, pathToFileURL(resolve(htmlPath)).href,
    ], { stdio: ["ignore", "ignore", "pipe"] });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const lines = readFileSync(opts.truth, "utf8").split("\n").filter((l) => l.trim());
  const picked = opts.reports ?? lines.map((_, i) => i);
  for (const i of picked) if (i >= lines.length) throw new Error(`--reports: ${opts.truth} has ${lines.length} records`);
  const chosen = picked.map((i) => lines[i]);
  const html = renderHtml(chosen.map((l) => JSON.parse(l)), opts);
  let htmlPath = opts.html;
  let tmp = null;
  if (!htmlPath) {
    tmp = mkdtempSync(join(tmpdir(), "render-html-"));
    htmlPath = join(tmp, "page.html");
  }
  writeFileSync(htmlPath, html);
  if (opts.jsonl) writeFileSync(opts.jsonl, chosen.join("\n") + "\n");
  if (opts.pdf) printPdf(htmlPath, opts.pdf);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
