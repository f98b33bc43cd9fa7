import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { readEnv, type CliEnv } from "./cliEnv.js";
import { registerQueueCommands } from "./queueCommandDefs.js";
import { registerReviewCommands } from "./reviewCommands.js";
import { UsageError } from "./UsageError.js";
import { checkOutPath } from "./checkOutPath.js";
import type { RunCommandOptions } from "./runFiles.js";

// Loaded for every command, `--help` and `--version` included: only commander and the CLI's own
// light modules are imported here. Each command's action imports what it needs (pdf.js, OCR, the
// store, BullMQ, fastify, zod, …) when it runs; cliHelp.test.ts fails if a heavy module is loaded
// for --help.

export { readEnv, type CliEnv } from "./cliEnv.js";

/** The CLI's version (its package.json, one directory up from src/ and dist/ alike). */
function version(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

type RunFlags = {
  out?: string;
  store: string;
  reprocess?: boolean;
  progress: boolean;
  quiet?: boolean;
  json?: boolean;
  timeLimit: string;
  ocrPageTime: string;
  memoryLimit: string;
  maxBytes: string;
  maxPages: string;
  jobs: string;
};

/** `run`'s options checked (a UsageError, exit status 2, before any work) and in the units runCommand takes. */
function runOptions(o: RunFlags): RunCommandOptions {
  const timeLimitMs = Number(o.timeLimit) * 1000;
  const ocrPageTimeMs = Number(o.ocrPageTime) * 1000;
  if (!(ocrPageTimeMs >= 0)) throw new UsageError("--ocr-page-time must be a number of seconds");
  const memoryLimitBytes = Number(o.memoryLimit) * 1e6;
  if (!(timeLimitMs > 0)) throw new UsageError("--time-limit must be a positive number of seconds");
  if (!(memoryLimitBytes >= 100e6)) throw new UsageError("--memory-limit must be a number of MB, at least 100");
  const maxBytes = Number(o.maxBytes);
  const maxPages = Number(o.maxPages);
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new UsageError("--max-bytes must be a positive whole number of bytes");
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new UsageError("--max-pages must be a positive whole number");
  const jobs = Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError("--jobs must be a positive whole number");
  if (o.out !== undefined) checkOutPath(o.out);
  if (o.json && o.out === "-") throw new UsageError("--json and --out - both write to standard output: name a file for --out");
  const { timeLimit: _t, ocrPageTime: _o, memoryLimit: _m, maxBytes: _b, maxPages: _p, jobs: _j, ...rest } = o;
  return { ...rest, timeLimitMs, ocrPageTimeMs, memoryLimitBytes, maxBytes, maxPages, jobs };
}

/** The CLI. Returns the exit status: 0, or 1 when some file failed, 2 on a usage error. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: CliEnv;
  try {
    config = readEnv(env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  let status = 0;
  const program = new Command()
    .name("jixiao")
    .description("Turns fiscal performance self-evaluation reports (PDF, scans, text dumps) into validated records.")
    .version(version())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("run")
    .description("process files or directories in-process, store them, and write this run's records as jsonl")
    .argument("<paths...>", "input files or directories")
    .option("--out <file>", "write the records of this run to this jsonl file (- for standard output)")
    .option("--store <dir>", "embedded store directory (PGlite)", config.storeDir)
    .option("--reprocess", "extract files again whose document (same SHA-256) is already stored, instead of giving its stored records")
    .option("--no-progress", "no progress bar")
    .option("--quiet", "print only the failed files' errors: no progress bar, no summary")
    .option("--json", "print the summary as one JSON object on standard output (for scripts)")
    .option("--time-limit <seconds>", "most time one file's processing may take (TIMEOUT; JIXIAO_TIME_LIMIT_S)", String(config.limits.timeLimitMs / 1000))
    .option("--ocr-page-time <seconds>", "more time for each page OCR reads (JIXIAO_OCR_PAGE_TIME_S)", String(config.limits.ocrPageTimeMs / 1000))
    .option("--memory-limit <MB>", "most memory one file's processing may use (OVER_LIMIT; JIXIAO_MEMORY_LIMIT_MB)", String(config.limits.memoryLimitBytes / 1e6))
    .option("--max-bytes <n>", "largest file accepted, in bytes (OVER_LIMIT; JIXIAO_MAX_BYTES)", String(config.limits.maxBytes))
    .option("--max-pages <n>", "most pages of one file (OVER_LIMIT; JIXIAO_MAX_PAGES)", String(config.limits.maxPages))
    .option("--jobs <n>", "files extracted at once, each in a process of its own with the limits above (JIXIAO_JOBS; default: the idle cores, at least 1, fewer for a small batch)", String(config.jobs))
    .action(async (paths: string[], o: RunFlags, command: Command) => {
      // Neither --jobs nor JIXIAO_JOBS: the idle cores, fewer for a small batch (runCommand.ts).
      const options = { ...runOptions(o), jobsByDefault: command.getOptionValueSource("jobs") === "default" && config.jobsByDefault };
      const { runCommand } = await import("./runCommand.js");
      status = await runCommand(paths, options);
    });

  program
    .command("export")
    .description(
      "write everything stored as warehouse tables (reports, funds, indicators, flags, reviews) into a directory, with manifest.json",
    )
    .addOption(new Option("--format <format>", "output format").choices(["jsonl", "csv", "parquet"]).default("jsonl"))
    .requiredOption("--out <dir>", "output directory (with --format jsonl, a path ending in .jsonl writes only the records, as before)")
    .option("--store <dir>", "embedded store directory (PGlite)", config.storeDir)
    .option("--database-url <url>", "export from this PostgreSQL (queue mode's store) instead of the embedded store", config.queueHelp.databaseUrl)
    .option("--approved-only", "only records with no open review, and the rows that belong to them")
    .addOption(
      new Option("--csv-preset <preset>", "csv: warehouse = exact text, no BOM (default, for loaders); spreadsheet = UTF-8 BOM and formula text neutralised").choices([
        "warehouse",
        "spreadsheet",
      ]),
    )
    .action(async (o: { format: string; out: string; store: string; databaseUrl?: string; approvedOnly?: boolean; csvPreset?: string }) => {
      const { exportCommand } = await import("./exportCommand.js");
      await exportCommand(o, config);
    });

  program
    .command("show")
    .description("print one stored document: its state, error, records and their flags")
    .argument("<file|sha256>", "a file (found by its SHA-256), a SHA-256 or its first digits, or a stored name (a/report.pdf)")
    .option("--store <dir>", "embedded store directory (PGlite)", config.storeDir)
    .option("--database-url <url>", "use this PostgreSQL (queue mode's store) instead of the embedded store", config.queueHelp.databaseUrl)
    .option("--json", "the document and its records as one JSON object")
    .action(async (what: string, o: { store: string; databaseUrl?: string; json?: boolean }) => {
      const { showCommand } = await import("./showCommand.js");
      status = await showCommand(what, o, config);
    });

  registerQueueCommands(program, config, (code) => {
    status = code;
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
    // (@jixiao/core is loaded by whatever threw one, so importing it here costs nothing then.)
    const { JixiaoError } = await import("@jixiao/core");
    if (err instanceof JixiaoError) {
      process.stderr.write(`error: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return status;
}
