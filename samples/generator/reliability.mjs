#!/usr/bin/env node
// Reliability of the per-value confidence: groups scored fields by the confidence the pipeline
// gave them and shows how often each group is wrong. Input: the per-field lines the project's
// scorer writes with --fields (test/eval/score.mjs), one or more files.
//
//   node test/eval/score.mjs --pred out.jsonl --truth truth/ --fields /tmp/f1.jsonl
//   node samples/generator/reliability.mjs --fields /tmp/f1.jsonl [--fields …] [--svg docs/reliability.svg] [--title "…"]
//
// Prints a markdown table (bucket | values | wrong | error rate | mean confidence | silent) and,
// with --svg, draws the reliability diagram: observed accuracy against mean confidence per
// bucket, the diagonal being perfect calibration, each bucket's count written above it.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

/** Bucket edges: [lo, hi). The last bucket holds exactly 1 (a text layer, or a confirmed value). */
export const BUCKETS = [
  [0, 0.5],
  [0.5, 0.8],
  [0.8, 0.9],
  [0.9, 0.95],
  [0.95, 0.99],
  [0.99, 0.999],
  [0.999, 1],
  [1, 1.0001],
];

/** Per-bucket counts of fields (missing values, with no confidence, count as confidence 0). */
export function reliability(fields) {
  const rows = BUCKETS.map(([lo, hi]) => ({ lo, hi, n: 0, wrong: 0, silent: 0, sum: 0 }));
  for (const f of fields) {
    const c = typeof f.confidence === "number" ? f.confidence : 0;
    const row = rows.find((r) => c >= r.lo && c < r.hi) ?? rows[rows.length - 1];
    row.n++;
    row.sum += c;
    if (!f.correct) {
      row.wrong++;
      if (!f.caught) row.silent++;
    }
  }
  return rows;
}

const label = (r) => (r.lo === 1 ? "1" : `[${r.lo}, ${r.hi})`);

export function table(rows) {
  const lines = ["| confidence | values | wrong | error rate | mean confidence | silent |", "|---|---|---|---|---|---|"];
  for (const r of rows) {
    if (!r.n) continue;
    lines.push(`| ${label(r)} | ${r.n} | ${r.wrong} | ${((100 * r.wrong) / r.n).toFixed(2)} % | ${(r.sum / r.n).toFixed(3)} | ${r.silent} |`);
  }
  return lines.join("\n");
}

export function svg(rows, title) {
  const W = 560;
  const H = 420;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const x = (v) => m.l + v * (W - m.l - m.r);
  const y = (v) => H - m.b - v * (H - m.t - m.b);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(1)}" stroke="black"/>`,
  ];
  for (let v = 0; v <= 1.0001; v += 0.2) {
    const t = v.toFixed(1);
    parts.push(`<text x="${x(v)}" y="${y(0) + 18}" text-anchor="middle">${t}</text>`);
    parts.push(`<text x="${x(0) - 8}" y="${y(v) + 4}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">mean confidence of the bucket</text>`);
  parts.push(`<text x="18" y="${H / 2}" text-anchor="middle" transform="rotate(-90 18 ${H / 2})">share of values that are right</text>`);
  for (const r of rows) {
    if (!r.n) continue;
    const mean = r.sum / r.n;
    const acc = 1 - r.wrong / r.n;
    const radius = Math.max(3, Math.min(14, Math.sqrt(r.n) / 3));
    parts.push(`<circle cx="${x(mean).toFixed(1)}" cy="${y(acc).toFixed(1)}" r="${radius.toFixed(1)}" fill="#2b6cb0" fill-opacity="0.6" stroke="#1a4480"/>`);
    const left = mean < 0.35;
    parts.push(
      `<text x="${(x(mean) + (left ? 8 : -6)).toFixed(1)}" y="${(y(acc) + radius + 14).toFixed(1)}" text-anchor="${left ? "start" : "end"}" font-size="10">${label(r)}: ${r.wrong}/${r.n} wrong</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

function main() {
  const { values } = parseArgs({
    options: { fields: { type: "string", multiple: true }, svg: { type: "string" }, title: { type: "string" } },
  });
  if (!values.fields?.length) throw new Error("usage: reliability.mjs --fields f.jsonl [--fields …] [--svg out.svg] [--title t]");
  const fields = values.fields.flatMap((f) =>
    readFileSync(f, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );
  const rows = reliability(fields);
  console.log(table(rows));
  if (values.svg) writeFileSync(values.svg, svg(rows, values.title ?? `Reliability of value confidence (${fields.length} values)`));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
