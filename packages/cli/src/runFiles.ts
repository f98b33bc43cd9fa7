import {
  documentToStore, processBytes, processFile, readInput, sha256Of, type FileProgress, type FileResult, type ProcessOptions,
} from "@jixiao/pipeline";
import { collect, isFinished, type Store, type StoredDocument } from "@jixiao/store";
import { reapplyCorrections } from "@jixiao/normalize";
import { findInputs, type FoundInputs, type InputFile } from "./collectInputs.js";

// `jixiao run`'s work (the pipeline, the store): loaded by runCommand.ts once its extraction
// process is under way, never for --help.

/** One file's outcome in `run`; `skipped` when the store already held it finished, so it was not extracted again. */
export type RunResult = FileResult & { skipped?: true };

export type RunSummary = { files: number; succeeded: number; partial: number; failed: number; records: number; skipped: number };

/**
 * A document the store holds finished (see @jixiao/store's isFinished, the rule queue mode's
 * submit follows too) as a result of this run: its stored records, with `source.file` the name
 * this run gives the input (the stored document keeps its own), and no extraction.
 */
async function storedResult(store: Store, doc: StoredDocument, input: { path: string; file: string }): Promise<RunResult> {
  const records = (await collect(store.listRecords({ documentSha256: doc.sha256 }))).map((r) =>
    r.source.file === input.file ? r : { ...r, source: { ...r.source, file: input.file } },
  );
  return {
    file: input.file,
    path: input.path,
    sha256: doc.sha256,
    inputKind: doc.inputKind,
    status: doc.status as FileResult["status"],
    pageCount: doc.pageCount ?? 0,
    pageGeometry: [],
    records,
    issues: [],
    error: doc.error,
    skipped: true,
  };
}

/**
 * Processes inputs, stores each document (one transaction per document), and returns every
 * file's result. A file whose SHA-256 the store already holds as a finished document is not
 * extracted again: its stored records are its result (`skipped`), unless `reprocess`. Files are
 * extracted as many at once as the sandbox has processes (one at a time without a sandbox), but
 * stored and reported in input order: `onResult` runs once the document is stored (awaited, so
 * output written there is as far along as the store). `shouldStop` is asked before each file is
 * started: when it says yes no more are, the ones under way are finished, and the results so
 * far are returned.
 */
export async function runFiles(
  paths: readonly string[],
  opts: {
    /** The store, or its opening: files are read, hashed and (see `newStore`) extracted while it opens. */
    store: Store | PromiseLike<Store>;
    /**
     * The store is new (holds no document): files are extracted without asking it first, so
     * extraction starts before it has opened. Default false.
     */
    newStore?: boolean;
    options?: ProcessOptions;
    /** Extract and store again documents the store already holds finished. Default false. */
    reprocess?: boolean;
    onResult?: (r: RunResult, index: number, total: number) => void | Promise<void>;
    /** Told the inputs before the first file: the files to process, and those skipped for their extension. */
    onStart?: (inputs: FoundInputs) => void | Promise<void>;
    /**
     * How many files to extract at once, asked after onStart (default: as many as the sandbox
     * has processes); never more than the sandbox's processes or the files.
     */
    extractAtOnce?: (inputs: FoundInputs) => number | Promise<number>;
    /** Told as a file's pages are read (OCR, in the extraction sandbox). */
    onProgress?: (input: InputFile, progress: FileProgress) => void;
    shouldStop?: () => boolean;
  },
): Promise<RunResult[]> {
  const opened = Promise.resolve(opts.store);
  opened.catch(() => undefined); // awaited below; a failure to open is thrown from there
  const inputs = await findInputs(paths);
  const files = inputs.files;
  await opts.onStart?.(inputs);
  const lookup = opts.reprocess || opts.newStore ? undefined : opened;
  // Each file's outcome, filled in by the workers; `null` for a file not started (stopped).
  const outcomes = files.map(() => {
    let settle!: (r: Promise<RunResult | null>) => void;
    const promise = new Promise<RunResult | null>((resolve) => (settle = resolve));
    promise.catch(() => undefined);
    return { promise, settle };
  });
  let next = 0;
  let halted = false;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const input = files[i]!;
      if (halted || opts.shouldStop?.()) {
        halted = true;
        for (let j = i; j < files.length; j++) outcomes[j]!.settle(Promise.resolve(null));
        next = files.length;
        return;
      }
      const onProgress = opts.onProgress;
      const options = onProgress ? { ...opts.options, onProgress: (p: FileProgress) => onProgress(input, p) } : opts.options;
      const work = processInput(input, { lookup, ...(options ? { options } : {}) });
      outcomes[i]!.settle(work);
      await work.catch(() => {
        halted = true; // a store failure: start nothing more
      });
    }
  };
  const processes = opts.options?.sandbox?.processes ?? 1;
  const wanted = opts.extractAtOnce ? await opts.extractAtOnce(inputs) : processes;
  const jobs = Math.max(1, Math.min(wanted, processes, files.length));
  const workers = Array.from({ length: jobs }, worker);
  const results: RunResult[] = [];
  try {
    const store = await opened;
    for (const [i, outcome] of outcomes.entries()) {
      const r = await outcome.promise;
      if (r === null) break;
      const doc = r.skipped ? null : documentToStore(r);
      if (doc) await store.saveDocument(doc, { reapply: reapplyCorrections });
      results.push(r);
      await opts.onResult?.(r, i, files.length);
    }
  } finally {
    // On a failure, the files under way are let finish (nothing more starts) before it is thrown.
    halted = true;
    await Promise.all(workers);
  }
  return results;
}

/**
 * One input: read once and hashed; the stored result when the store (`lookup`, once open) holds
 * it finished, else processBytes's.
 */
async function processInput(input: { path: string; file: string }, opts: { lookup: PromiseLike<Store> | undefined; options?: ProcessOptions }): Promise<RunResult> {
  let read: { file: string; data: Uint8Array };
  try {
    read = await readInput(input.path, opts.options, input.file);
  } catch {
    return processFile(input.path, opts.options, input.file); // the same typed failure, as a result
  }
  if (opts.lookup && read.data.byteLength > 0) {
    const store = await opts.lookup;
    const stored = await store.getDocument(sha256Of(read.data));
    if (stored && isFinished(stored.status)) return storedResult(store, stored, input);
  }
  return processBytes(read.data, read.file, input.path, opts.options);
}

export function summarize(results: readonly RunResult[]): RunSummary {
  return {
    files: results.length,
    succeeded: results.filter((r) => r.status === "succeeded").length,
    partial: results.filter((r) => r.status === "partial").length,
    failed: results.filter((r) => r.status === "failed").length,
    records: results.reduce((s, r) => s + r.records.length, 0),
    skipped: results.filter((r) => r.skipped).length,
  };
}

export type RunCommandOptions = {
  /** The records' jsonl file; "-" for standard output. Checked by the caller (checkOutPath). */
  out?: string;
  store: string;
  progress: boolean;
  /** Only the failed files' error lines on standard error: no progress bar, no summary. */
  quiet?: boolean;
  /** The summary as one JSON object on standard output (see RunJsonSummary). */
  json?: boolean;
  reprocess?: boolean;
  /** Files extracted at once, each in a process of its own. */
  jobs: number;
  /**
   * `jobs` is the default (the idle cores), not asked for: a small batch then uses fewer
   * processes (see extractionProcesses in runCommand.ts).
   */
  jobsByDefault?: boolean;
  timeLimitMs: number;
  ocrPageTimeMs: number;
  memoryLimitBytes: number;
  maxBytes: number;
  maxPages: number;
};

/** `jixiao run --json`: what a script needs to know of the run, on standard output. */
export type RunJsonSummary = RunSummary & {
  /** Files found under the directories named but not read for their extension (`source.file` names). */
  skippedFiles: string[];
  /** Each failed file's error. */
  failures: { file: string; code: string; message: string }[];
  /** The records' file, "-" for standard output, or null. */
  out: string | null;
  /** The signal that stopped the run, and how many files it left unprocessed. */
  interrupted: { signal: string; notProcessed: number } | null;
  elapsedMs: number;
};
