import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import UTIF from "utif2";
import { JixiaoError } from "@jixiao/core";
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

/**
 * Decodes a PNG, JPEG or TIFF file to greyscale; a multi-page TIFF gives one image per page.
 * Images above `maxPixels` are refused with OVER_LIMIT before decoding where the header tells
 * the size (callers downscale anything between their working limit and this hard limit).
 */
export function decodeImage(data: Uint8Array, maxPixels = 200_000_000): DecodedImage[] {
  const format = imageFormat(data);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const tooBig = (w: number, h: number) => {
    if (w * h > maxPixels) {
      throw new JixiaoError("OVER_LIMIT", `image of ${w}×${h} pixels exceeds the limit of ${maxPixels} pixels`);
    }
  };
  switch (format) {
    case "png": {
      const png = PNG.sync.read(buf);
      tooBig(png.width, png.height);
      return [{ image: toGrey(png.data, png.width, png.height, 4), dpi: pngDpi(data) }];
    }
    case "jpeg": {
      const img = jpeg.decode(buf, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: Math.ceil(maxPixels / 1e6),
        maxMemoryUsageInMB: 2048,
      });
      const channels = img.data.length / (img.width * img.height);
      return [{ image: toGrey(img.data, img.width, img.height, channels), dpi: jpegDpi(data) }];
    }
    case "tiff": {
      const ifds = UTIF.decode(buf).filter((ifd) => ifd["t256"] !== undefined && ifd["t257"] !== undefined);
      return ifds.map((ifd) => {
        tooBig(Number((ifd["t256"] as number[])[0]), Number((ifd["t257"] as number[])[0]));
        UTIF.decodeImage(buf, ifd);
        return { image: toGrey(UTIF.toRGBA8(ifd), ifd.width, ifd.height, 4), dpi: tiffDpi(ifd) };
      });
    }
    default:
      throw new JixiaoError("UNSUPPORTED_INPUT", "image is not PNG, JPEG or TIFF");
  }
}
