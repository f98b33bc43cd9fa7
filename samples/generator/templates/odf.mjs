// The `writer` and `calc` producers: the form model as a Flat ODF text document (.fodt, real
// tables with merged cells and repeated heading rows) or a Flat ODF spreadsheet (.fods, one
// sheet per report laid out like an Excel/WPS form: merged cells, borders, wrapped text, fixed
// row heights, print titles, page header/footer), both converted to PDF by LibreOffice.
import { mkdtempSync, rmSync, readdirSync, copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Text with line breaks as paragraphs; runs of spaces kept with text:s. */
function paras(t, style = "") {
  const st = style ? ` text:style-name="${style}"` : "";
  return t.split("\n").map((l) => `<text:p${st}>${esc(l).replace(/ {2,}/g, (m) => ` <text:s text:c="${m.length - 1}"/>`)}</text:p>`).join("");
}

const NS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"`;

/** Occupancy grid of a model table: grid[r][c] = { cell } at a cell's origin, { covered } elsewhere. */
function expand(b) {
  const n = b.cols.length;
  const grid = b.rows.map(() => new Array(n).fill(null));
  b.rows.forEach((row, ri) => {
    let ci = 0;
    for (const c of row) {
      while (ci < n && grid[ri][ci]) ci++;
      if (ci + c.cs > n) throw new Error(`table row ${ri} has more than ${n} columns`);
      for (let dr = 0; dr < c.rs; dr++) {
        if (ri + dr >= grid.length) throw new Error(`row span below the table at row ${ri}`);
        for (let dc = 0; dc < c.cs; dc++) grid[ri + dr][ci + dc] = dr === 0 && dc === 0 ? { cell: c } : { covered: true };
      }
      ci += c.cs;
    }
  });
  grid.forEach((r, ri) => r.forEach((x, ci) => {
    if (!x) throw new Error(`table row ${ri} column ${ci} is empty (spans do not add up)`);
  }));
  return grid;
}

const fontFace = (name) => `<style:font-face style:name="${esc(name)}" svg:font-family="&apos;${esc(name)}&apos;"/>`;
const textProps = (font, size, bold = false) =>
  `<style:text-properties style:font-name="${esc(font)}" style:font-name-asian="${esc(font)}" style:font-name-complex="${esc(font)}" ` +
  `fo:font-size="${size}pt" style:font-size-asian="${size}pt" style:font-size-complex="${size}pt"` +
  (bold ? ` fo:font-weight="bold" style:font-weight-asian="bold"` : "") +
  ` fo:language="zh" fo:country="CN" style:language-asian="zh" style:country-asian="CN"/>`;

function pageSize(landscape) {
  return landscape ? { w: 29.7, h: 21 } : { w: 21, h: 29.7 };
}

/** Page footer / header paragraphs; `kind` is "pageOf", "dash", "file", "date" or "none". */
function hfText(kind, style) {
  switch (kind) {
    case "pageOf": return `<text:p text:style-name="${style}">第 <text:page-number text:select-page="current">1</text:page-number> 页，共 <text:page-count>1</text:page-count> 页</text:p>`;
    case "dash": return `<text:p text:style-name="${style}">- <text:page-number text:select-page="current">1</text:page-number> -</text:p>`;
    case "file": return `<text:p text:style-name="${style}"><text:file-name text:display="name-and-extension">file</text:file-name></text:p>`;
    case "date": return `<text:p text:style-name="${style}">打印日期：2023年3月20日</text:p>`;
    default: return null;
  }
}

// ---------------------------------------------------------------- Writer (.fodt)

export function renderFodt(reports, page) {
  const { w, h } = pageSize(page.landscape);
  const margin = 1.6;
  const textW = w - 2 * margin;
  const font = page.odfFont;
  const size = page.size;
  const auto = [];
  const body = [];
  let tno = 0;
  reports.forEach((rep, ri) => {
    let first = true;
    for (const b of rep.blocks) {
      if (b.p !== undefined) {
        const base = b.a === "r" ? "PR" : ({ title: "PT", sub: "PS", small: "PSm", prose: "PP" }[b.size] ?? "PN");
        const style = first && ri > 0 ? (base === "PT" ? "BPT" : "BPN") : base;
        body.push(paras(b.p, style));
        first = false;
        continue;
      }
      const name = `T${++tno}`;
      const grid = expand(b);
      auto.push(`<style:style style:name="${name}" style:family="table"><style:table-properties style:width="${textW.toFixed(3)}cm" table:align="margins"${b.attach ? "" : ' fo:margin-top="0.1cm"'}/></style:style>`);
      b.cols.forEach((cw, ci) => auto.push(`<style:style style:name="${name}.C${ci}" style:family="table-column"><style:table-column-properties style:column-width="${((textW * cw) / 100).toFixed(3)}cm"/></style:style>`));
      const cols = b.cols.map((_, ci) => `<table:table-column table:style-name="${name}.C${ci}"/>`).join("");
      const row = (r) => `<table:table-row table:style-name="TR">` + grid[r].map((x) => {
        if (x.covered) return `<table:covered-table-cell/>`;
        const c = x.cell;
        const cst = (b.border ? "CB" : "CN") + (c.v === "t" || (page.labelTop && c.rs > 1) ? "T" : "");
        let a = ` table:style-name="${cst}" office:value-type="string"`;
        if (c.rs > 1) a += ` table:number-rows-spanned="${c.rs}"`;
        if (c.cs > 1) a += ` table:number-columns-spanned="${c.cs}"`;
        return `<table:table-cell${a}>${paras(c.t, c.a === "l" ? "CL" : c.a === "r" ? "CR" : "CC")}</table:table-cell>`;
      }).join("") + `</table:table-row>`;
      const hs = b.header ? 0 : -1;
      const he = b.header ? b.header.start + b.header.count : 0;
      let rows = "";
      if (hs === 0) rows += `<table:table-header-rows>${grid.slice(0, he).map((_, r) => row(r)).join("")}</table:table-header-rows>`;
      for (let r = he; r < grid.length; r++) rows += row(r);
      // a report that starts with a table would need the page break on the table
      body.push(`<table:table table:name="${name}" table:style-name="${name}">${cols}${rows}</table:table>`);
      first = false;
    }
  });
  const pstyle = (name, props, text = "") =>
    `<style:style style:name="${name}" style:family="paragraph" style:parent-style-name="Standard">${props}${text}</style:style>`;
  const tsz = (size * 1.7).toFixed(1);
  const pstyles = [
    pstyle("PT", `<style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.15cm"/>`, textProps(font, tsz, true)),
    pstyle("BPT", `<style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.15cm" fo:break-before="page"/>`, textProps(font, tsz, true)),
    pstyle("PS", `<style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.1cm"/>`),
    pstyle("PN", `<style:paragraph-properties fo:margin-top="0.05cm"/>`),
    pstyle("BPN", `<style:paragraph-properties fo:margin-top="0.05cm" fo:break-before="page"/>`),
    pstyle("PR", `<style:paragraph-properties fo:text-align="end"/>`),
    pstyle("PSm", `<style:paragraph-properties fo:margin-top="0.05cm"/>`, textProps(font, (size * 0.9).toFixed(1))),
    pstyle("PP", `<style:paragraph-properties fo:text-indent="0.8cm"/>`),
    pstyle("CC", `<style:paragraph-properties fo:text-align="center"/>`),
    pstyle("CL", `<style:paragraph-properties fo:text-align="start"/>`),
    pstyle("CR", `<style:paragraph-properties fo:text-align="end"/>`),
    pstyle("PF", `<style:paragraph-properties fo:text-align="center"/>`, textProps(font, 9)),
  ];
  const cell = (name, v, border) =>
    `<style:style style:name="${name}" style:family="table-cell"><style:table-cell-properties style:vertical-align="${v}" fo:padding="0.06cm" fo:border="${border ? "0.5pt solid #000000" : "none"}"/></style:style>`;
  const footer = hfText(page.footer, "PF");
  const header = hfText(page.header, "PF");
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>${[...new Set([font, "AR PL UMing CN"])].map(fontFace).join("")}</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:line-height="125%"/>${textProps(font, size)}</style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="${w}cm" fo:page-height="${h}cm" style:print-orientation="${page.landscape ? "landscape" : "portrait"}" fo:margin-top="1.4cm" fo:margin-bottom="1.2cm" fo:margin-left="${margin}cm" fo:margin-right="${margin}cm"/>
<style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.3cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.3cm"/></style:footer-style></style:page-layout>
${pstyles.join("\n")}
${cell("CB", "middle", true)}${cell("CBT", "top", true)}${cell("CN", "top", false)}${cell("CNT", "top", false)}
<style:style style:name="TR" style:family="table-row"><style:table-row-properties fo:keep-together="auto"/></style:style>
${auto.join("\n")}
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">${header ? `<style:header>${header}</style:header>` : ""}${footer ? `<style:footer>${footer}</style:footer>` : ""}</style:master-page></office:master-styles>
<office:body><office:text>
${body.join("\n")}
</office:text></office:body></office:document>
`;
}

// ---------------------------------------------------------------- Calc (.fods)

/** Display width of text in em (CJK 1, ASCII about 0.55). */
function emWidth(s) {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) < 0x2e80 ? 0.56 : 1;
  return w;
}

/** Lines a text takes in a cell `widthPt` wide at `size` pt. */
function lineCount(t, widthPt, size) {
  // conservative: a cell's text must never be cut inside the cell (only at page breaks)
  const per = Math.max(1, Math.floor((widthPt - 9) / size));
  return t.split("\n").reduce((n, l) => n + Math.max(1, Math.ceil((emWidth(l) * 1.08) / per)), 0);
}

/** One sheet per report: every block on a common column grid (union of the tables' columns). */
function sheetLayout(rep, sheetW) {
  const bounds = new Set([0, 100]);
  for (const b of rep.blocks) {
    if (b.p !== undefined) continue;
    let x = 0;
    for (const w of b.cols) { x += w; bounds.add(Math.round(x * 100) / 100); }
  }
  const xs = [...bounds].sort((a, b) => a - b).filter((x, i, a) => i === 0 || x - a[i - 1] > 0.3);
  xs[xs.length - 1] = 100;
  const idx = (x) => {
    let best = 0;
    for (let i = 0; i < xs.length; i++) if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
    return best;
  };
  const n = xs.length - 1;
  const colW = xs.slice(1).map((x, i) => ((x - xs[i]) * sheetW) / 100);
  const rows = []; // { cells: [{ c, col, cs, rs, border, kind }], header?: bool }
  for (const b of rep.blocks) {
    if (b.p !== undefined) {
      rows.push({ cells: [{ c: { t: b.p, a: b.a, v: "m", rs: 1, cs: n, role: b.size }, col: 0, cs: n, rs: 1, border: false, para: b.size }] });
      continue;
    }
    const grid = expand(b);
    const starts = [0];
    for (const w of b.cols) starts.push(starts[starts.length - 1] + w);
    const base = rows.length;
    grid.forEach((gr, ri) => {
      const cells = [];
      gr.forEach((x, ci) => {
        if (!x.cell) return;
        const c = x.cell;
        const a = idx(starts[ci]);
        const e = idx(starts[ci + c.cs]);
        cells.push({ c, col: a, cs: Math.max(1, e - a), rs: c.rs, border: b.border });
      });
      const header = b.header && ri >= b.header.start && ri < b.header.start + b.header.count;
      rows.push({ cells, header, table: base });
    });
  }
  return { n, colW, rows };
}

export function renderFods(reports, page) {
  const { w, h } = pageSize(page.landscape);
  const margin = 1.5;
  const printW = w - 2 * margin;
  const sheetW = printW * (page.fitWidth ? 1.25 : 1);
  const font = page.odfFont;
  const size = page.size;
  const cellStyles = new Map();
  const cellStyle = (border, a, v, fsize, bold) => {
    const key = `${border}|${a}|${v}|${fsize}|${bold}`;
    if (!cellStyles.has(key)) {
      const name = `ce${cellStyles.size + 1}`;
      cellStyles.set(key, `<style:style style:name="${name}" style:family="table-cell"><style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="${v === "t" ? "top" : "middle"}" fo:padding="0.05cm" fo:border="${border ? "0.5pt solid #000000" : "none"}" style:text-align-source="fix" style:repeat-content="false"/><style:paragraph-properties fo:text-align="${a === "l" ? "start" : a === "r" ? "end" : "center"}"/>${textProps(font, fsize, bold)}</style:style>`);
      cellStyles.set(key + "#name", name);
    }
    return cellStyles.get(key + "#name");
  };
  const colStyles = new Map();
  const rowStyles = new Map();
  const styleFor = (map, prefix, value, xml) => {
    const key = value.toFixed(3);
    if (!map.has(key)) map.set(key, { name: `${prefix}${map.size + 1}`, xml: xml(`${prefix}${map.size + 1}`, key) });
    return map.get(key).name;
  };
  const sheets = reports.map((rep, si) => {
    const L = sheetLayout(rep, sheetW);
    const ptPerCm = 28.35;
    // row heights (pt) from the text each row holds, fixed so that nothing grows at print time
    const hts = L.rows.map(() => 0);
    const fontOf = (cell) => (cell.para === "title" ? size * 1.6 : cell.para === "small" ? size * 0.9 : size);
    L.rows.forEach((r, ri) => {
      for (const cell of r.cells) {
        if (cell.rs > 1) continue;
        const wpt = L.colW.slice(cell.col, cell.col + cell.cs).reduce((a, b) => a + b, 0) * ptPerCm;
        const fs = fontOf(cell);
        const extra = cell.c.role === "prose" ? 1 : 0; // a spare line under long texts
        hts[ri] = Math.max(hts[ri], (lineCount(cell.c.t, wpt, fs) + extra) * fs * 1.32 + 5);
      }
      if (hts[ri] === 0) hts[ri] = size * 1.32 + 5;
    });
    L.rows.forEach((r, ri) => {
      for (const cell of r.cells) {
        if (cell.rs <= 1) continue;
        const wpt = L.colW.slice(cell.col, cell.col + cell.cs).reduce((a, b) => a + b, 0) * ptPerCm;
        const need = lineCount(cell.c.t, wpt, size) * size * 1.32 + 5;
        const have = hts.slice(ri, ri + cell.rs).reduce((a, b) => a + b, 0);
        if (need > have) hts[ri + cell.rs - 1] += need - have;
      }
    });
    const cols = L.colW.map((cw) => `<table:table-column table:style-name="${styleFor(colStyles, "co", cw, (nm, k) =>
      `<style:style style:name="${nm}" style:family="table-column"><style:table-column-properties fo:break-before="auto" style:column-width="${k}cm"/></style:style>`)}"/>`).join("");
    // occupancy of the sheet grid
    const occ = L.rows.map(() => new Array(L.n).fill(null));
    L.rows.forEach((r, ri) => {
      for (const cell of r.cells) {
        for (let dr = 0; dr < cell.rs; dr++) for (let dc = 0; dc < cell.cs; dc++) {
          const rr = ri + dr, cc = cell.col + dc;
          if (rr < occ.length && cc < L.n && !occ[rr][cc]) occ[rr][cc] = dr === 0 && dc === 0 ? { cell } : { covered: cell };
        }
      }
    });
    const rowXml = (ri) => {
      const rs = styleFor(rowStyles, "ro", hts[ri], (nm, k) =>
        `<style:style style:name="${nm}" style:family="table-row"><style:table-row-properties style:row-height="${(Number(k) / ptPerCm).toFixed(3)}cm" fo:break-before="auto" style:use-optimal-row-height="false"/></style:style>`);
      const cells = occ[ri].map((x) => {
        if (!x) return `<table:table-cell/>`;
        const cell = x.cell ?? x.covered;
        const st = cellStyle(cell.border, cell.c.a, cell.c.v, fontOf(cell), cell.para === "title");
        if (x.covered) return `<table:covered-table-cell table:style-name="${st}"/>`;
        let a = ` table:style-name="${st}"`;
        if (cell.rs > 1) a += ` table:number-rows-spanned="${cell.rs}"`;
        if (cell.cs > 1) a += ` table:number-columns-spanned="${cell.cs}"`;
        if (!cell.c.t) return `<table:table-cell${a}/>`;
        return `<table:table-cell${a} office:value-type="string">${paras(cell.c.t)}</table:table-cell>`;
      }).join("");
      return `<table:table-row table:style-name="${rs}">${cells}</table:table-row>`;
    };
    let xml = "";
    const headerRows = L.rows.map((r, i) => (r.header ? i : -1)).filter((i) => i >= 0);
    const h0 = headerRows.length ? headerRows[0] : -1;
    const h1 = headerRows.length ? headerRows[headerRows.length - 1] : -1;
    for (let ri = 0; ri < L.rows.length; ri++) {
      if (ri === h0) xml += "<table:table-header-rows>";
      xml += rowXml(ri);
      if (ri === h1) xml += "</table:table-header-rows>";
    }
    return `<table:table table:name="表${si + 1}" table:style-name="ta1" table:print="true">${cols}${xml}</table:table>`;
  });
  const header = hfText(page.header, "Hf");
  const footer = hfText(page.footer, "Hf");
  const region = (p) => (p ? `<style:region-center>${p}</style:region-center>` : "");
  const scale = page.fitWidth ? ` style:scale-to-X="1" style:scale-to-Y="0"` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:font-face-decls>${[...new Set([font, "AR PL UMing CN"])].map(fontFace).join("")}</office:font-face-decls>
<office:styles>
<style:default-style style:family="table-cell">${textProps(font, size)}</style:default-style>
<style:style style:name="Default" style:family="table-cell"/>
</office:styles>
<office:automatic-styles>
${[...colStyles.values()].map((s) => s.xml).join("\n")}
${[...rowStyles.values()].map((s) => s.xml).join("\n")}
<style:style style:name="ta1" style:family="table" style:master-page-name="PM1"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>
${[...cellStyles.entries()].filter(([k]) => !k.endsWith("#name")).map(([, v]) => v).join("\n")}
<style:style style:name="Hf" style:family="paragraph">${textProps(font, 9)}</style:style>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="${w}cm" fo:page-height="${h}cm" style:print-orientation="${page.landscape ? "landscape" : "portrait"}" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="${margin}cm" fo:margin-right="${margin}cm" style:print="objects charts drawings zero-values" style:print-page-order="ttb" style:first-page-number="continue"${scale} style:table-centering="horizontal"/>
<style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.2cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.2cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="PM1" style:page-layout-name="pm1">
<style:header style:display="${header ? "true" : "false"}">${region(header)}</style:header><style:header-left style:display="false"/>
<style:footer style:display="${footer ? "true" : "false"}">${region(footer)}</style:footer><style:footer-left style:display="false"/>
</style:master-page></office:master-styles>
<office:body><office:spreadsheet>
${sheets.join("\n")}
</office:spreadsheet></office:body></office:document>
`;
}

// ---------------------------------------------------------------- conversion

/**
 * Converts ODF files to PDF with one soffice call and a private profile. `jobs` is a list of
 * { src, pdf }; the sources must have distinct base names.
 */
export function convertWithSoffice(jobs) {
  if (jobs.length === 0) return;
  const profile = join(tmpdir(), `lo-${randomBytes(6).toString("hex")}`);
  const outDir = mkdtempSync(join(tmpdir(), "tpl-soffice-out-"));
  try {
    execFileSync(process.env.SOFFICE ?? "soffice", [
      `-env:UserInstallation=file://${profile}`, "--headless", "--norestore", "--nologo",
      "--convert-to", "pdf", "--outdir", outDir, ...jobs.map((j) => j.src),
    ], { stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    const made = new Set(readdirSync(outDir));
    for (const j of jobs) {
      const base = j.src.replace(/^.*\//, "").replace(/\.[^.]*$/, "") + ".pdf";
      if (!made.has(base)) throw new Error(`soffice did not convert ${j.src}`);
      mkdirSync(join(j.pdf, ".."), { recursive: true });
      copyFileSync(join(outDir, base), j.pdf);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}
