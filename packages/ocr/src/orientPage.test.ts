import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decodeImage.js";
import { orientPage, upsideDown } from "./orientPage.js";
import { rotateQuarter } from "./pdfImages.js";

const FIX = path.join(path.dirname(new URL(import.meta.url).pathname), "../test-fixtures");

describe("orientPage", () => {
  const [page] = decodeImage(new Uint8Array(fs.readFileSync(path.join(FIX, "scan000-p1-funds.png"))));
  const dpi = page!.dpi ?? 300;

  it("leaves an upright page as it is and tells sideways pages from upright ones, quickly", () => {
    for (const q of [0, 90, 180, 270] as const) {
      const t0 = performance.now();
      const o = orientPage(rotateQuarter(page!.image, q), dpi);
      expect(performance.now() - t0).toBeLessThan(1000);
      if (q === 0) expect(o.rotation).toBe(0);
      // Sideways pages are always turned to horizontal lines; which way is decided by the marks.
      if (q === 90 || q === 270) expect([90, 270]).toContain(o.rotation);
      if (q === 180) expect([0, 180]).toContain(o.rotation);
      expect(o.lineRatio > 1).toBe(q % 180 === 0);
    }
  });
});

describe("upsideDown", () => {
  it("turns a page only when the marks vote clearly for it", () => {
    // Upright pages of generated scans whose marks leaned the wrong way.
    expect(upsideDown({ upright: 3, flipped: 8 })).toBe(false);
    expect(upsideDown({ upright: 7, flipped: 27 })).toBe(false);
    expect(upsideDown({ upright: 14, flipped: 37 })).toBe(false);
    // Too few votes either way.
    expect(upsideDown({ upright: 0, flipped: 5 })).toBe(false);
    // Upside-down pages.
    expect(upsideDown({ upright: 0, flipped: 7 })).toBe(true);
    expect(upsideDown({ upright: 2, flipped: 14 })).toBe(true);
    expect(upsideDown({ upright: 11, flipped: 74 })).toBe(true);
  });
});
