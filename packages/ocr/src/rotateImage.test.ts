import { describe, expect, it } from "vitest";
import { rotateImage } from "./rotateImage.js";

/** Centre of the dark pixels. */
function inkCentre(img: { width: number; height: number; data: Uint8Array }): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let v = 0; v < img.height; v++) {
    for (let u = 0; u < img.width; u++) {
      if (img.data[v * img.width + u]! < 128) {
        sx += u;
        sy += v;
        n++;
      }
    }
  }
  return [sx / n, sy / n];
}

describe("rotateImage", () => {
  // The review page relies on this: a scan's boxes are in the image OCR straightened with
  // rotateImage(img, −skew); turning a point by +skew about the centre finds it on the scan.
  it("moves a point so that rotating back by the angle about the centre finds it again", () => {
    const width = 400;
    const height = 300;
    for (const [x, y, skew] of [[330, 60, 2], [40, 250, -1.5], [200, 150, 2.5]] as [number, number, number][]) {
      const data = new Uint8Array(width * height).fill(255);
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) data[(y + dy) * width + x + dx] = 0;
      const [u, v] = inkCentre(rotateImage({ width, height, data }, -skew));
      const s = (skew * Math.PI) / 180;
      const cx = (width - 1) / 2;
      const cy = (height - 1) / 2;
      expect(cx + (u - cx) * Math.cos(s) - (v - cy) * Math.sin(s)).toBeCloseTo(x, 0);
      expect(cy + (u - cx) * Math.sin(s) + (v - cy) * Math.cos(s)).toBeCloseTo(y, 0);
      if (skew !== 0 && (x !== 200 || y !== 150)) expect(Math.hypot(u - x, v - y)).toBeGreaterThan(1);
    }
  });

  it("keeps the canvas size and fills uncovered corners with white", () => {
    const img = { width: 50, height: 40, data: new Uint8Array(50 * 40).fill(0) };
    const out = rotateImage(img, 10);
    expect([out.width, out.height]).toEqual([50, 40]);
    expect(out.data[0]).toBe(255);
    expect(out.data[20 * 50 + 25]).toBe(0);
  });
});
