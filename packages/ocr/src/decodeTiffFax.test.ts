import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decodeImage.js";

const FIX = path.join(path.dirname(new URL(import.meta.url).pathname), "../test-fixtures/image-kinds");

describe("decodeImage: fax TIFFs", () => {
  // The fixtures hold a 300×200 pattern with 7660 black pixels (see pdfImages.test.ts).
  for (const [file, pages] of [["g4.tif", 1], ["g3-1d.tif", 1], ["g3-1d-fill.tif", 1], ["g3-2d.tif", 1], ["multipage.tif", 2]] as const) {
    it(`${file}: ${pages} page(s), every pixel right`, () => {
      const decoded = decodeImage(new Uint8Array(fs.readFileSync(path.join(FIX, file))));
      expect(decoded).toHaveLength(pages);
      for (const d of decoded) {
        expect([d.image.width, d.image.height]).toEqual([300, 200]);
        expect(d.image.data.filter((v) => v < 128).length).toBe(7660);
        expect(d.image.data[25 * 300 + 255]).toBeLessThan(128); // the small square, top right
      }
    });
  }
});
