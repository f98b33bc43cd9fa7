// Image-only PDFs for the scan generators (degrade.mjs, scans.mjs): a grey image encoded as a
// one-component JPEG, and a minimal PDF with one image per page.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const jpeg = require("jpeg-js");

// ---------------------------------------------------------------- JPEG (greyscale)

/**
 * Encodes a grey image with jpeg-js at `quality`. jpeg-js always writes three components
 * (Y, Cb, Cr, 1×1 sampling, one interleaved scan); for a grey input Cb and Cr are flat. The
 * result is re-packed without loss as a one-component baseline JPEG: the Y blocks' entropy-coded
 * bits are copied verbatim (each component has its own DC predictor, and with 1×1 sampling the
 * interleaved MCU order is the Y block order), Cb/Cr blocks are dropped. The JFIF header records
 * the dpi.
 */
export function encodeGreyJpeg(img, quality, dpi) {
  const { width, height, data } = img;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    rgba[j] = rgba[j + 1] = rgba[j + 2] = data[i];
    rgba[j + 3] = 255;
  }
  const colour = jpeg.encode({ data: rgba, width, height }, quality).data;
  return toGreyscaleJpeg(colour, dpi);
}

/** Re-packs a 3-component, 1×1-sampled, single-scan baseline JPEG as its Y component alone. */
export function toGreyscaleJpeg(buf, dpi = 72) {
  let pos = 2;
  if (buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error("not a JPEG");
  const dqt = new Map(); // table id → 64 bytes (8-bit precision)
  const dht = new Map(); // (class<<4 | id) → { counts, symbols }
  let frame = null;
  let scan = null;
  while (pos < buf.length) {
    if (buf[pos] !== 0xff) throw new Error(`JPEG marker expected at ${pos}`);
    const marker = buf[pos + 1];
    pos += 2;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9) break;
    const len = buf.readUInt16BE(pos);
    const seg = buf.subarray(pos + 2, pos + len);
    pos += len;
    if (marker === 0xdb) {
      for (let p = 0; p < seg.length; p += 65) {
        if (seg[p] >> 4) throw new Error("16-bit quantization table not supported");
        dqt.set(seg[p] & 15, seg.subarray(p + 1, p + 65));
      }
    } else if (marker === 0xc4) {
      for (let p = 0; p < seg.length; ) {
        const key = seg[p];
        const counts = seg.subarray(p + 1, p + 17);
        const n = counts.reduce((a, b) => a + b, 0);
        dht.set(key, { counts, symbols: seg.subarray(p + 17, p + 17 + n) });
        p += 17 + n;
      }
    } else if (marker === 0xc0) {
      const comps = [];
      for (let i = 0; i < seg[5]; i++) comps.push({ id: seg[6 + 3 * i], hv: seg[7 + 3 * i], tq: seg[8 + 3 * i] });
      frame = { height: seg.readUInt16BE(1), width: seg.readUInt16BE(3), comps };
    } else if (marker === 0xdd) {
      throw new Error("restart intervals not supported");
    } else if (marker === 0xda) {
      const comps = [];
      for (let i = 0; i < seg[0]; i++) comps.push({ id: seg[1 + 2 * i], td: seg[2 + 2 * i] >> 4, ta: seg[2 + 2 * i] & 15 });
      // entropy-coded data runs to the next marker that is not a stuffed 0xFF00
      let end = pos;
      while (!(buf[end] === 0xff && buf[end + 1] !== 0x00)) end++;
      scan = { comps, data: buf.subarray(pos, end) };
      pos = end;
    } else if (marker >= 0xc1 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new Error("only baseline JPEG is supported");
    }
  }
  if (!frame || !scan) throw new Error("JPEG without frame or scan");
  if (frame.comps.some((c) => c.hv !== 0x11)) throw new Error("only 1×1 sampling is supported");
  if (scan.comps.length !== frame.comps.length) throw new Error("only a single interleaved scan is supported");

  // Huffman decoding tables (canonical codes): per length, first code, count and symbol offset.
  const decoder = (t) => {
    const maxcode = new Int32Array(18).fill(-1);
    const valptr = new Int32Array(17);
    const mincode = new Int32Array(17);
    let code = 0;
    let k = 0;
    for (let l = 1; l <= 16; l++) {
      const n = t.counts[l - 1];
      valptr[l] = k;
      mincode[l] = code;
      code += n;
      k += n;
      maxcode[l] = n ? code - 1 : -1;
      code <<= 1;
    }
    return { maxcode, valptr, mincode, symbols: t.symbols };
  };
  const tables = scan.comps.map((c) => ({ dc: decoder(dht.get(c.td)), ac: decoder(dht.get(0x10 | c.ta)) }));

  // bit reader over the unstuffed data, with an optional "copy" writer for the Y blocks
  const src = scan.data;
  let byteAt = 0;
  let bitsLeft = 0;
  let cur = 0;
  const out = [];
  let acc = 0;
  let accBits = 0;
  let copying = false;
  const putBit = (b) => {
    acc = (acc << 1) | b;
    if (++accBits === 8) {
      out.push(acc);
      if (acc === 0xff) out.push(0x00);
      acc = 0;
      accBits = 0;
    }
  };
  const readBit = () => {
    if (bitsLeft === 0) {
      cur = src[byteAt++];
      if (cur === 0xff) byteAt++; // skip the stuffed 0x00
      bitsLeft = 8;
    }
    const b = (cur >> --bitsLeft) & 1;
    if (copying) putBit(b);
    return b;
  };
  const decode = (t) => {
    let code = 0;
    for (let l = 1; l <= 16; l++) {
      code = (code << 1) | readBit();
      if (t.maxcode[l] >= 0 && code <= t.maxcode[l]) return t.symbols[t.valptr[l] + code - t.mincode[l]];
    }
    throw new Error("bad Huffman code");
  };
  const skipBits = (n) => {
    for (let i = 0; i < n; i++) readBit();
  };
  const blocks = Math.ceil(frame.width / 8) * Math.ceil(frame.height / 8);
  const yIndex = scan.comps.findIndex((c) => c.id === frame.comps[0].id);
  for (let b = 0; b < blocks; b++) {
    for (let ci = 0; ci < scan.comps.length; ci++) {
      copying = ci === yIndex;
      const t = tables[ci];
      skipBits(decode(t.dc));
      for (let k = 1; k < 64; ) {
        const rs = decode(t.ac);
        const r = rs >> 4;
        const s = rs & 15;
        if (s === 0) {
          if (r !== 15) break; // EOB
          k += 16;
          continue;
        }
        k += r;
        skipBits(s);
        k++;
      }
    }
  }
  copying = false;
  while (accBits) putBit(1); // pad the last byte with 1-bits

  const yComp = frame.comps[0];
  const yScan = scan.comps[yIndex];
  const seg = (marker, body) => {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(0xff00 | marker, 0);
    h.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([h, Buffer.from(body)]);
  };
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, dpi >> 8, dpi & 255, dpi >> 8, dpi & 255, 0, 0]);
  const sof = Buffer.from([8, frame.height >> 8, frame.height & 255, frame.width >> 8, frame.width & 255, 1, 1, 0x11, 0]);
  const dcT = dht.get(yScan.td);
  const acT = dht.get(0x10 | yScan.ta);
  const dhtBody = Buffer.concat([Buffer.from([0x00]), dcT.counts, dcT.symbols, Buffer.from([0x10]), acT.counts, acT.symbols]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, jfif),
    seg(0xdb, Buffer.concat([Buffer.from([0]), dqt.get(yComp.tq)])),
    seg(0xc0, sof),
    seg(0xc4, dhtBody),
    seg(0xda, sos),
    Buffer.from(out),
    Buffer.from([0xff, 0xd9]),
  ]);
}

// ---------------------------------------------------------------- PDF writer

/**
 * A minimal image-only PDF: one page per JPEG, each a /DCTDecode greyscale image XObject drawn
 * over the whole page. Page size in points = pixels × 72 / dpi.
 * A page may instead give `data` (the stream), `filter` ("DCTDecode", "FlateDecode"),
 * `colorSpace` ("DeviceGray", "DeviceRGB") and `dpi` (its own resolution); the defaults are the
 * greyscale JPEG in `jpeg` at the `dpi` argument.
 */
export function writeImagePdf(pages, dpi, info = {}) {
  const chunks = [];
  let length = 0;
  const offsets = [];
  const push = (b) => {
    const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
    chunks.push(buf);
    length += buf.length;
  };
  const object = (n, body, stream) => {
    offsets[n] = length;
    push(`${n} 0 obj\n${body}\n`);
    if (stream) {
      push("stream\n");
      push(stream);
      push("\nendstream\n");
    }
    push("endobj\n");
  };
  const pdfString = (s) => `(${String(s).replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const fmt = (v) => String(Math.round(v * 1000) / 1000);
  push("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const n = pages.length;
  // 1 catalog, 2 pages, 3 info, then per page: page, contents, image
  const pageObj = (i) => 4 + 3 * i;
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageObj(i)} 0 R`).join(" ")}] /Count ${n} >>`);
  const infoEntries = Object.entries(info).map(([k, v]) => `/${k} ${pdfString(v)}`).join(" ");
  object(3, `<< ${infoEntries} >>`);
  pages.forEach((p, i) => {
    const w = fmt((p.width * 72) / (p.dpi ?? dpi));
    const h = fmt((p.height * 72) / (p.dpi ?? dpi));
    const stream = p.data ?? p.jpeg;
    const content = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q\n`;
    object(
      pageObj(i),
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im0 ${pageObj(i) + 2} 0 R >> >> /Contents ${pageObj(i) + 1} 0 R >>`,
    );
    object(pageObj(i) + 1, `<< /Length ${content.length} >>`, Buffer.from(content, "latin1"));
    object(
      pageObj(i) + 2,
      `<< /Type /XObject /Subtype /Image /Width ${p.width} /Height ${p.height} /ColorSpace /${p.colorSpace ?? "DeviceGray"} /BitsPerComponent 8 /Filter /${p.filter ?? "DCTDecode"} /Length ${stream.length} >>`,
      stream,
    );
  });
  const size = 4 + 3 * n;
  const xref = length;
  let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let i = 1; i < size; i++) table += `${String(offsets[i]).padStart(10, "0")} 00000 n \n`;
  push(table);
  push(`trailer\n<< /Size ${size} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}
