import type { GreyImage } from "./greyImage.js";

/**
 * Rotates an image about its centre by `degrees` (positive = clockwise on screen, y down) with
 * bilinear sampling; the canvas keeps its size and uncovered corners are filled with white.
 * To remove a measured skew s, call rotateImage(img, -s).
 */
export function rotateImage(img: GreyImage, degrees: number): GreyImage {
  const { width, height, data } = img;
  if (degrees === 0) return { width, height, data: data.slice() };
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const out = new Uint8Array(width * height);
  const xMax = width - 1;
  const yMax = height - 1;
  for (let v = 0; v < height; v++) {
    const dy = v - cy;
    // Source position of output (u, v): rotate the output point back by −degrees.
    let sx = cx - cx * cos + dy * sin;
    let sy = cy + cx * sin + dy * cos;
    const row = v * width;
    for (let u = 0; u < width; u++, sx += cos, sy -= sin) {
      // floor(s) < 0 exactly when s < 0, and floor(s) ≥ n − 1 when s ≥ n − 1; inside, s | 0 is floor(s).
      if (sx < 0 || sy < 0 || sx >= xMax || sy >= yMax) {
        out[row + u] = 255;
        continue;
      }
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * width + x0;
      const p00 = data[i]!;
      const p10 = data[i + width]!;
      const top = p00 + (data[i + 1]! - p00) * fx;
      const bot = p10 + (data[i + width + 1]! - p10) * fx;
      out[row + u] = (top + (bot - top) * fy + 0.5) | 0;
    }
  }
  return { width, height, data: out };
}
