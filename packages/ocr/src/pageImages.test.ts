import { describe, expect, it } from "vitest";
import { composePage, type ImageSource } from "./pageImages.js";

const grey = (width: number, height: number) => {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255;
  return { width, height, data };
};

describe("composePage", () => {
  it("hands an upright image drawn at its own size over as the page raster, without a copy", () => {
    const img = grey(200, 300);
    // 200 × 300 pixels drawn over 144 × 216 points from (10, 20): 100 dpi.
    const src: ImageSource = { placed: { objId: "img", mask: false, paint: 0, width: 200, height: 300, toDevice: [0.72, 0, 0, 0.72, 10, 20] }, grey: img };
    const { image, dpi } = composePage([src], 612, 792, 1e8);
    expect(dpi).toBe(100);
    expect(image.data).toBe(img.data);
  });

  it("resamples an image drawn mirrored, pixel for pixel reversed", () => {
    const img = grey(20, 10);
    const src: ImageSource = { placed: { objId: "img", mask: false, paint: 0, width: 20, height: 10, toDevice: [-1, 0, 0, 1, 20, 0] }, grey: img };
    const { image } = composePage([src], 100, 100, 1e8);
    expect(image.data).not.toBe(img.data);
    expect(image.data[0]).toBe(img.data[19]);
    expect(image.data[20 * 9 + 19]).toBe(img.data[20 * 9]);
  });
});
