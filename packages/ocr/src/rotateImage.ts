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
  for (let v = 0; v < height; v++) {
    const dy = v - cy;
    // Source position of output (u, v): rotate the output point back by −degrees.
    let sx = cx - cx * cos + dy * sin;
    let sy = cy + cx * sin + dy * cos;
    const row = v * width;
    for (let u = 0; u < width; u++, sx += cos, sy -= sin) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 >= width - 1 || y0 >= height - 1) {
        out[row + u] = 255;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * width + x0;
      const top = data[i]! + (data[i + 1]! - data[i]!) * fx;
      const bot = data[i + width]! + (data[i + width + 1]! - data[i + width]!) * fx;
      out[row + u] = (top + (bot - top) * fy + 0.5) | 0;
    }
  }
  return { width, height, data: out };
}
