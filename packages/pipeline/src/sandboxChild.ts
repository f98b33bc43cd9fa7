// The extraction sandbox's child process (see sandbox.ts): it processes one file at a time with
// the pipeline's extractDocument (OCR included), reconstruct and normalize, while its parent
// watches its time and memory and kills it when a file goes over a limit. Messages use the
// "advanced" IPC serialization.
import type { OcrOptions, ScanExtractor } from "@jixiao/ocr";
import { toJixiaoError } from "@jixiao/core";
import { loadPdfjs } from "@jixiao/pdf";
import { extractDocument, inputError, pageGeometryOf, recordsOf, type ProcessOptions, type SandboxResult } from "./processFile.js";

type ChildInit = { limits: Omit<ProcessOptions, "extractScan" | "sandbox">; ocr: OcrOptions | false };
export type ChildRequest =
  | { type: "extract"; id: number; data: Uint8Array; meta: { file: string; sha256: string } }
  | { type: "close" };
export type ChildReply =
  | { type: "ready" }
  | { type: "done"; id: number; result: Omit<SandboxResult, "usage"> }
  | { type: "page"; id: number; pagesDone: number; pageCount: number }
  | { type: "error"; id: number; code: string; message: string };

const send = (m: ChildReply) => process.send?.(m);

const init = JSON.parse(process.env["JIXIAO_SANDBOX_INIT"] ?? "{}") as ChildInit;
let scans: Promise<ScanExtractor> | undefined;
/** The file being processed: OCR progress is reported for it. */
let current = 0;
/** Pages OCR finished of the current file (pages may finish out of order). */
let pagesDone = 0;

/**
 * OCR for the pages without a text layer: the OCR package is loaded, and its pool made, when
 * the first such page comes (a digital PDF never loads it: 0.1-0.2 s of start-up saved).
 */
const ocr: ProcessOptions["extractScan"] =
  init.ocr === false
    ? undefined
    : async (...args) => {
        const ocrOptions = init.ocr as OcrOptions;
        scans ??= import("@jixiao/ocr").then(({ createScanExtractor }) =>
          createScanExtractor({
            ...ocrOptions,
            ...(init.limits.maxImagePixels === undefined ? {} : { maxImagePixels: init.limits.maxImagePixels }),
            ...(init.limits.maxPages === undefined ? {} : { maxPages: init.limits.maxPages }),
            // Each OCR'd page earns the file more time (see SandboxOptions.ocrPageTimeMs).
            onPage: (_page, total) => send({ type: "page", id: current, pagesDone: ++pagesDone, pageCount: total }),
          }),
        );
        return (await scans).extractScan(...args);
      };

process.on("message", (m: ChildRequest) => {
  if (m.type === "close") {
    void (async () => {
      await (await scans?.catch(() => undefined))?.close();
      process.exit(0);
    })();
    return;
  }
  current = m.id;
  pagesDone = 0;
  void (async () => {
    try {
      const doc = await extractDocument(m.data, m.meta, { ...init.limits, ...(ocr ? { extractScan: ocr } : {}) });
      const { records, issues } = recordsOf(doc, init.limits);
      send({
        type: "done",
        id: m.id,
        result: { inputKind: doc.inputKind, pageCount: doc.pages.length, pageGeometry: pageGeometryOf(doc.pages), records, issues },
      });
    } catch (err) {
      // A stack or size overflow in reconstruct/normalize is the input's size (OVER_LIMIT).
      const e = toJixiaoError(err instanceof RangeError ? inputError(err, "pdf", m.meta.file) : err, m.meta.file);
      send({ type: "error", id: m.id, code: e.code, message: e.message });
    }
  })();
});

// The parent is gone: stop, rather than linger with OCR threads.
process.on("disconnect", () => process.exit(1));
// Ctrl-C reaches the whole process group: the parent decides (it finishes the current file).
process.on("SIGINT", () => undefined);
// Load pdf.js before saying ready, so that a file's time limit does not count loading it.
void loadPdfjs().then(
  () => send({ type: "ready" }),
  () => send({ type: "ready" }),
);
