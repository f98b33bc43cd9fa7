import { multiply, type Matrix } from "@jixiao/pdf";
import { JixiaoError } from "@jixiao/core";
import { toGrey, type GreyImage } from "./greyImage.js";

/**
 * Where and how a PDF page paints its images, from pdf.js's operator list, and the composition
 * of those images into one grey raster of the page as it is seen (after /Rotate).
 *
 * pdf.js decodes every image itself (Flate, LZW, DCT incl. CMYK and Adobe-inverted CMYK, JPX,
 * CCITT G3/G4, JBIG2 with globals, Indexed, /Decode, 1/2/4/8/16 bits) and hands the result over
 * through page.objs / commonObjs; image masks (/ImageMask true) arrive as packed bits
 * (0 = painted) and small inline images inside the operator list itself.
 */

/** One image painted on a page: `toDevice` maps its pixel coordinates (x right, y down, origin at its top-left corner) to device points (viewport, y down). */
export type PlacedImage = {
  /** objs / commonObjs name, or undefined for an inline image carried in `inline`. */
  objId?: string;
  inline?: PdfjsRaster;
  /** An image mask: painted pixels take `paint` (grey of the fill colour). */
  mask: boolean;
  paint: number;
  width: number;
  height: number;
  toDevice: Matrix;
};

/** What pdf.js hands over for a decoded image (kind 1 = 1 bit grey packed, 2 = RGB, 3 = RGBA); a mask has no kind. */
export type PdfjsRaster = {
  width: number;
  height: number;
  kind?: number;
  data: Uint8Array | Uint8ClampedArray;
};

/** A decoded placed image: grey pixels, or mask bits (1 byte per pixel, 1 = painted). */
export type ImageSource = {
  placed: PlacedImage;
  grey?: GreyImage;
  maskBits?: Uint8Array;
};

type Ops = Record<string, number>;

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** Grey of a "#rrggbb" fill colour (pdf.js converts every fill colour op to setFillRGBColor). */
function hexGrey(hex: unknown): number {
  if (typeof hex !== "string" || !/^#[0-9a-f]{6}$/i.test(hex)) return 0;
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return Math.round((r * 299 + g * 587 + b * 114) / 1000);
}

/**
 * Walks an operator list and lists every image it paints (paintImageXObject and its Repeat form,
 * paintImageMaskXObject and its Group/Repeat forms, paintInlineImageXObject) with the matrix
 * from its pixels to device points: viewport × CTM × (x/w, 1 − y/h), so placements that are
 * scaled, rotated or mirrored inside the content stream and the page's /Rotate are all in it.
 */
export function placedImages(
  ops: { fnArray: ArrayLike<number>; argsArray: ArrayLike<unknown> },
  OPS: Ops,
  viewportTransform: Matrix,
): PlacedImage[] {
  const out: PlacedImage[] = [];
  let ctm: Matrix = IDENTITY;
  let fill = 0;
  const stack: { ctm: Matrix; fill: number }[] = [];
  const place = (m: Matrix, width: number, height: number, rest: Omit<PlacedImage, "width" | "height" | "toDevice" | "paint" | "mask"> & { mask: boolean }) => {
    if (!(width > 0 && height > 0)) return;
    const unit: Matrix = [1 / width, 0, 0, -1 / height, 0, 1];
    out.push({ ...rest, paint: fill, width, height, toDevice: multiply(viewportTransform, multiply(m, unit)) });
  };
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = (ops.argsArray[i] ?? []) as unknown[];
    if (fn === OPS.save) stack.push({ ctm, fill });
    else if (fn === OPS.restore) ({ ctm, fill } = stack.pop() ?? { ctm: IDENTITY, fill: 0 });
    else if (fn === OPS.transform) ctm = multiply(ctm, args as unknown as Matrix);
    else if (fn === OPS.setFillRGBColor) fill = hexGrey(args[0]);
    else if (fn === OPS.paintImageXObject) {
      const [objId, w, h] = args as [string, number, number];
      place(ctm, Number(w), Number(h), { objId: String(objId), mask: false });
    } else if (fn === OPS.paintImageXObjectRepeat) {
      const [objId, sx, sy, positions] = args as [string, number, number, ArrayLike<number>];
      // The image's size is only known once it is fetched; 0 × 0 here, filled in by the caller.
      for (let q = 0; q + 1 < positions.length; q += 2) {
        out.push({ objId: String(objId), mask: false, paint: fill, width: 0, height: 0, toDevice: multiply(viewportTransform, multiply(ctm, [sx, 0, 0, sy, positions[q]!, positions[q + 1]!])) });
      }
    } else if (fn === OPS.paintImageMaskXObject) {
      const m = args[0] as { data: string; width: number; height: number };
      place(ctm, m.width, m.height, { objId: String(m.data), mask: true });
    } else if (fn === OPS.paintImageMaskXObjectGroup) {
      for (const m of args[0] as { data: string; width: number; height: number; transform: Matrix }[]) {
        place(multiply(ctm, m.transform), m.width, m.height, { objId: String(m.data), mask: true });
      }
    } else if (fn === OPS.paintImageMaskXObjectRepeat) {
      const [m, a, b, c, d, positions] = args as [{ data: string; width: number; height: number }, number, number, number, number, ArrayLike<number>];
      for (let q = 0; q + 1 < positions.length; q += 2) {
        place(multiply(ctm, [a, b, c, d, positions[q]!, positions[q + 1]!]), m.width, m.height, { objId: String(m.data), mask: true });
      }
    } else if (fn === OPS.paintInlineImageXObject) {
      const img = args[0] as PdfjsRaster;
      place(ctm, img.width, img.height, { inline: img, mask: false });
    }
  }
  // Repeat placements were given in unit-square form: turn them into pixel form now that
  // nothing else is known about them (their size is set when fetched; see withSize).
  return out;
}

/** Sets the size of a placement whose size was unknown (paintImageXObjectRepeat). */
function withSize(p: PlacedImage, width: number, height: number): PlacedImage {
  if (p.width > 0) return p;
  const unit: Matrix = [1 / width, 0, 0, -1 / height, 0, 1];
  return { ...p, width, height, toDevice: multiply(p.toDevice, unit) };
}

/** The device-space box of a placement. */
function deviceBox(p: PlacedImage): { x0: number; y0: number; x1: number; y1: number } {
  const m = p.toDevice;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[0, 0], [p.width, 0], [0, p.height], [p.width, p.height]] as const) {
    xs.push(m[0] * x + m[2] * y + m[4]);
    ys.push(m[1] * x + m[3] * y + m[5]);
  }
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Pixels per device point along the image's own x and y axes. */
function pixelsPerPoint(p: PlacedImage): { x: number; y: number } {
  const m = p.toDevice;
  return { x: 1 / Math.hypot(m[0], m[1]), y: 1 / Math.hypot(m[2], m[3]) };
}

/** Converts what pdf.js hands over to grey pixels or mask bits. */
export function toSource(placed: PlacedImage, raster: PdfjsRaster): ImageSource {
  const { width, height, data } = raster;
  const p = withSize(placed, width, height);
  if (placed.mask) {
    // Packed bits, rows padded to a byte; a 0 bit is painted.
    const bits = new Uint8Array(width * height);
    const stride = (width + 7) >> 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) bits[y * width + x] = data[y * stride + (x >> 3)]! & (128 >> (x & 7)) ? 0 : 1;
    }
    return { placed: p, maskBits: bits };
  }
  if (raster.kind === 1) {
    const out = new Uint8Array(width * height);
    const stride = (width + 7) >> 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[y * width + x] = data[y * stride + (x >> 3)]! & (128 >> (x & 7)) ? 255 : 0;
    }
    return { placed: p, grey: { width, height, data: out } };
  }
  const channels = raster.kind === 2 ? 3 : 4;
  if (data.length < width * height * channels) throw new JixiaoError("DAMAGED_IMAGE", `image data is short: ${data.length} bytes for ${width}×${height}×${channels}`);
  return { placed: p, grey: toGrey(data, width, height, channels) };
}

/**
 * Picks the images that make up a scanned page: every image covering at least `minShare` of
 * the page (default 1 %), provided that together they cover at least half of it (a full-page
 * scan, strips tiling the page, or a background plus a text mask). Returns [] otherwise.
 */
export function pageImageLayers(placed: PlacedImage[], pageWidth: number, pageHeight: number, minShare = 0.01): PlacedImage[] {
  const pageArea = pageWidth * pageHeight;
  const clip = (b: ReturnType<typeof deviceBox>) => ({
    x0: Math.max(0, b.x0), y0: Math.max(0, b.y0), x1: Math.min(pageWidth, b.x1), y1: Math.min(pageHeight, b.y1),
  });
  const area = (b: ReturnType<typeof deviceBox>) => Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
  const layers = placed.filter((p) => p.width === 0 || area(clip(deviceBox(p))) >= minShare * pageArea);
  if (!layers.length) return [];
  // Covered area on a coarse grid (images may overlap).
  const G = 64;
  const cover = new Uint8Array(G * G);
  for (const p of layers) {
    if (p.width === 0) continue;
    const b = clip(deviceBox(p));
    for (let gy = Math.floor((b.y0 / pageHeight) * G); gy < Math.ceil((b.y1 / pageHeight) * G) && gy < G; gy++) {
      for (let gx = Math.floor((b.x0 / pageWidth) * G); gx < Math.ceil((b.x1 / pageWidth) * G) && gx < G; gx++) cover[gy * G + gx] = 1;
    }
  }
  const hasRepeat = layers.some((p) => p.width === 0);
  const covered = cover.reduce((s, v) => s + v, 0) / (G * G);
  return covered >= 0.5 || hasRepeat ? layers : [];
}

/** Result of composing a page's images. */
export type ComposedPage = { image: GreyImage; dpi: number };

function invert(m: Matrix): Matrix {
  const det = m[0] * m[3] - m[1] * m[2];
  return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det, (m[2] * m[5] - m[3] * m[4]) / det, (m[1] * m[4] - m[0] * m[5]) / det];
}

/**
 * Composes decoded images into one grey raster of the page region they cover (white
 * background, drawn in order, masks painted with their fill grey), sampled nearest-neighbour at
 * the resolution of the sharpest large image. A single image drawn upright, turned by a
 * multiple of 90° or mirrored comes out pixel for pixel (only its orientation changes).
 * The canvas is clipped to the page and holds at most `maxPixels` pixels.
 */
export function composePage(sources: ImageSource[], pageWidth: number, pageHeight: number, maxPixels: number): ComposedPage {
  if (!sources.length) throw new Error("no images to compose");
  const boxes = sources.map((s) => deviceBox(s.placed));
  const tol = 2;
  let bx0 = Math.min(...boxes.map((b) => b.x0));
  let by0 = Math.min(...boxes.map((b) => b.y0));
  let bx1 = Math.max(...boxes.map((b) => b.x1));
  let by1 = Math.max(...boxes.map((b) => b.y1));
  if (bx0 < -tol) bx0 = 0;
  if (by0 < -tol) by0 = 0;
  if (bx1 > pageWidth + tol) bx1 = pageWidth;
  if (by1 > pageHeight + tol) by1 = pageHeight;
  const bw = bx1 - bx0;
  const bh = by1 - by0;
  if (!(bw > 0 && bh > 0)) throw new JixiaoError("DAMAGED_IMAGE", "page images cover no area");
  // Resolution: that of the sharpest image covering a tenth of the region (else the largest).
  const areas = boxes.map((b) => (b.x1 - b.x0) * (b.y1 - b.y0));
  const largest = areas.indexOf(Math.max(...areas));
  let k = 0;
  sources.forEach((s, i) => {
    if (i !== largest && areas[i]! < 0.1 * bw * bh) return;
    const r = pixelsPerPoint(s.placed);
    k = Math.max(k, r.x, r.y);
  });
  let W = Math.max(1, Math.round(bw * k));
  let H = Math.max(1, Math.round(bh * k));
  // One upright, quarter-turned or mirrored image with square pixels: keep its exact size.
  if (sources.length === 1) {
    const m = sources[0]!.placed.toDevice;
    const { width: w, height: h } = sources[0]!.placed;
    const r = pixelsPerPoint(sources[0]!.placed);
    const square = Math.abs(r.x - r.y) <= 0.005 * Math.max(r.x, r.y);
    const b = boxes[0]!;
    const unclipped = b.x0 === bx0 && b.y0 === by0 && b.x1 === bx1 && b.y1 === by1;
    if (square && unclipped) {
      if (Math.abs(m[1]) < 1e-9 && Math.abs(m[2]) < 1e-9) [W, H] = [w, h];
      else if (Math.abs(m[0]) < 1e-9 && Math.abs(m[3]) < 1e-9) [W, H] = [h, w];
    }
  }
  if (W * H > maxPixels) {
    const s = Math.sqrt(maxPixels / (W * H));
    W = Math.max(1, Math.floor(W * s));
    H = Math.max(1, Math.floor(H * s));
  }
  const kx = W / bw;
  const ky = H / bh;
  const dpi = Math.round(72 * Math.sqrt(kx * ky) * 100) / 100;
  // One grey image that lands pixel for pixel on the canvas (upright, its own size): it is the
  // page raster as it is, without a copy (8.7 MB less for a 300 dpi A4 page).
  const only = sources.length === 1 ? sources[0]! : undefined;
  if (only?.grey && only.placed.width === W && only.placed.height === H && pixelForPixel(only.placed, bx0, by0, kx, ky)) {
    return { image: only.grey, dpi };
  }
  const out = new Uint8Array(W * H).fill(255);
  sources.forEach((s, i) => {
    const { width: w, height: h } = s.placed;
    const inv = invert(s.placed.toDevice);
    if (!inv.every(Number.isFinite)) return;
    const b = boxes[i]!;
    const X0 = Math.max(0, Math.floor((b.x0 - bx0) * kx));
    const X1 = Math.min(W, Math.ceil((b.x1 - bx0) * kx));
    const Y0 = Math.max(0, Math.floor((b.y0 - by0) * ky));
    const Y1 = Math.min(H, Math.ceil((b.y1 - by0) * ky));
    // Image coordinates of canvas pixel centres, stepped along each row.
    const du = inv[0] / kx;
    const dv = inv[1] / kx;
    const grey = s.grey?.data;
    const bits = s.maskBits;
    const paint = s.placed.paint;
    for (let Y = Y0; Y < Y1; Y++) {
      const py = by0 + (Y + 0.5) / ky;
      const px = bx0 + (X0 + 0.5) / kx;
      let u = inv[0] * px + inv[2] * py + inv[4];
      let v = inv[1] * px + inv[3] * py + inv[5];
      const row = Y * W;
      for (let X = X0; X < X1; X++, u += du, v += dv) {
        const x = Math.floor(u);
        const y = Math.floor(v);
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const j = y * w + x;
        if (grey) out[row + X] = grey[j]!;
        else if (bits![j]) out[row + X] = paint;
      }
    }
  });
  return { image: { width: W, height: H, data: out }, dpi };
}

/**
 * Whether the canvas pixel centres of a W × H canvas (W, H = the image's own size) fall inside
 * the image pixel of the same column and row, as composePage samples them: then composing is a
 * copy. The map is affine, so checking the four corner pixels (within a quarter pixel of their
 * own centres) covers every pixel.
 */
function pixelForPixel(p: PlacedImage, bx0: number, by0: number, kx: number, ky: number): boolean {
  const inv = invert(p.toDevice);
  if (!inv.every(Number.isFinite)) return false;
  for (const X of [0, p.width - 1]) {
    for (const Y of [0, p.height - 1]) {
      const px = bx0 + (X + 0.5) / kx;
      const py = by0 + (Y + 0.5) / ky;
      const u = inv[0] * px + inv[2] * py + inv[4];
      const v = inv[1] * px + inv[3] * py + inv[5];
      if (Math.abs(u - (X + 0.5)) > 0.25 || Math.abs(v - (Y + 0.5)) > 0.25) return false;
    }
  }
  return true;
}
