// Crops a region of a scan page's embedded image into a grey PNG (with a 300 dpi pHYs chunk)
// for the test fixtures. Usage: make-fixture.ts <scan.pdf> <page> <x> <y> <w> <h> <out.png>
import fs from "node:fs";
import zlib from "node:zlib";
import { PNG } from "pngjs";
import { cropImage, embeddedPageImage } from "@jixiao/ocr";

const [file, page, x, y, w, h, out] = process.argv.slice(2);
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(file!)) }).promise;
const emb = (await embeddedPageImage(await doc.getPage(Number(page)), pdfjs.OPS))!;
const crop = cropImage(emb.image, { x0: Number(x), y0: Number(y), x1: Number(x) + Number(w), y1: Number(y) + Number(h) });
const png = new PNG({ width: crop.width, height: crop.height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
png.data = Buffer.from(crop.data);
const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
// Insert pHYs (pixels per metre, unit 1) right after IHDR (8-byte signature + 25-byte IHDR chunk).
const ppm = Math.round(emb.dpi / 0.0254);
const body = Buffer.alloc(13);
body.write("pHYs", 0, "latin1");
body.writeUInt32BE(ppm, 4);
body.writeUInt32BE(ppm, 8);
body.writeUInt8(1, 12);
const chunk = Buffer.alloc(21);
chunk.writeUInt32BE(9, 0);
body.copy(chunk, 4);
chunk.writeUInt32BE(zlib.crc32(body), 17);
fs.writeFileSync(out!, Buffer.concat([bytes.subarray(0, 33), chunk, bytes.subarray(33)]));
console.log(out, crop.width, crop.height, emb.dpi);
