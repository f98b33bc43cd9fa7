import { Option, type Command } from "commander";
import { LOG_LEVELS, type CliEnv } from "./cliEnv.js";
import { UsageError } from "./UsageError.js";

/**
 * Queue mode's commands: `worker`, `submit`, `status`, `reconcile`. Each takes `--redis-url` and
 * `--database-url` (over JIXIAO_REDIS_URL and JIXIAO_DATABASE_URL), as `export` and `serve` take
 * `--database-url`. Only the commands are defined here; their work (queueCommands.ts) is loaded
 * when one runs. `setStatus` receives the exit status.
 */
export function registerQueueCommands(program: Command, env: CliEnv, setStatus: (code: number) => void): void {
  const urls = (cmd: Command, redis = true): Command => {
    if (redis) cmd.option("--redis-url <url>", "the Redis of the queues (default JIXIAO_REDIS_URL, or redis://127.0.0.1:6379)");
    return cmd.option("--database-url <url>", "the PostgreSQL every worker shares (default JIXIAO_DATABASE_URL)");
  };

  urls(
    program
      .command("worker")
      .description("run queue workers (BullMQ on Redis, store in PostgreSQL) until SIGTERM/SIGINT; logs are JSON lines on standard error")
      .option("--queues <names>", "comma-separated queues to work on: intake,page,assemble", "intake,page,assemble")
      .option("--concurrency <n>", "jobs at once per queue; page jobs run in as many sandboxed processes", String(env.queueHelp.concurrency))
      .addOption(new Option("--log-level <level>", "least level logged (JIXIAO_LOG_LEVEL)").choices(LOG_LEVELS).default(env.logLevel)),
  ).action(async (o: { queues: string; concurrency: string; logLevel: string; redisUrl?: string; databaseUrl?: string }, cmd: Command) => {
    const queue = await env.queueWith(o);
    // Not given: JIXIAO_CONCURRENCY as queue mode's configuration read it (the help shows the same).
    const concurrency = cmd.getOptionValueSource("concurrency") === "default" ? queue.concurrency : Number(o.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a positive integer");
    const { parseQueues, runWorker } = await import("./queueCommands.js");
    let queues;
    try {
      queues = parseQueues(o.queues);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    setStatus(await runWorker(queue, { queues, concurrency, logLevel: o.logLevel }));
  });

  urls(
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
        `while PostgreSQL is unreachable, retry for this long before giving up (default JIXIAO_STORE_WAIT_MS, ${Math.round(env.queueHelp.storeWaitMs / 1000)} s)`,
      ),
  ).action(async (paths: string[], o: { reprocess?: boolean; wait: boolean; progress: boolean; timeout?: string; storeWait?: string; redisUrl?: string; databaseUrl?: string }) => {
    const queue = await env.queueWith(o);
    const { runSubmit } = await import("./queueCommands.js");
    setStatus((await runSubmit(queue, paths, o)).code);
  });

  urls(
    program
      .command("status")
      .description("documents in the shared store by state, with counts")
      .addOption(new Option("--status <state>", "only this state").choices(["queued", "processing", "succeeded", "partial", "failed"]))
      .option("--all", "list every document (default: 20 per state, succeeded ones only counted)")
      .option("--json", "machine-readable output"),
    false,
  ).action(async (o: { status?: string; all?: boolean; json?: boolean; databaseUrl?: string }) => {
    const queue = await env.queueWith(o);
    const { runStatus } = await import("./queueCommands.js");
    setStatus(await runStatus(queue, o));
  });

  urls(
    program
      .command("reconcile")
      .description("enqueue again the unfinished documents no job will finish (e.g. after Redis lost its data)")
      .option("--grace <seconds>", "only documents unchanged this long (default JIXIAO_RECONCILE_GRACE_MS)"),
  ).action(async (o: { grace?: string; redisUrl?: string; databaseUrl?: string }) => {
    const queue = await env.queueWith(o);
    const { runReconcile } = await import("./queueCommands.js");
    setStatus(await runReconcile(queue, o));
  });
}
