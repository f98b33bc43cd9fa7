import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DocumentModel, type Page, type Ruling, type TextItem } from "@jixiao/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { extractPdf } from "./extractPdf.js";

const dir = fileURLToPath(new URL("../../../samples/digital/", import.meta.url));
const FILES = {
  "000_f5e7e42ab4334a59.pdf": 25,
  "001_655e35476e9ed446.pdf": 8,
  "002_fe319b84d2aa7d28.pdf": 3,
  "004_d6b6ad76fc616d0b.pdf": 7,
} as const;
type File = keyof typeof FILES;

const docs = new Map<File, DocumentModel>();

beforeAll(async () => {
  for (const file of Object.keys(FILES) as File[]) {
    const data = new Uint8Array(readFileSync(dir + file));
    const sha256 = createHash("sha256").update(data).digest("hex");
    docs.set(file, await extractPdf(data, { file, sha256 }));
  }
});

const page = (file: File, n: number): Page => docs.get(file)!.pages[n - 1]!;
const h = (p: Page): Ruling[] => p.rulings.filter((r) => r.orientation === "h");
const v = (p: Page): Ruling[] => p.rulings.filter((r) => r.orientation === "v");
const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.min(a1, b1) - Math.max(a0, b0);

/** Vertical rulings that pass through an item's text band and cut into its box. */
function straddling(item: TextItem, rulings: readonly Ruling[]): Ruling[] {
  const band = item.bbox.y1 - item.bbox.y0;
  return rulings.filter(
    (r) =>
      r.orientation === "v" &&
      r.pos > item.bbox.x0 + 1 &&
      r.pos < item.bbox.x1 - 1 &&
      overlap(r.from, r.to, item.bbox.y0, item.bbox.y1) > 0.25 * band,
  );
}

/** The cell around an item: nearest rulings on each side that reach the item. */
function cellOf(item: TextItem, p: Page): { left?: number; right?: number; top?: number; bottom?: number } {
  const { x0, y0, x1, y1 } = item.bbox;
  const vs = v(p).filter((r) => overlap(r.from, r.to, y0, y1) > 0);
  const hs = h(p).filter((r) => overlap(r.from, r.to, x0, x1) > 0);
  const max = (xs: number[]): number | undefined => (xs.length ? Math.max(...xs) : undefined);
  const min = (xs: number[]): number | undefined => (xs.length ? Math.min(...xs) : undefined);
  return {
    left: max(vs.filter((r) => r.pos <= x0).map((r) => r.pos)),
    right: min(vs.filter((r) => r.pos >= x1).map((r) => r.pos)),
    top: max(hs.filter((r) => r.pos <= y0).map((r) => r.pos)),
    bottom: min(hs.filter((r) => r.pos >= y1).map((r) => r.pos)),
  };
}

describe("extractPdf on the digital samples", () => {
  it("returns a valid document model with every page", () => {
    for (const [file, pages] of Object.entries(FILES) as Array<[File, number]>) {
      const doc = docs.get(file)!;
      expect(() => DocumentModel.parse(doc)).not.toThrow();
      expect(doc.inputKind).toBe("pdf");
      expect(doc.file).toBe(file);
      expect(doc.pages.map((p) => p.number)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
      for (const p of doc.pages) {
        expect(p).toMatchObject({ unit: "pt", origin: "top-left", tables: [] });
        expect(p.width).toBeCloseTo(594.96, 1);
        expect(p.height).toBeCloseTo(841.92, 1);
      }
    }
  });

  it("leaves no CJK radical code points (U+2E80–U+2FDF) in any item", () => {
    let chars = 0;
    for (const doc of docs.values()) {
      for (const p of doc.pages) {
        for (const item of p.items) {
          chars += item.text.length;
          expect(item.text, `${doc.file} p${p.number}`).not.toMatch(/[\u2e80-\u2fdf]/u);
        }
      }
    }
    expect(chars).toBeGreaterThan(10_000);
  });

  it("never lets a run straddle a vertical ruling", () => {
    let checked = 0;
    for (const doc of docs.values()) {
      for (const p of doc.pages) {
        for (const item of p.items) {
          expect(straddling(item, p.rulings), `${doc.file} p${p.number} "${item.text}"`).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it("keeps every item and ruling on the page", () => {
    for (const doc of docs.values()) {
      for (const p of doc.pages) {
        for (const { bbox } of p.items) {
          expect(bbox.x0).toBeGreaterThanOrEqual(0);
          expect(bbox.y0).toBeGreaterThanOrEqual(0);
          expect(bbox.x1).toBeLessThanOrEqual(p.width);
          expect(bbox.y1).toBeLessThanOrEqual(p.height);
          expect(bbox.x1).toBeGreaterThan(bbox.x0);
        }
        for (const r of p.rulings) {
          expect(r.to - r.from).toBeGreaterThanOrEqual(3);
          expect(r.width).toBeGreaterThan(0);
          expect(r.width).toBeLessThan(3);
        }
      }
    }
  });
});

describe("page 1 of 000_f5e7e42ab4334a59.pdf", () => {
  const p1 = (): Page => page("000_f5e7e42ab4334a59.pdf", 1);
  const item = (text: string): TextItem => {
    const found = p1().items.find((i) => i.text === text);
    if (!found) throw new Error(`no item "${text}" in ${JSON.stringify(p1().items.map((i) => i.text))}`);
    return found;
  };

  it("has the table's borders: 10 column positions, 18 row lines", () => {
    const cols = [34.125, 88.125, 144.375, 215.625, 308.625, 367.875, 421.875, 466.875, 503.625, 560.625];
    const vx = [...new Set(v(p1()).map((r) => r.pos))].sort((a, b) => a - b);
    expect(vx).toHaveLength(cols.length);
    vx.forEach((x, i) => expect(x).toBeCloseTo(cols[i]!, 1));
    expect(h(p1())).toHaveLength(18);
    // Outer frame: left and right borders run the full table height; the top line spans it.
    const left = v(p1()).find((r) => Math.abs(r.pos - 34.125) < 0.5)!;
    expect(left.from).toBeCloseTo(93, 0);
    expect(left.to).toBeCloseTo(792, 0);
    const top = h(p1())[0]!;
    expect(top.pos).toBeCloseTo(93.375, 1);
    expect(top.from).toBeCloseTo(33.75, 1);
    expect(top.to).toBeCloseTo(561, 1);
    for (const r of p1().rulings) expect(r.width).toBeCloseTo(0.75, 2);
  });

  it("ends every horizontal ruling on a vertical ruling (shared column borders)", () => {
    for (const r of h(p1())) {
      for (const end of [r.from, r.to]) {
        const meets = v(p1()).some((c) => Math.abs(c.pos - end) <= 1 && c.from - 1 <= r.pos && r.pos <= c.to + 1);
        expect(meets, `h ${r.pos} end ${end}`).toBe(true);
      }
    }
  });

  it("reads cell texts as whole runs at the right places", () => {
    expect(item("财政项目支出绩效自评表").size).toBeCloseTo(16, 0);
    expect(item("(2022 年度)")).toBeTruthy();
    const name = item("项目名称");
    expect(name.bbox.x0).toBeCloseTo(40, 0);
    expect(name.bbox.y0).toBeCloseTo(100.3, 0);
    expect(name.bbox.x1).toBeCloseTo(82, 0);
    expect(name.bbox.y1).toBeCloseTo(110.8, 0);
    expect(name.size).toBeCloseTo(10.5, 2);
    const value = item("普陀区政务信息化全过程管理工作经费");
    expect(value.bbox.x0).toBeCloseTo(91.3, 0);
    expect(Math.abs(value.bbox.y0 - name.bbox.y0)).toBeLessThan(0.5);
    expect(p1().items.filter((i) => i.text === "1200000.00")).toHaveLength(4);
    expect(p1().items.filter((i) => i.text === "上海市普陀区人民政府办公室")).toHaveLength(2);
    expect(item("100.00%").bbox.x0).toBeCloseTo(424.8, 0);
    expect(item("1,199,900")).toBeTruthy();
    // Halved CJK punctuation inside a paragraph line stays in the run.
    expect(p1().items.some((i) => i.text.startsWith("办法（暂行）》《普陀区公共数据"))).toBe(true);
  });

  it("puts each of those runs inside exactly one cell", () => {
    const expected: Array<[string, { left: number; right: number; top: number; bottom: number }]> = [
      ["项目名称", { left: 34.125, right: 88.125, top: 93.375, bottom: 117.375 }],
      ["普陀区政务信息化全过程管理工作经费", { left: 88.125, right: 560.625, top: 93.375, bottom: 117.375 }],
      ["100.00%", { left: 421.875, right: 466.875, top: 165.375, bottom: 201.375 }],
      ["实施单位", { left: 308.625, right: 367.875, top: 117.375, bottom: 141.375 }],
    ];
    for (const [text, cell] of expected) {
      const got = cellOf(item(text), p1());
      expect(got.left, text).toBeCloseTo(cell.left, 1);
      expect(got.right, text).toBeCloseTo(cell.right, 1);
      expect(got.top, text).toBeCloseTo(cell.top, 1);
      expect(got.bottom, text).toBeCloseTo(cell.bottom, 1);
    }
    for (const i of p1().items.filter((x) => x.text === "1200000.00")) {
      const c = cellOf(i, p1());
      expect([c.left, c.right].every((x) => x !== undefined)).toBe(true);
      expect(c.right! - c.left!).toBeLessThan(100); // one budget column, not two
    }
  });
});

describe("continuation pages", () => {
  it("carries rulings and text on every table page of 002", () => {
    for (const n of [1, 2, 3]) {
      const p = page("002_fe319b84d2aa7d28.pdf", n);
      expect(h(p).length, `page ${n}`).toBeGreaterThan(5);
      expect(v(p).length, `page ${n}`).toBeGreaterThan(5);
      expect(p.items.length, `page ${n}`).toBeGreaterThan(50);
    }
    const p2 = page("002_fe319b84d2aa7d28.pdf", 2);
    expect(p2.items.map((i) => i.text)).toContain("根据沪财绩【2022】13号文的规定要求设置三");
  });
});
