// The `html` producer: the form model as an HTML page, printed to PDF by headless Chromium.
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const lines = (t) => t.split("\n").map(esc).join("<br>");

function table(b) {
  const cols = "<colgroup>" + b.cols.map((w) => `<col style="width:${w.toFixed(3)}%">`).join("") + "</colgroup>";
  const tr = (row) => "<tr>" + row.map((c) => {
    let a = "";
    if (c.rs > 1) a += ` rowspan="${c.rs}"`;
    if (c.cs > 1) a += ` colspan="${c.cs}"`;
    const cls = [c.a === "l" ? "l" : c.a === "r" ? "r" : "", c.v === "t" ? "t" : "", c.role].filter(Boolean).join(" ");
    return `<td${a} class="${cls}">${lines(c.t)}</td>`;
  }).join("") + "</tr>";
  // a <thead> cannot hold a rowspan that reaches into the body: no repeated header then
  let hEnd = b.header ? b.header.start + b.header.count : 0;
  if (b.rows.slice(0, hEnd).some((row, ri) => row.some((c) => ri + c.rs > hEnd))) hEnd = 0;
  const thead = hEnd ? `<thead>${b.rows.slice(0, hEnd).map(tr).join("\n")}</thead>` : "";
  const body = `<tbody>${b.rows.slice(hEnd).map(tr).join("\n")}</tbody>`;
  return `<table class="${b.border ? "grid" : "kv"}${b.attach ? " attach" : ""}">${cols}${thead}${body}</table>`;
}

/** The whole document: reports = [{ blocks }], page = { landscape, font, size, labelTop }. */
function renderHtml(reports, page) {
  const size = page.size;
  const css = `
@page { size: A4 ${page.landscape ? "landscape" : "portrait"}; margin: 15mm 13mm 15mm 13mm; }
html, body { margin: 0; padding: 0; }
body { font-family: ${page.font}; font-size: ${size}pt; line-height: 1.4; color: #000; }
.report + .report { break-before: page; page-break-before: always; }
p { margin: 2pt 0; }
p.title { font-size: ${(size * 1.7).toFixed(1)}pt; text-align: center; font-weight: bold; margin: 0 0 4pt 0; }
p.sub { text-align: center; }
p.r { text-align: right; }
p.small { font-size: ${(size * 0.9).toFixed(1)}pt; }
p.prose { text-indent: 2em; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 4pt 0 0 0; }
table.attach { margin-top: -0.75pt; }
table.grid td { border: 0.75pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: ${page.labelTop ? "top" : "middle"}; word-break: break-all; overflow-wrap: anywhere; }
table.kv td { border: none; padding: 1pt 2pt; text-align: left; vertical-align: top; }
td.l { text-align: left !important; }
td.r { text-align: right !important; }
td.t { vertical-align: top !important; }
thead { display: table-header-group; }
`;
  const body = reports.map((r) => `<section class="report">\n` + r.blocks.map((b) =>
    b.p !== undefined
      ? `<p class="${b.size}${b.a === "r" ? " r" : ""}">${lines(b.p)}</p>`
      : table(b)).join("\n") + `\n</section>`).join("\n");
  return `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>绩效自评表</title><style>${css}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** Prints an HTML file to PDF with a fresh Chromium profile. */
function printHtml(htmlPath, pdfPath) {
  const chromium = process.env.CHROMIUM ?? "chromium";
  const profile = mkdtempSync(join(tmpdir(), "tpl-chromium-"));
  try {
    execFileSync(chromium, [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-default-apps", "--disable-extensions", "--mute-audio",
      `--user-data-dir=${profile}`, "--no-pdf-header-footer",
      `--print-to-pdf=${resolve(pdfPath)}`, pathToFileURL(resolve(htmlPath)).href,
    ], { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export function writeHtmlPdf(reports, page, pdfPath, workDir) {
  const html = join(workDir, "page.html");
  writeFileSync(html, renderHtml(reports, page));
  printHtml(html, pdfPath);
}
