/**
 * Builds small single-page PDFs for tests: a content stream on a page with the given size and
 * /Rotate, Helvetica as /F1 (pdf.js loads it from its standard_fonts folder) and the
 * non-embedded CJK font STSong-Light with the predefined CMap UniGB-UCS2-H as /F2 (pdf.js needs
 * its cmaps folder to decode it: `<9879 76EE> Tj` shows 项目). Offsets in the cross-reference
 * table are computed, so the output is a well-formed PDF.
 */
export function makePdf(opts: { content: string; width?: number; height?: number; rotate?: number }): Uint8Array {
  const width = opts.width ?? 595;
  const height = opts.height ?? 842;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Rotate ${opts.rotate ?? 0} ` +
      "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${Buffer.byteLength(opts.content, "latin1")} >>\nstream\n${opts.content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [7 0 R] >>",
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light " +
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 " +
      "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] " +
      "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> >>",
  ];
  return writePdf(objects);
}

/**
 * A well-formed PDF of the given objects (numbered from 1, object 1 the catalog), with the
 * cross-reference table's offsets computed.
 */
export function writePdf(objects: readonly string[]): Uint8Array {
  let out = "%PDF-1.7\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}
