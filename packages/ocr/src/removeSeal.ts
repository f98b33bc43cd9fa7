import type { GreyImage } from "./greyImage.js";

/** A seal found on a page: centre and outer radius in pixels of the image. */
export type Seal = { cx: number; cy: number; r: number };

export type RemoveSealOptions = {
  /** Smallest and largest seal diameter sought, cm. Default 2.8 and 5.2. */
  minDiameterCm?: number;
  maxDiameterCm?: number;
  /** Least share of the ring (of its part on the page) that must be seal ink. Default 0.55. */
  minRingCover?: number;
  /** Most seals removed from one page. Default 3. */
  maxSeals?: number;
};

export type RemoveSealResult = {
  /** The image with the seal ink whitened: a copy when a seal was found, else the input itself. */
  image: GreyImage;
  seals: Seal[];
  /** The grey level at and above which ink inside a seal was whitened (undefined without seals). */
  cut?: number;
};

/** Grey levels of a page: its paper and its darkest print. */
function pageLevels(img: GreyImage): { paper: number; ink: number } {
  const d = img.data;
  const step = d.length > 2_000_000 ? 3 : 1;
  const hist = new Uint32Array(256);
  for (let i = 0; i < d.length; i += step) hist[d[i]!]!++;
  // paper: the brightest well-populated level (mode of the upper half)
  let paper = 255;
  let best = -1;
  for (let v = 128; v < 256; v++) {
    const c = hist[v - 1]! + hist[v]! + (v < 255 ? hist[v + 1]! : 0);
    if (c > best) {
      best = c;
      paper = v;
    }
  }
  // print: the lower quartile of the pixels darker than halfway to the paper (the cores of
  // the print's strokes; antialiased edges and a seal's mid-grey ink are mostly lighter)
  const half = paper >> 1;
  let dark = 0;
  for (let v = 0; v <= half; v++) dark += hist[v]!;
  let acc = 0;
  let ink = 0;
  for (let v = 0; v <= half; v++) {
    acc += hist[v]!;
    if (acc >= 0.25 * dark) {
      ink = v;
      break;
    }
  }
  return { paper, ink: Math.min(ink, paper - 60) };
}

/**
 * Finds red round seals (公章) that a grey scan has turned into rings of mid-grey ink, and
 * whitens the seal ink inside each seal's disk so that the black print under it survives
 * binarization.
 *
 * The page is cut into cells of about 1 mm. A cell is "seal ink" when most of its pixels are
 * mid-grey (lighter than the print's ink, darker than the paper) and few are as dark as print:
 * antialiased print has dark cores next to its grey edges, a seal's strokes (a scanned red) do
 * not. Rings of such cells 2.8–5.2 cm across are found with a circle Hough transform on the
 * cell grid; a ring counts when at least half of its part on the page is seal ink and the
 * band just outside it is mostly not (a grey-shaded area is not a ring). Inside each seal's
 * disk every pixel lighter than `cut` (between the print's ink and the seal's darkest ink)
 * becomes paper, except the table rulings that run into the disk (keepRulings): a thin ruling
 * is as grey as the seal's ink, and whitening it would merge the cells under the seal.
 *
 * Cost: one pass over the pixels for the cells plus a Hough vote over the seal cells (a few
 * ms at 200 dpi); a page without seal ink cells returns at once.
 */
export function removeSeal(image: GreyImage, dpi: number, options: RemoveSealOptions = {}): RemoveSealResult {
  const { width: w, height: h, data } = image;
  const none: RemoveSealResult = { image, seals: [] };
  if (w < 16 || h < 16 || !(dpi > 0)) return none;
  const { paper, ink } = pageLevels(image);
  const range = paper - ink;
  if (range < 60) return none;
  const tDark = ink + 0.3 * range; // at or below: print
  const tLight = paper - Math.max(25, 0.18 * range); // above: paper

  // ---- cells of ~1 mm
  const c = Math.max(2, Math.round(dpi / 25.4));
  const gw = Math.ceil(w / c);
  const gh = Math.ceil(h / c);
  const mid = new Uint16Array(gw * gh);
  const dark = new Uint16Array(gw * gh);
  const lut = new Uint8Array(256); // 0 paper, 1 mid, 2 dark
  for (let v = 0; v < 256; v++) lut[v] = v <= tDark ? 2 : v <= tLight ? 1 : 0;
  const colCell = new Int32Array(w);
  for (let x = 0; x < w; x++) colCell[x] = (x / c) | 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const grow = ((y / c) | 0) * gw;
    for (let x = 0; x < w; x++) {
      const k = lut[data[row + x]!]!;
      if (k === 0) continue;
      const g = grow + colCell[x]!;
      if (k === 1) mid[g]!++;
      else dark[g]!++;
    }
  }
  const area = c * c;
  const seal = new Uint8Array(gw * gh);
  const cells: number[] = [];
  for (let g = 0; g < gw * gh; g++) {
    const m = mid[g]!;
    if (m >= 0.3 * area && dark[g]! <= 0.15 * m) {
      seal[g] = 1;
      cells.push(g);
    }
  }
  const mmPerCell = (c * 25.4) / dpi;
  const rMin = Math.max(3, Math.floor(((options.minDiameterCm ?? 2.8) * 5) / mmPerCell));
  const rMax = Math.ceil(((options.maxDiameterCm ?? 5.2) * 5) / mmPerCell);
  // a ring of radius rMin holds ~2π·rMin cells; far fewer seal cells cannot make one
  if (cells.length < Math.PI * rMin) return none;
  const minCover = options.minRingCover ?? 0.55;

  // ---- circle offsets per radius (unique cells on the circle)
  const circles: Int32Array[] = [];
  for (let r = rMin; r <= rMax; r++) {
    const seen = new Set<number>();
    const pts: number[] = [];
    const n = Math.ceil(2 * Math.PI * r * 1.5);
    for (let k = 0; k < n; k++) {
      const t = (2 * Math.PI * k) / n;
      const dx = Math.round(r * Math.cos(t));
      const dy = Math.round(r * Math.sin(t));
      const key = (dy + 1024) * 4096 + dx + 1024;
      if (seen.has(key)) continue;
      seen.add(key);
      pts.push(dx, dy);
    }
    circles.push(Int32Array.from(pts));
  }

  // ---- Hough vote (cells subsampled when there are very many)
  const nr = rMax - rMin + 1;
  const acc = new Uint16Array(nr * gw * gh);
  const stride = Math.max(1, Math.ceil(cells.length / 20_000));
  for (let i = 0; i < cells.length; i += stride) {
    const g = cells[i]!;
    const gx = g % gw;
    const gy = (g / gw) | 0;
    for (let ri = 0; ri < nr; ri++) {
      const pts = circles[ri]!;
      const base = ri * gw * gh;
      for (let k = 0; k < pts.length; k += 2) {
        const x = gx + pts[k]!;
        const y = gy + pts[k + 1]!;
        if (x < 0 || y < 0 || x >= gw || y >= gh) continue;
        acc[base + y * gw + x]!++;
      }
    }
  }

  /** Share of seal cells on a circle (of its part on the page), and that part's share. */
  const cover = (cx: number, cy: number, r: number, band: number): { cover: number; onPage: number } => {
    let hit = 0;
    let on = 0;
    const n = Math.ceil(2 * Math.PI * r);
    for (let k = 0; k < n; k++) {
      const t = (2 * Math.PI * k) / n;
      const x0 = Math.round(cx + r * Math.cos(t));
      const y0 = Math.round(cy + r * Math.sin(t));
      if (x0 < 0 || y0 < 0 || x0 >= gw || y0 >= gh) continue;
      on++;
      let any = 0;
      for (let b = -band; b <= band && !any; b++) {
        const x = Math.round(cx + (r + b) * Math.cos(t));
        const y = Math.round(cy + (r + b) * Math.sin(t));
        if (x >= 0 && y >= 0 && x < gw && y < gh && seal[y * gw + x]) any = 1;
      }
      hit += any;
    }
    return { cover: on ? hit / on : 0, onPage: on / n };
  };

  // ---- peaks: best normalised vote, verified, then suppressed
  const seals: Seal[] = [];
  const taken: { x: number; y: number; r: number }[] = [];
  const maxSeals = options.maxSeals ?? 3;
  for (let round = 0; round < maxSeals; round++) {
    let best = 0;
    let bx = -1;
    let by = -1;
    let br = 0;
    for (let ri = 0; ri < nr; ri++) {
      const norm = circles[ri]!.length / 2;
      const base = ri * gw * gh;
      for (let g = 0; g < gw * gh; g++) {
        const v = acc[base + g]!;
        if (v / norm <= best) continue;
        const x = g % gw;
        const y = (g / gw) | 0;
        if (taken.some((t) => (t.x - x) ** 2 + (t.y - y) ** 2 < (t.r * 1.2) ** 2)) continue;
        best = v / norm;
        bx = x;
        by = y;
        br = rMin + ri;
      }
    }
    // off-page parts lower the vote; 0.25 of a full circle is the least a half-on-page ring can give
    if (bx < 0 || best < 0.5 * minCover / stride) break;
    taken.push({ x: bx, y: by, r: br });
    // the ring's radius: where a thin circle is best covered; then its outermost radius still on the ring
    let r = br;
    let ring = cover(bx, by, r, 0);
    for (let rr = Math.max(rMin, br - 2); rr <= Math.min(rMax, br + 2); rr++) {
      const cv = cover(bx, by, rr, 0);
      if (cv.cover > ring.cover) {
        ring = cv;
        r = rr;
      }
    }
    while (r + 1 <= rMax + 1 && cover(bx, by, r + 1, 0).cover >= 0.7 * ring.cover) r++;
    const out2 = cover(bx, by, r + 2, 0).cover;
    const out3 = cover(bx, by, r + 3, 0).cover;
    if (ring.onPage < 0.5 || ring.cover < minCover || Math.max(out2, out3) > 0.3 * ring.cover) continue;
    seals.push({ cx: (bx + 0.5) * c, cy: (by + 0.5) * c, r: (r + 1) * c });
  }
  if (!seals.length) return none;

  // ---- whitening: inside each disk, ink lighter than `cut` becomes paper, except right beside
  // the print's stroke cores (there it is the print's own antialiased edge, darkened by the seal)
  const cut = Math.round(ink + 0.3 * range);
  const core = ink + 0.12 * range;
  const out = new Uint8Array(data);
  const keep = keepRulings(image, dpi, seals, c, tLight, cut, Math.max(12, 0.1 * range));
  for (const s of seals) {
    const R = s.r + c;
    const y0 = Math.max(0, Math.floor(s.cy - R));
    const y1 = Math.min(h - 1, Math.ceil(s.cy + R));
    for (let y = y0; y <= y1; y++) {
      const dy = y - s.cy;
      const half = Math.sqrt(Math.max(0, R * R - dy * dy));
      const x0 = Math.max(0, Math.floor(s.cx - half));
      const x1 = Math.min(w - 1, Math.ceil(s.cx + half));
      const row = y * w;
      const up = y > 0 ? row - w : row;
      const down = y < h - 1 ? row + w : row;
      for (let x = x0; x <= x1; x++) {
        const v = data[row + x]!;
        if (v <= cut || keep[row + x]) continue;
        const l = x > 0 ? x - 1 : x;
        const r = x < w - 1 ? x + 1 : x;
        const besideCore =
          data[row + l]! <= core || data[row + r]! <= core ||
          data[up + l]! <= core || data[up + x]! <= core || data[up + r]! <= core ||
          data[down + l]! <= core || data[down + x]! <= core || data[down + r]! <= core;
        if (!besideCore) out[row + x] = paper;
      }
    }
  }
  return { image: { width: w, height: h, data: out }, seals, cut };
}

/**
 * The pixels of the table rulings that run into a seal's disk, which the whitening must keep.
 *
 * A thin ruling on its own is as grey as the seal's ink at 200 dpi (its width is smeared over
 * two pixels), so inside the disk grey level cannot tell them apart: whitening breaks the
 * ruling wherever the seal's ink does not lie on it, and the cells on either side merge. The
 * rulings are traced instead: every thin horizontal or vertical line of ink that meets the
 * disk from outside (at least `dpi / 5` pixels long, with paper `off` pixels either side of it
 * for most of its length) is fitted with a straight line, and that line is followed into the
 * disk; the ink within 1.2 pixels of it is kept where the line is found again further on.
 * The line is sure where its ink is darker than what lies `off` pixels either side (paper, or
 * the seal's ink: print under seal ink is darker than both) or darker than `cut`; the
 * following stops after `dpi / 25` pixels without ink, or `dpi / 2.5` pixels where the line
 * is darker than only one side (a seal stroke along it) without being sure again.
 */
function keepRulings(image: GreyImage, dpi: number, seals: Seal[], c: number, tLine: number, cut: number, delta: number): Uint8Array {
  const { width: w, height: h, data } = image;
  const keep = new Uint8Array(w * h);
  const minLen = Math.max(12, Math.round(dpi / 5));
  const maxGap = Math.max(3, Math.round(dpi / 25));
  const off = Math.max(3, Math.round(dpi / 60));
  const pending: number[] = [];
  const maxHalf = Math.round(dpi / 2.5);
  for (const s of seals) {
    const R = s.r + c;
    for (const vertical of [false, true]) {
      // (u, v): u along the line, v across it
      const nu = vertical ? h : w;
      const nv = vertical ? w : h;
      const at = vertical ? (u: number, v: number) => v + u * w : (u: number, v: number) => u + v * w;
      const cu = vertical ? s.cy : s.cx;
      const cv = vertical ? s.cx : s.cy;
      const lines: { a: number; b: number }[] = [];
      for (const side of [-1, 1]) {
        for (let v = Math.max(3, Math.ceil(cv - R + 2)); v <= Math.min(nv - 4, Math.floor(cv + R - 2)); v++) {
          const half = Math.sqrt(Math.max(0, R * R - (v - cv) ** 2));
          const ub = side < 0 ? Math.floor(cu - half) - 1 : Math.ceil(cu + half) + 1;
          if (ub < 0 || ub >= nu) continue;
          const v0 = data[at(ub, v)]!;
          if (v0 > tLine || v0 > data[at(ub, v - 1)]! || v0 > data[at(ub, v + 1)]!) continue;
          if (lines.some((l) => Math.abs(l.a + l.b * ub - v) < 2.5)) continue;
          // trace outward along the darkest of the three pixels ahead
          const us: number[] = [];
          const vs: number[] = [];
          let cur = v;
          let gap = 0;
          let thin = 0;
          for (let k = 0; k < 2 * R; k++) {
            const u = ub + side * k;
            if (u < 0 || u >= nu) break;
            let best = cur;
            let bv = data[at(u, cur)]!;
            for (const d of [-1, 1]) {
              const vv = cur + d;
              if (vv < 3 || vv >= nv - 3) continue;
              const x = data[at(u, vv)]!;
              if (x < bv) {
                bv = x;
                best = vv;
              }
            }
            if (bv > tLine) {
              if (++gap > 2) break;
              continue;
            }
            gap = 0;
            cur = best;
            us.push(u);
            vs.push(cur);
            if (cur >= off && cur < nv - off && data[at(u, cur - off)]! > tLine && data[at(u, cur + off)]! > tLine) thin++;
          }
          const n = us.length;
          if (n < minLen || thin < 0.75 * n) continue;
          // least-squares line v = a + b·u
          let su = 0, sv = 0, suu = 0, suv = 0;
          for (let i = 0; i < n; i++) {
            su += us[i]!;
            sv += vs[i]!;
            suu += us[i]! * us[i]!;
            suv += us[i]! * vs[i]!;
          }
          const den = n * suu - su * su;
          if (!(den > 0)) continue;
          const b = (n * suv - su * sv) / den;
          const a = (sv - b * su) / n;
          if (Math.abs(b) > 0.1) continue;
          let res = 0;
          for (let i = 0; i < n; i++) res += Math.abs(vs[i]! - (a + b * us[i]!));
          if (res / n > 1) continue;
          lines.push({ a, b });
          // follow it into the disk while it has ink. Sure of the line where its ink is darker
          // than what lies `off` pixels either side of it (paper, or the seal's ink: print under
          // seal ink is darker than both) or darker than `cut`; where it is darker than only one
          // side (seal ink beside it on the other), and through gaps up to `maxGap`, its pixels
          // are kept only if the line is found sure again further on.
          gap = 0;
          let halfRun = 0;
          pending.length = 0;
          for (let u = ub - side; u >= 0 && u < nu && Math.abs(u - cu) <= R + 2; u -= side) {
            const vp = a + b * u;
            const vr = Math.round(vp);
            if (vr < off || vr >= nv - off) break;
            const s1 = data[at(u, vr - off)]!;
            const s2 = data[at(u, vr + off)]!;
            const lo = Math.min(s1, s2) - delta;
            const hi = Math.max(s1, s2) - delta;
            let sure = false;
            let some = false;
            for (let vv = Math.ceil(vp - 1.2); vv <= Math.floor(vp + 1.2); vv++) {
              const i = at(u, vv);
              const x = data[i]!;
              if (x <= cut) sure = true;
              else if (x <= tLine) {
                if (x <= lo) sure = true;
                else if (x <= hi) some = true;
                pending.push(i);
              }
            }
            if (sure) {
              for (const i of pending) keep[i] = 1;
              pending.length = 0;
              gap = 0;
              halfRun = 0;
            } else if (some) {
              if (++halfRun > maxHalf) break;
            } else if (++gap > maxGap) break;
          }
        }
      }
    }
  }
  return keep;
}
