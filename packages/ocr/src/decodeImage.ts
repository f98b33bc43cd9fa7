import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import UTIF from "utif2";
import { JixiaoError } from "@jixiao/core";
import { DEFAULT_MAX_IMAGE_PIXELS } from "@jixiao/pdf";
import { toGrey, type GreyImage } from "./greyImage.js";

/** A decoded raster with the resolution its file declares (undefined when it declares none). */
export type DecodedImage = { image: GreyImage; dpi: number | undefined };

export type ImageFormat = "png" | "jpeg" | "tiff";

/** Recognises PNG, JPEG and TIFF by their magic bytes. */
export function imageFormat(data: Uint8Array): ImageFormat | undefined {
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return "png";
  if (data[0] === 0xff && data[1] === 0xd8) return "jpeg";
  if ((data[0] === 0x49 && data[1] === 0x49 && data[2] === 42) || (data[0] === 0x4d && data[1] === 0x4d && data[3] === 42)) {
    return "tiff";
  }
  return undefined;
}

/** Resolution from a PNG pHYs chunk (pixels per metre). */
export function pngDpi(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 8;
  while (p + 8 <= data.length) {
    const len = view.getUint32(p);
    const type = String.fromCharCode(data[p + 4]!, data[p + 5]!, data[p + 6]!, data[p + 7]!);
    if (type === "pHYs" && len >= 9) {
      const ppmX = view.getUint32(p + 8);
      const unit = data[p + 16];
      return unit === 1 && ppmX > 0 ? Math.round(ppmX * 0.0254 * 100) / 100 : undefined;
    }
    if (type === "IDAT" || type === "IEND") return undefined;
    p += 12 + len;
  }
  return undefined;
}

/** Resolution from a JPEG's JFIF APP0 segment. */
export function jpegDpi(data: Uint8Array): number | undefined {
  let p = 2;
  while (p + 4 <= data.length && data[p] === 0xff) {
    const marker = data[p + 1]!;
    const len = (data[p + 2]! << 8) | data[p + 3]!;
    if (marker === 0xe0 && data[p + 4] === 0x4a && data[p + 5] === 0x46 && data[p + 6] === 0x49 && data[p + 7] === 0x46) {
      const units = data[p + 11];
      const x = (data[p + 12]! << 8) | data[p + 13]!;
      if (!x) return undefined;
      if (units === 1) return x;
      if (units === 2) return Math.round(x * 2.54 * 100) / 100;
      return undefined;
    }
    if (marker === 0xda) return undefined; // start of scan: no more headers
    p += 2 + len;
  }
  return undefined;
}

function tiffDpi(ifd: UTIF.IFD): number | undefined {
  const res = ifd["t282"] as number[] | undefined;
  const unit = (ifd["t296"] as number[] | undefined)?.[0] ?? 2;
  const x = res?.[0];
  if (!x) return undefined;
  if (unit === 2) return x;
  if (unit === 3) return Math.round(x * 2.54 * 100) / 100;
  return undefined;
}

/** Default hard limit on an image's pixels (width × height): larger images are refused. */
export const DEFAULT_MAX_DECODE_PIXELS = DEFAULT_MAX_IMAGE_PIXELS;

type CcittDecoder = (data: Uint8Array, off: number, slen: number, tgt: Uint8Array, toff: number, w: number, ...rest: unknown[]) => void;
type UtifInternals = {
  _decodeG2: CcittDecoder;
  _decodeG3: CcittDecoder;
  _decodeG4: CcittDecoder;
  _addNtimes: (arr: number[], n: number, val: number) => void;
  _findDiff: (line: number[], x: number, clr: number) => number | undefined;
};
let ccittGuarded = false;

/**
 * utif2's CCITT fax decoders (TIFF compression 2, 3, 4) trust their data: on damaged data a
 * line grows past the image width and the pending code word grows without end, which takes
 * hours. The guard stops a line that would grow past the width or by a negative run, and any
 * strip that runs longer than a few seconds, with an error (DAMAGED_IMAGE).
 */
function guardCcitt(): void {
  if (ccittGuarded) return;
  ccittGuarded = true;
  const u = UTIF.decode as unknown as UtifInternals;
  let width = Infinity;
  let deadline = Infinity;
  let calls = 0;
  const addNtimes = u._addNtimes;
  u._addNtimes = (arr, n, val) => {
    if (!(n >= 0) || arr.length + n > width) throw new Error("CCITT data is damaged: a run goes past the line");
    addNtimes(arr, n, val);
  };
  const findDiff = u._findDiff;
  u._findDiff = (line, x, clr) => {
    if ((++calls & 0xffff) === 0 && Date.now() > deadline) throw new Error("CCITT data is damaged: decoding does not progress");
    return findDiff(line, x, clr);
  };
  for (const name of ["_decodeG2", "_decodeG3", "_decodeG4"] as const) {
    const decode = u[name];
    u[name] = (data, off, slen, tgt, toff, w, ...rest) => {
      // A G3 line starts out pre-filled until its first EOL: only the time guard applies there.
      width = name === "_decodeG3" ? Infinity : w;
      deadline = Date.now() + 10_000;
      try {
        decode(data, off, slen, tgt, toff, w, ...rest);
      } finally {
        width = Infinity;
        deadline = Infinity;
      }
    };
  }
}

/**
 * Walks a TIFF's chain of image directories before the decoder does: a chain that loops back
 * (the decoder would follow it until memory runs out) is DAMAGED_IMAGE, one longer than
 * `maxPages` (default 10 000) OVER_LIMIT.
 */
export function checkTiffChain(data: Uint8Array, maxPages = 10_000): void {
  if (data.length < 8) throw new JixiaoError("DAMAGED_IMAGE", "TIFF file is damaged: no header");
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = data[0] === 0x49;
  const seen = new Set<number>();
  let offset = view.getUint32(4, little);
  while (offset !== 0) {
    if (seen.has(offset)) throw new JixiaoError("DAMAGED_IMAGE", "TIFF file is damaged: its image directories form a loop");
    if (offset + 2 > data.length) return; // the decoder reports what it can read
    seen.add(offset);
    if (seen.size > maxPages) throw new JixiaoError("OVER_LIMIT", `TIFF of more than ${maxPages} pages, the limit is ${maxPages}`);
    const entries = view.getUint16(offset, little);
    const next = offset + 2 + entries * 12;
    if (next + 4 > data.length) return;
    offset = view.getUint32(next, little);
  }
}

/** Width and height a PNG declares in its IHDR chunk (undefined when there is none). */
export function pngSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data.length < 24) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (String.fromCharCode(data[12]!, data[13]!, data[14]!, data[15]!) !== "IHDR") return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height of a JPEG's first frame (SOFn segment), read from the markers only. */
export function jpegSize(data: Uint8Array): { width: number; height: number } | undefined {
  let p = 2;
  while (p + 4 <= data.length) {
    if (data[p] !== 0xff) return undefined;
    const marker = data[p + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    const len = (data[p + 2]! << 8) | data[p + 3]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && p + 9 <= data.length) {
      return { height: (data[p + 5]! << 8) | data[p + 6]!, width: (data[p + 7]! << 8) | data[p + 8]! };
    }
    if (marker === 0xda || marker === 0xd9 || len < 2) return undefined;
    p += 2 + len;
  }
  return undefined;
}

/**
 * Decodes a PNG, JPEG or TIFF file to greyscale; a multi-page TIFF gives one image per page.
 * The size the file declares is checked before anything is decoded: an image above `maxPixels`
 * is refused with OVER_LIMIT (callers downscale anything between their working limit and this
 * hard limit). A file the decoder cannot read fails with DAMAGED_IMAGE.
 */
export function decodeImage(data: Uint8Array, maxPixels = DEFAULT_MAX_DECODE_PIXELS, maxPages?: number): DecodedImage[] {
  const format = imageFormat(data);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const tooBig = (w: number, h: number) => {
    if (!(w * h <= maxPixels)) {
      throw new JixiaoError("OVER_LIMIT", `image of ${w}×${h} pixels exceeds the limit of ${maxPixels} pixels`);
    }
  };
  const damaged = (err: unknown): never => {
    if (err instanceof JixiaoError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof RangeError) throw new JixiaoError("OVER_LIMIT", `image too large to decode: ${message}`, { cause: err });
    throw new JixiaoError("DAMAGED_IMAGE", `${format ?? "image"} file is damaged: ${message}`, { cause: err });
  };
  switch (format) {
    case "png": {
      const size = pngSize(data);
      if (!size) damaged(new Error("no IHDR chunk"));
      tooBig(size!.width, size!.height);
      let png: PNG;
      try {
        png = PNG.sync.read(buf);
      } catch (err) {
        return damaged(err);
      }
      tooBig(png.width, png.height);
      return [{ image: toGrey(png.data, png.width, png.height, 4), dpi: pngDpi(data) }];
    }
    case "jpeg": {
      const size = jpegSize(data);
      if (!size) damaged(new Error("no frame header"));
      tooBig(size!.width, size!.height);
      try {
        const img = jpeg.decode(buf, {
          useTArray: true,
          formatAsRGBA: false,
          maxResolutionInMP: Math.ceil(maxPixels / 1e6),
          maxMemoryUsageInMB: 1024,
        });
        const channels = img.data.length / (img.width * img.height);
        return [{ image: toGrey(img.data, img.width, img.height, channels), dpi: jpegDpi(data) }];
      } catch (err) {
        return damaged(err);
      }
    }
    case "tiff": {
      checkTiffChain(data, maxPages);
      guardCcitt();
      let ifds: UTIF.IFD[];
      try {
        ifds = UTIF.decode(buf).filter((ifd) => ifd["t256"] !== undefined && ifd["t257"] !== undefined);
      } catch (err) {
        return damaged(err);
      }
      if (!ifds.length) damaged(new Error("no image directory"));
      if (maxPages !== undefined && ifds.length > maxPages) {
        throw new JixiaoError("OVER_LIMIT", `TIFF of ${ifds.length} pages, the limit is ${maxPages}`);
      }
      // Every page's declared size first, before any page is decoded.
      for (const ifd of ifds) tooBig(Number((ifd["t256"] as number[])[0]), Number((ifd["t257"] as number[])[0]));
      return ifds.map((ifd) => {
        try {
          UTIF.decodeImage(buf, ifd);
          if (!ifd.width || !ifd.height || !ifd.data?.length) throw new Error("no image data");
          return { image: toGrey(UTIF.toRGBA8(ifd), ifd.width, ifd.height, 4), dpi: tiffDpi(ifd) };
        } catch (err) {
          return damaged(err);
        }
      });
    }
    default:
      throw new JixiaoError("UNSUPPORTED_INPUT", "image is not PNG, JPEG or TIFF");
  }
}
