// Builds a one-page, image-only PDF around a grey raster (like a scanner's output).
import zlib from "node:zlib";
import jpeg from "jpeg-js";
import type { GreyImage } from "../src/greyImage.js";

/**
 * `encoding`: "flate" (8-bit grey, lossless), "dct" (JPEG, like the sample scans) or "bilevel"
 * (1 bit per pixel, thresholded at 128, like fax-style scans).
 */
export function imagePdf(img: GreyImage, dpi: number, encoding: "flate" | "dct" | "bilevel" = "flate", pageCount = 1): Uint8Array {
  const w = (img.width * 72) / dpi;
  const h = (img.height * 72) / dpi;
  let pixels: Buffer;
  let bits = 8;
  let filter = "/FlateDecode";
  if (encoding === "dct") {
    const rgba = new Uint8Array(img.width * img.height * 4);
    for (let i = 0; i < img.data.length; i++) rgba.set([img.data[i]!, img.data[i]!, img.data[i]!, 255], i * 4);
    pixels = jpeg.encode({ width: img.width, height: img.height, data: rgba }, 90).data;
    filter = "/DCTDecode";
  } else if (encoding === "bilevel") {
    const stride = (img.width + 7) >> 3;
    const packed = Buffer.alloc(stride * img.height);
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        // DeviceGray 1 bit: 1 = white.
        if (img.data[y * img.width + x]! >= 128) packed[y * stride + (x >> 3)]! |= 128 >> (x & 7);
      }
    }
    pixels = zlib.deflateSync(packed);
    bits = 1;
  } else {
    pixels = zlib.deflateSync(Buffer.from(img.data));
  }
  const colorSpace = encoding === "dct" ? "/DeviceRGB" : "/DeviceGray";
  const content = Buffer.from(`q ${w.toFixed(4)} 0 0 ${h.toFixed(4)} 0 0 cm /Im0 Do Q`, "latin1");
  // Objects: 1 catalog, 2 pages, 3 content stream, 4 image, then one page object per page.
  const pageIds = Array.from({ length: pageCount }, (_, i) => 5 + i);
  const objects: Buffer[] = [
    Buffer.from("<< /Type /Catalog /Pages 2 0 R >>", "latin1"),
    Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageCount} >>`, "latin1"),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`, "latin1"), content, Buffer.from("\nendstream", "latin1")]),
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace ${colorSpace} /BitsPerComponent ${bits} /Filter ${filter} /Length ${pixels.length} >>\nstream\n`,
        "latin1",
      ),
      pixels,
      Buffer.from("\nendstream", "latin1"),
    ]),
    ...pageIds.map(() =>
      Buffer.from(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(4)} ${h.toFixed(4)}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 3 0 R >>`,
        "latin1",
      ),
    ),
  ];
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n", "latin1")];
  const offsets: number[] = [];
  let pos = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(pos);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, "latin1"), body, Buffer.from("\nendobj\n", "latin1")]);
    parts.push(obj);
    pos += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`, "latin1"));
  return new Uint8Array(Buffer.concat(parts));
}
