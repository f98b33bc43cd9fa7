import { dirname, resolve } from "node:path";
import { mkdir, open, readdir, stat } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import {
  createExtractionSandbox, documentToStore, processBytes, processFile, readInput, sha256Of, type FileProgress, type FileResult, type ProcessOptions,
} from "@jixiao/pipeline";
import { collect, isFinished, openStore, type Store, type StoredDocument } from "@jixiao/store";
import { reapplyCorrections } from "@jixiao/normalize";
import { findInputs, skippedLine, type FoundInputs, type InputFile } from "./collectInputs.js";
import { errorLine } from "./errorLine.js";
import { startProgressBar, type ProgressState } from "./runProgress.js";

// `jixiao run`'s work: loaded by its action only (pdf.js, OCR, the store), never for --help.

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
  const jobs = Math.max(1, Math.min(opts.options?.sandbox?.processes ?? 1, files.length));
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

/** Where `jixiao run` writes its records as the batch goes: a file, or standard output (`--out -`). */
type RecordsOutput = { append: (records: readonly unknown[]) => Promise<void>; close: () => Promise<void> };

/**
 * The `--out` file of `jixiao run`, written as the batch goes: created empty at the start, then
 * each stored document's records appended as whole lines in one write, so a batch that is
 * interrupted or killed leaves the records of every finished document (and no partial line).
 */
async function openRecordsOutput(path: string): Promise<RecordsOutput> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, "w");
  return {
    async append(records) {
      if (records.length === 0) return;
      await handle.appendFile(records.map((rec) => JSON.stringify(rec) + "\n").join(""), "utf8");
    },
    close: () => handle.close(),
  };
}

/**
 * `--out -`: the records on standard output, one document's lines in one write, waiting for each
 * write to be taken (a slow reader slows the batch instead of filling memory). Once the reader
 * is gone (EPIPE: `| head`), the rest is dropped; the batch goes on and everything is stored.
 */
function stdoutRecords(): RecordsOutput {
  let broken = false;
  const onError = () => {
    broken = true;
  };
  process.stdout.on("error", onError);
  return {
    async append(records) {
      if (records.length === 0 || broken) return;
      const text = records.map((rec) => JSON.stringify(rec) + "\n").join("");
      await new Promise<void>((done) => process.stdout.write(text, "utf8", () => done()));
    },
    close: async () => {
      process.stdout.off("error", onError);
    },
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

/** The input files' sizes in bytes (0 for one that cannot be read): the progress bar's measure of work. */
async function sizesOf(files: readonly InputFile[]): Promise<number[]> {
  return Promise.all(files.map((f) => stat(f.path).then((s) => (s.isFile() ? s.size : 0), () => 0)));
}

/** `jixiao run` once its options are checked. Returns the exit status. */
export async function runCommand(paths: string[], o: RunCommandOptions): Promise<number> {
  const startedAt = Date.now();
  const say = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  let status = 0;
  // SIGINT/SIGTERM: finish the current files (stored, written to --out), then stop; a second one
  // stops at once. Listened for from the start, so a signal while the store opens still closes it.
  let interrupted: NodeJS.Signals | null = null;
  const signalStatus = (sig: NodeJS.Signals) => (sig === "SIGINT" ? 130 : 143);
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      process.stderr.write(`\n${sig} again: stopping now, the current ${o.jobs > 1 ? "files are" : "file is"} not stored\n`);
      process.exit(signalStatus(sig));
    }
    interrupted = sig;
    process.stderr.write(`\n${sig}: stopping after the current file${o.jobs > 1 ? "s" : ""} (${sig === "SIGINT" ? "Ctrl-C" : "signal"} again to stop now)\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const limits = { maxBytes: o.maxBytes, maxPages: o.maxPages };
  // PGlite is 9 MB of WebAssembly. V8 compiles its hot functions again with the optimising
  // compiler in background threads: about a second of CPU at start-up, which process exit then
  // waits for, and which a run's few queries never pay back (a second run took 4.2 s against
  // 2.3 s with the baseline compiler only, 400 against 250 MB). This process runs no other
  // WebAssembly (extraction and OCR are in the sandbox's child), so the flag touches nothing else.
  setFlagsFromString("--liftoff-only");
  try {
    // Each file is processed in a child process bounded in time and memory (TIMEOUT / OVER_LIMIT),
    // `jobs` files at once. A new store holds nothing to skip, so extraction starts while it opens
    // (PGlite's start-up takes about a second); an existing one is asked first, and a child
    // starts only for a file it does not hold (a second run of the same files starts none).
    const storeDir = resolve(o.store);
    const newStore = await readdir(storeDir).then(
      (entries) => entries.length === 0,
      (err: NodeJS.ErrnoException) => err.code === "ENOENT",
    );
    const sandbox = createExtractionSandbox({
      timeLimitMs: o.timeLimitMs, ocrPageTimeMs: o.ocrPageTimeMs, memoryLimitBytes: o.memoryLimitBytes, limits, processes: o.jobs,
    });
    let out: RecordsOutput | undefined;
    // When another process holds the store (and does not share it), nothing is stored or written
    // (the --out file is made once the store is open).
    // PGlite in a thread of its own: its start-up (a second of WebAssembly) then leaves this one
    // free to hand files to the extraction processes.
    const opened = openStore({ kind: "pglite", dataDir: storeDir, thread: true }).then(async (store) => {
      try {
        if (o.out) out = o.out === "-" ? stdoutRecords() : await openRecordsOutput(resolve(o.out));
      } catch (err) {
        await store.close();
        throw err;
      }
      return store;
    });
    opened.catch(() => undefined);
    const showBar = o.progress && !o.quiet && process.stderr.isTTY === true;
    const state: ProgressState = { startedAt, sizes: [], filesDone: 0, pagesDone: 0, current: null };
    const view: { bar: ReturnType<typeof startProgressBar> | null } = { bar: null };
    /** A line printed while the bar shows goes above it. */
    const print = (line: string) => {
      view.bar?.stop();
      process.stderr.write(`${line}\n`);
      if (view.bar) view.bar = startProgressBar(state);
    };
    let total: number | undefined;
    let files: InputFile[] = [];
    let skipped: InputFile[] = [];
    try {
      const results = await runFiles(paths, {
        store: opened,
        newStore,
        // OCR (pages without a text layer) runs in the sandbox's child too.
        options: { sandbox, ...limits },
        reprocess: o.reprocess === true,
        shouldStop: () => interrupted !== null,
        onStart: async (inputs) => {
          if (newStore) sandbox.start?.(Math.min(o.jobs, inputs.files.length));
          total = inputs.files.length;
          files = inputs.files;
          skipped = inputs.skipped;
          if (!showBar) return;
          state.sizes = await sizesOf(inputs.files);
          state.current = inputs.files[0] ? { file: inputs.files[0].file, pagesDone: 0, pageCount: null } : null;
          view.bar = startProgressBar(state);
        },
        onProgress: (input, p) => {
          state.current = { file: input.file, pagesDone: p.pagesDone, pageCount: p.pageCount };
          view.bar?.update();
        },
        onResult: async (r, i, n) => {
          await out?.append(r.records);
          state.filesDone = i + 1;
          state.pagesDone += r.pageCount;
          const next = i + 1 < n ? files[i + 1] : undefined;
          state.current = next ? { file: next.file, pagesDone: 0, pageCount: null } : null;
          if (r.error) print(errorLine(r.file, r.error));
          view.bar?.update();
        },
      });
      view.bar?.stop();
      view.bar = null;
      await out?.close();
      out = undefined;
      const s = summarize(results);
      const notProcessed = total === undefined ? 0 : total - results.length;
      if (o.json) {
        const summary: RunJsonSummary = {
          ...s,
          skippedFiles: skipped.map((f) => f.file),
          failures: results.flatMap((r) => (r.error ? [{ file: r.file, code: r.error.code, message: r.error.message }] : [])),
          out: o.out ?? null,
          interrupted: interrupted ? { signal: interrupted, notProcessed } : null,
          elapsedMs: Date.now() - startedAt,
        };
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        const skippedText = skippedLine(skipped);
        if (skippedText) say(skippedText);
        say(
          `${s.files} files: ${s.succeeded} succeeded, ${s.partial} partial, ${s.failed} failed · ${s.records} records${
            o.out && o.out !== "-" ? ` → ${o.out}` : ""
          }${s.skipped ? ` · ${s.skipped} already stored, not extracted again (--reprocess extracts them)` : ""}`,
        );
      }
      if (interrupted) {
        const left = total === undefined ? "the rest" : `${notProcessed} of ${total} files`;
        process.stderr.write(
          `interrupted (${interrupted}): ${left} not processed; the finished files are stored${o.out && o.out !== "-" ? ` and their records are in ${o.out}` : ""}. Run the same command again to finish (stored files are not extracted again).\n`,
        );
        status = signalStatus(interrupted);
      } else if (s.failed) status = 1;
    } finally {
      view.bar?.stop();
      await out?.close();
      await sandbox.close();
      await (await opened.catch(() => undefined))?.close();
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return status;
}
