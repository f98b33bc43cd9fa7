// Builds a one-page, image-only PDF around a grey raster (like a scanner's output).
import zlib from "node:zlib";
import type { GreyImage } from "../src/greyImage.js";

export function imagePdf(img: GreyImage, dpi: number): Uint8Array {
  const w = (img.width * 72) / dpi;
  const h = (img.height * 72) / dpi;
  const pixels = zlib.deflateSync(Buffer.from(img.data));
  const content = Buffer.from(`q ${w.toFixed(4)} 0 0 ${h.toFixed(4)} 0 0 cm /Im0 Do Q`, "latin1");
  const objects: Buffer[] = [
    Buffer.from("<< /Type /Catalog /Pages 2 0 R >>", "latin1"),
    Buffer.from("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "latin1"),
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(4)} ${h.toFixed(4)}] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>`,
      "latin1",
    ),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`, "latin1"), content, Buffer.from("\nendstream", "latin1")]),
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${pixels.length} >>\nstream\n`,
        "latin1",
      ),
      pixels,
      Buffer.from("\nendstream", "latin1"),
    ]),
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
