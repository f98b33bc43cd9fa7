import type { DocumentModel, Page } from "@jixiao/schemas";
import { decodeImage, type DecodedImage } from "./decodeImage.js";
import { readPageImage } from "./readPageImage.js";
import { withPool, type OcrOptions } from "./options.js";

/**
 * Reads a scanned page given as a PNG, JPEG or TIFF file (a multi-page TIFF gives one Page per
 * page). The resolution is the one the file declares (PNG pHYs, JFIF density, TIFF
 * XResolution), else `opts.defaultDpi` (300). Pages are in pixels of the deskewed image.
 */
export async function extractImage(
  data: Uint8Array,
  meta: { file: string; sha256: string },
  opts: OcrOptions = {},
): Promise<DocumentModel> {
  return extractDecodedImage(decodeImage(data, opts.maxImagePixels, opts.maxPages), meta, opts);
}

/** extractImage for images already decoded (decodeImage): OCR of each page. */
export async function extractDecodedImage(
  decoded: DecodedImage[],
  meta: { file: string; sha256: string },
  opts: OcrOptions = {},
): Promise<DocumentModel> {
  return withPool(opts, async (pool) => {
    const pages: Page[] = [];
    for (let i = 0; i < decoded.length; i++) {
      const d = decoded[i]!;
      const dpi = d.dpi && d.dpi >= 50 ? d.dpi : (opts.defaultDpi ?? 300);
      const { page } = await readPageImage(d.image, i + 1, dpi, pool, opts);
      pages.push(page);
      opts.onPage?.(i + 1, decoded.length);
    }
    return { file: meta.file, sha256: meta.sha256, inputKind: "image", pages };
  });
}
