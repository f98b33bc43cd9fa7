// Per-stage CPU profile for the bench: runs a function under V8's sampling CPU profiler
// (node:inspector) and attributes every sample to a pipeline stage by the innermost jixiao
// frame on its stack (package dist file → stage), or, for work pdf.js does in its message
// handlers (no jixiao caller on the stack: Node runs pdf.js's "worker" in this thread), to
// pdf.js itself. Work in other threads (the OCR engines' workers) is not sampled here: their own
// counters give it.
import { Session } from "node:inspector/promises";

/** Dist file (package/file) → stage. Files not listed (core helpers…) pass to the next frame out. */
const STAGE_OF_FILE = {
  "pdf/withPdf": "open",
  "pdf/preflight": "open",
  "pdf/extractTextItems": "text",
  "pdf/extractPage": "text",
  "pdf/extractRulings": "rulings",
  "layout/*": "reconstruct",
  "normalize/*": "normalize",
  "store/*": "store",
  "ocr/pdfImages": "decode",
  "ocr/pageImages": "decode",
  "ocr/greyImage": "decode",
  "ocr/decodeImage": "decode",
  "ocr/measureSkew": "deskew",
  "ocr/rotateImage": "deskew",
  "ocr/orientPage": "orient",
  "ocr/readPageImage": "orient",
  "ocr/findRulings": "lines",
  "ocr/findTextLines": "lines",
  "ocr/removeSpecks": "lines",
  "ocr/removeSeal": "lines",
  "ocr/binarize": "lines",
  "ocr/boxBlur3": "lines",
  "ocr/ocrPageImage": "OCR (main thread)",
  "ocr/readLinesTwice": "OCR (main thread)",
  "ocr/PaddleRecognizer": "OCR (main thread)",
  "ocr/paddleRunner": "OCR (main thread)",
  "ocr/OcrPool": "OCR (main thread)",
  "ocr/fixOcrText": "OCR (main thread)",
  "ocr/glyphs": "OCR (main thread)",
  "pipeline/*": "pipeline",
};

function stageOfUrl(url) {
  const m = /\/(?:packages|workers)\/([^/]+)\/dist\/([^/]+)\.js$/.exec(url);
  if (!m) return undefined;
  return STAGE_OF_FILE[`${m[1]}/${m[2]}`] ?? STAGE_OF_FILE[`${m[1]}/*`];
}

function stageOfLeaf(frame) {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(idle)") return "idle (waiting: I/O, other threads)";
  if (url.includes("pdfjs-dist")) return "pdf.js (parsing, in its message handlers)";
  if (/node:zlib|webstreams/.test(url)) return "pdf.js (inflate, through web streams)";
  if (/structuredClone|js_transferable/.test(url) || functionName === "structuredClone") return "pdf.js (message cloning)";
  if (url.includes("pglite")) return "store";
  if (url.includes("node:inspector")) return "profiler (measurement)";
  if (/node:internal\/modules|esm\/|compileSourceTextModule/.test(url) || functionName === "compileSourceTextModule") return "module loading";
  return process.env.JIXIAO_BENCH_OTHER ? `other: ${url.split("/").slice(-2).join("/")} ${functionName}` : "other";
}

/** Runs `fn` under the CPU profiler; returns its result and milliseconds of CPU samples per stage. */
export async function withStageProfile(fn, { intervalUs = 500 } = {}) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
  await session.post("Profiler.start");
  let result;
  try {
    result = await fn();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    result = { result, stages: attribute(profile) };
  }
  return result;
}

function attribute(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOfNode = new Map();
  const stageOf = (id) => {
    if (stageOfNode.has(id)) return stageOfNode.get(id);
    let s;
    for (let cur = id; cur !== undefined && !s; cur = parent.get(cur)) s = stageOfUrl(byId.get(cur).callFrame.url);
    if (!s) {
      // A native leaf (no url: zlib's write, structured clone…) takes its nearest caller's place.
      let cur = id;
      while (parent.get(cur) !== undefined && !byId.get(cur).callFrame.url && !byId.get(cur).callFrame.functionName.startsWith("(")) cur = parent.get(cur);
      s = stageOfLeaf(byId.get(cur).callFrame);
    }
    stageOfNode.set(id, s);
    return s;
  };
  const ms = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const s = stageOf(profile.samples[i]);
    ms.set(s, (ms.get(s) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return ms;
}

/** Lines of a stage table: stage, ms, share of the busy (non-idle) time. */
export function stageTable(stages, pages) {
  const busy = [...stages].filter(([k]) => !k.startsWith("idle")).reduce((a, [, v]) => a + v, 0);
  return [...stages]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `    ${k.padEnd(44)} ${v.toFixed(0).padStart(7)} ms ${k.startsWith("idle") ? "      " : `${((100 * v) / busy).toFixed(1).padStart(5)} %`}  ${(v / pages).toFixed(2).padStart(7)} ms/page`);
}
