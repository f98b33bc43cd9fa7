import { loadPdfjs, multiply, type Matrix } from "@jixiao/pdf";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { JixiaoError } from "@jixiao/core";
import { DEFAULT_MAX_IMAGE_PIXELS } from "@jixiao/pdf";
import { toGrey, type GreyImage } from "./greyImage.js";

type Pdfjs = Awaited<ReturnType<typeof loadPdfjs>>;

export type EmbeddedPageImage = {
  image: GreyImage;
  /** Pixels per inch along x, from the image width and the width it is drawn at. */
  dpi: number;
  /** Page size in points (after /Rotate). */
  pageWidth: number;
  pageHeight: number;
};


/** pdf.js ImageKind → channels (1 = GRAYSCALE_1BPP is bit-packed, handled separately). */
function rasterToGrey(img: { width: number; height: number; kind: number; data: Uint8Array | Uint8ClampedArray }): GreyImage {
  const { width, height, kind, data } = img;
  if (kind === 1) {
    const out = new Uint8Array(width * height);
    const stride = (width + 7) >> 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        out[y * width + x] = data[y * stride + (x >> 3)]! & (128 >> (x & 7)) ? 255 : 0;
      }
    }
    return { width, height, data: out };
  }
  return toGrey(data, width, height, kind === 2 ? 3 : 4);
}

/** Rotates a grey image by a multiple of 90° clockwise (for pages with /Rotate). */
export function rotateQuarter(img: GreyImage, degrees: number): GreyImage {
  const q = (((degrees / 90) % 4) + 4) % 4;
  if (q === 0) return img;
  const { width: w, height: h, data } = img;
  const W = q === 2 ? w : h;
  const H = q === 2 ? h : w;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let nx: number;
      let ny: number;
      if (q === 1) [nx, ny] = [h - 1 - y, x];
      else if (q === 2) [nx, ny] = [w - 1 - x, h - 1 - y];
      else [nx, ny] = [y, w - 1 - x];
      out[ny * W + nx] = data[y * w + x]!;
    }
  }
  return { width: W, height: H, data: out };
}

/**
 * Takes the embedded raster of an image-only page: the largest image painted with
 * paintImageXObject, fetched decoded from page.objs. Returns undefined when the page has no
 * image covering at least half of it (such pages would need rendering, which this package does
 * not do). The dpi is the image width over the width it is drawn at, in inches.
 */
export async function embeddedPageImage(
  page: PDFPageProxy,
  OPS: Pdfjs["OPS"],
  limits: { maxPixels?: number; waitMs?: number } = {},
): Promise<EmbeddedPageImage | undefined> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const ops = await page.getOperatorList();
  const viewport = page.getViewport({ scale: 1 });
  const [vx0, vy0, vx1, vy1] = page.view as [number, number, number, number];
  const pageW = vx1 - vx0;
  const pageH = vy1 - vy0;
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  let best: { name: string; area: number; drawnW: number; drawnH: number } | undefined;
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(ctm, args as unknown as Matrix);
    else if (fn === OPS.paintImageXObject) {
      // The unit square is drawn through the CTM: its sides are the image's size in points.
      // The size the image declares, known before its pixels are fetched.
      const [, w, h] = args as [unknown, number, number];
      if (Number(w) * Number(h) > maxPixels) {
        throw new JixiaoError("OVER_LIMIT", `page ${page.pageNumber}: image of ${w}×${h} pixels exceeds the limit of ${maxPixels} pixels`);
      }
      const drawnW = Math.hypot(ctm[0], ctm[1]);
      const drawnH = Math.hypot(ctm[2], ctm[3]);
      const area = drawnW * drawnH;
      if (!best || area > best.area) best = { name: String(args[0]), area, drawnW, drawnH };
    }
  }
  if (!best || best.area < 0.5 * pageW * pageH) return undefined;
  const name = best.name;
  // Page-local images are "img_…"; images pdf.js caches for the whole document ("<doc>_img_…",
  // "g_…") live in commonObjs. A decode that fails resolves to null; one that never arrives
  // (pdf.js gave up on it without saying) ends after `waitMs` instead of waiting forever.
  const objs = page.objs.has(name) || name.startsWith("img_") ? page.objs : page.commonObjs;
  const waitMs = limits.waitMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const raster = await Promise.race([
    new Promise<{ width: number; height: number; kind: number; data: Uint8Array } | null>((resolve) => {
      objs.get(name, resolve as (d: unknown) => void);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new JixiaoError("TIMEOUT", `page ${page.pageNumber}: its image was not decoded within ${waitMs} ms`)),
        waitMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  if (!raster?.data) return undefined;
  let grey = rasterToGrey(raster);
  // Rows come top-down for the usual placement [w 0 0 h x y]; rotated or mirrored placements
  // inside the content stream are not undone here, only the page's /Rotate.
  grey = rotateQuarter(grey, page.rotate);
  const dpi = raster.width / (best.drawnW / 72);
  return { image: grey, dpi, pageWidth: viewport.width, pageHeight: viewport.height };
}
