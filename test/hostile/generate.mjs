// Generates the hostile-input corpus into a directory: files made to exhaust memory, time, stack
// or patience (decompression bombs, huge declared images, page-count bombs, damaged files, special
// files, pathological text dumps). Nothing large is committed: every file is built here, in a few
// seconds, and the big ones are sparse or compress well.
//
//   node test/hostile/generate.mjs <dir>      writes the files and prints the list as JSON
//
// Each entry names the file (relative to <dir>), the error codes it may end with (one is the
// point of the kind; a second is allowed where the outcome depends on the machine, e.g. OCR data
// present or not) and what it attacks.
import { deflateRawSync, deflateSync, constants } from "node:zlib";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, symlinkSync, openSync, ftruncateSync, closeSync, readFileSync, copyFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A deterministic byte source (xorshift), so the corpus is the same every time. */
function bytes(n, seed = 1) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A PDF from object bodies (strings or Buffers; `{ dict, data }` is a stream whose /Length is
 * added). Object 1 is the catalog. Returns a Buffer with a correct xref table.
 */
function pdf(objects, { trailer = "" } = {}) {
  const parts = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0].length;
  const offsets = [];
  const push = (b) => {
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b, "latin1");
    parts.push(buf);
    length += buf.length;
  };
  objects.forEach((o, i) => {
    offsets.push(length);
    push(`${i + 1} 0 obj\n`);
    if (typeof o === "object" && !Buffer.isBuffer(o)) {
      push(`<< ${o.dict} /Length ${o.data.length} >>\nstream\n`);
      push(o.data);
      push("\nendstream");
    } else push(o);
    push("\nendobj\n");
  });
  const xref = length;
  const rows = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}`);
  push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** A one-page PDF whose page has the given content stream and resources. */
function onePage(content, resources = "<< >>", extra = []) {
  return pdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources ${resources} /Contents 4 0 R >>`,
    typeof content === "object" && !Buffer.isBuffer(content) ? content : { dict: "", data: Buffer.from(content, "latin1") },
    ...extra,
  ]);
}

/** A page that draws image XObject 5 over the whole page (a scan). */
function scanPage(imageDict, imageData) {
  return onePage("q 595 0 0 842 0 0 cm /Im1 Do Q", "<< /XObject << /Im1 5 0 R >> >>", [
    { dict: `/Type /XObject /Subtype /Image ${imageDict}`, data: imageData },
  ]);
}

/**
 * zlib data that inflates to `mib` MiB of zeros from about a thousandth of that: one MiB of zeros
 * deflated with a sync flush (byte-aligned, not final) repeated, then a final empty block. No
 * Adler-32 at the end (inflaters count the bytes long before they would check it).
 */
function zeroBomb(mib) {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const parts = [Buffer.from([0x78, 0xda])];
  for (let i = 0; i < mib; i++) parts.push(block);
  parts.push(Buffer.from([0x03, 0x00]));
  return Buffer.concat(parts);
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

let crcTable;
function crc32(buf) {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG header (8-bit greyscale) of the given size, with `idat` as its only data. */
function png(width, height, idat) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", idat),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A small valid greyscale PNG (white). */
function whitePng(w, h) {
  const raw = Buffer.alloc((w + 1) * h, 255);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  return png(w, h, deflateSync(raw));
}

/** A JPEG with just SOI, an SOF0 of the given size and some scan bytes. */
function jpegHeader(width, height, tail = bytes(256, 7)) {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]), tail, Buffer.from([0xff, 0xd9])]);
}

/**
 * A little-endian TIFF with one IFD per entry of `pages` ({width, height, compression, data}),
 * 1-bit or 8-bit. `loop` makes the last IFD point back at the first.
 */
function tiff(pages, { loop = false } = {}) {
  const chunks = [];
  let offset = 8;
  const header = Buffer.alloc(8);
  header.write("II", 0, "latin1");
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(8, 4);
  chunks.push(header);
  const ifdOffsets = [];
  for (const [i, p] of pages.entries()) {
    const entries = [
      [256, 4, p.width],
      [257, 4, p.height],
      [258, 3, p.bits ?? 8],
      [259, 3, p.compression ?? 1],
      [262, 3, p.bits === 1 ? 0 : 1],
      [273, 4, 0], // strip offset, filled below
      [277, 3, 1],
      [278, 4, p.height],
      [279, 4, p.data.length],
    ];
    const ifdSize = 2 + entries.length * 12 + 4;
    const dataOffset = offset + ifdSize;
    entries[5][2] = dataOffset;
    const ifd = Buffer.alloc(ifdSize);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], k) => {
      const at = 2 + k * 12;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(1, at + 4);
      if (type === 3) ifd.writeUInt16LE(value, at + 8);
      else ifd.writeUInt32LE(value, at + 8);
    });
    ifdOffsets.push(offset);
    const next = i + 1 < pages.length ? dataOffset + p.data.length : loop ? 8 : 0;
    ifd.writeUInt32LE(next, ifdSize - 4);
    chunks.push(ifd, p.data);
    offset = dataOffset + p.data.length;
  }
  return Buffer.concat(chunks);
}

/**
 * CCITT G4 (T.6) data for an all-white image: each row is coded "V0" against an all-white
 * reference line (one bit, 1), then the end of facsimile block.
 */
function g4White(rows) {
  const bits = [];
  for (let i = 0; i < rows; i++) bits.push(1);
  for (const b of "000000000001000000000001") bits.push(Number(b));
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) out[i >> 3] |= 0x80 >> (i & 7);
  });
  return out;
}

/** A page-count bomb: `n` real page objects under one /Pages node. */
function manyPages(n) {
  const kids = [];
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""];
  for (let i = 0; i < n; i++) {
    kids.push(`${i + 3} 0 R`);
    objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>");
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${n} >>`;
  return pdf(objects);
}

/** A page whose content is text in the standard Helvetica font (no performance form). */
function textPage(text) {
  return `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
}
const HELVETICA = "<< /Font << /F1 5 0 R >> >>";
const HELVETICA_OBJ = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

/**
 * The kinds. `expect` lists the codes the file may end with; `write(path)` makes it. Special
 * files (a FIFO, a device behind a symlink) are made only where the platform has them.
 */
export const KINDS = [
  // --- file system ---
  { name: "fs-empty.pdf", expect: ["EMPTY_FILE"], what: "a 0-byte file", write: (p) => writeFileSync(p, "") },
  { name: "fs-dev-zero.pdf", expect: ["UNSUPPORTED_INPUT"], what: "a symlink to /dev/zero (endless bytes, size 0)", write: (p) => symlinkSync("/dev/zero", p), when: () => existsSync("/dev/zero") },
  { name: "fs-dev-urandom.png", expect: ["UNSUPPORTED_INPUT"], what: "a symlink to /dev/urandom", write: (p) => symlinkSync("/dev/urandom", p), when: () => existsSync("/dev/urandom") },
  { name: "fs-fifo.pdf", expect: ["UNSUPPORTED_INPUT"], what: "a FIFO nobody writes to (a read would block for ever)", write: (p) => execFileSync("mkfifo", [p]), when: () => process.platform !== "win32" },
  { name: "fs-sparse-300MiB.pdf", expect: ["OVER_LIMIT"], what: "a sparse 300 MiB file (over the byte limit; no disk used)", write: (p) => sparse(p, 300 * 1024 * 1024) },
  { name: "fs-missing.pdf", expect: ["NOT_FOUND"], what: "a path that does not exist", write: () => undefined },

  // --- damaged or fake PDFs ---
  { name: "pdf-not-a-pdf.pdf", expect: ["UNSUPPORTED_INPUT", "TRUNCATED_PDF"], what: "text named .pdf", write: (p) => writeFileSync(p, "hello, this is not a PDF\n") },
  { name: "pdf-random.pdf", expect: ["UNSUPPORTED_INPUT", "TRUNCATED_PDF"], what: "64 KiB of random bytes named .pdf", write: (p) => writeFileSync(p, bytes(65536, 3)) },
  { name: "pdf-header-only.pdf", expect: ["TRUNCATED_PDF"], what: "just %PDF-1.7", write: (p) => writeFileSync(p, "%PDF-1.7\n") },
  { name: "pdf-truncated.pdf", expect: ["TRUNCATED_PDF"], what: "the first half of a sample PDF", write: (p) => {
    const whole = readFileSync(join(root, "samples", "digital", "002_fe319b84d2aa7d28.pdf"));
    writeFileSync(p, whole.subarray(0, whole.length >> 1));
  } },
  { name: "pdf-random-body.pdf", expect: ["TRUNCATED_PDF", "NO_FORM_FOUND"], what: "a PDF header followed by 1 MiB of random bytes", write: (p) => writeFileSync(p, Buffer.concat([Buffer.from("%PDF-1.7\n"), bytes(1 << 20, 5)])) },
  { name: "pdf-encrypted.pdf", expect: ["ENCRYPTED_PDF"], what: "an AES-256 encrypted PDF", write: (p) => copyFileSync(join(root, "packages", "pdf", "test-fixtures", "encrypted-aes256.pdf"), p) },
  { name: "pdf-pages-cycle.pdf", expect: ["TRUNCATED_PDF", "NO_FORM_FOUND"], what: "a page tree whose /Kids contains itself", write: (p) => writeFileSync(p, pdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
  ])) },
  { name: "pdf-xref-loop.pdf", expect: ["TRUNCATED_PDF", "NO_FORM_FOUND"], what: "a trailer whose /Prev points at its own xref", write: (p) => {
    const base = pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]);
    const s = base.toString("latin1");
    const xref = Number(/startxref\n(\d+)/.exec(s)[1]);
    writeFileSync(p, Buffer.from(s.replace("/Root 1 0 R ", `/Root 1 0 R /Prev ${xref} `), "latin1"));
  } },
  { name: "pdf-deep-nesting.pdf", expect: ["TRUNCATED_PDF", "NO_FORM_FOUND", "OVER_LIMIT"], what: "an array nested 200,000 deep in the page dictionary", write: (p) => writeFileSync(p, pdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk ${"[".repeat(200_000)}${"]".repeat(200_000)} >>`,
  ])) },

  // --- limits checked before work ---
  { name: "pdf-100000-pages.pdf", expect: ["OVER_LIMIT"], what: "100,000 pages (the page count is checked before any page is read)", write: (p) => writeFileSync(p, manyPages(100_000)) },
  { name: "pdf-stream-bomb.pdf", expect: ["OVER_LIMIT"], what: "a 4 MB content stream that inflates to 4 GiB", write: (p) => writeFileSync(p, onePage({ dict: "/Filter /FlateDecode", data: zeroBomb(4096) })) },
  { name: "pdf-stream-bomb-2-layers.pdf", expect: ["OVER_LIMIT"], what: "a stream deflated twice: 20 KB → 4 MB → 4 GiB", write: (p) => writeFileSync(p, onePage({ dict: "/Filter [/FlateDecode /FlateDecode]", data: deflateSync(zeroBomb(4096), { level: 9 }) })) },
  { name: "pdf-image-bomb-stream.pdf", expect: ["OVER_LIMIT"], what: "an 8-bit image XObject whose Flate data inflates to 3 GiB", write: (p) => writeFileSync(p, scanPage("/Width 50000 /Height 60000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", zeroBomb(3072))) },
  { name: "pdf-image-60000x60000.pdf", expect: ["OVER_LIMIT"], what: "a page image declaring 60000×60000 pixels", write: (p) => writeFileSync(p, scanPage("/Width 60000 /Height 60000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflateSync(Buffer.alloc(60000)))) },
  { name: "pdf-image-indirect-size.pdf", expect: ["OVER_LIMIT", "NO_FORM_FOUND"], what: "a 60000×60000 page image whose size is an indirect object (not visible to the byte scan)", write: (p) => writeFileSync(p, onePage("q 595 0 0 842 0 0 cm /Im1 Do Q", "<< /XObject << /Im1 5 0 R >> >>", [
    { dict: "/Type /XObject /Subtype /Image /Width 6 0 R /Height 6 0 R /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", data: deflateSync(Buffer.alloc(60000)) },
    "60000",
  ])) },
  { name: "pdf-inline-image-bomb.pdf", expect: ["OVER_LIMIT", "NO_FORM_FOUND"], what: "an inline image declaring 60000×60000 pixels", write: (p) => writeFileSync(p, onePage(`q 595 0 0 842 0 0 cm BI /W 60000 /H 60000 /CS /G /BPC 8 ID\n${"\0".repeat(1000)}\nEI Q`)) },
  { name: "pdf-jpeg-lies.pdf", expect: ["OVER_LIMIT", "NO_FORM_FOUND", "TRUNCATED_PDF", "DAMAGED_IMAGE", "OCR_UNAVAILABLE"], what: "a DCT image whose dictionary says 1000×1000 and whose JPEG header says 65000×65000", write: (p) => writeFileSync(p, scanPage("/Width 1000 /Height 1000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", jpegHeader(65000, 65000, bytes(4096, 9)))) },
  { name: "pdf-ccitt-g4.pdf", expect: ["NO_FORM_FOUND", "OCR_UNAVAILABLE"], what: "a scanned page as a CCITT G4 image (2480×3508, blank)", write: (p) => writeFileSync(p, scanPage("/Width 2480 /Height 3508 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 2480 /Rows 3508 >>", g4White(3508))) },
  { name: "pdf-ccitt-g4-garbage.pdf", expect: ["NO_FORM_FOUND", "OCR_UNAVAILABLE", "TRUNCATED_PDF", "TIMEOUT"], what: "a CCITT G4 page image of 9000×9000 whose data is random", write: (p) => writeFileSync(p, scanPage("/Width 9000 /Height 9000 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 9000 /Rows 9000 >>", bytes(200_000, 11))) },
  { name: "pdf-ccitt-g4-mask.pdf", expect: ["NO_FORM_FOUND", "OCR_UNAVAILABLE"], what: "a CCITT G4 image mask over the page", write: (p) => writeFileSync(p, scanPage("/Width 2480 /Height 3508 /ImageMask true /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 2480 /Rows 3508 >>", g4White(3508))) },
  { name: "pdf-operator-flood.pdf", expect: ["TIMEOUT", "OVER_LIMIT", "NO_FORM_FOUND"], what: "a content stream of 12 million path operators (200 MB inflated)", write: (p) => {
    const unit = Buffer.from("0 0 m 1 1 l S\n".repeat(65536), "latin1");
    const parts = [];
    for (let i = 0; i < 224; i++) parts.push(unit);
    writeFileSync(p, onePage({ dict: "/Filter /FlateDecode", data: deflateSync(Buffer.concat(parts), { level: 9 }) }));
  } },
  { name: "pdf-blank-page.pdf", expect: ["NO_FORM_FOUND"], what: "a digital PDF with a text page and a blank page (no OCR, even without OCR data)", write: (p) => writeFileSync(p, pdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources ${HELVETICA} /Contents 4 0 R >>`,
    { dict: "", data: Buffer.from(textPage("Quarterly newsletter, nothing to evaluate")) },
    HELVETICA_OBJ,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R >>",
    { dict: "", data: Buffer.alloc(0) },
  ])) },

  // --- images ---
  { name: "img-png-60000x60000.png", expect: ["OVER_LIMIT"], what: "a PNG declaring 60000×60000 pixels", write: (p) => writeFileSync(p, png(60000, 60000, deflateSync(Buffer.alloc(60001)))) },
  { name: "img-png-bomb.png", expect: ["OVER_LIMIT", "DAMAGED_IMAGE"], what: "a 9000×9000 PNG whose IDAT inflates to 4 GiB", write: (p) => writeFileSync(p, png(9000, 9000, zeroBomb(4096))) },
  { name: "img-png-truncated.png", expect: ["DAMAGED_IMAGE"], what: "a PNG cut in its IDAT", write: (p) => writeFileSync(p, whitePng(400, 300).subarray(0, 60)) },
  { name: "img-png-garbage.png", expect: ["DAMAGED_IMAGE"], what: "a PNG signature followed by random bytes", write: (p) => writeFileSync(p, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bytes(4096, 13)])) },
  { name: "img-jpeg-65000x65000.jpg", expect: ["OVER_LIMIT"], what: "a JPEG declaring 65000×65000 pixels", write: (p) => writeFileSync(p, jpegHeader(65000, 65000)) },
  { name: "img-jpeg-garbage.jpg", expect: ["DAMAGED_IMAGE"], what: "a JPEG start marker followed by random bytes", write: (p) => writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xd8]), bytes(4096, 17)])) },
  { name: "img-tiff-60000x60000.tif", expect: ["OVER_LIMIT"], what: "a TIFF declaring 60000×60000 pixels", write: (p) => writeFileSync(p, tiff([{ width: 60000, height: 60000, data: bytes(1024, 19) }])) },
  { name: "img-tiff-ifd-loop.tif", expect: ["DAMAGED_IMAGE", "NO_FORM_FOUND", "OCR_UNAVAILABLE", "OVER_LIMIT"], what: "a TIFF whose image directories point back at the first one", write: (p) => writeFileSync(p, tiff([{ width: 16, height: 16, data: Buffer.alloc(256, 255) }], { loop: true })) },
  { name: "img-tiff-g4-garbage.tif", expect: ["DAMAGED_IMAGE", "NO_FORM_FOUND", "OCR_UNAVAILABLE"], what: "a CCITT G4 TIFF of 5000×7000 whose data is random", write: (p) => writeFileSync(p, tiff([{ width: 5000, height: 7000, bits: 1, compression: 4, data: bytes(100_000, 23) }])) },
  { name: "img-tiff-g4-blank.tif", expect: ["NO_FORM_FOUND", "OCR_UNAVAILABLE"], what: "a valid CCITT G4 TIFF of 2480×3508, blank", write: (p) => writeFileSync(p, tiff([{ width: 2480, height: 3508, bits: 1, compression: 4, data: g4White(3508) }])) },
  { name: "img-tiff-garbage.tif", expect: ["DAMAGED_IMAGE"], what: "a TIFF header followed by random bytes", write: (p) => writeFileSync(p, Buffer.concat([Buffer.from("II*\0", "latin1"), bytes(4096, 29)])) },

  // --- text dumps ---
  { name: "txt-100000-lines.txt", expect: ["OVER_LIMIT"], what: "100,000 tab-separated lines (over the line limit)", write: (p) => {
    const lines = [];
    for (let i = 0; i < 100_000; i++) lines.push(`产出指标\t数量指标\t指标${i}\t${i}\t${i + 1}\t10\t9`);
    writeFileSync(p, lines.join("\n"));
  } },
  { name: "txt-10MiB-line.txt", expect: ["OVER_LIMIT"], what: "one line of 10 MiB", write: (p) => writeFileSync(p, "项目名称".repeat(10 * 1024 * 1024 / 12)) },
  { name: "txt-200000-columns.txt", expect: ["NO_FORM_FOUND", "OVER_LIMIT"], what: "one row of 200,000 tab-separated cells", write: (p) => writeFileSync(p, Array.from({ length: 200_000 }, (_, i) => String(i % 10)).join("\t")) },
  { name: "txt-9000-lines.txt", expect: ["NO_FORM_FOUND", "TIMEOUT"], what: "9,000 tab-separated lines (under the line limit: reconstructed, within the time limit or TIMEOUT)", write: (p) => {
    const lines = [];
    for (let i = 0; i < 9000; i++) lines.push(`产出指标\t数量指标\t指标${i}\t${i}\t${i + 1}\t10\t9`);
    writeFileSync(p, lines.join("\n"));
  } },
  { name: "txt-blank-lines.txt", expect: ["EMPTY_FILE"], what: "1 MiB of blank lines and spaces", write: (p) => writeFileSync(p, " \n\t\r\n".repeat(1 << 18)) },
  { name: "txt-binary.txt", expect: ["UNSUPPORTED_INPUT"], what: "random binary data named .txt", write: (p) => writeFileSync(p, Buffer.concat([bytes(65536, 31), Buffer.alloc(16)])) },
  { name: "txt-invalid-utf8.txt", expect: ["NO_FORM_FOUND"], what: "lines of invalid UTF-8 sequences", write: (p) => writeFileSync(p, Buffer.concat(Array.from({ length: 2000 }, () => Buffer.from([0xc3, 0x28, 0x09, 0xa0, 0xa1, 0x09, 0xf0, 0x28, 0x8c, 0x28, 0x0a])))) },
  { name: "txt-page-breaks.txt", expect: ["OVER_LIMIT"], what: "50,000 one-row pages (a blank line between every row; over the page limit)", write: (p) => writeFileSync(p, Array.from({ length: 50_000 }, (_, i) => `产出指标\t${i}`).join("\n\n")) },
];

function sparse(path, size) {
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** Writes every kind this platform can make into `dir`; returns [{ name, path, expect, what }]. */
export function generateHostile(dir) {
  mkdirSync(dir, { recursive: true });
  const out = [];
  for (const k of KINDS) {
    if (k.when && !k.when()) continue;
    const path = join(dir, k.name);
    k.write(path);
    out.push({ name: k.name, path, expect: k.expect, what: k.what });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: node test/hostile/generate.mjs <dir>\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(generateHostile(dir), null, 2)}\n`);
}
