import { Command, Option } from "commander";
import { JixiaoError } from "@jixiao/core";
import cliProgress from "cli-progress";
import { dirname, resolve } from "node:path";
import { mkdir, open } from "node:fs/promises";
import { createExtractionSandbox, processFile, type FileResult, type ProcessOptions } from "@jixiao/pipeline";
import { openStore, type Store } from "@jixiao/store";
import { createScanExtractor } from "@jixiao/ocr";
import { reapplyCorrections } from "@jixiao/normalize";
import { readEnv, storeConfig } from "./cliEnv.js";
import { registerReviewCommands } from "./reviewCommands.js";
import { UsageError } from "./UsageError.js";
import { exportStore, resolveExportTarget, ExportOptionError, type ExportTarget } from "@jixiao/export";
import { collectInputs } from "./collectInputs.js";
import { writeLinesAtomically } from "./writeAtomically.js";
import { parseQueues, runReconcile, runStatus, runSubmit, runWorker } from "./queueCommands.js";

export { readEnv, type CliEnv } from "./cliEnv.js";

export type RunSummary = { files: number; succeeded: number; partial: number; failed: number; records: number };

/**
 * Processes inputs in-process, stores each document (one transaction per document), and
 * returns every file's result. `onResult` runs once the document is stored (awaited, so output
 * written there is as far along as the store). `shouldStop` is asked before each file: when it
 * says yes the loop ends there and the results so far are returned.
 */
export async function runFiles(
  paths: readonly string[],
  opts: {
    store: Store;
    options?: ProcessOptions;
    onResult?: (r: FileResult, index: number, total: number) => void | Promise<void>;
    shouldStop?: () => boolean;
  },
): Promise<FileResult[]> {
  const files = await collectInputs(paths);
  const results: FileResult[] = [];
  for (const [i, input] of files.entries()) {
    if (opts.shouldStop?.()) break;
    const r = await processFile(input.path, opts.options, input.file);
    if (r.sha256) {
      await opts.store.saveDocument({
        sha256: r.sha256,
        file: r.file,
        inputKind: r.inputKind ?? "pdf",
        status: r.status,
        pageCount: r.pageCount,
        error: r.error,
        records: r.records,
        path: resolve(r.path),
        pageGeometry: r.pageGeometry,
      }, { reapply: reapplyCorrections });
    }
    results.push(r);
    await opts.onResult?.(r, i, files.length);
  }
  return results;
}

/**
 * The `--out` file of `jixiao run`, written as the batch goes: created empty at the start, then
 * each stored document's records appended as whole lines in one write, so a batch that is
 * interrupted or killed leaves the records of every finished document (and no partial line).
 */
async function openRecordsOutput(path: string): Promise<{ append: (records: readonly unknown[]) => Promise<void>; close: () => Promise<void> }> {
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

export function summarize(results: readonly FileResult[]): RunSummary {
  return {
    files: results.length,
    succeeded: results.filter((r) => r.status === "succeeded").length,
    partial: results.filter((r) => r.status === "partial").length,
    failed: results.filter((r) => r.status === "failed").length,
    records: results.reduce((s, r) => s + r.records.length, 0),
  };
}

/** The CLI. Returns the exit status: 0, or 1 when some file failed, 2 on a usage error. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const config = readEnv(env);
  let status = 0;
  const program = new Command()
    .name("jixiao")
    .description("Turns fiscal performance self-evaluation reports (PDF, scans, text dumps) into validated records.")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("run")
    .description("process files or directories in-process, store them, and write this run's records as jsonl")
    .argument("<paths...>", "input files or directories")
    .option("--out <file>", "write the records of this run to this jsonl file")
    .option("--store <dir>", "embedded store directory (PGlite)", config.storeDir)
    .option("--no-progress", "no progress bar")
    .option("--time-limit <seconds>", "most time one file's processing may take (TIMEOUT)", String(config.limits.timeLimitMs / 1000))
    .option("--ocr-page-time <seconds>", "more time for each page OCR reads", String(config.limits.ocrPageTimeMs / 1000))
    .option("--memory-limit <MB>", "most memory one file's processing may use (OVER_LIMIT)", String(config.limits.memoryLimitBytes / 1e6))
    .action(async (paths: string[], o: { out?: string; store: string; progress: boolean; timeLimit: string; ocrPageTime: string; memoryLimit: string }) => {
      const timeLimitMs = Number(o.timeLimit) * 1000;
      const ocrPageTimeMs = Number(o.ocrPageTime) * 1000;
      if (!(ocrPageTimeMs >= 0)) throw new UsageError("--ocr-page-time must be a number of seconds");
      const memoryLimitBytes = Number(o.memoryLimit) * 1e6;
      if (!(timeLimitMs > 0)) throw new UsageError("--time-limit must be a positive number of seconds");
      if (!(memoryLimitBytes >= 100e6)) throw new UsageError("--memory-limit must be a number of MB, at least 100");
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
      try {
        // The store first: when another process holds it (and does not share it) nothing is touched.
        const store = await openStore({ kind: "pglite", dataDir: resolve(o.store) });
        // OCR for pages without a text layer; the worker pool starts on the first scan only.
        const scans = createScanExtractor();
        // Each file is processed in a child process bounded in time and memory (TIMEOUT / OVER_LIMIT).
        const sandbox = createExtractionSandbox({ timeLimitMs, ocrPageTimeMs, memoryLimitBytes });
        const bar =
          o.progress && process.stderr.isTTY
            ? new cliProgress.SingleBar({ format: "{bar} {value}/{total} files | {file}", stream: process.stderr }, cliProgress.Presets.shades_classic)
            : null;
        let started = false;
        let total: number | undefined;
        let out: Awaited<ReturnType<typeof openRecordsOutput>> | undefined;
        try {
          if (o.out) out = await openRecordsOutput(resolve(o.out));
          const results = await runFiles(paths, {
            store,
            options: { extractScan: scans.extractScan, sandbox },
            shouldStop: () => interrupted !== null,
            onResult: async (r, i, n) => {
              total = n;
              await out?.append(r.records);
              if (bar && !started) {
                bar.start(n, 0, { file: "" });
                started = true;
              }
              bar?.update(i + 1, { file: r.file });
              if (r.error) process.stderr.write(`${bar ? "\n" : ""}${r.file}: ${r.error.code}: ${r.error.message}\n`);
            },
          });
          bar?.stop();
          await out?.close();
          out = undefined;
          const s = summarize(results);
          process.stderr.write(
            `${s.files} files: ${s.succeeded} succeeded, ${s.partial} partial, ${s.failed} failed · ${s.records} records${o.out ? ` → ${o.out}` : ""}\n`,
          );
          if (interrupted) {
            const left = total === undefined ? "the rest" : `${total - results.length} of ${total} files`;
            process.stderr.write(
              `interrupted (${interrupted}): ${left} not processed; the finished files are stored${o.out ? ` and their records are in ${o.out}` : ""}. Run the same command again to finish (stored files are not duplicated).\n`,
            );
            status = signalStatus(interrupted);
          } else if (s.failed) status = 1;
        } finally {
          bar?.stop();
          await out?.close();
          await sandbox.close();
          await scans.close();
          await store.close();
        }
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });

  program
    .command("export")
    .description(
      "write everything stored as warehouse tables (reports, funds, indicators, flags, reviews) into a directory, with manifest.json",
    )
    .addOption(new Option("--format <format>", "output format").choices(["jsonl", "csv", "parquet"]).default("jsonl"))
    .requiredOption("--out <dir>", "output directory (with --format jsonl, a path ending in .jsonl writes only the records, as before)")
    .option("--store <dir>", "embedded store directory (PGlite)", config.storeDir)
    .option("--database-url <url>", "export from this PostgreSQL (queue mode's store) instead of the embedded store", config.queue.databaseUrl)
    .option("--approved-only", "only records with no open review, and the rows that belong to them")
    .option("--csv-bom", "csv: start each file with a UTF-8 byte order mark (for spreadsheets)")
    .action(async (o: { format: string; out: string; store: string; databaseUrl?: string; approvedOnly?: boolean; csvBom?: boolean }) => {
      const out = resolve(o.out);
      let target: ExportTarget;
      try {
        target = await resolveExportTarget(o.format, out);
        if (o.csvBom && o.format !== "csv") throw new ExportOptionError("--csv-bom applies to --format csv only");
      } catch (err) {
        throw err instanceof ExportOptionError ? new UsageError(err.message) : err;
      }
      const store = await openStore(storeConfig(o, config));
      try {
        if (target.kind === "records-file") {
          const lines = (async function* () {
            for await (const r of store.listRecords({ approvedOnly: !!o.approvedOnly })) yield JSON.stringify(r);
          })();
          const n = await writeLinesAtomically(out, lines);
          process.stderr.write(`${n} records → ${o.out}\n`);
        } else {
          const r = await exportStore(store, { format: target.format, dir: out, approvedOnly: !!o.approvedOnly, csvBom: !!o.csvBom });
          const counts = Object.entries(r.rows).map(([t, n]) => `${n} ${t}`).join(", ");
          process.stderr.write(`${counts} → ${o.out} (${r.format})\n`);
        }
      } finally {
        await store.close();
      }
    });

  program
    .command("worker")
    .description("run queue workers (BullMQ on Redis, store in PostgreSQL) until SIGTERM/SIGINT")
    .option("--queues <names>", "comma-separated queues to work on: intake,page,assemble", "intake,page,assemble")
    .option("--concurrency <n>", "jobs at once per queue; page jobs run in as many sandboxed processes", String(config.queue.concurrency))
    .action(async (o: { queues: string; concurrency: string }) => {
      const concurrency = Number(o.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a positive integer");
      let queues;
      try {
        queues = parseQueues(o.queues);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      status = await runWorker(config.queue, { queues, concurrency });
    });

  program
    .command("submit")
    .description("queue files or directories for the workers and wait until every document is finished")
    .argument("<paths...>", "input files or directories, on storage every worker can read")
    .option("--reprocess", "process documents again that are already finished")
    .option("--no-wait", "return once everything is queued")
    .option("--no-progress", "no progress bar")
    .option("--timeout <seconds>", "give up waiting after this long")
    .option(
      "--store-wait <seconds>",
      `while PostgreSQL is unreachable, retry for this long before giving up (default JIXIAO_STORE_WAIT_MS, ${Math.round(config.queue.storeWaitMs / 1000)} s)`,
    )
    .action(async (paths: string[], o: { reprocess?: boolean; wait: boolean; progress: boolean; timeout?: string; storeWait?: string }) => {
      status = (await runSubmit(config.queue, paths, o)).code;
    });

  program
    .command("status")
    .description("documents in the shared store by state, with counts")
    .addOption(new Option("--status <state>", "only this state").choices(["queued", "processing", "succeeded", "partial", "failed"]))
    .option("--all", "list every document (default: 20 per state, succeeded ones only counted)")
    .option("--json", "machine-readable output")
    .action(async (o: { status?: string; all?: boolean; json?: boolean }) => {
      status = await runStatus(config.queue, o);
    });

  program
    .command("reconcile")
    .description("enqueue again the unfinished documents no job will finish (e.g. after Redis lost its data)")
    .option("--grace <seconds>", "only documents unchanged this long (default JIXIAO_RECONCILE_GRACE_MS)")
    .action(async (o: { grace?: string }) => {
      status = await runReconcile(config.queue, o);
    });

  registerReviewCommands(program, config, (code) => {
    status = code;
  });

  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    if (typeof e.code === "string" && e.code.startsWith("commander.")) return 2;
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    // A failure the error table knows (store unreachable, bad stored data, …): said, status 1.
    if (err instanceof JixiaoError) {
      process.stderr.write(`error: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return status;
}
