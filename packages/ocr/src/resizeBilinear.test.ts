import { describe, expect, it } from "vitest";
import { resizeArea, resizeBilinear } from "./greyImage.js";

describe("resizeBilinear", () => {
  it("enlarges a black/white edge into a ramp (resizeArea repeats pixels instead)", () => {
    const img = { width: 4, height: 1, data: Uint8Array.from([0, 0, 255, 255]) };
    const big = resizeBilinear(img, 8, 1);
    expect([...big.data]).toEqual([0, 0, 0, 64, 191, 255, 255, 255]);
    const blocky = resizeArea(img, 8, 1);
    expect([...blocky.data]).toEqual([0, 0, 0, 0, 255, 255, 255, 255]);
  });

  it("keeps a flat image flat and the size asked for", () => {
    const img = { width: 3, height: 2, data: new Uint8Array(6).fill(200) };
    const out = resizeBilinear(img, 7, 5);
    expect(out.width).toBe(7);
    expect(out.height).toBe(5);
    expect(new Set(out.data)).toEqual(new Set([200]));
  });
});
