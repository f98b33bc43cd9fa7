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
});
