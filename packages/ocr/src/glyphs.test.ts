import { describe, expect, it } from "vitest";
import type { InkMask } from "./greyImage.js";
import { leadingComparison } from "./glyphs.js";

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
