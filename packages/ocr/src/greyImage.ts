/**
 * An 8-bit greyscale raster, row-major, 0 = black, 255 = white. Every image-processing step of
 * the scan path works on this one shape.
 */
export type GreyImage = {
  width: number;
  height: number;
  data: Uint8Array;
};

/** A one-bit mask stored one byte per pixel: 1 = ink, 0 = background. */
export type InkMask = {
  width: number;
  height: number;
  data: Uint8Array;
};

/** An integer pixel rectangle, x1/y1 exclusive. */
export type PixelRect = { x0: number; y0: number; x1: number; y1: number };

/** Saturation (max − min of R, G, B) at and below which a pixel is converted by luminance alone. */
export const GREY_SATURATION_LOW = 60;
/** Saturation at and above which a pixel takes its brightest channel (coloured ink vanishes). */
export const GREY_SATURATION_HIGH = 120;

/**
 * Converts interleaved pixels (1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA) to grey;
 * transparent pixels are composited on white.
 *
 * Colour pixels get the Rec. 601 luma unless they are strongly saturated: a red seal (公章), a
 * blue stamp or a coloured pen mark would otherwise become mid-grey ink over the black print.
 * Those take their brightest channel instead (red ink on white paper has R near the paper's
 * level, so it vanishes), blended in from saturation 60 to 120 (of 255). Black print, grey
 * paper and a yellowish paper tint (saturation well under 60) keep exactly their luma; black
 * print under red ink stays dark, as all its channels are low.
 */
export function toGrey(pixels: ArrayLike<number>, width: number, height: number, channels: number): GreyImage {
  const n = width * height;
  const out = new Uint8Array(n);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[i] = pixels[i]!;
  } else if (channels === 2) {
    for (let i = 0; i < n; i++) {
      const a = pixels[2 * i + 1]!;
      out[i] = Math.round((pixels[2 * i]! * a + 255 * (255 - a)) / 255);
    }
  } else if (channels === 3 || channels === 4) {
    const lo = GREY_SATURATION_LOW;
    const span = GREY_SATURATION_HIGH - GREY_SATURATION_LOW;
    for (let i = 0, j = 0; i < n; i++, j += channels) {
      const r = pixels[j]!;
      const g = pixels[j + 1]!;
      const b = pixels[j + 2]!;
      // A grey pixel (pdf.js hands grey JPEGs over as RGB): its luma is the value itself.
      if (r === g && g === b && (channels === 3 || pixels[j + 3] === 255)) {
        out[i] = r;
        continue;
      }
      let v = (r * 299 + g * 587 + b * 114) / 1000;
      const max = r > g ? (r > b ? r : b) : g > b ? g : b;
      const min = r < g ? (r < b ? r : b) : g < b ? g : b;
      const sat = max - min;
      if (sat > lo) v += (sat >= lo + span ? 1 : (sat - lo) / span) * (max - v);
      if (channels === 4) {
        const a = pixels[j + 3]!;
        v = (v * a + 255 * (255 - a)) / 255;
      }
      out[i] = Math.round(v);
    }
  } else {
    throw new Error(`unsupported channel count ${channels}`);
  }
  return { width, height, data: out };
}

/**
 * The image at the resolution it is read at: downscaled (area averaging) to at most `maxDpi`
 * and `maxPixels`; `dpi` is the resolution that results.
 */
export function workingImage(img: GreyImage, dpi: number, limits: { maxPixels: number; maxDpi: number }): { image: GreyImage; dpi: number } {
  // A page already at maxDpi (give or take rounding) is left as it is.
  const byDpi = dpi > limits.maxDpi * 1.001 ? limits.maxDpi / dpi : 1;
  const { image, scale } = downscaleTo(img, Math.min(byDpi, Math.sqrt(limits.maxPixels / (img.width * img.height))));
  return { image, dpi: dpi * scale };
}

function downscaleTo(img: GreyImage, scale: number): { image: GreyImage; scale: number } {
  if (!(scale < 1)) return { image: img, scale: 1 };
  return { image: resizeArea(img, Math.max(1, Math.floor(img.width * scale)), Math.max(1, Math.floor(img.height * scale))), scale };
}

/** Downscales by area averaging (box filter with fractional coverage). */
export function resizeArea(img: GreyImage, width: number, height: number): GreyImage {
  const sx = img.width / width;
  const sy = img.height / height;
  const out = new Uint8Array(width * height);
  // Horizontal pass, then vertical pass. The source spans and coverage weights of each output
  // column (and row) are worked out once, with the same arithmetic. Each source row is filtered
  // horizontally once, when the first output row that covers it is made, into a ring of the few
  // rows an output row spans (not a page-sized buffer), and read through locals: property
  // lookups in the inner loops cost half the time.
  const { from: cFrom, to: cTo, at: cAt, weight: cW } = coverage(img.width, width, sx);
  const { from: rFrom, to: rTo, at: rAt, weight: rW } = coverage(img.height, height, sy);
  const srcW = img.width;
  const data = img.data;
  const ring = Math.ceil(sy) + 2;
  const rows = new Float32Array(ring * width);
  const rowIn = new Int32Array(ring).fill(-1);
  const acc = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let i = rFrom[y]!, k = rAt[y]!, end = rTo[y]!; i < end; i++, k++) {
      const slot = i % ring;
      const t = slot * width;
      if (rowIn[slot] !== i) {
        rowIn[slot] = i;
        const row = i * srcW;
        for (let x = 0; x < width; x++) {
          let sum = 0;
          for (let j = cFrom[x]!, q = cAt[x]!, e = cTo[x]!; j < e; j++, q++) sum += cW[q]! * data[row + j]!;
          rows[t + x] = sum / sx;
        }
      }
      const w = rW[k]!;
      for (let x = 0; x < width; x++) acc[x]! += w * rows[t + x]!;
    }
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const v = Math.round(acc[x]! / sy);
      out[o + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { width, height, data: out };
}

/**
 * For each of `n` output cells of size `s` (in source pixels) over `size` source pixels: the
 * source pixels it covers [from, to) and their covered fractions, stored from `at`.
 */
function coverage(size: number, n: number, s: number): { from: Int32Array; to: Int32Array; at: Int32Array; weight: Float64Array } {
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  const at = new Int32Array(n);
  const weights: number[] = [];
  for (let x = 0; x < n; x++) {
    const a = x * s;
    const b = a + s;
    from[x] = Math.floor(a);
    at[x] = weights.length;
    let i = Math.floor(a);
    for (; i < Math.ceil(b) && i < size; i++) weights.push(Math.min(b, i + 1) - Math.max(a, i));
    to[x] = Math.max(from[x]!, i);
  }
  return { from, to, at, weight: Float64Array.from(weights) };
}

/**
 * Resamples by bilinear interpolation (pixel centres aligned, edges clamped). For enlarging:
 * `resizeArea` enlarges by repeating pixels, which keeps the staircase edges of small or
 * bitonal glyphs; bilinear gives smooth edges.
 */
export function resizeBilinear(img: GreyImage, width: number, height: number): GreyImage {
  const out = new Uint8Array(width * height);
  if (!img.width || !img.height) return { width, height, data: out.fill(255) };
  const sx = img.width / width;
  const sy = img.height / height;
  const xs0 = new Int32Array(width);
  const xs1 = new Int32Array(width);
  const wxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.max(0, (x + 0.5) * sx - 0.5);
    const x0 = Math.min(img.width - 1, Math.floor(fx));
    xs0[x] = x0;
    xs1[x] = Math.min(img.width - 1, x0 + 1);
    wxs[x] = fx - x0;
  }
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(img.height - 1, Math.floor(fy));
    const r0 = y0 * img.width;
    const r1 = Math.min(img.height - 1, y0 + 1) * img.width;
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const wx = wxs[x]!;
      const top = img.data[r0 + xs0[x]!]! * (1 - wx) + img.data[r0 + xs1[x]!]! * wx;
      const bottom = img.data[r1 + xs0[x]!]! * (1 - wx) + img.data[r1 + xs1[x]!]! * wx;
      out[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return { width, height, data: out };
}

/** Copies a rectangle (clipped to the image) with `pad` pixels of white around it. */
export function cropImage(img: GreyImage, rect: PixelRect, pad = 0): GreyImage {
  const x0 = Math.max(0, Math.floor(rect.x0));
  const y0 = Math.max(0, Math.floor(rect.y0));
  const x1 = Math.min(img.width, Math.ceil(rect.x1));
  const y1 = Math.min(img.height, Math.ceil(rect.y1));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const width = w + 2 * pad;
  const height = h + 2 * pad;
  const out = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < h; y++) {
    const src = (y0 + y) * img.width + x0;
    out.set(img.data.subarray(src, src + w), (y + pad) * width + pad);
  }
  return { width, height, data: out };
}

/** Encodes an image as binary PGM (P5), which Leptonica inside tesseract.js reads directly. */
export function encodePgm(img: GreyImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${img.width} ${img.height}\n255\n`);
  const out = new Uint8Array(header.length + img.data.length);
  out.set(header, 0);
  out.set(img.data, header.length);
  return out;
}

/**
 * Stretches an image's contrast so that its paper (the 90th percentile grey) becomes white and
 * its darkest ink (the 1st percentile) black. Grey paper next to white padding would otherwise
 * be taken for ink by Tesseract's own global threshold. Images with less than `minRange` grey
 * levels between the two are returned unchanged.
 */
export function stretchContrast(img: GreyImage, minRange = 40): GreyImage {
  const n = img.data.length;
  if (!n) return img;
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) hist[img.data[i]!]!++;
  const level = (q: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= q * n) return v;
    }
    return 255;
  };
  const ink = level(0.01);
  const paper = level(0.9);
  if (paper - ink < minRange || (paper >= 250 && ink <= 5)) return img;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(((v - ink) * 255) / (paper - ink))));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = lut[img.data[i]!]!;
  return { width: img.width, height: img.height, data: out };
}

/** A 3×3 box blur (separable, edges clamped): softens the ragged edges of a bitonal scan. */
export function boxBlur3(img: GreyImage): GreyImage {
  const { width: w, height: h, data } = img;
  const tmp = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      tmp[row + x] = data[row + Math.max(0, x - 1)]! + data[row + x]! + data[row + Math.min(w - 1, x + 1)]!;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const up = Math.max(0, y - 1) * w;
    const row = y * w;
    const down = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) out[row + x] = Math.round((tmp[up + x]! + tmp[row + x]! + tmp[down + x]!) / 9);
  }
  return { width: w, height: h, data: out };
}
