import { describe, expect, it } from "vitest";
import { boxBlur3 } from "./greyImage.js";

describe("boxBlur3", () => {
  it("spreads one black pixel over its 3×3 neighbourhood and keeps white paper white", () => {
    const w = 5;
    const data = new Uint8Array(w * w).fill(255);
    data[2 * w + 2] = 0;
    const out = boxBlur3({ width: w, height: w, data });
    expect(out.data[2 * w + 2]).toBe(Math.round((8 * 255) / 9));
    expect(out.data[1 * w + 1]).toBe(Math.round((8 * 255) / 9));
    expect(out.data[0]).toBe(255);
    expect(out.data[4 * w + 4]).toBe(255);
  });
});
