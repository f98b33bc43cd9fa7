import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import jpeg from "jpeg-js";
import UTIF from "utif2";
import { decodeImage, imageFormat, jpegDpi } from "./decodeImage.js";
import { stretchContrast, workingImage } from "./greyImage.js";
import { rotateQuarter } from "./pdfImages.js";

const png = new Uint8Array(readFileSync(new URL("../test-fixtures/scan000-p1-funds.png", import.meta.url)));

describe("decodeImage", () => {
  it("decodes a grey PNG and reads its pHYs resolution", () => {
    const [d] = decodeImage(png);
    expect(imageFormat(png)).toBe("png");
    expect(d!.image.width).toBe(820);
    expect(d!.image.height).toBe(520);
    expect(d!.dpi).toBeCloseTo(300, 0);
  });

  it("decodes JPEG (RGB to grey) and TIFF", () => {
    const w = 16, h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([160, 140, 120, 255], i * 4); // unsaturated: saturated colour (seal ink) is lifted by toGrey
    const jpg = new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
    const [j] = decodeImage(jpg);
    expect(j!.image.width).toBe(w);
    expect(Math.abs(j!.image.data[0]! - Math.round(0.299 * 160 + 0.587 * 140 + 0.114 * 120))).toBeLessThanOrEqual(4);
    expect(jpegDpi(jpg)).toBeUndefined(); // jpeg-js writes an aspect ratio, not a density
    const tif = new Uint8Array(UTIF.encodeImage(rgba, w, h));
    const [t] = decodeImage(tif);
    expect(t!.image.height).toBe(h);
    expect(t!.image.data[5]).toBe(Math.round((160 * 299 + 140 * 587 + 120 * 114) / 1000));
  });

  it("rejects other bytes with UNSUPPORTED_INPUT", () => {
    expect(() => decodeImage(new TextEncoder().encode("hello"))).toThrow(expect.objectContaining({ code: "UNSUPPORTED_INPUT" }));
  });

  it("clamps huge images by area averaging and reports the scale", () => {
    const [d] = decodeImage(png);
    const { image, dpi } = workingImage(d!.image, 300, { maxPixels: 100_000, maxDpi: 300 });
    expect(image.width * image.height).toBeLessThanOrEqual(100_000);
    expect(dpi / 300).toBeCloseTo(Math.sqrt(100_000 / (820 * 520)), 2);
  });

  it("stretches grey paper to white and ink to black", () => {
    const data = new Uint8Array(1000).fill(190);
    for (let i = 0; i < 200; i++) data[i] = 45;
    const out = stretchContrast({ width: 100, height: 10, data });
    expect(out.data[0]).toBe(0);
    expect(out.data[999]).toBe(255);
    // Already black on white: unchanged.
    const bw = new Uint8Array(1000).fill(255).fill(0, 0, 100);
    expect(stretchContrast({ width: 100, height: 10, data: bw }).data).toEqual(bw);
  });

  it("rotates by quarter turns", () => {
    const img = { width: 3, height: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    expect(Array.from(rotateQuarter(img, 90).data)).toEqual([4, 1, 5, 2, 6, 3]);
    expect(Array.from(rotateQuarter(img, 180).data)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(Array.from(rotateQuarter(img, 270).data)).toEqual([3, 6, 2, 5, 1, 4]);
  });
});
