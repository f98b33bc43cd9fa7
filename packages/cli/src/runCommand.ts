import { dirname, resolve } from "node:path";
import { mkdir, open, readdir, stat } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { recordLine } from "@jixiao/core/recordLine";
import { createExtractionSandbox } from "@jixiao/pipeline/sandbox";
import { skippedLine, type InputFile } from "./collectInputs.js";
import { errorLine } from "./errorLine.js";
import type { ProgressState, startProgressBar } from "./runProgress.js";
import type { RunCommandOptions, RunJsonSummary } from "./runFiles.js";

// `jixiao run`'s command (main.ts imports it in the action). Its own imports stay light: the
// first extraction process is started from here before this process loads the pipeline and the
// store (runFiles.ts, @jixiao/store: zod, pdf.js's wrappers, PGlite's client, about a third of a
// second of CPU), so that the child's start-up (Node, its modules, pdf.js) overlaps that loading
// instead of following it. cliHelp.test.ts checks what importing this module loads.

/**
 * Input bytes a further extraction process is started for (see extractionProcesses): about 120
 * digital pages (3-4 s of a warm process's CPU), or some 18 scanned ones.
 */
const BYTES_PER_PROCESS = 8 * 1024 * 1024;

/**
 * How many extraction processes a batch gets when --jobs (JIXIAO_JOBS) is not given: one, and
 * one more for each further BYTES_PER_PROCESS of input, up to `jobs` (the idle cores) and the
 * files. Each process pays its own start-up and warm-up: loading pdf.js, then compiling and
 * optimising its hot code as the first pages go (in one process on the 2-core VM, the first pass
 * over corpus/digital's 43 pages took 3.7 s of CPU, the third 1.3 s). A second process pays that
 * again, on the cores the first one's compiler threads and the store use, for a share of the
 * pages: on a small batch it costs more than it saves (`run` of corpus/digital took 8.9 s of CPU
 * with two processes, 7.0 s with one, under a load of 10).
 */
export function extractionProcesses(sizes: readonly number[], jobs: number): number {
  const total = sizes.reduce((s, n) => s + n, 0);
  return Math.max(1, Math.min(jobs, sizes.length, 1 + Math.floor(total / BYTES_PER_PROCESS)));
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
      await handle.appendFile(records.map((rec) => recordLine(rec) + "\n").join(""), "utf8");
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
      const text = records.map((rec) => recordLine(rec) + "\n").join("");
      await new Promise<void>((done) => process.stdout.write(text, "utf8", () => done()));
    },
    close: async () => {
      process.stdout.off("error", onError);
    },
  };
}

/** The input files' sizes in bytes (0 for one that cannot be read): the measure of work (progress bar, extraction processes). */
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
  /** Files extracted at once (decided once the inputs are known). */
  let atOnce = o.jobs;
  const signalStatus = (sig: NodeJS.Signals) => (sig === "SIGINT" ? 130 : 143);
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      process.stderr.write(`\n${sig} again: stopping now, the current ${atOnce > 1 ? "files are" : "file is"} not stored\n`);
      process.exit(signalStatus(sig));
    }
    interrupted = sig;
    process.stderr.write(`\n${sig}: stopping after the current file${atOnce > 1 ? "s" : ""} (${sig === "SIGINT" ? "Ctrl-C" : "signal"} again to stop now)\n`);
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
    // up to `jobs` files at once (fewer for a small batch unless --jobs was given, see
    // extractionProcesses). A new store holds nothing to skip, so extraction starts while it
    // opens (PGlite's start-up takes about a second): the first child is started at once, before
    // the pipeline and the store are loaded here, and the others once the inputs are known. An
    // existing store is asked first, and a child starts only for a file it does not hold (a
    // second run of the same files starts none).
    const storeDir = resolve(o.store);
    const newStore = await readdir(storeDir).then(
      (entries) => entries.length === 0,
      (err: NodeJS.ErrnoException) => err.code === "ENOENT",
    );
    const sandbox = createExtractionSandbox({
      timeLimitMs: o.timeLimitMs, ocrPageTimeMs: o.ocrPageTimeMs, memoryLimitBytes: o.memoryLimitBytes, limits, processes: o.jobs,
    });
    if (newStore) sandbox.start?.(1);
    let out: RecordsOutput | undefined;
    // When another process holds the store (and does not share it), nothing is stored or written
    // (the --out file is made once the store is open).
    // PGlite in a thread of its own: its start-up (a second of WebAssembly) then leaves this one
    // free to hand files to the extraction processes. Loaded after the first child is started.
    const opened = import("@jixiao/store").then(async ({ openStore }) => {
      const store = await openStore({ kind: "pglite", dataDir: storeDir, thread: true });
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
    // The bar (cli-progress) is loaded only when it shows.
    const view: { bar: ReturnType<typeof startProgressBar> | null; start?: typeof startProgressBar } = { bar: null };
    /** A line printed while the bar shows goes above it. */
    const print = (line: string) => {
      view.bar?.stop();
      process.stderr.write(`${line}\n`);
      if (view.bar && view.start) view.bar = view.start(state);
    };
    let total: number | undefined;
    let files: InputFile[] = [];
    let skipped: InputFile[] = [];
    try {
      const { runFiles, summarize } = await import("./runFiles.js");
      const results = await runFiles(paths, {
        store: opened,
        newStore,
        // OCR (pages without a text layer) runs in the sandbox's child too.
        options: { sandbox, ...limits },
        reprocess: o.reprocess === true,
        shouldStop: () => interrupted !== null,
        onStart: async (inputs) => {
          total = inputs.files.length;
          files = inputs.files;
          skipped = inputs.skipped;
          state.sizes = await sizesOf(inputs.files);
          if (!showBar) return;
          state.current = inputs.files[0] ? { file: inputs.files[0].file, pagesDone: 0, pageCount: null } : null;
          view.start = (await import("./runProgress.js")).startProgressBar;
          view.bar = view.start(state);
        },
        extractAtOnce: () => {
          const n = o.jobsByDefault ? extractionProcesses(state.sizes, o.jobs) : o.jobs;
          atOnce = Math.max(1, Math.min(n, files.length));
          if (newStore) sandbox.start?.(atOnce);
          return n;
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
      // The extraction processes and the store close at once: the processes hold nothing of the
      // store (every result is stored or dropped by now).
      await Promise.all([sandbox.close(), opened.then((store) => store.close(), () => undefined)]);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return status;
}
