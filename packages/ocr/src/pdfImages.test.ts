import fs from "node:fs";
import path from "node:path";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { loadPdfjs, withPdf } from "@jixiao/pdf";
import { JixiaoError } from "@jixiao/core";
import { embeddedPageImage, rotateQuarter } from "./pdfImages.js";
import type { GreyImage } from "./greyImage.js";
import { buildPdf, flate, jbig2FromG4, jbig2Globals, tiffStrip, type PdfImage } from "../test-fixtures/pdfWriter.js";

const FIX = path.join(path.dirname(new URL(import.meta.url).pathname), "../test-fixtures/image-kinds");
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIX, name)));

// The pattern every fixture holds: 300×200, asymmetric under every turn and mirror.
const W = 300;
const H = 200;
const isInk = (x: number, y: number) =>
  (x >= 20 && x < 120 && y >= 20 && y < 60) ||
  (x >= 200 && x < 280 && y >= 140 && y < 180) ||
  (x >= 250 && x < 260 && y >= 20 && y < 30) ||
  (x >= 40 && x < 44 && y >= 100 && y < 190);
const pattern = (): GreyImage => {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = isInk(x, y) ? 0 : 255;
  return { width: W, height: H, data };
};
const inverted = (img: GreyImage): GreyImage => ({ ...img, data: img.data.map((v) => 255 - v) });
const mirrorX = (img: GreyImage): GreyImage => {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) out[y * img.width + x] = img.data[y * img.width + img.width - 1 - x]!;
  return { ...img, data: out };
};

/** Pixels whose ink/paper (threshold 128) differs. */
function mismatches(got: GreyImage, want: GreyImage): number {
  expect([got.width, got.height]).toEqual([want.width, want.height]);
  let n = 0;
  for (let i = 0; i < want.data.length; i++) if (got.data[i]! < 128 !== want.data[i]! < 128) n++;
  return n;
}

async function pageImage(pdf: Uint8Array, waitMs?: number) {
  const { OPS } = await loadPdfjs();
  return withPdf(pdf, async (doc) => embeddedPageImage(await doc.getPage(1), OPS, waitMs === undefined ? {} : { waitMs }));
}

/** A page of 300×200 pt (72 dpi: one image pixel per point) drawing Im0 with `cm`. */
const onePage = (img: PdfImage, cm = `${W} 0 0 ${H} 0 0`, size: [number, number] = [W, H], rotate?: number) =>
  buildPdf([{ width: size[0], height: size[1], rotate, images: { Im0: img }, content: `q ${cm} cm /Im0 Do Q` }]);

const bilevel = (invert = false): Uint8Array => {
  const stride = (W + 7) >> 3;
  const packed = new Uint8Array(stride * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (isInk(x, y) === invert) packed[y * stride + (x >> 3)]! |= 128 >> (x & 7);
  return packed;
};
const ccitt = (k: number, extra = "") =>
  `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K ${k} /Columns ${W} /Rows ${H}${extra} >>`;

describe("embeddedPageImage: image kinds", () => {
  const cases: [string, () => PdfImage, GreyImage | (() => GreyImage), number][] = [
    ["CCITT G4 (K<0)", () => ({ dict: ccitt(-1), data: tiffStrip(fixture("g4.tif")) }), pattern, 0],
    ["CCITT G4, BlackIs1 (shown inverted)", () => ({ dict: ccitt(-1, " /BlackIs1 true"), data: tiffStrip(fixture("g4.tif")) }), () => inverted(pattern()), 0],
    ["CCITT G4, BlackIs1 with /Decode [1 0]", () => ({ dict: ccitt(-1, " /BlackIs1 true") + " /Decode [1 0]", data: tiffStrip(fixture("g4.tif")) }), pattern, 0],
    // pdf.js (and poppler: both carry xpdf's decoder) read the 130-pixel white run of rows 20–29
    // of these libtiff-made G3 files one pixel long (libtiff reads them exactly): 10 rows × ~29 px.
    ["CCITT G3 1-D (K=0)", () => ({ dict: ccitt(0, " /EndOfLine true"), data: tiffStrip(fixture("g3-1d.tif")) }), pattern, 300],
    ["CCITT G3 2-D (K>0)", () => ({ dict: ccitt(4, " /EndOfLine true"), data: tiffStrip(fixture("g3-2d.tif")) }), pattern, 300],
    [
      "JBIG2 generic region (MMR) with /JBIG2Globals",
      () => ({
        dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode /DecodeParms << /JBIG2Globals GLOBALS >>`,
        data: jbig2FromG4(tiffStrip(fixture("g4.tif")), W, H),
        globals: jbig2Globals(),
      }),
      pattern,
      0,
    ],
    ["Flate 1 bit", () => ({ dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode`, data: flate(bilevel()) }), pattern, 0],
    ["Flate 1 bit, /Decode [1 0]", () => ({ dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode`, data: flate(bilevel(true)) }), pattern, 0],
    ["Flate 8 bit", () => ({ dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, data: flate(pattern().data) }), pattern, 0],
    [
      "Flate 16 bit",
      () => {
        const d = new Uint8Array(W * H * 2);
        pattern().data.forEach((v, i) => d.set([v, v], 2 * i));
        return { dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 16 /Filter /FlateDecode`, data: flate(d) };
      },
      pattern,
      0,
    ],
    [
      "Flate RGB 8 bit",
      () => {
        const d = new Uint8Array(W * H * 3);
        pattern().data.forEach((v, i) => d.set([v, v === 0 ? 0 : 250, v], 3 * i));
        return { dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode`, data: flate(d) };
      },
      pattern,
      0,
    ],
    [
      "Indexed 2 bit",
      () => {
        const stride = (W * 2 + 7) >> 3;
        const d = new Uint8Array(stride * H);
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) d[y * stride + (x >> 2)]! |= (isInk(x, y) ? 3 : 1) << (6 - 2 * (x & 3));
        return { dict: `/Width ${W} /Height ${H} /ColorSpace [/Indexed /DeviceRGB 3 <FF0000 FFFFFF 00FF00 000000>] /BitsPerComponent 2 /Filter /FlateDecode`, data: flate(d) };
      },
      pattern,
      0,
    ],
    [
      "JPEG RGB (jpeg-js)",
      () => {
        const rgba = new Uint8Array(W * H * 4);
        pattern().data.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
        return { dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode`, data: new Uint8Array(jpeg.encode({ width: W, height: H, data: rgba }, 90).data) };
      },
      pattern,
      0,
    ],
    ["JPEG grey", () => ({ dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode`, data: fixture("grey.jpg") }), pattern, 0],
    ["JPEG CMYK (Adobe, inverted)", () => ({ dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Decode [1 0 1 0 1 0 1 0] /Filter /DCTDecode`, data: fixture("cmyk.jpg") }), pattern, 0],
    ["JPEG 2000 (JP2)", () => ({ dict: `/Width ${W} /Height ${H} /Filter /JPXDecode`, data: fixture("grey.jp2") }), pattern, 50],
    ["JPEG 2000 (codestream)", () => ({ dict: `/Width ${W} /Height ${H} /Filter /JPXDecode`, data: fixture("grey.j2k") }), pattern, 50],
    ["image mask (Flate)", () => ({ dict: `/Width ${W} /Height ${H} /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode`, data: flate(bilevel()) }), pattern, 0],
    ["image mask, /Decode [1 0]", () => ({ dict: `/Width ${W} /Height ${H} /ImageMask true /BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode`, data: flate(bilevel(true)) }), pattern, 0],
    ["image mask, CCITT G4", () => ({ dict: `/Width ${W} /Height ${H} /ImageMask true /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns ${W} /Rows ${H} >>`, data: tiffStrip(fixture("g4.tif")) }), pattern, 0],
  ];
  for (const [name, make, want, tolerance] of cases) {
    it(name, async () => {
      const got = await pageImage(onePage(make()));
      expect(got).toBeDefined();
      const expected = typeof want === "function" ? want() : want;
      expect(mismatches(got!.image, expected)).toBeLessThanOrEqual(tolerance);
      expect(got!.dpi).toBeCloseTo(72, 1);
    });
  }
});

describe("embeddedPageImage: known decoder limits", () => {
  it("CCITT G3 1-D with EncodedByteAlign: pdf.js decodes it, but misplaces runs (poppler reads it nearly right)", async () => {
    const got = await pageImage(onePage({ dict: ccitt(0, " /EndOfLine true /EncodedByteAlign true"), data: tiffStrip(fixture("g3-1d-fill.tif")) }));
    expect([got!.image.width, got!.image.height]).toEqual([W, H]);
  });
});

describe("embeddedPageImage: placement", () => {
  const flate8: PdfImage = { dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, data: flate(pattern().data) };

  it("scales: an image drawn at half size gives 144 dpi, pixels unchanged", async () => {
    const got = await pageImage(onePage(flate8, `${W / 2} 0 0 ${H / 2} 0 0`, [W / 2, H / 2]));
    expect(mismatches(got!.image, pattern())).toBe(0);
    expect(got!.dpi).toBeCloseTo(144, 1);
  });

  it("turns: [0 -h w 0 0 h] draws the image turned 90° clockwise on the page", async () => {
    // Unit square x → page −y, unit y → page +x: the image's top edge ends up on the right.
    const got = await pageImage(onePage(flate8, `0 -${W} ${H} 0 0 ${W}`, [H, W]));
    expect(mismatches(got!.image, rotateQuarter(pattern(), 90))).toBe(0);
  });

  it("turns: [0 w -h 0 h 0] draws it turned 90° counter-clockwise", async () => {
    const got = await pageImage(onePage(flate8, `0 ${W} -${H} 0 ${H} 0`, [H, W]));
    expect(mismatches(got!.image, rotateQuarter(pattern(), 270))).toBe(0);
  });

  it("turns: [-w 0 0 -h w h] draws it upside down", async () => {
    const got = await pageImage(onePage(flate8, `-${W} 0 0 -${H} ${W} ${H}`));
    expect(mismatches(got!.image, rotateQuarter(pattern(), 180))).toBe(0);
  });

  it("mirrors: [-w 0 0 h w 0]", async () => {
    const got = await pageImage(onePage(flate8, `-${W} 0 0 ${H} ${W} 0`));
    expect(mismatches(got!.image, mirrorX(pattern()))).toBe(0);
  });

  it("applies the page's /Rotate on top", async () => {
    const got = await pageImage(onePage(flate8, undefined, undefined, 90));
    expect(mismatches(got!.image, rotateQuarter(pattern(), 90))).toBe(0);
  });

  it("composes a page made of strips at their places", async () => {
    // Four horizontal strips of 50 rows, drawn bottom strip first.
    const images: Record<string, PdfImage> = {};
    let content = "";
    for (let s = 3; s >= 0; s--) {
      const rows = pattern().data.subarray(s * 50 * W, (s + 1) * 50 * W);
      images[`S${s}`] = { dict: `/Width ${W} /Height 50 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, data: flate(rows) };
      content += `q ${W} 0 0 50 0 ${H - (s + 1) * 50} cm /S${s} Do Q\n`;
    }
    const got = await pageImage(buildPdf([{ width: W, height: H, images, content }]));
    expect(mismatches(got!.image, pattern())).toBe(0);
  });

  it("composes ten image-mask strips (pdf.js groups them into one operation)", async () => {
    const images: Record<string, PdfImage> = {};
    let content = "0 g\n";
    const stride = (W + 7) >> 3;
    const bits = bilevel(); // 1 = paper: as a mask, 0 bits are painted
    for (let s = 0; s < 10; s++) {
      images[`M${s}`] = { dict: `/Width ${W} /Height 20 /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode`, data: flate(bits.subarray(s * 20 * stride, (s + 1) * 20 * stride)) };
      content += `q ${W} 0 0 20 0 ${H - (s + 1) * 20} cm /M${s} Do Q\n`;
    }
    const got = await pageImage(buildPdf([{ width: W, height: H, images, content }]));
    expect(mismatches(got!.image, pattern())).toBe(0);
  });

  it("puts a text mask over a background image at the sharper resolution", async () => {
    const bg = new Uint8Array((W / 2) * (H / 2)).fill(255);
    const images: Record<string, PdfImage> = {
      Bg: { dict: `/Width ${W / 2} /Height ${H / 2} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, data: flate(bg) },
      Fg: { dict: `/Width ${W} /Height ${H} /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode`, data: flate(bilevel()) },
    };
    const content = `q ${W} 0 0 ${H} 0 0 cm /Bg Do Q 0 0 0 rg q ${W} 0 0 ${H} 0 0 cm /Fg Do Q`;
    const got = await pageImage(buildPdf([{ width: W, height: H, images, content }]));
    expect(got!.dpi).toBeCloseTo(72, 1);
    expect(mismatches(got!.image, pattern())).toBe(0);
  });

  it("a page without a large image gives undefined", async () => {
    const got = await pageImage(onePage(flate8, "30 0 0 20 0 0"));
    expect(got).toBeUndefined();
  });

  it("an image pdf.js cannot decode is DAMAGED_IMAGE for the page, quickly", async () => {
    const t0 = Date.now();
    const err = await pageImage(onePage({ dict: `/Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode`, data: new Uint8Array([0xff, 0xd8, 1, 2, 3]) }), 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("DAMAGED_IMAGE");
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
