import { availableParallelism, tmpdir } from "node:os";
import Tesseract from "tesseract.js";
import type { BBox } from "@jixiao/schemas";
import { cleanText } from "@jixiao/core";
import { checkLangData } from "./tessdata.js";
import { cropImage, encodePgm, resizeArea, resizeBilinear, stretchContrast, type GreyImage, type PixelRect } from "./greyImage.js";

/** Tesseract page segmentation modes used here: 6 = a block of lines, 7 = one line. */
export type Psm = 6 | 7;

export type OcrPoolOptions = {
  /**
   * Tesseract languages joined with "+". Default "chi_sim+eng": on the sample scans it reads
   * "%", single digits and grouped numbers far better than chi_sim alone at the same speed.
   */
  langs?: string;
  /** Folder with uncompressed <lang>.traineddata files. Default: the Debian tessdata folder. */
  langPath?: string;
  /** Number of Tesseract workers. Default: the number of cores. */
  size?: number;
  /** A worker is replaced by a fresh one after this many jobs, so WASM memory stays flat. Default 400. */
  recycleAfter?: number;
  /**
   * Resolution crops are recognised at: crops from finer images are downscaled (area
   * averaging) to this dpi first. Tesseract's fast Chinese model misses short lines of large
   * glyphs (e.g. "资金" at 300 dpi) that it reads at a smaller scale. Default 150.
   */
  ocrDpi?: number;
  /** Folder tesseract.js may use as cache. Nothing is written there (cacheMethod "none"). Default: the OS temp dir. */
  cachePath?: string;
};

/** One recognised line, in the coordinates of the image given to `recognize`. */
export type OcrLine = {
  text: string;
  bbox: BBox;
  /** Tesseract's confidence scaled to [0, 1]. */
  confidence: number;
};

/** Per-call settings of `OcrPool.recognize`. */
export type RecognizeOptions = {
  /** Resolution of `image`. Default 300. */
  dpi?: number;
  /** Characters Tesseract must not output (tessedit_char_blacklist). */
  charBlacklist?: string;
  /** Resolution to recognise at, overriding the pool's `ocrDpi` for this call. */
  ocrDpi?: number;
  /**
   * Enlarge the crop (bilinear) when `ocrDpi` is above `dpi`. Default false: crops are only
   * ever reduced.
   */
  upscale?: boolean;
};

type Job = {
  image: Uint8Array;
  psm: Psm;
  dpi: number;
  blacklist: string | undefined;
  cost: number;
  resolve: (r: Tesseract.RecognizeResult) => void;
  reject: (e: unknown) => void;
};

type Slot = {
  worker: Promise<Tesseract.Worker>;
  /** Jobs handed to the current worker since it was created. */
  assigned: number;
  /** Jobs handed over and not finished yet, and their summed cost (pixels). */
  pending: number;
  load: number;
  /** No more jobs go to this worker; it is replaced once its pending jobs are done. */
  draining: boolean;
};

/**
 * A pool of tesseract.js workers shared by every page and document of a process.
 *
 * Jobs are handed to the least-loaded worker as soon as they are submitted (each worker thread
 * queues them itself), so the workers keep recognising while the main thread prepares the next
 * page. After `recycleAfter` jobs a worker takes no more work, finishes what it has, and is
 * replaced by a fresh one; WASM heaps only grow, so recycling keeps memory flat over long runs.
 */
export class OcrPool {
  readonly langs: string;
  readonly langPath: string;
  readonly size: number;
  readonly recycleAfter: number;
  readonly ocrDpi: number;
  private readonly cachePath: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private terminated = false;
  /** Counters for monitoring: jobs finished and workers recycled. */
  readonly stats = { jobs: 0, recycled: 0 };

  private constructor(options: OcrPoolOptions, langPath: string) {
    this.langs = options.langs ?? "chi_sim+eng";
    this.langPath = langPath;
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.recycleAfter = Math.max(1, options.recycleAfter ?? 400);
    this.cachePath = options.cachePath ?? tmpdir();
    this.ocrDpi = options.ocrDpi ?? 150;
  }

  /**
   * Checks the language data (OCR_UNAVAILABLE when a .traineddata file is missing) and starts
   * the workers.
   */
  static async create(options: OcrPoolOptions = {}): Promise<OcrPool> {
    const langPath = checkLangData(options.langs ?? "chi_sim+eng", options.langPath);
    const pool = new OcrPool(options, langPath);
    for (let i = 0; i < pool.size; i++) {
      pool.slots.push({ worker: pool.spawn(), assigned: 0, pending: 0, load: 0, draining: false });
    }
    // Surface start-up failures here rather than on the first job.
    await Promise.all(pool.slots.map((s) => s.worker));
    return pool;
  }

  private spawn(): Promise<Tesseract.Worker> {
    const w = Tesseract.createWorker(this.langs, Tesseract.OEM.LSTM_ONLY, {
      langPath: this.langPath,
      gzip: false,
      cacheMethod: "none",
      cachePath: this.cachePath,
    }).then(async (worker) => {
      // Leptonica/Tesseract diagnostics go nowhere instead of the console.
      await worker.setParameters({ debug_file: "/dev/null" });
      return worker;
    });
    w.catch(() => undefined);
    return w;
  }

  /**
   * Recognises the text inside `rect` of `image` with page segmentation mode `psm` (6 for a
   * block of lines, 7 for a single line). The crop is padded with white. Returns the lines with
   * boxes in `image` coordinates; text is cleaned (spaces between Chinese characters removed).
   */
  async recognize(image: GreyImage, rect: PixelRect, psm: Psm = 7, options: RecognizeOptions = {}): Promise<OcrLine[]> {
    const dpi = options.dpi ?? 300;
    if (this.terminated) throw new Error("OcrPool is terminated");
    const pad = Math.max(8, Math.round(dpi / 30));
    const x0 = Math.max(0, Math.floor(rect.x0));
    const y0 = Math.max(0, Math.floor(rect.y0));
    const tight = stretchContrast(cropImage(image, { x0, y0, x1: rect.x1, y1: rect.y1 }));
    if (tight.width === 0 || tight.height === 0) return [];
    let crop = cropImage(tight, { x0: 0, y0: 0, x1: tight.width, y1: tight.height }, pad);
    const wanted = (options.ocrDpi ?? this.ocrDpi) / dpi;
    const scale = options.upscale ? wanted : Math.min(1, wanted);
    const fullW = crop.width;
    const fullH = crop.height;
    if (scale < 1) crop = resizeArea(crop, Math.max(1, Math.round(fullW * scale)), Math.max(1, Math.round(fullH * scale)));
    else if (scale > 1) crop = resizeBilinear(crop, Math.round(fullW * scale), Math.round(fullH * scale));
    // Scale actually applied on each axis (after rounding to whole pixels).
    const k = crop.width / fullW;
    const ky = crop.height / fullH;
    const workDpi = dpi * k;
    const result = await new Promise<Tesseract.RecognizeResult>((resolve, reject) => {
      this.queue.push({
        image: encodePgm(crop),
        psm,
        dpi: workDpi,
        blacklist: options.charBlacklist,
        cost: crop.width * crop.height,
        resolve,
        reject,
      });
      this.dispatch();
    });
    const lines: OcrLine[] = [];
    for (const block of result.data.blocks ?? []) {
      for (const para of block.paragraphs) {
        for (const line of para.lines) {
          const text = cleanText(line.text);
          if (!text) continue;
          lines.push({
            text,
            bbox: {
              x0: Math.round(line.bbox.x0 / k + x0 - pad),
              y0: Math.round(line.bbox.y0 / ky + y0 - pad),
              x1: Math.round(line.bbox.x1 / k + x0 - pad),
              y1: Math.round(line.bbox.y1 / ky + y0 - pad),
            },
            confidence: Math.max(0, Math.min(1, line.confidence / 100)),
          });
        }
      }
    }
    return lines;
  }

  private dispatch(): void {
    while (this.queue.length) {
      const open = this.slots.filter((s) => !s.draining);
      if (!open.length) return;
      const slot = open.reduce((a, b) => (b.load < a.load ? b : a));
      const job = this.queue.shift()!;
      slot.assigned++;
      slot.pending++;
      slot.load += job.cost;
      if (slot.assigned >= this.recycleAfter) slot.draining = true;
      void this.run(slot, job);
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    try {
      const worker = await slot.worker;
      const params: { [name: string]: string } = {
        tessedit_pageseg_mode: String(job.psm),
        user_defined_dpi: String(Math.round(job.dpi)),
      };
      if (job.blacklist) params["tessedit_char_blacklist"] = job.blacklist;
      // Tesseract parameters ride along with the recognize options; tesseract.js sets them for
      // this job only and restores them afterwards.
      const result = await worker.recognize(
        Buffer.from(job.image.buffer, job.image.byteOffset, job.image.byteLength),
        params as Partial<Tesseract.RecognizeOptions>,
        { text: false, blocks: true },
      );
      this.stats.jobs++;
      job.resolve(result);
    } catch (err) {
      job.reject(err);
    } finally {
      slot.pending--;
      slot.load -= job.cost;
      if (slot.draining && slot.pending === 0 && !this.terminated) {
        const old = slot.worker;
        slot.worker = this.spawn();
        slot.assigned = 0;
        slot.draining = false;
        this.stats.recycled++;
        void old.then((w) => w.terminate()).catch(() => undefined);
        this.dispatch();
      }
    }
  }

  /** Stops every worker; pending jobs are rejected. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("OcrPool terminated"));
    await Promise.all(
      this.slots.map((s) =>
        s.worker.then((w) => w.terminate()).catch(() => undefined),
      ),
    );
  }
}
