import type { Ruling } from "@jixiao/schemas";
import { describe, expect, it } from "vitest";
import { makePdf } from "../test-fixtures/makePdf.js";
import type { Matrix } from "./extractRulings.js";
import { extractPage } from "./extractPage.js";
import { glyphFromItem, glyphsOf, mergeGlyphs, type Glyph } from "./extractTextItems.js";
import { withPdf } from "./withPdf.js";

const FLIP: Matrix = [1, 0, 0, -1, 0, 842];

/** A pdf.js-like text item: glyph(s) `str` at baseline (x, yPdf) in PDF space, size 10.5. */
function g(str: string, x: number, yPdf = 700, size = 10.5, width = size * [...str].length): Glyph {
  const glyph = glyphFromItem({ str, transform: [size, 0, 0, size, x, yPdf], width, height: size }, FLIP);
  if (!glyph) throw new Error("no glyph");
  return glyph;
}
const space = (x: number, width: number, yPdf = 700): Glyph =>
  glyphFromItem({ str: " ", transform: [10.5, 0, 0, 10.5, x, yPdf], width, height: 0 }, FLIP)!;
/** Glyphs of `text` set solid (advance = size) from x. */
const solid = (text: string, x: number, yPdf = 700, size = 10.5): Glyph[] =>
  [...text].map((ch, i) => g(ch, x + i * size, yPdf, size));
const texts = (glyphs: Glyph[], rulings: Ruling[] = []): string[] => mergeGlyphs(glyphs, rulings).map((i) => i.text);

describe("glyphFromItem", () => {
  it("places the box from the baseline with 0.88 ascent and 0.12 descent, y flipped", () => {
    const glyph = g("项", 40, 732.42);
    expect(glyph.bbox.x0).toBeCloseTo(40, 6);
    expect(glyph.bbox.x1).toBeCloseTo(50.5, 6);
    expect(glyph.bbox.y0).toBeCloseTo(842 - 732.42 - 0.88 * 10.5, 6);
    expect(glyph.bbox.y1).toBeCloseTo(842 - 732.42 + 0.12 * 10.5, 6);
    expect(glyph.size).toBeCloseTo(10.5, 6);
  });
});

describe("glyphsOf", () => {
  const viewport = { transform: [...FLIP] } as unknown as Parameters<typeof glyphsOf>[1];

  it("splits a multi-character item into one glyph per character by nominal advances, each with its box", () => {
    // 项目 one em each, "ab" 0.55 em each: 31 pt of nominal ink for an item 31 pt wide.
    const glyphs = glyphsOf({ items: [{ str: "项目ab", transform: [10, 0, 0, 10, 100, 700], width: 31, height: 10 }] }, viewport);
    expect(glyphs.map((x) => x.text)).toEqual(["项", "目", "a", "b"]);
    expect(glyphs.map((x) => x.advance)).toEqual([10, 10, 5.5, 5.5].map((a) => expect.closeTo(a, 9)));
    const boxes = glyphs.map((x) => [x.bbox.x0, x.bbox.x1, x.bbox.y0, x.bbox.y1]);
    expect(boxes).toEqual([[100, 110], [110, 120], [120, 125.5], [125.5, 131]].map(([x0, x1]) =>
      [x0, x1, 842 - 700 - 8.8, 842 - 700 + 1.2].map((v) => expect.closeTo(v!, 9))));
  });

  it("keeps the item's band across the writing direction for vertical text", () => {
    // Writing downwards on the page (text rotated by -90° in PDF space).
    const glyphs = glyphsOf({ items: [{ str: "项目", transform: [0, -10, 10, 0, 100, 700], width: 20, height: 10 }] }, viewport);
    expect(glyphs.map((x) => [x.x, x.y])).toEqual([[100, 142], [100, 152]].map((p) => p.map((v) => expect.closeTo(v, 9))));
    for (const x of glyphs) expect([x.bbox.x0, x.bbox.x1]).toEqual([100 - 1.2, 100 + 8.8].map((v) => expect.closeTo(v, 9)));
    expect(glyphs.map((x) => [x.bbox.y0, x.bbox.y1])).toEqual([[142, 152], [152, 162]].map((p) => p.map((v) => expect.closeTo(v, 9))));
  });
});

describe("mergeGlyphs", () => {
  it("joins consecutive glyphs on one baseline into a run", () => {
    expect(texts(solid("项目名称", 40))).toEqual(["项目名称"]);
  });

  it("splits at gaps of 0.6 × size or more, and at line changes", () => {
    expect(texts([...solid("项目", 40), ...solid("名称", 40 + 21 + 6.4)])).toEqual(["项目", "名称"]);
    expect(texts([...solid("项目", 40), ...solid("名称", 61, 690)])).toEqual(["项目", "名称"]);
    // A baseline shift below 0.3 × size is still the same line.
    expect(texts([...solid("项目", 40), ...solid("名称", 61, 698)])).toEqual(["项目名称"]);
  });

  it("inserts one space for a text-layer space or a gap over 0.25 × size", () => {
    // "(2022 年度)" as pdf.js reports it: the space item overlaps the next glyph.
    expect(texts([g("(2022", 270, 700, 10.5, 27.25), space(297.24, 3.58), g("年度", 299.92, 700, 10.5, 21), g(")", 320.92, 700, 10.5, 3.8)])).toEqual([
      "(2022 年度)",
    ]);
    expect(texts([g("70", 100, 700, 10.5, 11.7), g("次", 100 + 11.7 + 3, 700)])).toEqual(["70 次"]);
    expect(texts([g("70", 100, 700, 10.5, 11.7), g("次", 100 + 11.7 + 2, 700)])).toEqual(["70次"]);
    // A space at the end of a run is dropped when the next glyph starts a new run.
    expect(texts([...solid("项目", 40), space(61, 12), ...solid("普陀", 91)])).toEqual(["项目", "普陀"]);
  });

  it("joins squeezed CJK punctuation that starts inside the previous glyph's advance", () => {
    // Chrome sets "）》《" at half width: each starts 5.25 pt after the previous one.
    const glyphs = [...solid("办法（暂行", 93.27), g("）", 145.77), g("》", 151.02), g("《", 156.27), ...solid("普陀区", 161.52)];
    expect(texts(glyphs)).toEqual(["办法（暂行）》《普陀区"]);
  });

  it("never joins across a vertical ruling that crosses the text band", () => {
    const tight = [...solid("得分", 100), ...solid("10", 121.5)];
    const wall: Ruling = { orientation: "v", pos: 121.2, from: 100, to: 200, width: 0.75 };
    expect(texts(tight)).toEqual(["得分10"]);
    expect(texts(tight, [wall])).toEqual(["得分", "10"]);
    // A ruling that does not reach the line, or lies outside the pair, does not split.
    expect(texts(tight, [{ ...wall, from: 0, to: 50 }])).toEqual(["得分10"]);
    expect(texts(tight, [{ ...wall, pos: 90 }])).toEqual(["得分10"]);
  });

  it("folds radical look-alikes and keeps everything else", () => {
    const items = mergeGlyphs([...solid("部⻔", 40), ...solid("⼈⺠", 61), ...solid("⾦额", 82)]);
    expect(items.map((i) => i.text)).toEqual(["部门人民金额"]);
    expect(items[0]).toMatchObject({ confidence: 1, origin: "pdf-text", size: 10.5 });
  });

  it("drops fake-bold duplicates drawn at the same place", () => {
    expect(texts([g("财", 100), g("财", 100.2), g("政", 110.5)])).toEqual(["财政"]);
  });
});

describe("text on a generated page", () => {
  it("reads a standard-font text item with its box in top-left space", async () => {
    const pdf = makePdf({ content: "BT /F1 10 Tf 100 700 Td (Hello World) Tj ET" });
    const page = await withPdf(pdf, (doc) => extractPage(doc, 1));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.text).toBe("Hello World");
    expect(page.items[0]!.bbox.x0).toBeCloseTo(100, 3);
    expect(page.items[0]!.bbox.y0).toBeCloseTo(842 - 700 - 8.8, 3);
    expect(page.items[0]!.bbox.y1).toBeCloseTo(842 - 700 + 1.2, 3);
    expect(page.items[0]!.bbox.x1).toBeGreaterThan(150);
  });

  it("decodes a non-embedded CJK font through a predefined CMap from the local cmaps folder", async () => {
    // Without a working cMapUrl pdf.js returns no text at all for this font.
    const pdf = makePdf({ content: "BT /F2 12 Tf 100 700 Td <987976EE540D79F0> Tj ET" });
    const page = await withPdf(pdf, (doc) => extractPage(doc, 1));
    expect(page.items.map((i) => i.text)).toEqual(["项目名称"]);
    expect(page.items[0]!.bbox.x1).toBeCloseTo(148, 1);
  });

  it("rotates text boxes with /Rotate 90", async () => {
    const pdf = makePdf({ content: "BT /F1 10 Tf 100 700 Td (Hello World) Tj ET", rotate: 90 });
    const page = await withPdf(pdf, (doc) => extractPage(doc, 1));
    const box = page.items[0]!.bbox;
    // Rotated clockwise: the baseline runs down the page at x' = 700, glyph tops point right.
    expect(box.x0).toBeCloseTo(700 - 1.2, 3);
    expect(box.x1).toBeCloseTo(700 + 8.8, 3);
    expect(box.y0).toBeCloseTo(100, 3);
    expect(box.y1).toBeGreaterThan(150);
  });
});
