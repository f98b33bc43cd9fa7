import { readFileSync, unlinkSync } from "node:fs";
import { link, mkdir, readFile, stat, unlink, writeFile, rename } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, basename, join } from "node:path";
import { JixiaoError } from "@jixiao/core";

/**
 * Who holds an embedded store. Written to `<dataDir>.lock` by the one process that has the
 * store's PGlite open; `socket` is set when that process shares the store with others
 * (`jixiao serve`).
 */
export type StoreOwner = {
  pid: number;
  /** The command line, for messages ("jixiao serve --port 8080"). */
  command: string;
  host: string;
  startedAt: string;
  /** Start time of the process (Linux /proc, clock ticks since boot), so a reused pid is not taken for the owner. */
  procStart?: string;
  /** Unix socket where the owner takes queries from other processes. */
  socket?: string;
};

export function lockPathOf(dataDir: string): string {
  return join(dirname(dataDir), `${basename(dataDir)}.lock`);
}

/** The start time of a process from /proc/<pid>/stat (field 22), or undefined where there is no /proc. */
function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the lock is still running (on another host: assumed so). */
function ownerAlive(owner: StoreOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  if (owner.procStart !== undefined) {
    const now = procStartOf(owner.pid);
    if (now !== undefined && now !== owner.procStart) return false; // the pid was reused
  }
  return true;
}

export function describeOwner(owner: StoreOwner): string {
  return `${owner.command} (pid ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ""}, since ${owner.startedAt})`;
}

function parseOwner(text: string): StoreOwner | null {
  try {
    const o = JSON.parse(text) as StoreOwner;
    return typeof o.pid === "number" && typeof o.command === "string" && typeof o.host === "string" ? o : null;
  } catch {
    return null;
  }
}

type StoreLock = {
  path: string;
  owner: StoreOwner;
  /** Records the socket other processes reach the store through. */
  setSocket(socket: string): Promise<void>;
  release(): Promise<void>;
};

export type LockAttempt = { held: StoreLock } | { owner: StoreOwner };

/** The command line of this process, shortened for messages. */
export function commandLine(): string {
  const args = process.argv.slice(2).map((a) => (/\s/.test(a) ? JSON.stringify(a) : a));
  return ["jixiao", ...args].join(" ").slice(0, 200);
}

/**
 * Takes the store's lock file, `<dataDir>.lock`, created exclusively (written to a temporary
 * file, then hard-linked into place, so a reader never sees it half-written). When it exists
 * and its process is alive, returns the owner instead; a lock left by a process that is gone
 * (or whose pid now belongs to another process) is removed and taken.
 */
export async function tryLockStore(dataDir: string, command = commandLine()): Promise<LockAttempt> {
  const path = lockPathOf(dataDir);
  const owner: StoreOwner = {
    pid: process.pid,
    command,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(procStartOf(process.pid) === undefined ? {} : { procStart: procStartOf(process.pid)! }),
  };
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await mkdir(dirname(path), { recursive: true }); // e.g. `.jixiao/` on the first run
  for (let attempt = 0; attempt < 20; attempt++) {
    await writeFile(tmp, JSON.stringify(owner), { mode: 0o600 });
    try {
      await link(tmp, path);
      await unlink(tmp);
      return { held: heldLock(path, owner) };
    } catch (err) {
      await unlink(tmp).catch(() => {});
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new JixiaoError("STORE_UNAVAILABLE", `could not take the store's lock ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      continue; // removed meanwhile: try again
    }
    const current = parseOwner(text);
    if (current && ownerAlive(current)) return { owner: current };
    if (!current) {
      // Not ours to judge unless it is old: the lock is always complete when it appears.
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs).catch(() => 0);
      if (age < 2000) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
    }
    // Stale: remove it, unless someone replaced it since it was read.
    const again = await readFile(path, "utf8").catch(() => null);
    if (again === text) await unlink(path).catch(() => {});
  }
  throw new JixiaoError("STORE_LOCKED", `could not take the store's lock ${path}: it keeps changing`);
}

function heldLock(path: string, owner: StoreOwner): StoreLock {
  let released = false;
  const mine = (text: string | null) => text !== null && parseOwner(text)?.pid === owner.pid && parseOwner(text)?.startedAt === owner.startedAt;
  // A process that exits without closing its store (an uncaught error, process.exit) leaves no lock.
  const onExit = () => {
    if (released) return;
    try {
      if (mine(readFileSync(path, "utf8"))) unlinkSync(path);
    } catch {
      // gone already
    }
  };
  process.on("exit", onExit);
  return {
    path,
    owner,
    async setSocket(socket: string) {
      owner.socket = socket;
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(owner), { mode: 0o600 });
      await rename(tmp, path);
    },
    async release() {
      if (released) return;
      released = true;
      process.off("exit", onExit);
      const text = await readFile(path, "utf8").catch(() => null);
      if (mine(text)) await unlink(path).catch(() => {});
    },
  };
}
