// The red seal of the seal200 conditions of scans.mjs: where a report's total rows are (from
// pdftotext's positions), where its seals go, and a seal drawn (ImageMagick) and stamped on a
// page raster.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readPgm } from "./degrade.mjs";

const SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

const r3 = (x) => Math.round(x * 1000) / 1000;

// ---------------------------------------------------------------- text positions (for the seal)

/** Lines of every page from `pdftotext -bbox-layout`, in points (y from the top). */
export function textLines(pdf) {
  const html = execFileSync("pdftotext", ["-bbox-layout", pdf, "-"], { encoding: "utf8", maxBuffer: 256 << 20 });
  const pages = [];
  for (const p of html.split(/<page /).slice(1)) {
    const size = p.match(/^width="([\d.]+)" height="([\d.]+)"/);
    const lines = [];
    for (const m of p.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)) {
      const words = [...m[5].matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((w) => ({
        x0: +w[1], y0: +w[2], x1: +w[3], y1: +w[4], text: w[5],
      }));
      lines.push({ x0: +m[1], y0: +m[2], x1: +m[3], y1: +m[4], text: words.map((w) => w.text).join(""), words });
    }
    pages.push({ width: size ? +size[1] : 595, height: size ? +size[2] : 842, lines });
  }
  return pages;
}

/** A report's total row label (the cell alone, not 总额合计 or a note mentioning 合计). */
const TOTAL_LABEL = /^(自评)?(总分|合计|总计)$/;

/**
 * Where the seals go: every total-row label, in document order, with the lines under it on the
 * same page (to reach 填报单位（盖章） and dates). Returns [{ page, x0, y0, x1, y1, below }] in points.
 */
export function totalRows(pdf) {
  const out = [];
  textLines(pdf).forEach((p, i) => {
    for (const l of p.lines) {
      for (const w of l.words) {
        if (!TOTAL_LABEL.test(w.text.replace(/\s+/g, ""))) continue;
        const stamp = p.lines.find((x) => /盖章/.test(x.text) && x.y0 > w.y0 && x.y0 - w.y1 < 150);
        out.push({ page: i + 1, pageWidth: p.width, pageHeight: p.height, x0: w.x0, y0: w.y0, x1: w.x1, y1: w.y1, stampLine: stamp ? { y0: stamp.y0, y1: stamp.y1, x0: stamp.x0 } : null });
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------- the seal

/** The unit a record belongs to, for the seal's text. */
function unitOf(rec) {
  return String(rec?.competent_department ?? rec?.department_name ?? rec?.budget_unit ?? rec?.implementing_unit ?? "绩效评价专用章").replace(/\s+/g, "");
}

/**
 * Draws the seal's coverage mask (0–255) with ImageMagick: ring(s), the name along the top arc,
 * a five-pointed star, optionally a straight line of text under the star. `px` = diameter in pixels.
 */
export function sealMask({ px, name, double, bottomText, tmp }) {
  const size = Math.ceil(px) + 8;
  const c = size / 2;
  const R = px / 2;
  const ring = Math.max(3, R * 0.075); // outer ring width ≈ 1.5 mm at 4 cm
  const draw = [];
  draw.push("-fill", "none", "-stroke", "white", "-strokewidth", String(ring), "-draw", `circle ${c},${c} ${c},${c - (R - ring / 2)}`);
  let textOuter = R - ring;
  if (double) {
    const thin = Math.max(1.5, ring * 0.3);
    const rr = R - ring - ring * 0.6 - thin / 2;
    draw.push("-strokewidth", String(thin), "-draw", `circle ${c},${c} ${c},${c - rr}`);
    textOuter = rr - thin / 2;
  }
  // name along the top: characters upright to the centre, spread over ±(95…125)°
  const chars = [...name].slice(0, 22);
  const span = Math.min(125, Math.max(60, chars.length * 19));
  const step = chars.length > 1 ? ((2 * span) / (chars.length - 1)) * (Math.PI / 180) : 1;
  let pt = R * 0.28;
  for (let k = 0; k < 3; k++) pt = Math.min(R * 0.28, 0.9 * step * (textOuter - pt * 0.7)); // fits the arc
  const rt = textOuter - pt * 0.18 - pt / 2;
  draw.push("-stroke", "none", "-fill", "white", "-font", SEAL_FONT, "-pointsize", String(r3(pt)));
  chars.forEach((ch, i) => {
    const a = chars.length === 1 ? 0 : -span + (2 * span * i) / (chars.length - 1);
    const t = (a * Math.PI) / 180;
    const x = c + rt * Math.sin(t);
    const y = c - rt * Math.cos(t);
    const q = ch === "'" ? "\\'" : ch;
    draw.push("-draw", `push graphic-context translate ${r3(x)},${r3(y)} rotate ${r3(a)} text ${r3(-pt / 2)},${r3(pt * 0.36)} '${q}' pop graphic-context`);
  });
  // star, outer radius ≈ 0.3 R, centre slightly above the middle
  const sr = R * 0.3;
  const sy = c - R * 0.04;
  const pts = [];
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 ? sr * 0.382 : sr;
    const t = (k * Math.PI) / 5;
    pts.push(`${r3(c + rad * Math.sin(t))},${r3(sy - rad * Math.cos(t))}`);
  }
  draw.push("-draw", `polygon ${pts.join(" ")}`);
  if (bottomText) {
    const bt = R * 0.17;
    const w = [...bottomText].length * bt;
    draw.push("-pointsize", String(r3(bt)), "-draw", `text ${r3(c - w / 2)},${r3(c + R * 0.55)} '${bottomText}'`);
  }
  const file = join(tmp, "seal.pgm");
  execFileSync("convert", ["-size", `${size}x${size}`, "xc:black", ...draw, "-colorspace", "Gray", "-depth", "8", `pgm:${file}`]);
  const m = readPgm(readFileSync(file));
  rmSync(file);
  return m;
}

/**
 * Stamps a seal on RGB planes (in place): ink = mask × strength × texture, multiplied into the
 * page (the printed text stays dark under it). cx, cy = the seal's centre in pixels.
 */
export function stampSeal(img, mask, { cx, cy, ink, strength, rng }) {
  const { width: w, height: h, planes } = img;
  // low-frequency texture: a 6×6 grid of 0.55–1 bilinearly interpolated, plus fine grain
  const G = 6;
  const grid = Array.from({ length: (G + 1) * (G + 1) }, () => rng.uniform(0.55, 1));
  const ox = Math.round(cx - mask.width / 2);
  const oy = Math.round(cy - mask.height / 2);
  for (let y = 0; y < mask.height; y++) {
    const py = oy + y;
    if (py < 0 || py >= h) continue;
    const gy = (y / mask.height) * G;
    const gy0 = Math.min(G - 1, Math.floor(gy));
    const fy = gy - gy0;
    for (let x = 0; x < mask.width; x++) {
      const m = mask.data[y * mask.width + x];
      if (!m) continue;
      const px = ox + x;
      if (px < 0 || px >= w) continue;
      const gx = (x / mask.width) * G;
      const gx0 = Math.min(G - 1, Math.floor(gx));
      const fx = gx - gx0;
      const at = (a, b) => grid[b * (G + 1) + a];
      const tex = (at(gx0, gy0) * (1 - fx) + at(gx0 + 1, gy0) * fx) * (1 - fy) + (at(gx0, gy0 + 1) * (1 - fx) + at(gx0 + 1, gy0 + 1) * fx) * fy;
      const a = Math.min(1, (m / 255) * strength * tex * rng.uniform(0.85, 1.05));
      const i = py * w + px;
      for (let k = 0; k < 3; k++) planes[k][i] = Math.round(planes[k][i] * (1 - a * (1 - ink[k] / 255)));
    }
  }
}

/**
 * One seal per total row: centre on the row (a little below it), over the right part of the
 * table (the score columns), or between the row and the 填报单位（盖章） line when there is one.
 */
export function placeSeals(input, records, rng, dpi) {
  const k = dpi / 72;
  return totalRows(input).map((t, i) => {
    const px = (rng.uniform(3.8, 4.2) / 2.54) * dpi;
    const rowY = ((t.y0 + t.y1) / 2) * k;
    const stampY = t.stampLine ? ((t.stampLine.y0 + t.stampLine.y1) / 2) * k : null;
    const cy = Math.round(stampY !== null ? (rowY + stampY) / 2 + rng.uniform(-0.1, 0.1) * px : rowY + rng.uniform(-0.1, 0.3) * px);
    const cx = Math.round(t.pageWidth * k * rng.uniform(0.52, 0.8));
    const double = rng.next() < 0.4;
    const bottomText = rng.next() < 0.4 ? ["财务专用章", "绩效评价专用", "预算管理专用章"][rng.int(0, 2)] : null;
    return {
      page: t.page,
      px,
      cx,
      cy,
      double,
      bottomText,
      name: unitOf(records[Math.min(i, Math.max(0, records.length - 1))]),
      strength: Math.round(rng.uniform(0.7, 0.95) * 100) / 100,
      ink: [Math.round(rng.uniform(190, 225)), Math.round(rng.uniform(20, 50)), Math.round(rng.uniform(30, 60))],
    };
  });
}
