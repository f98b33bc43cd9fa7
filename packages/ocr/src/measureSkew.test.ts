import { describe, expect, it } from "vitest";
import { binarize } from "./binarize.js";
import { measureSkew } from "./measureSkew.js";
import { rotateImage } from "./rotateImage.js";
import { findRulings } from "./findRulings.js";
import { tablePage } from "../test-fixtures/synthetic.js";

describe("measureSkew", () => {
  for (const angle of [1.5, -1.5, 0.4, -0.25]) {
    it(`measures a page rotated by ${angle}° within 0.15°`, () => {
      const { image } = tablePage();
      const rotated = rotateImage(image, angle);
      const skew = measureSkew(binarize(rotated));
      expect(Math.abs(skew - angle)).toBeLessThanOrEqual(0.15);
    });
  }

  it("measures 0 on a straight page", () => {
    const { image } = tablePage(7);
    expect(Math.abs(measureSkew(binarize(image)))).toBeLessThanOrEqual(0.05);
  });

  it("deskewing with rotateImage(−skew) straightens the rulings again", () => {
    const { image, h } = tablePage();
    const rotated = rotateImage(image, 1.5);
    const skew = measureSkew(binarize(rotated));
    const straight = rotateImage(rotated, -skew);
    const found = findRulings(binarize(straight), { dpi: 300 }).filter((r) => r.orientation === "h");
    expect(found).toHaveLength(h.length);
    for (const r of found) expect(r.width).toBeLessThanOrEqual(6); // a tilted line would be thick
  });
});
