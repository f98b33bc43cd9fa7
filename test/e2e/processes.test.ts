// The CLI as separate processes on one embedded store: `serve` shares the store while `run`s
// and `export` go through it, and nothing is lost; without `serve`, a second opener is refused
// at once; a stale lock does not block; Ctrl-C stops `run` after the current file with the
// finished documents' records in --out; `run --jobs 2` writes what `--jobs 1` writes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const digital = join(root, "samples", "digital");
const seeds = join(root, "samples", "seeds");

type Proc = { child: ChildProcess; stderr: () => string; exit: Promise<number | null> };

/** Starts the CLI from its sources (as bin/jixiao.js does from dist). */
function jixiao(args: string[]): Proc {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(root, "packages/cli/src/bin.ts"), ...args], {
    cwd: root,
    env: { ...process.env, JIXIAO_ADMIN_TOKEN: "", JIXIAO_STORE: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, stderr: () => err, exit };
}

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

async function exportAll(store: string, out: string): Promise<string[]> {
  const p = jixiao(["export", "--format", "jsonl", "--out", out, "--store", store]);
  expect(await p.exit, p.stderr()).toBe(0);
  return lines(out);
}

describe("processes on one embedded store", () => {
  let dir: string;
  let inputs: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-procs-"));
    // A batch long enough to be interrupted: distinct bytes (a comment after %%EOF), so every
    // file is its own document.
    inputs = join(dir, "many");
    mkdirSync(inputs);
    for (let copy = 0; copy < 4; copy++) {
      for (const f of readdirSync(digital)) {
        const to = join(inputs, `${copy}-${f}`);
        copyFileSync(join(digital, f), to);
        appendFileSync(to, `\n% copy ${copy}\n`);
      }
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serve and two runs at the same time: every record is kept after the server stops", async () => {
    const store = join(dir, "shared");
    const serve = jixiao(["serve", "--port", "0", "--store", store]);
    try {
      await until("the review page", () => /review page on/.test(serve.stderr()));
      const a = jixiao(["run", digital, "--out", join(dir, "a.jsonl"), "--store", store, "--no-progress"]);
      const b = jixiao(["run", seeds, "--out", join(dir, "b.jsonl"), "--store", store, "--no-progress"]);
      expect(await a.exit, a.stderr()).toBe(0);
      expect(await b.exit, b.stderr()).toBe(0);
      // an export through the server sees them too
      expect(await exportAll(store, join(dir, "during.jsonl"))).toHaveLength(lines(join(dir, "a.jsonl")).length + lines(join(dir, "b.jsonl")).length);
    } finally {
      serve.child.kill("SIGTERM");
    }
    expect(await serve.exit, serve.stderr()).toBe(0);
    const ran = [...lines(join(dir, "a.jsonl")), ...lines(join(dir, "b.jsonl"))];
    expect(ran.length).toBeGreaterThan(20);
    // The store opened again by a new owner holds every record of both runs.
    const after = await exportAll(store, join(dir, "after.jsonl"));
    // Records per document: the same in the store as the runs wrote.
    const perDocument = (ls: string[]) => {
      const m: { [sha: string]: number } = {};
      for (const l of ls) {
        const sha = (JSON.parse(l) as { source: { sha256: string } }).source.sha256;
        m[sha] = (m[sha] ?? 0) + 1;
      }
      return m;
    };
    expect(after.length).toBe(ran.length);
    expect(perDocument(after)).toEqual(perDocument(ran));
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it("refuses a second opener at once while run holds the store, naming it", async () => {
    const store = join(dir, "held");
    const run = jixiao(["run", inputs, "--store", store, "--no-progress"]);
    try {
      await until("the lock", () => existsSync(`${store}.lock`));
      const t0 = Date.now();
      const exp = jixiao(["export", "--format", "jsonl", "--out", join(dir, "x.jsonl"), "--store", store]);
      const code = await exp.exit;
      expect(code).toBe(1);
      expect(exp.stderr()).toMatch(new RegExp(`STORE_LOCKED: .*jixiao run .*\\(pid ${run.child.pid}`));
      expect(exp.stderr()).toMatch(/jixiao serve/);
      expect(Date.now() - t0).toBeLessThan(15_000); // the time to start a process, no waiting
      expect(existsSync(join(dir, "x.jsonl"))).toBe(false);
    } finally {
      run.child.kill("SIGTERM");
      expect(await run.exit, run.stderr()).toBe(143);
    }
    expect(run.stderr()).toMatch(/interrupted \(SIGTERM\)/);
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it("takes over the lock left by a process that is gone", async () => {
    const store = join(dir, "stale");
    mkdirSync(store, { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    writeFileSync(`${store}.lock`, JSON.stringify({ pid: dead, command: "jixiao run gone/", host: hostname(), startedAt: "2026-01-01T00:00:00Z" }));
    const run = jixiao(["run", join(seeds, readdirSync(seeds)[0]!), "--out", join(dir, "stale.jsonl"), "--store", store, "--no-progress"]);
    expect(await run.exit, run.stderr()).toBe(0);
    expect(lines(join(dir, "stale.jsonl")).length).toBeGreaterThan(0);
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it("Ctrl-C stops run after the current file: exit 130, a message, --out holds the finished documents, as stored", async () => {
    const store = join(dir, "interrupted");
    const out = join(dir, "interrupted.jsonl");
    const run = jixiao(["run", inputs, "--out", out, "--store", store, "--no-progress"]);
    await until("the first records", () => lines(out).length > 0, 90_000);
    run.child.kill("SIGINT");
    expect(await run.exit, run.stderr()).toBe(130);
    expect(run.stderr()).toMatch(/SIGINT: stopping after the current file/);
    expect(run.stderr()).toMatch(/interrupted \(SIGINT\): \d+ of 16 files not processed/);
    const written = lines(out);
    for (const l of written) JSON.parse(l); // whole lines only
    const stored = await exportAll(store, join(dir, "interrupted-store.jsonl"));
    expect(stored.length).toBe(written.length);
    expect(written.length).toBeLessThan(16 * 5);
    expect(existsSync(`${store}.lock`)).toBe(false);
  });

  it("run --jobs 2 (two extraction processes) stores and writes the records --jobs 1 does, in the same order", async () => {
    const outs = [];
    for (const jobs of ["1", "2"]) {
      const out = join(dir, `jobs-${jobs}.jsonl`);
      const run = jixiao(["run", digital, "--jobs", jobs, "--out", out, "--store", join(dir, `jobs-${jobs}`), "--no-progress"]);
      expect(await run.exit, run.stderr()).toBe(0);
      outs.push(lines(out));
    }
    expect(outs[0]!.length).toBeGreaterThan(20);
    expect(outs[1]).toEqual(outs[0]);
  });
});
