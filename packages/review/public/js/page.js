// The page image (pdf.js for PDFs; a scanned PNG/JPEG is drawn as it is) and the value's box on it.
import { $, clear, h, show } from "./dom.js";
import { boxesFor } from "./fields.js";
import { PDFJS_URL, PDFJS_WORKER_URL, state } from "./state.js";

let pdfjsPromise = null;
let pdfDoc = { url: null, promise: null };
/** The decoded scan image of the last image source shown (one page). */
let scanImage = { url: null, promise: null };
let renderTask = null;
let renderSeq = 0;
/** Source types drawn from a decoded image rather than by pdf.js (API.md: source.type). */
const IMAGE_SOURCE_TYPES = new Set(["png", "jpeg"]);

function loadPdfjs() {
  pdfjsPromise ??= import(PDFJS_URL).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = PDFJS_WORKER_URL;
    return lib;
  });
  return pdfjsPromise;
}

async function getPdf(url) {
  if (pdfDoc.url !== url) {
    const old = pdfDoc.promise;
    const lib = await loadPdfjs();
    const task = lib.getDocument({
      url,
      isEvalSupported: false,
      cMapUrl: "/vendor/pdfjs/cmaps/",
      cMapPacked: true,
      standardFontDataUrl: "/vendor/pdfjs/standard_fonts/",
      withCredentials: true,
    });
    pdfDoc = { url, promise: task.promise };
    old?.then((d) => d.destroy()).catch(() => {});
  }
  return pdfDoc.promise;
}

/**
 * The scanned image behind `url`, decoded once (zooming and resizing draw it again). Fetched
 * same-origin with the session cookie; an HTTP error says the API's code and message. EXIF
 * orientation is ignored: the OCR read the pixels as stored, and the boxes are in those pixels.
 */
function getScanImage(url) {
  if (scanImage.url !== url) {
    const old = scanImage.promise;
    const promise = (async () => {
      let res;
      try {
        res = await fetch(url, { credentials: "same-origin", headers: { accept: "image/png, image/jpeg" } });
      } catch (e) {
        throw new Error(`the server could not be reached (${e.message})`);
      }
      if (!res.ok) {
        let error = null;
        try {
          error = (await res.json())?.error ?? null;
        } catch {
          error = null;
        }
        throw new Error(error ? `${error.code}: ${error.message}` : `HTTP ${res.status}`);
      }
      const blob = await res.blob();
      try {
        return await createImageBitmap(blob, { imageOrientation: "none" });
      } catch {
        throw new Error("the image could not be decoded");
      }
    })();
    scanImage = { url, promise };
    old?.then((b) => b.close()).catch(() => {});
  }
  return scanImage.promise;
}

export function pageNotice(text) {
  const el = $("page-notice");
  el.textContent = text ?? "";
  show(el, !!text);
}

/** No page image for this record: hide the sheet (the notice says why). */
function noPageImage() {
  renderTask?.cancel();
  renderTask = null;
  const canvas = $("page-canvas");
  canvas.dataset.rendered = "false";
  canvas.dataset.key = "";
  $("page-stage").hidden = true;
}

function pageGeometry(number) {
  return (state.view.pages ?? []).find((p) => p.number === number) ?? null;
}

export async function renderPage() {
  const seq = ++renderSeq;
  const view = state.view;
  const record = view.record;
  const canvas = $("page-canvas");
  const overlay = clear($("page-overlay"));
  const pageNumbers = [...new Set([...(record.source?.pages ?? []), ...(view.pages ?? []).map((p) => p.number)])].sort((a, b) => a - b);
  const idx = pageNumbers.indexOf(state.page);
  $("page-label").textContent = pageNumbers.length ? `page ${state.page}` : "";
  $("page-back").disabled = idx <= 0;
  $("page-forward").disabled = idx < 0 || idx >= pageNumbers.length - 1;
  $("zoom-label").textContent = `${Math.round(state.zoom * 100)}%`;

  const geometry = pageGeometry(state.page);
  const unit = geometry?.unit ?? Object.values(record.source?.provenance ?? {})[0]?.[0]?.unit;
  if (unit === "grid") {
    noPageImage();
    pageNotice("This record comes from a text dump: there is no page image to show. Check the value against the source and edit it here.");
    return;
  }
  if (!view.source?.available) {
    noPageImage();
    pageNotice("The source file of this record is not available on this server, so the page cannot be shown. You can still edit the values.");
    return;
  }
  const scroller = $("page-scroller");
  const key = `${view.source.url}|${state.page}|${state.zoom}|${scroller.clientWidth}|${window.devicePixelRatio || 1}`;
  if (canvas.dataset.key === key && canvas.dataset.rendered === "true" && !$("page-stage").hidden) {
    // Same page at the same size: only the boxes change.
    pageNotice("");
    drawBoxes(overlay);
    return;
  }
  canvas.dataset.rendered = "false";
  canvas.dataset.key = "";
  pageNotice("Loading the page…");
  renderTask?.cancel();
  renderTask = null;
  const type = view.source.type ?? "pdf";
  if (IMAGE_SOURCE_TYPES.has(type)) {
    await renderImagePage(seq, key, overlay);
    return;
  }
  if (type !== "pdf") {
    noPageImage();
    pageNotice(`The source file is a ${type}, which this page cannot show. You can still edit the values.`);
    return;
  }
  let doc;
  try {
    doc = await getPdf(view.source.url);
  } catch (e) {
    if (seq !== renderSeq) return;
    noPageImage();
    pageNotice(`The source file could not be loaded (${e.message}). You can still edit the values.`);
    pdfDoc = { url: null, promise: null };
    return;
  }
  if (seq !== renderSeq) return;
  if (state.page < 1 || state.page > doc.numPages) {
    noPageImage();
    pageNotice(`The source has ${doc.numPages} pages; page ${state.page} is not among them.`);
    return;
  }
  const page = await doc.getPage(state.page);
  if (seq !== renderSeq) return;
  const base = page.getViewport({ scale: 1 });
  const viewport = page.getViewport({ scale: fitScale(base.width) });
  const dpr = sizeCanvas(viewport.width, viewport.height);
  const task = page.render({
    canvas,
    canvasContext: canvas.getContext("2d"),
    viewport,
    transform: dpr !== 1 ? [dpr, 0, 0, dpr, 0, 0] : undefined,
  });
  renderTask = task;
  try {
    await task.promise;
  } catch (e) {
    if (e?.name === "RenderingCancelledException") return;
    throw e;
  }
  if (seq !== renderSeq) return;
  pageRendered(key, overlay);
}

/**
 * A scanned PNG/JPEG source: one page, drawn at the same fit-to-width × zoom size as a PDF page.
 * Its boxes are in pixels of the image (`pages[0]`), so they land as fractions of it.
 */
async function renderImagePage(seq, key, overlay) {
  const url = state.view.source.url;
  let bitmap;
  try {
    bitmap = await getScanImage(url);
  } catch (e) {
    if (seq !== renderSeq) return;
    noPageImage();
    pageNotice(`The source file could not be loaded (${e.message}). You can still edit the values.`);
    if (scanImage.url === url) scanImage = { url: null, promise: null };
    return;
  }
  if (seq !== renderSeq) return;
  if (state.page !== 1) {
    noPageImage();
    pageNotice(`The source is a single scanned image; page ${state.page} is not in it.`);
    return;
  }
  // The image's own size gives the sheet's shape; the recorded page size is the same image's.
  const scale = fitScale(bitmap.width);
  sizeCanvas(bitmap.width * scale, bitmap.height * scale);
  const canvas = $("page-canvas");
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  // Opaque paper like a PDF page, whatever transparency the image has.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  pageRendered(key, overlay);
}

/** Scale from the page's own size (pt for a PDF, px for an image) to the shown size: fit the pane's width, times the zoom. */
function fitScale(baseWidth) {
  return (Math.max(200, $("page-scroller").clientWidth - 24) / baseWidth) * state.zoom;
}

/** Sizes the canvas (device pixels) and the sheet (CSS pixels) for a page shown `width` × `height` CSS px; returns the device pixel ratio. */
function sizeCanvas(width, height) {
  const canvas = $("page-canvas");
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.floor(width * dpr);
  canvas.height = Math.floor(height * dpr);
  canvas.style.width = `${Math.floor(width)}px`;
  canvas.style.height = `${Math.floor(height)}px`;
  const stage = $("page-stage");
  stage.style.width = canvas.style.width;
  stage.style.height = canvas.style.height;
  stage.hidden = false;
  canvas.hidden = false;
  return dpr;
}

/** The page is drawn: mark the canvas (tests and the same-page shortcut read these) and add the boxes. */
function pageRendered(key, overlay) {
  const canvas = $("page-canvas");
  canvas.dataset.page = String(state.page);
  canvas.dataset.key = key;
  canvas.dataset.rendered = "true";
  pageNotice("");
  drawBoxes(overlay);
}

/**
 * A scan's boxes are in the image OCR straightened (rotated by −skew about its centre, size
 * kept); the page shows the image as scanned, so the box's corners are turned back by +skew and
 * the box drawn around them.
 */
function unskew(b, geometry) {
  const s = ((geometry.skewDegrees ?? 0) * Math.PI) / 180;
  if (!s) return b;
  const cx = (geometry.width - 1) / 2;
  const cy = (geometry.height - 1) / 2;
  const cos = Math.cos(s);
  const sin = Math.sin(s);
  const xs = [];
  const ys = [];
  for (const [x, y] of [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]]) {
    const dx = x - cx;
    const dy = y - cy;
    xs.push(cx + dx * cos - dy * sin);
    ys.push(cy + dx * sin + dy * cos);
  }
  return { ...b, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function drawBoxes(overlay) {
  const record = state.view.record;
  const path = state.boxPath ?? "";
  let boxes = boxesFor(record, path);
  let drawnPath = path;
  if (!boxes.length && state.focusPath && state.focusPath !== path) {
    boxes = boxesFor(record, state.focusPath);
    drawnPath = state.focusPath;
  }
  if (!boxes.length) {
    pageNotice("No position was recorded for this field.");
    return;
  }
  const onPage = boxes.filter((b) => b.page === state.page);
  if (!onPage.length) {
    pageNotice(`The value is on page ${boxes.map((b) => b.page).join(", ")}.`);
    return;
  }
  const geometry = pageGeometry(state.page);
  if (!geometry || !(geometry.width > 0) || !(geometry.height > 0)) {
    pageNotice("The page size is unknown, so the value's box cannot be drawn.");
    return;
  }
  for (const raw of onPage) {
    const b = unskew(raw, geometry);
    const el = h("div", { class: "value-box", dataset: { path: drawnPath, page: String(b.page) }, title: drawnPath });
    const pct = (v) => `${Math.min(100, Math.max(0, v * 100)).toFixed(4)}%`;
    el.style.left = pct(b.x0 / geometry.width);
    el.style.top = pct(b.y0 / geometry.height);
    el.style.width = pct((b.x1 - b.x0) / geometry.width);
    el.style.height = pct((b.y1 - b.y0) / geometry.height);
    overlay.append(el);
  }
  scrollToBox(overlay.querySelector(".value-box"));
}

/** Scrolls the page pane (only it: scrollIntoView would move the whole layout) to centre the box. */
function scrollToBox(box) {
  if (!box) return;
  const scroller = $("page-scroller");
  const stage = $("page-stage");
  const top = stage.offsetTop + box.offsetTop + box.offsetHeight / 2 - scroller.clientHeight / 2;
  const left = stage.offsetLeft + box.offsetLeft + box.offsetWidth / 2 - scroller.clientWidth / 2;
  scroller.scrollTo({ top: Math.max(0, top), left: Math.max(0, left) });
}

export function changePage(delta) {
  const record = state.view?.record;
  if (!record) return;
  const pages = [...new Set([...(record.source?.pages ?? []), ...(state.view.pages ?? []).map((p) => p.number)])].sort((a, b) => a - b);
  const idx = pages.indexOf(state.page);
  const next = pages[idx + delta];
  if (next === undefined) return;
  state.page = next;
  renderPage().catch((e) => pageNotice(`The page could not be drawn: ${e.message}`));
}

export function changeZoom(factor) {
  state.zoom = Math.min(4, Math.max(0.5, state.zoom * factor));
  if (state.view) renderPage().catch((e) => pageNotice(`The page could not be drawn: ${e.message}`));
}

