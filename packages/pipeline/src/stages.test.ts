import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { checkBytes, countPdfPages, extractDocument, extractPdfPage, openPdfPages, readInput, sha256Of } from "./processFile.js";

const samples = join(import.meta.dirname, "..", "..", "..", "samples");

describe("per-page stage functions (queue mode)", () => {
  it("extract each page exactly as the whole-document extraction does", async () => {
    const file = "002_fe319b84d2aa7d28.pdf";
    const data = new Uint8Array(readFileSync(join(samples, "digital", file)));
    const meta = { file, sha256: sha256Of(data) };
    const whole = await extractDocument(data, meta);
    expect(await countPdfPages(data, file)).toBe(whole.pages.length);
    const pdf = await openPdfPages(data, meta);
    try {
      for (const [i, page] of whole.pages.entries()) {
        expect(await pdf.extract(i + 1)).toStrictEqual(page);
        expect(await extractPdfPage(data, meta, i + 1)).toStrictEqual(page);
      }
      const err = await pdf.extract(whole.pages.length + 1).catch((e: unknown) => e);
      expect((err as JixiaoError).code).toBe("INVALID_PAYLOAD");
    } finally {
      await pdf.close();
    }
  });

  it("enforce the limits with typed errors", async () => {
    const path = join(samples, "digital", "000_f5e7e42ab4334a59.pdf");
    const data = new Uint8Array(readFileSync(path));
    await expect(countPdfPages(data, "a.pdf", { maxPages: 10 })).rejects.toMatchObject({ code: "OVER_LIMIT", message: "a.pdf: 25 pages, the limit is 10" });
    await expect(readInput(path, { maxBytes: 1000 })).rejects.toMatchObject({ code: "OVER_LIMIT" });
    await expect(readInput(join(samples, "nope.pdf"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(() => checkBytes(new Uint8Array(0), "e.pdf")).toThrow(/empty/);
    expect((await readInput(path)).file).toBe("000_f5e7e42ab4334a59.pdf");
  });
});
