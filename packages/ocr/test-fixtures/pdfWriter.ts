// A minimal PDF writer for tests: one page, image XObjects with any dictionary and raw stream
// bytes, and a content stream that draws them. Enough to cover every kind of image a scanner
// puts in a PDF without committing PDFs.
import zlib from "node:zlib";
import UTIF from "utif2";

export type PdfImage = {
  /** Image dictionary entries without /Type, /Subtype and /Length, e.g. "/Width 300 /Height 200 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode". "GLOBALS" is replaced by a reference to `globals`. */
  dict: string;
  data: Uint8Array;
  /** Bytes of a /JBIG2Globals stream. */
  globals?: Uint8Array;
};

export type PdfPageSpec = {
  /** Page size in points (MediaBox [0 0 width height]). */
  width: number;
  height: number;
  rotate?: number;
  images: Record<string, PdfImage>;
  /** Content stream, e.g. "q 300 0 0 200 0 0 cm /Im0 Do Q". */
  content: string | Uint8Array;
};

/** Builds a PDF with the given pages (object numbers are assigned in order). */
export function buildPdf(pages: PdfPageSpec[]): Uint8Array {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string): number => {
    objects.push(typeof body === "string" ? Buffer.from(body, "latin1") : body);
    return objects.length;
  };
  const stream = (dict: string, data: Uint8Array): Buffer =>
    Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, "latin1"), Buffer.from(data), Buffer.from("\nendstream", "latin1")]);
  const catalog = add("");
  const pagesId = add("");
  const pageIds: number[] = [];
  for (const spec of pages) {
    const xobjects: string[] = [];
    for (const [name, img] of Object.entries(spec.images)) {
      let dict = img.dict;
      if (img.globals) dict = dict.replace("GLOBALS", `${add(stream("", img.globals))} 0 R`);
      xobjects.push(`/${name} ${add(stream(`/Type /XObject /Subtype /Image ${dict}`, img.data))} 0 R`);
    }
    const content = typeof spec.content === "string" ? Buffer.from(spec.content, "latin1") : spec.content;
    const contentId = add(stream("", content));
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${spec.width} ${spec.height}]${spec.rotate ? ` /Rotate ${spec.rotate}` : ""} /Resources << /XObject << ${xobjects.join(" ")} >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`, "latin1");
  objects[pagesId - 1] = Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`, "latin1");
  const parts: Buffer[] = [Buffer.from("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  const offsets: number[] = [];
  let pos = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(pos);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, "latin1"), body, Buffer.from("\nendobj\n", "latin1")]);
    parts.push(obj);
    pos += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${pos}\n%%EOF\n`, "latin1"));
  return new Uint8Array(Buffer.concat(parts));
}

/** The encoded bytes of a one-strip TIFF's image (its first strip), e.g. raw CCITT data. */
export function tiffStrip(tiff: Uint8Array): Uint8Array {
  const ifd = UTIF.decode(tiff.buffer.slice(tiff.byteOffset, tiff.byteOffset + tiff.byteLength) as ArrayBuffer)[0]!;
  const offset = (ifd["t273"] as number[])[0]!;
  const length = (ifd["t279"] as number[])[0]!;
  return tiff.subarray(offset, offset + length);
}

export const flate = (data: Uint8Array): Uint8Array => new Uint8Array(zlib.deflateSync(data));

/**
 * A JBIG2 stream (the embedded form PDF uses: segments without file header) holding one page
 * with one immediate lossless generic region coded with MMR, which is CCITT G4 data with
 * 1 = black: page information, the region, end of page.
 */
export function jbig2FromG4(g4: Uint8Array, width: number, height: number): Uint8Array {
  const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const segment = (num: number, type: number, page: number, data: number[]) => [...u32(num), type & 63, 0, page, ...u32(data.length), ...data];
  const pageInfo = [...u32(width), ...u32(height), ...u32(0), ...u32(0), 0, 0, 0];
  const region = [...u32(width), ...u32(height), ...u32(0), ...u32(0), 0, 1 /* MMR */, ...g4];
  return new Uint8Array([...segment(0, 48, 1, pageInfo), ...segment(1, 39, 1, region), ...segment(2, 49, 1, [])]);
}

/** A /JBIG2Globals stream with one extension segment (a comment), which decoders skip. */
export function jbig2Globals(): Uint8Array {
  const data = [0x20, 0, 0, 0, ...Buffer.from("jixiao test\0", "latin1")]; // a comment, not necessary
  return new Uint8Array([0, 0, 0, 9, 62, 0, 0, 0, 0, 0, data.length, ...data]);
}
