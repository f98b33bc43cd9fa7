import { describe, expect, it } from "vitest";
import type { InkMask } from "./greyImage.js";
import { equalsSecond, leadingComparison, lowMarkAt, proseMarksByShape, withLeadingComparison } from "./glyphs.js";

/** A 200×60 mask with a first glyph drawn by `draw` at x 10…40 and a digit-like blob after it. */
function line(draw: (set: (x: number, y: number) => void) => void): InkMask {
  const width = 200;
  const height = 60;
  const data = new Uint8Array(width * height);
  const set = (x: number, y: number) => {
    data[y * width + x] = 1;
  };
  draw(set);
  for (let y = 10; y < 50; y++) for (let x = 60; x < 64; x++) set(x, y); // "1"
  return { width, height, data };
}
const box = { x0: 10, y0: 10, x1: 64, y1: 50 };

const chevron = (set: (x: number, y: number) => void, dir: 1 | -1) => {
  // 20 rows down to the tip and back, 3 px thick: ">" (dir 1) or "<" (dir -1).
  for (let i = 0; i <= 12; i++) {
    for (let t = 0; t < 3; t++) {
      const dx = dir === 1 ? i * 2 : 24 - i * 2;
      set(12 + dx + t, 10 + i);
      set(12 + dx + t, 34 - i);
    }
  }
};
const bar = (set: (x: number, y: number) => void, y: number) => {
  for (let yy = y; yy < y + 3; yy++) for (let x = 12; x < 39; x++) set(x, yy);
};

describe("leadingComparison", () => {
  it("recognises ≥ and ≤ from a chevron over a bar", () => {
    expect(leadingComparison(line((s) => (chevron(s, 1), bar(s, 40))), box)).toBe("≥");
    expect(leadingComparison(line((s) => (chevron(s, -1), bar(s, 40))), box)).toBe("≤");
  });

  it("puts back a comparison PP-OCR left out before the digits, and nothing where the first glyph is no comparison", () => {
    // the "1" read at x 62, right of the comparison's glyph (x 12–39)
    expect(withLeadingComparison("1", line((s) => (chevron(s, 1), bar(s, 40))), box, 62)).toBe("≥1");
    expect(withLeadingComparison("1", line((s) => (chevron(s, -1), bar(s, 40))), box, 62)).toBe("≤1");
    expect(withLeadingComparison("1", line(() => undefined), { x0: 60, y0: 10, x1: 64, y1: 50 }, 62)).toBe("1");
    expect(withLeadingComparison("1", line((s) => chevron(s, 1)), box, 62)).toBe("1");
    // read inside the glyph (a broken 9 shaped like ≤ is that digit), or where unknown: as read
    expect(withLeadingComparison("1", line((s) => (chevron(s, 1), bar(s, 40))), box, 25)).toBe("1");
    expect(withLeadingComparison("1", line((s) => (chevron(s, 1), bar(s, 40))), box)).toBe("1");
  });

  it("leaves =, > and a one-blob glyph alone", () => {
    expect(leadingComparison(line((s) => (bar(s, 20), bar(s, 32))), box)).toBeUndefined();
    expect(leadingComparison(line((s) => chevron(s, 1)), box)).toBeUndefined();
    // "2"-like: a bar joined to a stroke above it.
    expect(
      leadingComparison(
        line((s) => {
          bar(s, 40);
          for (let y = 10; y < 41; y++) for (let x = 34; x < 38; x++) s(x, y);
        }),
        box,
      ),
    ).toBeUndefined();
  });

  it("leaves a 2 whose diagonal a coarse scan broke: an arc over a base stroke", () => {
    // The arc: a flat top from x 14 to 30, down the right side, then the diagonal towards the
    // lower left, cut off before the base; the base from x 12 to 39 (rows 40-42).
    const two = (baseFrom: number) =>
      line((s) => {
        for (let x = 14; x < 31; x++) for (let y = 10; y < 13; y++) s(x, y);
        for (let y = 13; y < 22; y++) for (let x = 30; x < 34; x++) s(x, y);
        for (let i = 0; i < 14; i++) for (let t = 0; t < 3; t++) s(30 - i + t, 22 + i);
        for (let y = 40; y < 43; y++) for (let x = baseFrom; x < 39; x++) s(x, y);
      });
    expect(leadingComparison(two(14), box)).toBeUndefined();
    // Its base reaching well left of the arc.
    expect(leadingComparison(two(4), { ...box, x0: 4 })).toBeUndefined();
  });
});

describe("equalsSecond", () => {
  /** ">" or "1" at x 10…37, then the glyph `second` draws, then a digit at x 60…64. */
  const ink = (second: (set: (x: number, y: number) => void) => void, first: "chevron" | "stem" = "chevron") =>
    line((s) => {
      if (first === "chevron") chevron(s, 1);
      else for (let y = 10; y < 50; y++) for (let x = 20; x < 24; x++) s(x, y);
      second(s);
    });
  const bars = (y0: number, y1: number, x0 = 42, x1 = 56, h = 3) => (s: (x: number, y: number) => void) => {
    for (const y of [y0, y1]) for (let yy = y; yy < y + h; yy++) for (let x = x0; x < x1; x++) s(x, yy);
  };

  it('gives ">" before a digit its "=" back when the second glyph is two flat bars', () => {
    const mask = ink(bars(22, 30));
    expect(equalsSecond(mask, box)).toBe(true);
    expect(withLeadingComparison(">1", mask, box)).toBe(">=1");
    expect(withLeadingComparison("<1", mask, box)).toBe("<=1");
    // already there, or not a comparison before a digit: unchanged
    expect(withLeadingComparison(">=1", mask, box)).toBe(">=1");
    expect(withLeadingComparison("1次", mask, box)).toBe("1次");
  });

  it("leaves a second glyph that is one bar, two bars of other widths, a tall stroke, or bars at the line's foot", () => {
    expect(equalsSecond(ink((s) => { for (let y = 24; y < 27; y++) for (let x = 42; x < 56; x++) s(x, y); }), box)).toBe(false);
    expect(equalsSecond(ink((s) => { for (let y = 22; y < 25; y++) for (let x = 42; x < 56; x++) s(x, y); for (let y = 30; y < 33; y++) for (let x = 42; x < 47; x++) s(x, y); }), box)).toBe(false);
    expect(equalsSecond(ink((s) => { for (let y = 12; y < 48; y++) for (let x = 44; x < 48; x++) s(x, y); }), box)).toBe(false);
    expect(equalsSecond(ink(bars(42, 46)), box)).toBe(false);
  });
});

describe("lowMarkAt and proseMarksByShape", () => {
  // A line 40 px high (rows 0–39) of "characters" 36 px apart: blocks 30 px wide, and marks.
  const W = 400;
  const H = 40;
  const band = { x0: 0, y0: 0, x1: W, y1: H };
  const page = () => {
    const data = new Uint8Array(W * H);
    const set = (x: number, y: number) => {
      data[y * W + x] = 1;
    };
    return { mask: { width: W, height: H, data }, set };
  };
  const hanAt = (set: (x: number, y: number) => void, x0: number) => {
    for (let y = 2; y < 38; y++) for (let x = x0; x < x0 + 30; x++) if (y % 6 < 2 || x % 10 < 2) set(x, y);
  };
  const comma = (set: (x: number, y: number) => void, x0: number) => {
    for (let y = 30; y < 39; y++) for (let x = x0; x < x0 + 4; x++) set(x - Math.floor((y - 30) / 4), y);
  };
  const dot = (set: (x: number, y: number) => void, x0: number) => {
    for (let y = 20; y < 24; y++) for (let x = x0; x < x0 + 4; x++) set(x, y);
  };
  const slash = (set: (x: number, y: number) => void, x0: number) => {
    // "、": a stroke falling to the right
    for (let i = 0; i < 8; i++) for (let t = 0; t < 3; t++) set(x0 + i + t, 28 + i);
  };
  const ring = (set: (x: number, y: number) => void, x0: number) => {
    for (let y = 28; y < 38; y++) for (let x = x0; x < x0 + 10; x++) if (y < 30 || y > 35 || x < x0 + 2 || x > x0 + 7) set(x, y);
  };

  it("tells ；，、。 apart by shape, and a character's strokes from a mark", () => {
    const { mask, set } = page();
    comma(set, 20);
    dot(set, 80), comma(set, 80);
    slash(set, 140);
    ring(set, 200);
    hanAt(set, 250);
    const at = (x: number) => lowMarkAt(mask, band, x - 15, x + 15);
    for (let y = 32; y < 35; y++) for (let x = 300; x < 310; x++) set(x, y); // a piece of a broken 一
    expect([at(22), at(82), at(145), at(205), at(305), at(340)]).toEqual(["，", "；", "、", "。", null, undefined]);
    // a character inside the columns or across them; one only at their side is a neighbour's
    expect([lowMarkAt(mask, band, 245, 285), lowMarkAt(mask, band, 255, 275), lowMarkAt(mask, band, 272, 302)]).toEqual(["ink", "ink", undefined]);
  });

  it("mends a ； read as ，, a 、 read as 一 and a 、 left out between two characters", () => {
    const { mask, set } = page();
    // 甲 乙 ； 丙 、 丁 戊 (left out: 、) 己 庚 辛 at a 36 px pitch
    const xs = [18, 54, 90, 126, 162, 198, 234, 306, 342, 378];
    const chars = ["甲", "乙", "，", "丙", "一", "丁", "戊", "己", "庚", "辛"];
    for (const [i, ch] of chars.entries()) if (/\p{Script=Han}/u.test(ch) && ch !== "一") hanAt(set, xs[i]! - 15);
    dot(set, 88), comma(set, 88);
    slash(set, 158);
    slash(set, 266); // between 戊 (234) and 己 (306): read by nobody
    expect(proseMarksByShape(chars, xs, mask, band)).toBe("甲乙；丙、丁戊、己庚辛");
    // After a closing bracket too (《政府工作报告》、区政府)
    const { mask: m2, set: s2 } = page();
    for (const x of [18, 54, 90, 126, 230, 266, 302]) hanAt(s2, x - 15);
    for (let y = 4; y < 36; y++) s2(160, y); // "》", a tall thin glyph
    slash(s2, 184);
    expect(proseMarksByShape(["甲", "乙", "丙", "丁", "》", "戊", "己", "庚"], [18, 54, 90, 126, 158, 230, 266, 302], m2, band)).toBe("甲乙丙丁》、戊己庚");
    // As read already: nothing to change
    const { mask: plain, set: put } = page();
    for (const x of [18, 54, 90, 126, 162, 198]) hanAt(put, x - 15);
    expect(proseMarksByShape(["甲", "乙", "丙", "丁", "戊", "己"], [18, 54, 90, 126, 162, 198], plain, band)).toBeUndefined();
  });
});
