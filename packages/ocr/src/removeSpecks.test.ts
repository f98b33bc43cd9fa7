import { describe, expect, it } from "vitest";
import { removeSpecks } from "./removeSpecks.js";

describe("removeSpecks", () => {
  it("clears isolated dust but keeps glyphs and a decimal point between digits", () => {
    const width = 120;
    const height = 40;
    const data = new Uint8Array(width * height);
    const grey = { width, height, data: new Uint8Array(width * height).fill(200) };
    const dot = (x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) {
        data[y * width + x] = 1;
        grey.data[y * width + x] = 20;
      }
    };
    dot(5, 5, 2, 2); // dust
    dot(100, 30, 3, 3); // dust
    dot(40, 10, 4, 20); // "1"
    dot(47, 27, 3, 3); // "." right after it…
    dot(53, 10, 4, 20); // …and another digit
    dot(70, 10, 12, 3); // a stroke, wider than a speck
    const removed = removeSpecks({ width, height, data }, grey, 3);
    expect(removed).toBe(2);
    expect(data[5 * width + 5]).toBe(0);
    expect(grey.data[5 * width + 5]).toBe(255);
    expect(data[30 * width + 100]).toBe(0);
    expect(data[27 * width + 47]).toBe(1);
    expect(data[10 * width + 70]).toBe(1);
  });

  it("keeps a full-width point on the baseline of digits further away, and dust beside them off it", () => {
    const width = 200;
    const height = 60;
    const data = new Uint8Array(width * height);
    const dot = (x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = 1;
    };
    dot(20, 10, 12, 30); // "３" (rows 10–39)
    dot(52, 37, 3, 3); // "．" on the baseline, 20 px from each digit
    dot(75, 10, 12, 30); // "０"
    dot(120, 10, 12, 30); // a glyph…
    dot(140, 20, 3, 3); // …dust at mid-height 8 px away from the next glyph…
    dot(163, 10, 12, 30); // …but 20 px from this one
    dot(100, 50, 3, 3); // dust below the line
    const removed = removeSpecks({ width, height, data }, undefined, 3);
    expect(data[37 * width + 52]).toBe(1);
    expect(data[20 * width + 140]).toBe(0);
    expect(data[50 * width + 100]).toBe(0);
    expect(removed).toBe(2);
  });
});

describe("removeSpecks: the dot of a semicolon", () => {
  it("keeps a dot over a narrow comma beside a glyph, and clears one over nothing or over a wide stroke", () => {
    const width = 220;
    const height = 60;
    const data = new Uint8Array(width * height);
    const dot = (x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = 1;
    };
    dot(10, 10, 30, 30); // a Chinese character (rows 10–39)…
    dot(50, 22, 3, 3); // …"；": its dot…
    dot(50, 30, 3, 9); // …over its comma
    dot(100, 22, 3, 3); // a speck with nothing below
    dot(130, 10, 30, 30); // a character…
    dot(170, 22, 3, 3); // …a speck over…
    dot(164, 30, 16, 3); // …a stroke wider than a comma
    dot(190, 22, 3, 3); // "：" after it: two specks, one over the other
    dot(190, 30, 3, 3);
    const removed = removeSpecks({ width, height, data }, undefined, 3);
    expect(data[22 * width + 50]).toBe(1);
    expect(data[22 * width + 100]).toBe(0);
    expect(data[22 * width + 170]).toBe(0);
    expect([data[22 * width + 190], data[30 * width + 190]]).toEqual([0, 0]);
    expect(removed).toBe(4);
  });
});
