import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binarize, inkThreshold } from "./binarize.js";
import { decodeImage } from "./decodeImage.js";
import { toGrey, type GreyImage } from "./greyImage.js";
import { removeSeal } from "./removeSeal.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../test-fixtures/${name}`, import.meta.url)));

/** A white page at 200 dpi with black print: a ruled table and rows of glyph-like strokes. */
function page(width = 900, height = 900): GreyImage {
  const data = new Uint8Array(width * height).fill(250);
  const fill = (x0: number, y0: number, w: number, h: number, v: number) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++)
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) data[y * width + x] = Math.min(data[y * width + x]!, v);
  };
  for (let y = 100; y <= 700; y += 80) fill(50, y, 800, 2, 10); // rulings
  for (const x of [50, 300, 550, 850]) fill(x, 100, 2, 600, 10);
  for (let row = 0; row < 7; row++) {
    for (let k = 0; k < 12; k++) {
      const x = 70 + k * 60;
      const y = 125 + row * 80;
      fill(x, y, 3, 28, 15); // a vertical stroke
      fill(x - 8, y + 12, 20, 3, 15); // a horizontal one
      fill(x - 9, y + 11, 22, 1, 120); // an antialiased edge
    }
  }
  return { width, height, data };
}

/** Draws a seal as a scanned red one looks in grey: a ring, an inner text band and a star of mid-grey ink, multiplied. */
function stamp(img: GreyImage, cx: number, cy: number, r: number, level = 150): void {
  const f = level / 255;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const t = Math.atan2(y - cy, x - cx);
      const ring = d <= r && d >= r - 12;
      const text = d <= r - 20 && d >= r - 55 && t < -0.3 && t > -2.8 && Math.floor((t * 180) / Math.PI / 6) % 2 === 0 && Math.floor(d / 5) % 2 === 0;
      const star = d < 0.3 * r && Math.abs(x - cx) + Math.abs(y - cy) < 0.35 * r;
      if (ring || text || star) img.data[y * img.width + x] = Math.round(img.data[y * img.width + x]! * f);
    }
  }
}

describe("removeSeal", () => {
  it("finds a mid-grey ring over black print and whitens it; the print stays", () => {
    const img = page();
    const plainInk = binarize(img, 128).data.reduce((a, b) => a + b, 0);
    stamp(img, 500, 560, 160);
    const before = img.data.slice();
    const { image, seals } = removeSeal(img, 200);
    expect(seals).toHaveLength(1);
    expect(Math.abs(seals[0]!.cx - 500)).toBeLessThan(12);
    expect(Math.abs(seals[0]!.cy - 560)).toBeLessThan(12);
    expect(Math.abs(seals[0]!.r - 160)).toBeLessThan(16);
    expect(img.data).toEqual(before); // the input is left alone
    // a ring pixel on paper is paper again, a print stroke under the ring stays black
    expect(image.data[560 * 900 + 500 + 155]).toBeGreaterThan(240); // ring, right
    expect(image.data[(560 - 155) * 900 + 500]).toBeGreaterThan(240); // ring, top
    expect(image.data[660 * 900 + 500]).toBeLessThan(40); // a ruling inside the disk
    expect(image.data[420 * 900 + 564]).toBeLessThan(40); // a ruling where the ring crosses it
    // binarized, the page holds (about) the print alone
    const ink = binarize(image, inkThreshold(image)).data.reduce((a, b) => a + b, 0);
    expect(ink).toBeGreaterThan(0.95 * plainInk);
    expect(ink).toBeLessThan(1.05 * plainInk);
  });

  it("keeps thin grey rulings that run through the seal's disk unbroken", () => {
    // a 200 dpi scan's thin ruling: one pixel as grey as the seal's ink, a lighter one beside it
    const width = 900;
    const height = 900;
    const img = page(width, height);
    for (let i = 0; i < img.data.length; i++) img.data[i] = Math.max(img.data[i]!, 250); // no print
    const put = (x: number, y: number, v: number) => (img.data[y * width + x] = Math.min(img.data[y * width + x]!, v));
    for (let y = 100; y <= 700; y += 80) for (let x = 50; x < 850; x++) (put(x, y, 130), put(x, y + 1, 190));
    for (const x of [50, 300, 550, 850]) for (let y = 100; y < 700; y++) (put(x, y, 130), put(x + 1, y, 190));
    for (let row = 0; row < 7; row++) for (let k = 0; k < 12; k++) for (let y = 125 + row * 80; y < 153 + row * 80; y++)
      for (let x = 70 + k * 60; x < 73 + k * 60; x++) put(x, y, 15); // strokes of print
    const plain = img.data.slice();
    stamp(img, 500, 560, 160);
    const { image, seals } = removeSeal(img, 200);
    expect(seals).toHaveLength(1);
    const mask = binarize(image, inkThreshold(image));
    const on = (x: number, y: number) => mask.data[y * width + x] === 1;
    // the ruling at y 660 crosses the disk from x 375 to 625, the one at x 550 from y 408 to 712
    let hGap = 0;
    for (let x = 340; x <= 660; x++) if (![659, 660, 661, 662].some((y) => on(x, y))) hGap++;
    let vGap = 0;
    for (let y = 400; y < 700; y++) if (![549, 550, 551, 552].some((x) => on(x, y))) vGap++;
    expect(hGap).toBe(0);
    expect(vGap).toBe(0);
    // the seal's ink off the print is gone: the ring's band, away from the rulings and strokes
    let left = 0;
    let total = 0;
    const nearPrint = (x: number, y: number) => {
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (plain[(y + dy) * width + x + dx]! < 240) return true;
      return false;
    };
    for (let y = 2; y < height - 2; y++)
      for (let x = 2; x < width - 2; x++) {
        const d = Math.hypot(x - 500, y - 560);
        if (d < 149 || d > 159 || nearPrint(x, y)) continue;
        total++;
        if (on(x, y)) left++;
      }
    expect(total).toBeGreaterThan(3000);
    expect(left).toBeLessThan(0.01 * total);
  });

  it("finds a seal whose ring runs off the page", () => {
    const img = page();
    stamp(img, 770, 640, 160); // a sixth of the ring is off the page
    const { seals } = removeSeal(img, 200);
    expect(seals).toHaveLength(1);
    expect(Math.abs(seals[0]!.cx - 770)).toBeLessThan(12);
    expect(Math.abs(seals[0]!.cy - 640)).toBeLessThan(12);
  });

  it("leaves a page without a seal alone (same object)", () => {
    const img = page();
    const res = removeSeal(img, 200);
    expect(res.seals).toEqual([]);
    expect(res.image).toBe(img);
  });

  it("leaves a grey-shaded block and a lone grey line alone", () => {
    const img = page();
    for (let y = 420; y < 700; y++) for (let x = 560; x < 840; x++) img.data[y * 900 + x] = 160;
    for (let x = 60; x < 840; x++) for (let y = 760; y < 772; y++) img.data[y * 900 + x] = 150;
    expect(removeSeal(img, 200).seals).toEqual([]);
  });

  it("removes the seal of a 200 dpi grey scan (fixture) and keeps the total row's digits", () => {
    const img = decodeImage(fixture("seal-grey200.jpg"))[0]!.image;
    const { image, seals } = removeSeal(img, 200);
    expect(seals).toHaveLength(1);
    expect(Math.hypot(seals[0]!.cx - 279, seals[0]!.cy - 260)).toBeLessThan(15);
    // ink left in the ring's annulus (away from the rulings) after binarization
    const t = inkThreshold(img);
    let before = 0;
    let after = 0;
    let digits = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const d = Math.hypot(x - 279, y - 260);
        const i = y * img.width + x;
        if (d > 150 && d < 166 && y > 330) {
          if (img.data[i]! <= t) before++;
          if (image.data[i]! <= t) after++;
        }
        // "100" of the total row (about x 240–280, y 240–270 in the crop)
        if (x >= 235 && x < 285 && y >= 238 && y < 272 && image.data[i]! <= t) digits++;
      }
    }
    expect(before).toBeGreaterThan(1000);
    expect(after).toBeLessThan(0.02 * before);
    expect(digits).toBeGreaterThan(60);
  });
});

describe("toGrey with colour", () => {
  it("makes red seal ink vanish and keeps black print, grey and a yellowish paper at their luma", () => {
    const px = [
      [200, 40, 50], // red seal ink
      [230, 140, 150], // light red
      [20, 10, 12], // black print under red ink
      [0, 0, 0],
      [128, 128, 128],
      [245, 238, 205], // yellowish paper
      [40, 60, 200], // blue stamp
    ];
    const g = toGrey(px.flat(), px.length, 1, 3).data;
    const luma = px.map(([r, gg, b]) => Math.round((r! * 299 + gg! * 587 + b! * 114) / 1000));
    expect(g[0]).toBe(200);
    expect(g[1]).toBeGreaterThan(luma[1]!);
    expect(g[2]).toBe(luma[2]);
    expect(g[3]).toBe(0);
    expect(g[4]).toBe(128);
    expect(g[5]).toBe(luma[5]);
    expect(g[6]).toBe(200);
  });

  it("gives a colour scan's red seal no ink at the page's threshold, and the grey scan's luma elsewhere", () => {
    const colour = decodeImage(fixture("seal-colour200.jpg"))[0]!.image;
    const t = inkThreshold(colour);
    let ringInk = 0;
    for (let y = 330; y < colour.height; y++) {
      for (let x = 0; x < colour.width; x++) {
        const d = Math.hypot(x - 279, y - 260);
        if (d > 150 && d < 166 && colour.data[y * colour.width + x]! <= t) ringInk++;
      }
    }
    expect(ringInk).toBeLessThan(30);
  });

  it("leaves grey images and RGB without saturated colour as before (luma)", () => {
    const n = 4096;
    const rgb = new Uint8Array(n * 3);
    const grey = new Uint8Array(n);
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const v = s % 256;
      const tint = (s >>> 8) % 40; // up to 40 levels of tint (paper, JPEG chroma noise)
      rgb.set([Math.min(255, v + (tint >> 1)), v, Math.max(0, v - (tint >> 1))], 3 * i);
      grey[i] = v;
    }
    const g = toGrey(rgb, n, 1, 3).data;
    for (let i = 0; i < n; i++) {
      const [r, gg, b] = [rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!];
      expect(g[i]).toBe(Math.round((r * 299 + gg * 587 + b * 114) / 1000));
    }
    expect(toGrey(grey, n, 1, 1).data).toEqual(grey);
  });
});
