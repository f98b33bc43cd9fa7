import { createRequire } from "node:module";
import path from "node:path";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { JixiaoError } from "@jixiao/core";
import { copyMessage } from "./copyMessage.js";
import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";

/** An open PDF document (pdf.js document proxy). */
export type PdfDocument = PDFDocumentProxy;

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let pdfjsPromise: Promise<Pdfjs> | undefined;

/** Loads pdf.js once (legacy build: the one meant for Node; minified). */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjsPromise ??= importKeepingNatives();
  return pdfjsPromise;
}

/**
 * Built-ins that pdf.js's legacy build replaces process-wide with core-js versions on Node 20
 * (forced by proposals Node 20 lacks: JSON.rawJSON, the non-writable-length check of push).
 * Measured on Node 20: JSON.stringify 11× slower, push 1.4× slower, and they are used by
 * everything in the process (store, queue, export), not only by pdf.js, which needs neither
 * feature. Features pdf.js adds (Promise.withResolvers, Map.prototype.getOrInsertComputed…)
 * are kept.
 */
const KEPT_NATIVES: ReadonlyArray<[object, string]> = [
  [Array.prototype, "push"],
  [JSON, "parse"],
  [JSON, "stringify"],
];

/**
 * Imports pdf.js and its worker module (which runs in this thread: Node has no web workers, and
 * pdf.js uses `globalThis.pdfjsWorker` once it is loaded) and puts KEPT_NATIVES back.
 */
async function importKeepingNatives(): Promise<Pdfjs> {
  const saved = KEPT_NATIVES.map(([o, k]) => [o, k, Object.getOwnPropertyDescriptor(o, k)] as const);
  // pdf.js loads @napi-rs/canvas (for DOMMatrix, ImageData and Path2D, which rendering needs),
  // and loading it registers every system font with its text renderer: ~80 ms of CPU in each
  // process that loads pdf.js. Nothing here draws text on a canvas (nothing renders at all), so
  // the fonts are not registered; the variable is only set while pdf.js loads.
  const fontsEnv = process.env["DISABLE_SYSTEM_FONTS_LOAD"];
  process.env["DISABLE_SYSTEM_FONTS_LOAD"] = "1";
  try {
    // The minified builds: the same code as pdf.mjs and pdf.worker.mjs (class and error names
    // kept), in half the source text, which each process parses and compiles again (~30 ms less
    // CPU per process).
    const main: string = "pdfjs-dist/legacy/build/pdf.min.mjs"; // typed as pdf.mjs
    const pdfjs = (await import(main)) as Pdfjs;
    const worker: string = "pdfjs-dist/legacy/build/pdf.worker.min.mjs"; // no type declarations
    await import(worker);
    copyMessagesInJs(pdfjs.OPS);
    return pdfjs;
  } finally {
    if (fontsEnv === undefined) delete process.env["DISABLE_SYSTEM_FONTS_LOAD"];
    else process.env["DISABLE_SYSTEM_FONTS_LOAD"] = fontsEnv;
    for (const [o, k, d] of saved) if (d) Object.defineProperty(o, k, d);
    inflateNativelyForPdfjs();
  }
}

/**
 * pdf.js inflates every Flate stream (content streams, Type 3 glyph procedures, fonts, CMaps,
 * images) through the web-streams DecompressionStream when there is one, and with its own
 * JavaScript inflater when there is none. On Node both cost more than the inflating needs: the
 * web-streams path has a large fixed cost per stream (a digital page has hundreds of small
 * ones), and the JavaScript inflater is several times slower than zlib. So pdf.js (and it
 * alone: a caller whose stack shows pdf.js) gets NativeDecompression instead, which inflates the
 * whole stream at once with Node's zlib; everyone else sees the global as it is.
 */
function inflateNativelyForPdfjs(): void {
  const d = Object.getOwnPropertyDescriptor(globalThis, "DecompressionStream");
  const real: unknown = d?.get ? d.get.call(globalThis) : d?.value;
  if (!real || !d?.configurable) return;
  Object.defineProperty(globalThis, "DecompressionStream", {
    configurable: true,
    enumerable: d.enumerable ?? false,
    get: function getDecompressionStream() {
      return callerFile(getDecompressionStream).includes("pdfjs-dist") ? NativeDecompression : real;
    },
    set: (v: unknown) => Object.defineProperty(globalThis, "DecompressionStream", { value: v, writable: true, configurable: true }),
  });
}

/**
 * The file of the function that called `fn` ("" when unknown). Reads the one stack frame as a
 * call site rather than formatting a stack trace as text: pdf.js reads DecompressionStream once
 * per stream, thousands of times for a few documents, and formatting cost ~25 µs a time.
 */
function callerFile(fn: (...args: never[]) => unknown): string {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_err, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, fn);
    const sites = holder.stack as NodeJS.CallSite[] | undefined; // read while prepareStackTrace gives call sites
    return sites?.[0]?.getFileName() ?? "";
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** The parts of a pdf.js message copyMessagesInJs looks at. */
type PdfjsMessage = {
  sourceName?: unknown;
  targetName?: unknown;
  action?: unknown;
  data?: unknown;
  chunk?: { fnArray?: unknown; argsArray?: unknown };
};

/**
 * pdf.js runs its "worker" in this thread and hands every message to the other side through
 * `structuredClone`, which Node 20 makes slow for small messages (see copyMessage.ts): pdf.js's
 * messages (objects with a sourceName and a targetName) are copied in JavaScript instead, and
 * with structuredClone when they hold something copyMessage does not handle. Every other caller
 * of structuredClone in the process gets it as it was.
 *
 * This process never renders, so two parts of the messages that only rendering reads are left
 * out of the copy:
 * - the arguments of an operator list's text-showing operators, one glyph object per character
 *   (its font character, Unicode, width, metrics…), null in their place: rulings read paths,
 *   transforms, colours and clips, the OCR package reads image operators;
 * - a Type 3 font's glyph procedures (charProcOperatorList: an operator list per glyph), which
 *   the document side keeps to draw the glyphs. pdf.js has still read them in the worker, where
 *   they set the font's bounding box the text layer uses.
 */
function copyMessagesInJs(ops: Readonly<Record<string, number>>): void {
  const textOps = new Set(["showText", "showSpacedText", "nextLineShowText", "nextLineSetSpacingShowText"].map((name) => ops[name]));
  if (textOps.has(undefined) || (globalThis.structuredClone as { copiesPdfjsMessages?: true }).copiesPdfjsMessages) return;
  type Clone = (value: unknown, options?: { transfer?: unknown[] } | null) => unknown;
  const global = globalThis as unknown as { structuredClone: Clone };
  const clone = global.structuredClone;
  global.structuredClone = Object.assign(
    (value: unknown, options?: { transfer?: unknown[] } | null): unknown => {
      const m = value as PdfjsMessage | null;
      if (typeof m?.sourceName !== "string" || typeof m.targetName !== "string") return clone(value, options);
      const chunk = m.chunk;
      if (chunk && Array.isArray(chunk.fnArray) && Array.isArray(chunk.argsArray)) {
        const fnArray = chunk.fnArray as number[];
        const argsArray = (chunk.argsArray as unknown[]).map((args, i) => (textOps.has(fnArray[i]) ? null : args));
        value = { ...m, chunk: { ...chunk, argsArray } };
      } else if (m.action === "commonobj" && Array.isArray(m.data) && m.data[1] === "Font") {
        const font = m.data[2] as { charProcOperatorList?: unknown } | null;
        if (font && typeof font === "object" && "charProcOperatorList" in font) {
          const { charProcOperatorList: _glyphs, ...rest } = font;
          value = { ...m, data: [m.data[0], m.data[1], rest, ...m.data.slice(3)] };
        }
      }
      try {
        return copyMessage(value, options?.transfer);
      } catch {
        return clone(value, options);
      }
    },
    { copiesPdfjsMessages: true as const },
  );
}

/**
 * zlib's output chunk for an input of `n` bytes: about four times the input (text and paths
 * inflate 2-4×), between 1 KiB and 64 KiB. zlib's default, 16 KiB whatever the input, made each of
 * the thousands of small streams of a page's Type 3 glyphs allocate a 16 KiB buffer outside the
 * heap (2828 streams of the corpus's 43 pages: 45 MB, which makes V8 collect garbage more often).
 * A stream that inflates to more takes several chunks; the bytes are the same.
 */
function chunkSizeFor(n: number): number {
  return Math.min(64 * 1024, Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, n) * 4))));
}

const INFLATE: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  deflate: (data) => inflateSync(data, { chunkSize: chunkSizeFor(data.length) }),
  "deflate-raw": (data) => inflateRawSync(data, { chunkSize: chunkSizeFor(data.length) }),
  gzip: (data) => gunzipSync(data, { chunkSize: chunkSizeFor(data.length) }),
  brotli: (data) => brotliDecompressSync(data, { chunkSize: chunkSizeFor(data.length) }),
};

/**
 * The part of DecompressionStream pdf.js uses (a writer it writes the compressed bytes to, then
 * closes; a readable it iterates), inflating with zlib in one call when it is read. A stream zlib
 * refuses (damaged, truncated, a wrong checksum) fails the read: pdf.js then inflates it with its
 * own lenient inflater, as it does without a DecompressionStream. The bytes zlib gives for a
 * stream it accepts are the ones any correct inflater gives.
 */
class NativeDecompression {
  readonly writable: { getWriter: () => { ready: Promise<void>; write: (chunk: Uint8Array) => Promise<void>; close: () => Promise<void> } };
  readonly readable: AsyncIterable<Uint8Array>;
  constructor(format: string) {
    const inflate = INFLATE[format];
    if (!inflate) throw new TypeError(`unsupported compression format ${format}`);
    const chunks: Uint8Array[] = [];
    const writer = {
      ready: Promise.resolve(),
      write: (chunk: Uint8Array) => {
        chunks.push(chunk);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    this.writable = { getWriter: () => writer };
    this.readable = {
      async *[Symbol.asyncIterator]() {
        yield inflate(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      },
    };
  }
}

let assetDirs: { cmaps: string; fonts: string; wasm: string; iccs: string } | undefined;

/**
 * Folders shipped inside the pdfjs-dist package. In Node, pdf.js reads these with
 * fs.readFile(baseUrl + name), so they are plain file paths and must end with a separator;
 * nothing is ever fetched over the network.
 */
function pdfjsAssetDirs(): { cmaps: string; fonts: string; wasm: string; iccs: string } {
  if (!assetDirs) {
    const pkgDir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
    const dir = (name: string): string => path.join(pkgDir, name) + path.sep;
    assetDirs = { cmaps: dir("cmaps"), fonts: dir("standard_fonts"), wasm: dir("wasm"), iccs: dir("iccs") };
  }
  return assetDirs;
}

export interface WithPdfOptions {
  /** Input file name, attached to errors. */
  file?: string;
  /** Password for encrypted documents. */
  password?: string;
  /** Largest image (pixels) pdf.js decodes; larger images are skipped. Default: no limit. */
  maxImageSize?: number;
}

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** True when "%PDF-" occurs within the first 1024 bytes (where the spec allows it). */
export function hasPdfHeader(data: Uint8Array): boolean {
  const end = Math.min(data.length, 1024) - PDF_HEADER.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let k = 0; k < PDF_HEADER.length; k++) {
      if (data[i + k] !== PDF_HEADER[k]) continue outer;
    }
    return true;
  }
  return false;
}

// Error classes pdf.js raises in its (fake, same-thread) worker. Most are not exported from the
// main module and errors crossing the message handler are re-created, so match by name.
const DAMAGED_PDF_ERRORS = new Set([
  "InvalidPDFException",
  "UnknownErrorException",
  "FormatError",
  "MissingDataException",
  "XRefEntryException",
  "XRefParseException",
  "ParserEOFException",
]);

function errorName(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "name" in err && typeof err.name === "string") return err.name;
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Maps a pdf.js failure to a JixiaoError; anything else is returned unchanged. */
export function mapPdfError(err: unknown, file?: string): unknown {
  if (err instanceof JixiaoError) {
    if (err.file !== undefined || file === undefined) return err;
    return new JixiaoError(err.code, err.message, { file, cause: err.cause ?? err });
  }
  const opts = { cause: err, ...(file === undefined ? {} : { file }) };
  const name = errorName(err);
  if (name === "PasswordException") {
    return new JixiaoError("ENCRYPTED_PDF", `PDF is password protected: ${errorMessage(err)}`, opts);
  }
  if (name !== undefined && DAMAGED_PDF_ERRORS.has(name)) {
    return new JixiaoError("TRUNCATED_PDF", `PDF is truncated or damaged: ${errorMessage(err)}`, opts);
  }
  return err;
}

/**
 * Opens a PDF from bytes, runs `fn` on it and always destroys the document afterwards.
 * Failures become typed errors: EMPTY_FILE (0 bytes), UNSUPPORTED_INPUT (no "%PDF-" header in
 * the first 1024 bytes), ENCRYPTED_PDF (password needed), TRUNCATED_PDF (damaged structure,
 * at open time or while reading pages). Other errors thrown by `fn` pass through unchanged.
 *
 * The input array is copied: pdf.js transfers (detaches) the buffer it is given and refuses
 * Node Buffers.
 */
export async function withPdf<T>(
  data: Uint8Array,
  fn: (pdf: PdfDocument) => Promise<T>,
  opts: WithPdfOptions = {},
): Promise<T> {
  const { pdf, close } = await openPdf(data, opts);
  try {
    return await fn(pdf);
  } catch (err) {
    throw mapPdfError(err, opts.file);
  } finally {
    await close();
  }
}

/**
 * Opens a PDF from bytes and keeps it open until `close()` (which must be called): for callers
 * that read its pages over time (queue mode extracts one page per job). The same checks and
 * typed errors as withPdf; errors while reading pages should go through mapPdfError.
 */
export async function openPdf(data: Uint8Array, opts: WithPdfOptions = {}): Promise<{ pdf: PdfDocument; close: () => Promise<void> }> {
  const fileOpt = opts.file === undefined ? {} : { file: opts.file };
  if (data.length === 0) throw new JixiaoError("EMPTY_FILE", "input is empty (0 bytes)", fileOpt);
  if (!hasPdfHeader(data)) {
    throw new JixiaoError("UNSUPPORTED_INPUT", "input is not a PDF (no %PDF- header in the first 1024 bytes)", fileOpt);
  }

  const pdfjs = await loadPdfjs();
  const dirs = pdfjsAssetDirs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(data),
    ...(opts.password === undefined ? {} : { password: opts.password }),
    ...(opts.maxImageSize === undefined ? {} : { maxImageSize: opts.maxImageSize }),
    cMapUrl: dirs.cmaps,
    cMapPacked: true,
    standardFontDataUrl: dirs.fonts,
    wasmUrl: dirs.wasm,
    iccUrl: dirs.iccs,
    isEvalSupported: false,
    // pdf.js loads its WebAssembly decoders (JBIG2/CCITT, JPEG 2000) once per process through the
    // message handler of the document that first needs them; when that document is closed before
    // the load finishes, every later CCITT G4 or JBIG2 image in the process waits for ever. The
    // JavaScript decoders have no such shared state.
    useWasm: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let pdf: PdfDocument;
  try {
    pdf = await task.promise;
  } catch (err) {
    await task.destroy();
    throw mapPdfError(err, opts.file);
  }
  // Destroying the loading task destroys the document (and the fake worker) too.
  return { pdf, close: () => task.destroy() };
}

/** Number of pages of a PDF given as bytes. */
export function pageCount(data: Uint8Array, opts: WithPdfOptions = {}): Promise<number> {
  return withPdf(data, async (pdf) => pdf.numPages, opts);
}
