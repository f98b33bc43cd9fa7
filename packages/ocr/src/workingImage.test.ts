import { describe, expect, it } from "vitest";
import { workingImage, type GreyImage } from "./greyImage.js";

function noise(width: number, height: number, seed: number): GreyImage {
  let s = seed >>> 0;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

describe("workingImage", () => {
  it("reads a page finer than maxDpi at maxDpi, and leaves one at or below it alone", () => {
    const img = noise(60, 90, 3);
    const fine = workingImage(img, 600, { maxDpi: 300, maxPixels: 1e9 });
    expect([fine.image.width, fine.image.height, fine.dpi]).toEqual([30, 45, 300]);
    const same = workingImage(img, 300, { maxDpi: 300, maxPixels: 1e9 });
    expect(same.image).toBe(img);
    expect(same.dpi).toBe(300);
    // The pixel limit still applies below maxDpi.
    const big = workingImage(img, 200, { maxDpi: 300, maxPixels: 60 * 90 / 4 });
    expect([big.image.width, big.image.height, big.dpi]).toEqual([30, 45, 100]);
  });
});
