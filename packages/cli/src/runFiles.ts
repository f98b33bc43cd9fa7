import { dirname, resolve } from "node:path";
import { mkdir, open, stat } from "node:fs/promises";
import {
  createExtractionSandbox, documentToStore, processBytes, processFile, readInput, sha256Of, type FileProgress, type FileResult, type ProcessOptions,
} from "@jixiao/pipeline";
import { collect, isFinished, openStore, type Store, type StoredDocument } from "@jixiao/store";
import { createScanExtractor } from "@jixiao/ocr";
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
 * Processes inputs in-process, stores each document (one transaction per document), and
 * returns every file's result. A file whose SHA-256 the store already holds as a finished
 * document is not extracted again: its stored records are its result (`skipped`), unless
 * `reprocess`. `onResult` runs once the document is stored (awaited, so output written there is
 * as far along as the store). `shouldStop` is asked before each file: when it says yes the loop
 * ends there and the results so far are returned.
 */
export async function runFiles(
  paths: readonly string[],
  opts: {
    store: Store;
    options?: ProcessOptions;
    /** Extract and store again documents the store already holds finished. Default false. */
    reprocess?: boolean;
    onResult?: (r: RunResult, index: number, total: number) => void | Promise<void>;
    /** Told the inputs before the first file: the files to process, and those skipped for their extension. */
    onStart?: (inputs: FoundInputs) => void | Promise<void>;
    /** Told as the current file's pages are read (OCR, in the extraction sandbox). */
    onProgress?: (input: InputFile, progress: FileProgress) => void;
    shouldStop?: () => boolean;
  },
): Promise<RunResult[]> {
  const inputs = await findInputs(paths);
  const files = inputs.files;
  await opts.onStart?.(inputs);
  const results: RunResult[] = [];
  for (const [i, input] of files.entries()) {
    if (opts.shouldStop?.()) break;
    const onProgress = opts.onProgress;
    const options = onProgress ? { ...opts.options, onProgress: (p: FileProgress) => onProgress(input, p) } : opts.options;
    const r = await processInput(input, { ...opts, ...(options ? { options } : {}) });
    const doc = r.skipped ? null : documentToStore(r);
    if (doc) await opts.store.saveDocument(doc, { reapply: reapplyCorrections });
    results.push(r);
    await opts.onResult?.(r, i, files.length);
  }
  return results;
}

/** One input: read once and hashed; the stored result when the store holds it finished, else processFile's. */
async function processInput(input: { path: string; file: string }, opts: { store: Store; options?: ProcessOptions; reprocess?: boolean }): Promise<RunResult> {
  let read: { file: string; data: Uint8Array };
  try {
    read = await readInput(input.path, opts.options, input.file);
  } catch {
    return processFile(input.path, opts.options, input.file); // the same typed failure, as a result
  }
  if (!opts.reprocess && read.data.byteLength > 0) {
    const stored = await opts.store.getDocument(sha256Of(read.data));
    if (stored && isFinished(stored.status)) return storedResult(opts.store, stored, input);
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
  // SIGINT/SIGTERM: finish the current file (stored, written to --out), then stop; a second one
  // stops at once. Listened for from the start, so a signal while the store opens still closes it.
  let interrupted: NodeJS.Signals | null = null;
  const signalStatus = (sig: NodeJS.Signals) => (sig === "SIGINT" ? 130 : 143);
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      process.stderr.write(`\n${sig} again: stopping now, the current file is not stored\n`);
      process.exit(signalStatus(sig));
    }
    interrupted = sig;
    process.stderr.write(`\n${sig}: stopping after the current file (${sig === "SIGINT" ? "Ctrl-C" : "signal"} again to stop now)\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const limits = { maxBytes: o.maxBytes, maxPages: o.maxPages };
  try {
    // Each file is processed in a child process bounded in time and memory (TIMEOUT / OVER_LIMIT).
    // It starts while the store opens (PGlite's start-up takes about a second): on two cores the
    // two start-ups overlap.
    const sandbox = createExtractionSandbox({ timeLimitMs: o.timeLimitMs, ocrPageTimeMs: o.ocrPageTimeMs, memoryLimitBytes: o.memoryLimitBytes, limits });
    sandbox.start?.();
    // When another process holds the store (and does not share it), nothing is stored or written.
    let store: Store;
    try {
      store = await openStore({ kind: "pglite", dataDir: resolve(o.store) });
    } catch (err) {
      await sandbox.close();
      throw err;
    }
    // OCR for pages without a text layer; the worker pool starts on the first scan only.
    const scans = createScanExtractor();
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
    let out: RecordsOutput | undefined;
    try {
      if (o.out) out = o.out === "-" ? stdoutRecords() : await openRecordsOutput(resolve(o.out));
      const results = await runFiles(paths, {
        store,
        options: { extractScan: scans.extractScan, sandbox, ...limits },
        reprocess: o.reprocess === true,
        shouldStop: () => interrupted !== null,
        onStart: async (inputs) => {
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
      await scans.close();
      await store.close();
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return status;
}
