import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { JixiaoError } from "@jixiao/core";
import { describe, expect, it } from "vitest";
import { deflateSync } from "node:zlib";
import { makePdf, writePdf } from "../test-fixtures/makePdf.js";
import { hasPdfHeader, loadPdfjs, pageCount, withPdf } from "./withPdf.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const sample = (name: string): Uint8Array => new Uint8Array(readFileSync(`${repo}samples/digital/${name}`));
const encrypted = (): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL("../test-fixtures/encrypted-aes256.pdf", import.meta.url))));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(JixiaoError);
    return (err as JixiaoError).code;
  }
  throw new Error("expected a rejection");
}

describe("withPdf", () => {
  it("counts the pages of the samples", async () => {
    expect(await pageCount(sample("000_f5e7e42ab4334a59.pdf"))).toBe(25);
    expect(await pageCount(sample("001_655e35476e9ed446.pdf"))).toBe(8);
    expect(await pageCount(sample("002_fe319b84d2aa7d28.pdf"))).toBe(3);
    expect(await pageCount(sample("004_d6b6ad76fc616d0b.pdf"))).toBe(7);
  });

  it("rejects empty input with EMPTY_FILE", async () => {
    expect(await codeOf(pageCount(new Uint8Array(0)))).toBe("EMPTY_FILE");
  });

  it("rejects non-PDF bytes with UNSUPPORTED_INPUT", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await codeOf(pageCount(png))).toBe("UNSUPPORTED_INPUT");
    expect(await codeOf(pageCount(new TextEncoder().encode("项目名称\t普陀区\n")))).toBe("UNSUPPORTED_INPUT");
    // A header further in than 1024 bytes does not count.
    const late = new Uint8Array(2048);
    late.set(new TextEncoder().encode("%PDF-1.7"), 1500);
    expect(await codeOf(pageCount(late))).toBe("UNSUPPORTED_INPUT");
  });

  it("finds the header after leading junk within the first 1024 bytes", () => {
    const pdf = makePdf({ content: "" });
    const withJunk = new Uint8Array(pdf.length + 100);
    withJunk.set(pdf, 100);
    expect(hasPdfHeader(withJunk)).toBe(true);
    expect(hasPdfHeader(new TextEncoder().encode("%PDF"))).toBe(false);
  });

  it("rejects a truncated PDF with TRUNCATED_PDF", async () => {
    const full = sample("002_fe319b84d2aa7d28.pdf");
    expect(await codeOf(pageCount(full.slice(0, Math.floor(full.length / 2))))).toBe("TRUNCATED_PDF");
    expect(await codeOf(pageCount(new TextEncoder().encode("%PDF-1.7\ngarbage\n")))).toBe("TRUNCATED_PDF");
  });

  it("rejects an encrypted PDF with ENCRYPTED_PDF and opens it with the password", async () => {
    expect(await codeOf(pageCount(encrypted()))).toBe("ENCRYPTED_PDF");
    expect(await codeOf(pageCount(encrypted(), { password: "wrong" }))).toBe("ENCRYPTED_PDF");
    expect(await pageCount(encrypted(), { password: "user" })).toBe(1);
  });

  it("attaches the file name to typed errors", async () => {
    await expect(pageCount(encrypted(), { file: "x.pdf" })).rejects.toMatchObject({ code: "ENCRYPTED_PDF", file: "x.pdf" });
  });

  it("leaves the caller's bytes intact and accepts Node Buffers", async () => {
    const data = sample("002_fe319b84d2aa7d28.pdf");
    const before = data.byteLength;
    await pageCount(data);
    expect(data.byteLength).toBe(before); // pdf.js would detach a buffer it was handed
    expect(await pageCount(readFileSync(`${repo}samples/digital/002_fe319b84d2aa7d28.pdf`))).toBe(3);
  });

  it("destroys the document after fn, also when fn throws, and passes fn's errors through", async () => {
    let seen: { destroyed: boolean } | undefined;
    const boom = new Error("boom");
    await expect(
      withPdf(makePdf({ content: "" }), async (pdf) => {
        seen = pdf.loadingTask;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(seen?.destroyed).toBe(true);
  });
});

describe("loadPdfjs", () => {
  it("leaves push, JSON.parse and JSON.stringify as Node has them (pdf.js's legacy build replaces them)", () => {
    // A fresh process: this one may have loaded pdf.js already through another test.
    const script = `
      const natives = [Array.prototype.push, JSON.parse, JSON.stringify];
      const { pageCount } = await import(${JSON.stringify(new URL("./withPdf.ts", import.meta.url).href)});
      const pages = await pageCount(new Uint8Array((await import("node:fs")).readFileSync(${JSON.stringify(`${repo}samples/digital/002_fe319b84d2aa7d28.pdf`)})));
      const same = [Array.prototype.push, JSON.parse, JSON.stringify].map((f, i) => f === natives[i]);
      const canvas = (await import("node:module")).createRequire(import.meta.url)("@napi-rs/canvas");
      const fonts = { env: process.env.DISABLE_SYSTEM_FONTS_LOAD ?? null, canvasFonts: canvas.GlobalFonts.families.length };
      console.log(JSON.stringify({ pages, same, withResolvers: typeof Promise.withResolvers, ds: typeof DecompressionStream, fonts }));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--conditions", "source", "--input-type=module", "-e", script], { encoding: "utf8" });
    // pdf.js worked (its worker module ran; its Flate streams inflated by zlib, not web streams),
    // what it adds that Node 20 lacks is still there, and DecompressionStream is replaced for it alone.
    // The canvas module pdf.js loads registered no system font (pdf.js loaded it, so it is the one
    // in this process), and the variable that told it so is gone again.
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({
      pages: 3, same: [true, true, true], withResolvers: "function", ds: "function", fonts: { env: null, canvasFonts: 0 },
    });
  });
});

describe("pdf.js messages", () => {
  const message = (rest: object) => ({ sourceName: "d0_worker", targetName: "d0", ...rest });

  it("are copied in JavaScript: a transferred buffer is handed over, not detached", async () => {
    await loadPdfjs();
    const data = new Float32Array([0, 1, 2]);
    const copy = structuredClone(message({ stream: 4, chunk: { items: [{ transform: data }] } }), { transfer: [data.buffer] });
    expect(data.length).toBe(3);
    expect(copy).toEqual(message({ stream: 4, chunk: { items: [{ transform: new Float32Array([0, 1, 2]) }] } }));
  });

  it("leave out text-showing operators' glyphs and Type 3 fonts' glyph procedures", async () => {
    const { OPS } = await loadPdfjs();
    const chunk = {
      fnArray: [OPS.setFont, OPS.showText, OPS.constructPath],
      argsArray: [["g_d0_f1", 12], [[{ unicode: "项", width: 1 }]], [OPS.stroke, [null], null]],
      lastChunk: true,
      length: 3,
    };
    expect(structuredClone(message({ stream: 4, chunk }))).toEqual(
      message({ stream: 4, chunk: { ...chunk, argsArray: [["g_d0_f1", 12], null, [OPS.stroke, [null], null]] } }),
    );
    const fontData = new ArrayBuffer(8);
    const font = message({ action: "commonobj", data: ["g_d0_f1", "Font", { data: fontData, charProcOperatorList: { g1: { fnArray: [1] } } }] });
    expect(structuredClone(font, { transfer: [fontData] })).toEqual(message({ action: "commonobj", data: ["g_d0_f1", "Font", { data: fontData }] }));
  });

  it("are the only values structuredClone copies differently", async () => {
    await loadPdfjs();
    const map = new Map([[1, { a: 1 }]]);
    expect(structuredClone(map)).toEqual(map);
    const buffer = new ArrayBuffer(4);
    structuredClone({ buffer }, { transfer: [buffer] });
    expect(buffer.byteLength).toBe(0); // detached: the native algorithm
    // A pdf.js message holding something copyMessage does not copy goes to the native algorithm too.
    expect(structuredClone(message({ data: map }))).toMatchObject({ data: map });
  });
});

describe("Flate streams", () => {
  it("inflate to the same page whatever the stream's size, also far past one output chunk", async () => {
    const text = "BT /F1 12 Tf 72 700 Td (END) Tj ET\n";
    const content = "0 0 m 10 10 l S\n".repeat(20_000) + text; // 320 kB from a few hundred bytes
    const flate = deflateSync(Buffer.from(content, "latin1"));
    const objects = [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
      `<< /Length ${flate.length} /Filter /FlateDecode >>\nstream\n${flate.toString("latin1")}\nendstream`,
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ];
    const plain = [...objects];
    plain[3] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
    // Font names carry the document's number: left out.
    const textOf = (pdf: Uint8Array) =>
      withPdf(pdf, async (doc) => (await (await doc.getPage(1)).getTextContent()).items.map((i) => ("str" in i ? { ...i, fontName: "" } : i)));
    const items = await textOf(writePdf(objects));
    expect(items).toEqual(await textOf(writePdf(plain)));
    expect(items.map((i) => ("str" in i ? i.str : ""))).toContain("END");
  });
});
