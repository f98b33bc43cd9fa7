import type { DocumentModel, Page } from "@jixiao/schemas";
import { readPageImage } from "./readPageImage.js";
import type { OcrOptions } from "./options.js";
import { DEFAULT_MAX_IMAGE_PIXELS, loadPdfjs, withPdf, type PdfDocument } from "@jixiao/pdf";
import { embeddedPageImage, type EmbeddedPageImage } from "./pdfImages.js";
import type { OcrPool } from "./OcrPool.js";
import { JixiaoError } from "@jixiao/core";

/**
 * Reads an image-only (scanned) PDF: for each page the embedded raster is taken as it is
 * (pdf.js decodes it; nothing is re-rendered), prepared (greyscale, size clamp, deskew), its
 * table rulings found and its text OCR'd. One Page per PDF page, unit "px" in the deskewed
 * image's pixels, with `image: {width, height, dpi, skewDegrees}`; pt = px × 72 / dpi.
 *
 * `input` is the PDF's bytes (opened and closed here) or a document the caller has open (and
 * closes). A page without a large embedded image (vector or text content, or blank) cannot be
 * read here; it is returned empty in points with no `image`, so callers can route it to the
 * text-layer path.
 *
 * The engines come from `opts.connect`, else `opts.pool` (left running), else a pool created on
 * the first page with an image and terminated in `finally`. The next page is prepared while the
 * current one is still being recognised.
 */
export async function extractScanPdf(
  input: Uint8Array | PdfDocument,
  meta: { file: string; sha256: string },
  opts: OcrOptions = {},
): Promise<DocumentModel> {
  if (!(input instanceof Uint8Array)) return readScanPages(input, meta, opts);
  return withPdf(input, (doc) => readScanPages(doc, meta, opts), {
    file: meta.file,
    maxImageSize: opts.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
  });
}

async function readScanPages(doc: PdfDocument, meta: { file: string; sha256: string }, opts: OcrOptions): Promise<DocumentModel> {
  let created: OcrPool | undefined;
  let engines: ReturnType<NonNullable<OcrOptions["connect"]>> | undefined;
  const getEngines = () =>
    (engines ??= opts.connect
      ? opts.connect()
      : opts.pool
        ? Promise.resolve({ pool: opts.pool, paddle: opts.paddle })
        : import("./OcrPool.js").then(async ({ OcrPool }) => {
            created = await OcrPool.create(opts);
            return { pool: created, paddle: opts.paddle };
          }));
  try {
    const { OPS } = await loadPdfjs();
    const wanted = opts.pages
      ? [...new Set(opts.pages)].filter((n) => Number.isInteger(n) && n >= 1 && n <= doc.numPages).sort((a, b) => a - b)
      : Array.from({ length: doc.numPages }, (_, i) => i + 1);
    const total = wanted.length;
    const pages: Page[] = new Array<Page>(total);
    const lookahead = Math.max(0, opts.lookahead ?? 1);
    const maxPixels = opts.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const n = wanted[i]!;
      const pdfPage = await doc.getPage(n);
      // Larger images are not decoded by pdf.js (embeddedPageImage refuses them by their size).
      let embedded: EmbeddedPageImage | undefined = await embeddedPageImage(pdfPage, OPS, { maxPixels });
      pdfPage.cleanup();
      if (!embedded) {
        pages[i] = {
          number: n,
          width: pdfPage.view[2]! - pdfPage.view[0]!,
          height: pdfPage.view[3]! - pdfPage.view[1]!,
          unit: "pt",
          origin: "top-left",
          items: [],
          rulings: [],
          tables: [],
        };
        opts.onPage?.(i + 1, total);
        continue;
      }
      const { pool, paddle } = await getEngines();
      // ocrPageImage does its image work synchronously and then waits for the OCR workers,
      // so the loop can move on to decode the next page meanwhile.
      // A second reading of the page (turned by a half turn) decodes its image again rather than
      // have a copy held while the page is first read.
      const reload = async () => {
        const again = await doc.getPage(n);
        try {
          const decoded = await embeddedPageImage(again, OPS, { maxPixels });
          if (!decoded) throw new JixiaoError("INTERNAL", `page ${n}: its image was not found again`);
          return decoded.image;
        } finally {
          again.cleanup();
        }
      };
      const job = readPageImage(embedded.image, n, embedded.dpi, pool, { ...opts, paddle }, reload).then((r) => {
        pages[i] = r.page;
        opts.onPage?.(i + 1, total);
      });
      // This async function's variables are kept while it runs: let the page image go, so that it
      // is freed once its reading is done with it, not after the next page has been decoded.
      embedded = undefined;
      // If an earlier page fails, the loop stops awaiting this one: keep its failure handled.
      job.catch(() => undefined);
      inFlight.push(job);
      if (inFlight.length > lookahead) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return { file: meta.file, sha256: meta.sha256, inputKind: "pdf", pages };
  } finally {
    if (engines) await engines.then(() => created?.terminate(), () => undefined);
  }
}
