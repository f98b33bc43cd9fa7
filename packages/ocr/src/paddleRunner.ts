import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * The model's output reduced to what CTC greedy decoding reads: for each of its T steps the best
 * class and that class's probability, and the number of classes C. The full [1, T, C] output is
 * C = 6,625 floats a step (up to 12 MB for a wide line); only 8 bytes a step leave the runner.
 */
export type StepBest = {
  index: Int32Array;
  prob: Float32Array;
  classes: number;
  /** Each step's runner-up class other than the blank (0 when the best is the only one) and its probability. */
  second: Int32Array;
  secondProb: Float32Array;
};

/**
 * Runs the recognition model on one line: `pixels` holds its grey pixels scaled to the model's
 * height (`contentWidth` columns), padded to `width` columns in the input tensor [1, 3, h, width].
 * The line travels as bytes (a twelfth of the tensor) and the tensor is built where the model runs.
 */
export type ModelRunner = {
  run(pixels: Uint8Array, contentWidth: number, width: number): Promise<StepBest>;
  close(): Promise<void>;
  /** Garbage collections the model's worker thread made to free its lines' buffers (see DEFAULT_RELEASE_AFTER_BYTES). */
  readonly collections: number;
};

/**
 * Bytes of line buffers (the input tensor, and the copy onnxruntime-node makes of the output,
 * [1, T, 6,625] floats: about 2 MB for an ordinary line, up to 12 MB for a wide one) the model's
 * worker thread lets pile up before it frees them with a young-generation collection (a
 * scavenge: a fraction of a millisecond, the worker holds little else). Left to V8, the worker
 * collected only once its external memory had grown by some 64 MB, and the freed buffers left
 * malloc's arena fragmented. Freeing them after every line (0, the default) took `jixiao run`
 * on corpus/scan (43 pages) from 634 to 572 MB peak RSS at the same CPU time.
 */
const DEFAULT_RELEASE_AFTER_BYTES = 0;

/**
 * The model's input tensor of a line: grey → [-1, 1], three equal channels, columns past
 * `contentWidth` left 0 (PaddleOCR's padding). Plain JavaScript on purpose: the worker runs this
 * very function.
 */
export function lineTensor(pixels: ArrayLike<number>, contentWidth: number, width: number, h: number): Float32Array {
  const plane = width * h;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < contentWidth; x++) {
      const v = pixels[y * contentWidth + x]! / 127.5 - 1;
      const i = y * width + x;
      data[i] = v;
      data[plane + i] = v;
      data[2 * plane + i] = v;
    }
  }
  return data;
}

/**
 * The best class of each step of a [1, T, C] probability tensor. Plain JavaScript on purpose: the
 * worker runs this very function (its source is put into the worker's).
 */
export function bestPerStep(probs: ArrayLike<number>, dims: readonly number[]): StepBest {
  const steps = Number(dims[1]);
  const classes = Number(dims[2]);
  const index = new Int32Array(steps);
  const prob = new Float32Array(steps);
  const second = new Int32Array(steps);
  const secondProb = new Float32Array(steps);
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    index[t] = best;
    prob[t] = bestP;
    // The runner-up among the characters (the blank excluded), what the step might have read, is
    // sought only where the best is below 0.999 (a literal: the worker runs this function's
    // source): the lexicon weighs characters read below 0.99, and most steps are surer.
    if (bestP >= 0.999) continue;
    let alt = 0;
    let altP = 0;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (c !== best && p > altP) {
        altP = p;
        alt = c;
      }
    }
    second[t] = alt;
    secondProb[t] = altP;
  }
  return { index, prob, classes, second, secondProb };
}

/**
 * Whether ONNX Runtime keeps the model's intermediate buffers in a memory arena of its own.
 * Without one, each of the model's operators takes its output from malloc and frees it once it
 * has been read: some 300 buffers of 64 KB to 2 MB a line, about 120 MB a line. In the OCR process
 * (MALLOC_ARENA_MAX=2, as the extraction sandbox runs it) the model's thread shares glibc's main
 * arena with the main thread's page images, and that churn left the arena fragmented, some
 * 100 MB of it free but resident. The arena grows to what the widest line needs and is reused:
 * on corpus/scan (43 pages) the OCR process peaked at 536 MiB instead of 573 (medians of 3 and
 * 4 runs), at the same CPU time.
 */
const DEFAULT_MEMORY_ARENA = true;

const sessionOptions = (threads: number, memoryArena: boolean) => ({
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: "sequential" as const,
  graphOptimizationLevel: "all" as const,
  enableCpuMemArena: memoryArena,
  // Memory patterns are planned per input shape, and nearly every line has a width of its own.
  enableMemPattern: false,
  // With more than one thread (paddleThreads > 1), the helpers sleep between lines instead of
  // spinning: spinning doubled the model's CPU time and took the core the page preparation needs.
  extra: { session: { intra_op: { allow_spinning: "0" } } },
});

/**
 * The model in this thread: onnxruntime-node runs `session.run` synchronously on the calling
 * thread, so the event loop waits while a line is recognised.
 */
export async function inThreadRunner(
  modelPath: string,
  threads: number,
  height: number,
  memoryArena = DEFAULT_MEMORY_ARENA,
): Promise<ModelRunner> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelPath, sessionOptions(threads, memoryArena));
  return {
    async run(pixels, contentWidth, width) {
      const data = lineTensor(pixels, contentWidth, width, height);
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", data, [1, 3, height, width]) });
      const y = out[session.outputNames[0]!]!;
      const best = bestPerStep(y.data as Float32Array, y.dims);
      y.dispose();
      return best;
    },
    close: () => session.release(),
    // In the caller's thread the caller's own garbage collector frees the buffers.
    collections: 0,
  };
}

// The worker is plain CommonJS given as source (eval), so it runs the same from src and dist.
const WORKER_SOURCE = `
const bestPerStep = ${bestPerStep.toString()};
const lineTensor = ${lineTensor.toString()};
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
// The collector of this thread, to free each line's buffers when they are done with (V8 exposes
// it to contexts made after the flag is set: this one alone).
require("node:v8").setFlagsFromString("--expose-gc");
const collect = require("node:vm").runInNewContext("gc");
let unreleased = 0;
const ready = ort.InferenceSession.create(workerData.modelPath, workerData.sessionOptions);
ready.then(() => parentPort.postMessage({ ready: true }), (e) => parentPort.postMessage({ ready: false, error: String((e && e.message) || e) }));
// Lines are taken one at a time: a line's tensor is built when its turn comes, not when it
// arrives (the main thread sends a page's lines ahead), so that each line's buffers die young.
const queue = [];
let draining = false;
async function drain() {
  draining = true;
  while (queue.length) {
    const { id, pixels, contentWidth, width } = queue.shift();
    try {
      const session = await ready;
      const x = new ort.Tensor("float32", lineTensor(pixels, contentWidth, width, workerData.height), [1, 3, workerData.height, width]);
      const out = await session.run({ [session.inputNames[0]]: x });
      const y = out[session.outputNames[0]];
      const best = bestPerStep(y.data, y.dims);
      y.dispose();
      unreleased += x.data.byteLength + 4 * best.index.length * best.classes;
      let collected = false;
      if (unreleased > workerData.releaseAfterBytes) {
        // The line's buffers died young: a scavenge frees them (no full collection needed).
        collect({ type: "minor" });
        unreleased = 0;
        collected = true;
      }
      parentPort.postMessage({ id, best, collected }, [best.index.buffer, best.prob.buffer, best.second.buffer, best.secondProb.buffer]);
    } catch (e) {
      parentPort.postMessage({ id, error: String((e && e.message) || e) });
    }
  }
  draining = false;
}
parentPort.on("message", (m) => {
  queue.push(m);
  if (!draining) void drain();
});
`;

/**
 * The model in a worker thread of its own: the main thread prepares the next lines and pages
 * while a line is recognised. Calls are answered in order; a worker that dies fails every
 * pending call.
 */
export async function workerRunner(
  modelPath: string,
  threads: number,
  height: number,
  releaseAfterBytes = DEFAULT_RELEASE_AFTER_BYTES,
  memoryArena = DEFAULT_MEMORY_ARENA,
): Promise<ModelRunner> {
  const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { ortPath, modelPath, height, sessionOptions: sessionOptions(threads, memoryArena), releaseAfterBytes },
  });
  let collections = 0;
  const pending = new Map<number, { resolve: (r: StepBest) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let failure: Error | undefined;
  const failAll = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean; error?: string }) => {
      if (m.ready === undefined) return;
      worker.off("message", onMessage);
      if (m.ready) resolve();
      else reject(new Error(m.error ?? "the PP-OCR worker did not start"));
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
  worker.on("message", (m: { id?: number; best?: StepBest; error?: string; collected?: boolean }) => {
    if (m.id === undefined) return;
    if (m.collected) collections++;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.best!);
  });
  worker.on("error", (e) => failAll(e instanceof Error ? e : new Error(String(e))));
  worker.on("exit", (code) => failAll(new Error(`the PP-OCR worker exited (code ${code})`)));
  // The worker keeps the process alive only while a call waits for it.
  worker.unref();
  return {
    run(pixels, contentWidth, width) {
      if (failure) return Promise.reject(failure);
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, pixels, contentWidth, width }, [pixels.buffer as ArrayBuffer]);
      });
    },
    async close() {
      failure ??= new Error("the PP-OCR worker is closed");
      await worker.terminate();
    },
    get collections() {
      return collections;
    },
  };
}

/**
 * Input width (columns) from which pooledRunner gives a line to its first runner only. Each
 * session's memory arena grows to what the widest line it has read needed, and keeps it. Wide
 * lines are few (on corpus/scan 85 of 3,566 lines are wider than 640 columns, 14 % of the
 * columns read; the widest 1,407): sent to one session, only that one's arena grows to fit them.
 * `jixiao`'s reading of corpus/scan peaked at 503 and 526 MB instead of 566 and 561, at the same
 * speed.
 */
const DEFAULT_WIDE_LINE_COLUMNS = 640;

/**
 * Several runners as one: each line goes to the runner with the fewest input columns still
 * waiting (a line's model time grows with its width), a line of `wideLineColumns` or more to the
 * first runner. Lines are answered as their own runner finishes them, so calls are no longer
 * answered in order.
 */
export function pooledRunner(runners: readonly ModelRunner[], wideLineColumns = DEFAULT_WIDE_LINE_COLUMNS): ModelRunner {
  if (runners.length === 1) return runners[0]!;
  const waiting = runners.map(() => 0);
  return {
    run(pixels, contentWidth, width) {
      let k = 0;
      if (width < wideLineColumns) for (let i = 1; i < runners.length; i++) if (waiting[i]! < waiting[k]!) k = i;
      waiting[k]! += width;
      const done = () => void (waiting[k]! -= width);
      const p = runners[k]!.run(pixels, contentWidth, width);
      p.then(done, done);
      return p;
    },
    async close() {
      await Promise.all(runners.map((r) => r.close()));
    },
    get collections() {
      return runners.reduce((n, r) => n + r.collections, 0);
    },
  };
}
