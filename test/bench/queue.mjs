// Queue-mode section of the benchmark (imported by bench.mjs): the same batch through 1 and then
// 2 worker processes (`jixiao worker --concurrency 1` each, page jobs in a sandboxed child), timed
// from submission until every document is finished; pages/s and the ratio. Needs the Redis and
// PostgreSQL of JIXIAO_REDIS_URL / JIXIAO_DATABASE_URL (defaults: 127.0.0.1:6379 and
// postgresql://postgres@127.0.0.1:5432/test); each run uses a random queue prefix and schema,
// removed afterwards.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { Redis } from "ioredis";
import { openQueueContext, readQueueEnv, submitDocuments } from "@jixiao/queue";

const repo = join(import.meta.dirname, "..", "..");
const bin = join(repo, "packages", "cli", "bin", "jixiao.js");

/** Busy and total CPU jiffies of the whole machine (/proc/stat; null elsewhere). */
function cpuTimes() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

const canPin = spawnSync("taskset", ["--version"]).error === undefined && availableParallelism() >= 2;

/**
 * Starts `jixiao worker --concurrency 1`; with `cpu`, pinned to that core (taskset; its sandboxed
 * children inherit it) so each worker process stands for a one-core host.
 */
async function startWorker(env, cpu) {
  const argv = [process.execPath, bin, "worker", "--concurrency", "1"];
  const [cmd, ...args] = cpu === undefined ? argv : ["taskset", "-c", String(cpu), ...argv];
  const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const deadline = Date.now() + 60_000;
  while (!/: ready \(/.test(err)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stopWorker(child) {
  const exited = new Promise((r) => child.once("exit", r));
  try { process.kill(-child.pid, "SIGTERM"); } catch { return; }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
}

async function dropNamespace(config) {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${config.databaseSchema} CASCADE`).finally(() => client.end());
  const redis = new Redis(config.redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${config.prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

/** Distinct copies (a trailing PDF comment) so every file is its own document. */
function batchOf(files, copies) {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-bench-q-"));
  const out = [];
  for (const f of files) for (let i = 0; i < copies; i++) {
    const target = join(dir, basename(f).replace(/\.pdf$/, `_c${i}.pdf`));
    if (i === 0) copyFileSync(f, target);
    else writeFileSync(target, Buffer.concat([readFileSync(f), Buffer.from(`\n%copy ${i}\n`)]));
    out.push(target);
  }
  return { dir, files: out };
}

/** Redis's command calls and network bytes so far (INFO), to count what a batch costs. */
async function redisCounters(url) {
  const redis = new Redis(url);
  try {
    const info = await redis.info("all");
    const num = (k) => Number(new RegExp(`^${k}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
    let calls = 0;
    for (const m of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) calls += Number(m[1]);
    return { calls, inBytes: num("total_net_input_bytes"), outBytes: num("total_net_output_bytes"), usedMemory: num("used_memory") };
  } finally {
    redis.disconnect();
  }
}

/** PostgreSQL's row and transaction counters of the database, and the bytes the schema's tables hold. */
async function pgCounters(url, schema) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const db = (await client.query("SELECT xact_commit, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()")).rows[0];
    const size = (await client.query(
      "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes, coalesce(sum(c.reltuples) FILTER (WHERE c.relkind = 'r'), 0)::bigint AS rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 't', 'i')",
      [schema],
    )).rows[0];
    // Exact row counts (the statistics' estimates lag behind).
    const tables = (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = $1", [schema])).rows;
    let liveRows = 0;
    const perTable = {};
    for (const { tablename } of tables) {
      const n = Number((await client.query(`SELECT count(*)::bigint AS n FROM "${schema}"."${tablename}"`)).rows[0].n);
      if (n === 0) continue;
      // Bytes of the rows themselves (without the fixed pages every table and index starts with).
      const bytes = Number((await client.query(`SELECT coalesce(sum(pg_column_size(t.*)), 0)::bigint AS b FROM "${schema}"."${tablename}" t`)).rows[0].b);
      perTable[tablename] = { rows: n, rowBytes: bytes };
      liveRows += n;
    }
    return { commits: Number(db.xact_commit), inserted: Number(db.tup_inserted), updated: Number(db.tup_updated), deleted: Number(db.tup_deleted), bytes: Number(size.bytes), liveRows, perTable };
  } finally {
    await client.end();
  }
}

async function runOnce(files, workers, pin) {
  const id = randomBytes(4).toString("hex");
  const env = {
    ...process.env,
    JIXIAO_REDIS_URL: process.env.JIXIAO_REDIS_URL || "redis://127.0.0.1:6379",
    JIXIAO_DATABASE_URL: process.env.JIXIAO_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/test",
    JIXIAO_DATABASE_SCHEMA: `bench_${id}`,
    JIXIAO_QUEUE_PREFIX: `bench_${id}`,
  };
  const config = readQueueEnv(env);
  const children = [];
  let ctx;
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(env, pin ? i % availableParallelism() : undefined));
    ctx = await openQueueContext(config);
    const r0 = await redisCounters(config.redisUrl);
    const p0 = await pgCounters(config.databaseUrl, config.databaseSchema);
    const c0 = cpuTimes();
    const t0 = performance.now();
    const results = await submitDocuments(ctx, files, { pollMs: 100 });
    const secs = (performance.now() - t0) / 1000;
    const c1 = cpuTimes();
    const busy = c0 && c1 ? (c1.busy - c0.busy) / (c1.total - c0.total) : null;
    const failed = results.filter((r) => r.status === "failed");
    if (failed.length) throw new Error(`${failed.length} failed: ${failed[0].file} ${failed[0].error?.code}`);
    const docs = await ctx.store.getDocuments(results.map((r) => r.sha256));
    const pages = docs.reduce((s, d) => s + (d.pageCount ?? 0), 0);
    // pg_stat counters are updated when a backend reports (at most every 500 ms, PG 15+).
    await new Promise((r) => setTimeout(r, 1200));
    const r1 = await redisCounters(config.redisUrl);
    const p1 = await pgCounters(config.databaseUrl, config.databaseSchema);
    const cost = {
      redisCalls: r1.calls - r0.calls,
      redisBytes: r1.inBytes - r0.inBytes + (r1.outBytes - r0.outBytes),
      redisMemory: r1.usedMemory - r0.usedMemory,
      pgCommits: p1.commits - p0.commits,
      pgRowWrites: p1.inserted - p0.inserted + (p1.updated - p0.updated) + (p1.deleted - p0.deleted),
      pgLiveRows: p1.liveRows,
      pgTables: p1.perTable,
      pgBytes: p1.bytes,
    };
    return { secs, pages, docs: docs.length, busy, cost };
  } finally {
    await ctx?.close();
    await Promise.all(children.map(stopWorker));
    await dropNamespace(config).catch(() => undefined);
  }
}

export async function benchQueue(files, { copies = 3 } = {}) {
  const batch = batchOf(files, copies);
  try {
    if (canPin) {
      const one = await runOnce(batch.files, 1, true);
      const two = await runOnce(batch.files, 2, true);
      console.log(`jixiao queue mode, each worker process pinned to its own core (taskset; a one-core host each): ${one.docs} documents, ${one.pages} pages`);
      console.log(`  1 worker process:   ${one.secs.toFixed(2)} s → ${(one.pages / one.secs).toFixed(1)} pages/s`);
      console.log(`  2 worker processes: ${two.secs.toFixed(2)} s → ${(two.pages / two.secs).toFixed(1)} pages/s`);
      console.log(`  ratio 2 : 1 = ${(one.secs / two.secs).toFixed(2)}×`);
    }
    const one = await runOnce(batch.files, 1, false);
    const two = await runOnce(batch.files, 2, false);
    const cpu = (r) => (r.busy === null ? "" : `, machine CPU ${(r.busy * 100).toFixed(0)} % busy of ${availableParallelism()} cores`);
    console.log(`jixiao queue mode, worker processes sharing this machine's cores: ${one.docs} documents, ${one.pages} pages`);
    console.log(`  1 worker process:   ${one.secs.toFixed(2)} s → ${(one.pages / one.secs).toFixed(1)} pages/s${cpu(one)}`);
    console.log(`  2 worker processes: ${two.secs.toFixed(2)} s → ${(two.pages / two.secs).toFixed(1)} pages/s${cpu(two)}`);
    console.log(`  ratio 2 : 1 = ${(one.secs / two.secs).toFixed(2)}×`);
    // What one page costs the shared services (the capacity model in docs/capacity.md uses these).
    // Counters are machine-wide: the bench assumes nothing else uses this Redis and database.
    const c = one.cost;
    const per = (v) => (v / one.pages).toFixed(1);
    console.log(`  per page (1-worker run, ${one.pages} pages, ${one.docs} documents): Redis ${per(c.redisCalls)} commands, ${(c.redisBytes / one.pages / 1024).toFixed(1)} KiB on the wire, ${(c.redisMemory / one.pages / 1024).toFixed(1)} KiB kept; ` +
      `PostgreSQL ${per(c.pgCommits)} commits, ${per(c.pgRowWrites)} row writes, ${per(c.pgLiveRows)} rows and ${(c.pgBytes / one.pages / 1024).toFixed(1)} KiB kept (tables and indexes; rows per table for the batch: ${JSON.stringify(c.pgTables)})`);
  } finally {
    rmSync(batch.dir, { recursive: true, force: true });
  }
}
