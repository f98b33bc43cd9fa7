import { describe, expect, it } from "vitest";
import type { GreyImage, InkMask } from "./greyImage.js";
import type { OcrLine, OcrPool, RecognizeOptions } from "./OcrPool.js";
import type { PageJob } from "./pageJobs.js";
import { readLinesTesseract, type TesseractOnlyOptions } from "./readLinesTesseract.js";

// Tesseract alone, with a scripted pool: which readings are read again, and which wins, under
// the named options and their defaults.

const W = 400;
const H = 100;
const grey: GreyImage = { width: W, height: H, data: new Uint8Array(W * H).fill(255) };
const mask: InkMask = { width: W, height: H, data: new Uint8Array(W * H) };
const DPI = 300;

/** One line of ink: `width` × 30 px at (10, 10). */
function oneLineJob(width: number): PageJob {
  const ink = { x0: 10, y0: 10, x1: 10 + width, y1: 40 };
  return { rect: { x0: 7, y0: 7, x1: ink.x1 + 3, y1: 43 }, bands: [{ ...ink }], ink, psm: 7, free: false };
}

/**
 * A pool whose reading depends only on how it is asked: the first reading (the pool's own
 * resolution), at the page's resolution, at 100 dpi, or with Latin letters forbidden.
 */
function scriptedPool(script: { first: [string, number]; full?: [string, number]; coarse?: [string, number]; noLatin?: [string, number] }) {
  const calls: RecognizeOptions[] = [];
  const pool = {
    recognize: async (_img: GreyImage, rect: OcrLine["bbox"], _psm: number, o: RecognizeOptions = {}): Promise<OcrLine[]> => {
      calls.push(o);
      const pick = o.charBlacklist ? script.noLatin : o.ocrDpi === undefined ? script.first : o.ocrDpi === DPI ? script.full : script.coarse;
      if (!pick) return [];
      return [{ text: pick[0], confidence: pick[1], bbox: { x0: rect.x0, y0: rect.y0, x1: rect.x1, y1: rect.y1 } }];
    },
  };
  return { pool: pool as unknown as OcrPool, calls };
}

async function read(job: PageJob, script: Parameters<typeof scriptedPool>[0], options?: TesseractOnlyOptions) {
  const { pool, calls } = scriptedPool(script);
  const items = await readLinesTesseract(grey, mask, DPI, [job], pool, options);
  return { texts: items.map((i) => [i.text, i.confidence]), calls };
}

describe("readLinesTesseract", () => {
  it("votes a short cell read below shortCellSureConfidence (0.955) over three resolutions", async () => {
    const script = { first: ["8", 0.94], full: ["3", 0.9], coarse: ["3", 0.85] } satisfies Parameters<typeof scriptedPool>[0];
    expect((await read(oneLineJob(30), script)).texts).toEqual([["3", 0.9]]);
    // A cell read at least that sure is kept, and not read again (0.94 ≥ retryBelowConfidence 0.9).
    const sure = await read(oneLineJob(30), script, { shortCellSureConfidence: 0.94 });
    expect(sure.texts).toEqual([["8", 0.94]]);
    expect(sure.calls).toHaveLength(1);
  });

  it("reads a line below retryBelowConfidence (0.9) again at full resolution; the surer reading wins", async () => {
    const script = { first: ["预算执行率", 0.85], full: ["预算执行率", 0.95] } satisfies Parameters<typeof scriptedPool>[0];
    expect((await read(oneLineJob(300), script)).texts).toEqual([["预算执行率", 0.95]]);
    const lenient = await read(oneLineJob(300), script, { retryBelowConfidence: 0.8 });
    expect(lenient.texts).toEqual([["预算执行率", 0.85]]);
    expect(lenient.calls).toHaveLength(1);
  });

  it("takes a reading without Latin letters within latinRetryTolerance (0.15), or with more Chinese when sure enough", async () => {
    const script = { first: ["TR化工作", 0.92], noLatin: ["深化工作", 0.8] } satisfies Parameters<typeof scriptedPool>[0];
    expect((await read(oneLineJob(300), script)).texts).toEqual([["深化工作", 0.8]]);
    // Outside the tolerance, still taken: more Chinese, and 0.8 ≥ min(latinRetryChineseConfidence 0.6, 0.92 + 0.1).
    expect((await read(oneLineJob(300), script, { latinRetryTolerance: 0.05 })).texts).toEqual([["深化工作", 0.8]]);
    // Neither rule holds: the first reading stays.
    const strict = await read(oneLineJob(300), script, { latinRetryTolerance: 0.05, latinRetryChineseConfidence: 0.85 });
    expect(strict.texts).toEqual([["TR化工作", 0.92]]);
  });
});
