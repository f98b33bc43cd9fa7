import { createInflate, constants, type Inflate } from "node:zlib";
import { JixiaoError } from "@jixiao/core";
import { DEFAULT_MAX_IMAGE_PIXELS, DEFAULT_MAX_STREAM_BYTES } from "@jixiao/core/limits";

export type PdfPreflightOptions = {
  /** Input file name, attached to errors. */
  file?: string;
  /** Most bytes one stream may inflate to (FlateDecode, every Flate layer). Default 256 MiB. */
  maxStreamBytes?: number;
  /** Most pixels an image XObject may declare (/Width × /Height). Default 100 million. */
  maxImagePixels?: number;
};

// The defaults are written once, in @jixiao/core's limits.ts.
export { DEFAULT_MAX_STREAM_BYTES, DEFAULT_MAX_IMAGE_PIXELS };

/** deflate cannot expand by more than about 1032:1; a stream this much smaller than the limit is safe. */
const MAX_DEFLATE_RATIO = 1100;
/** How far back from `stream` the stream's dictionary is looked for. */
const DICT_WINDOW = 4096;

const STREAM = Buffer.from("stream", "latin1");
const ENDSTREAM = Buffer.from("endstream", "latin1");
const OBJ = Buffer.from("obj", "latin1");

/**
 * Checks a PDF's streams before pdf.js sees them, reading the raw bytes only: an image
 * XObject that declares more than `maxImagePixels` pixels, or a FlateDecode stream (one or more
 * Flate layers) that inflates to more than `maxStreamBytes`, is refused with OVER_LIMIT.
 * Inflating is streamed and counted, never kept, and stops at the limit, so a 4 MB stream
 * that would inflate to 4 GiB is refused after reading 256 MiB of it. Streams too small to reach
 * the limit at deflate's highest ratio are not inflated at all, so ordinary files cost a scan.
 * Damaged streams are left for pdf.js to report.
 */
export async function preflightPdf(data: Uint8Array, options: PdfPreflightOptions = {}): Promise<void> {
  const maxStreamBytes = options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES;
  const maxPixels = options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const fileOpt = options.file === undefined ? {} : { file: options.file };
  const prefix = options.file === undefined ? "" : `${options.file}: `;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  for (;;) {
    const at = buf.indexOf(STREAM, pos);
    if (at < 0) return;
    pos = at + STREAM.length;
    if (at >= 3 && buf[at - 3] === 0x65 && buf[at - 2] === 0x6e && buf[at - 1] === 0x64) continue; // "endstream"
    // A stream keyword follows its dictionary's ">>".
    let k = at - 1;
    while (k >= 0 && isSpace(buf[k]!)) k--;
    if (k < 1 || buf[k] !== 0x3e || buf[k - 1] !== 0x3e) continue;
    let start = pos;
    if (buf[start] === 0x0d) start++;
    if (buf[start] === 0x0a) start++;
    const windowStart = Math.max(0, at - DICT_WINDOW);
    const objAt = buf.subarray(windowStart, at).lastIndexOf(OBJ);
    const dict = buf.toString("latin1", objAt < 0 ? windowStart : windowStart + objAt, k + 1);
    const endAt = buf.indexOf(ENDSTREAM, start);
    const end = endAt < 0 ? buf.length : endAt;
    pos = Math.max(pos, end);

    if (/\/Subtype\s*\/Image\b/.test(dict)) {
      const w = Number(/\/Width\s+(\d+)(?!\s+\d+\s+R)/.exec(dict)?.[1] ?? 0);
      const h = Number(/\/Height\s+(\d+)(?!\s+\d+\s+R)/.exec(dict)?.[1] ?? 0);
      if (w * h > maxPixels) {
        throw new JixiaoError("OVER_LIMIT", `${prefix}PDF image of ${w}×${h} pixels exceeds the limit of ${maxPixels} pixels`, fileOpt);
      }
    }
    const layers = flateLayers(dict);
    if (!layers) continue;
    const raw = buf.subarray(start, end);
    if (raw.length * MAX_DEFLATE_RATIO ** layers <= maxStreamBytes) continue;
    const size = await inflatedSize(raw, layers, maxStreamBytes);
    if (size > maxStreamBytes) {
      throw new JixiaoError(
        "OVER_LIMIT",
        `${prefix}a PDF stream of ${raw.length} bytes inflates to more than ${maxStreamBytes} bytes (the limit)`,
        fileOpt,
      );
    }
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

/** Number of leading FlateDecode filters in a stream dictionary's /Filter. */
export function flateLayers(dict: string): number {
  const m = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict);
  if (!m) return 0;
  const names = m[1]!.match(/\/[A-Za-z0-9]+/g) ?? [];
  let n = 0;
  while (n < names.length && (names[n] === "/FlateDecode" || names[n] === "/Fl")) n++;
  return n;
}

/**
 * Bytes `raw` inflates to through `layers` zlib layers, counted as it streams; stops once past
 * `limit` (returns a number above it). A damaged stream gives what inflated before the damage.
 */
export function inflatedSize(raw: Uint8Array, layers: number, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const chain: Inflate[] = [];
    for (let i = 0; i < layers; i++) {
      chain.push(createInflate({ chunkSize: 1 << 20, finishFlush: constants.Z_SYNC_FLUSH }));
    }
    let total = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      for (const z of chain) z.destroy();
      resolve(total);
    };
    for (let i = 0; i < chain.length; i++) {
      chain[i]!.on("error", finish);
      if (i + 1 < chain.length) chain[i]!.pipe(chain[i + 1]!);
    }
    const last = chain[chain.length - 1]!;
    last.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) finish();
    });
    last.on("end", finish);
    chain[0]!.end(raw);
  });
}
