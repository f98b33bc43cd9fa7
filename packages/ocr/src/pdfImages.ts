import { loadPdfjs, type Matrix } from "@jixiao/pdf";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { JixiaoError } from "@jixiao/core";
import { DEFAULT_MAX_IMAGE_PIXELS } from "@jixiao/pdf";
import type { GreyImage } from "./greyImage.js";
import { composePage, pageImageLayers, placedImages, toSource, type ImageSource, type PdfjsRaster } from "./pageImages.js";

type Pdfjs = Awaited<ReturnType<typeof loadPdfjs>>;

export type EmbeddedPageImage = {
  image: GreyImage;
  /** Pixels per inch along x, from the image width and the width it is drawn at. */
  dpi: number;
  /** Page size in points (after /Rotate). */
  pageWidth: number;
  pageHeight: number;
};


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

/** Races `promise` against a deadline (ms since the epoch); past it, a TIMEOUT for the page. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JixiaoError("TIMEOUT", `${what} did not finish in time`)), Math.max(0, deadline - Date.now()));
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Takes the raster of an image-only page: every image the page paints that covers at least 1 %
 * of it (images and image masks, drawn upright, scaled, turned, mirrored, in strips, or as a
 * background with a text mask over it), provided together they cover at least half the page,
 * decoded by pdf.js and composed at their places into one grey image of the page as seen
 * (after /Rotate). Returns undefined for a page without such images (text or vector pages).
 *
 * Bounded: the operator list and every image must arrive within `waitMs` (default 60 s) in
 * all, else TIMEOUT; an image pdf.js could not decode (it hands over null) is DAMAGED_IMAGE;
 * one declaring more than `maxPixels` pixels is OVER_LIMIT before it is fetched.
 */
export async function embeddedPageImage(
  page: PDFPageProxy,
  OPS: Pdfjs["OPS"],
  limits: { maxPixels?: number; waitMs?: number } = {},
): Promise<EmbeddedPageImage | undefined> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const deadline = Date.now() + (limits.waitMs ?? 60_000);
  const where = `page ${page.pageNumber}`;
  const ops = await beforeDeadline(page.getOperatorList(), deadline, `${where}: reading its content`);
  const viewport = page.getViewport({ scale: 1 });
  const placed = placedImages(ops, OPS as unknown as Record<string, number>, viewport.transform as unknown as Matrix);
  for (const p of placed) {
    if (p.width * p.height > maxPixels) {
      throw new JixiaoError("OVER_LIMIT", `${where}: image of ${p.width}×${p.height} pixels exceeds the limit of ${maxPixels} pixels`);
    }
  }
  const layers = pageImageLayers(placed, viewport.width, viewport.height);
  if (!layers.length) return undefined;
  // Page-local images are "img_…" and image masks "mask_…"; images pdf.js caches for the
  // whole document ("<doc>_img_…", "g_…") live in commonObjs. A decode that fails resolves to
  // null (DAMAGED_IMAGE); one that never arrives ends at the deadline instead of waiting forever.
  const fetched = new Map<string, Promise<PdfjsRaster | null>>();
  const fetch = (name: string): Promise<PdfjsRaster | null> => {
    let p = fetched.get(name);
    if (!p) {
      const objs = page.objs.has(name) || name.startsWith("img_") || name.startsWith("mask_") ? page.objs : page.commonObjs;
      p = new Promise((resolve) => objs.get(name, resolve as (d: unknown) => void));
      fetched.set(name, p);
    }
    return p;
  };
  const sources: ImageSource[] = [];
  for (const layer of layers) {
    const raster = layer.inline ?? (await beforeDeadline(fetch(layer.objId!), deadline, `${where}: decoding its image`));
    if (!raster?.data || !(raster.width > 0 && raster.height > 0)) {
      throw new JixiaoError("DAMAGED_IMAGE", `${where}: its image could not be decoded (damaged or unsupported image data)`);
    }
    if (raster.width * raster.height > maxPixels) {
      throw new JixiaoError("OVER_LIMIT", `${where}: image of ${raster.width}×${raster.height} pixels exceeds the limit of ${maxPixels} pixels`);
    }
    try {
      sources.push(toSource(layer, raster));
    } catch (err) {
      if (err instanceof JixiaoError) throw new JixiaoError(err.code, `${where}: ${err.message}`, { cause: err });
      throw err;
    }
  }
  const { image, dpi } = composePage(sources, viewport.width, viewport.height, maxPixels);
  return { image, dpi, pageWidth: viewport.width, pageHeight: viewport.height };
}
