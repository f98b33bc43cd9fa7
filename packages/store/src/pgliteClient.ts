import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
// PGlite is loaded when a client is made (its module graph is ~0.1 s), not with the package.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { JixiaoError } from "@jixiao/core";
import type { SqlClient } from "./SqlClient.js";
import { toStoreError } from "./toStoreError.js";
import { sharedBuffersExtension } from "./pgliteSettings.js";

export interface PgliteClientOptions {
  /** Data directory on disk (created if missing), or "memory://" for a throw-away database. */
  dataDir: string;
}

/** A transaction handle: nested `transaction` calls join the open transaction. */
function txClient(tx: Transaction): SqlClient {
  const client: SqlClient = {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      try {
        const res = await tx.query<T>(sql, [...params]);
        return { rows: res.rows };
      } catch (err) {
        throw toStoreError(err, "PGlite");
      }
    },
    transaction: (fn) => fn(client),
    close: async () => {
      throw new Error("close() cannot be called on a transaction handle");
    },
  };
  return client;
}

/** Where `npm run build` leaves an empty cluster made by PGlite's initdb (scripts/makePgliteTemplate.mjs). */
const TEMPLATE_DIR = fileURLToPath(new URL("../dist/pglite-template", import.meta.url));

/** The template, when it was made by the PGlite version installed now; undefined otherwise. */
function usableTemplate(): string | undefined {
  try {
    const stamp = JSON.parse(readFileSync(`${TEMPLATE_DIR}.json`, "utf8")) as { pglite?: string };
    const pkg = join(dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")), "..", "package.json");
    const installed = (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
    return stamp.pglite === installed && existsSync(join(TEMPLATE_DIR, "PG_VERSION")) ? TEMPLATE_DIR : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Copies a directory tree: the directories first (with their modes: PostgreSQL's are 0700), then
 * every file at once (libuv's thread pool copies a few at a time). The template's ~1000 small
 * files took fs.cp 1.8-5 s on the loaded 2-core VM, one after the other with an lstat and a chmod
 * each; this takes 0.7-1.4 s there.
 */
async function copyTree(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  const dirOf = (e: (typeof entries)[number]) => e.parentPath ?? (e as unknown as { path: string }).path;
  await mkdir(to, { mode: (await stat(from)).mode & 0o777 });
  // Shallowest first: a directory is made before what it holds.
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => relative(from, join(dirOf(e), e.name)));
  for (const dir of dirs.sort((a, b) => a.split(/[\\/]/).length - b.split(/[\\/]/).length)) {
    await mkdir(join(to, dir), { mode: (await stat(join(from, dir))).mode & 0o777 });
  }
  await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => {
      const src = join(dirOf(e), e.name);
      return copyFile(src, join(to, relative(from, src)));
    }),
  );
}

/**
 * A new data directory (missing, or empty) starts as a copy of the template instead of running
 * PGlite's initdb (5-6 s on 2 cores). The copy goes to a sibling first and is renamed into place,
 * so a failed copy leaves no half cluster. Without a template (sources not built) PGlite's initdb
 * runs as before.
 */
async function seedFromTemplate(dataDir: string): Promise<void> {
  const template = usableTemplate();
  if (!template) return;
  const entries = await readdir(dataDir).catch(() => undefined);
  if (entries === undefined || entries.length > 0) return;
  const tmp = `${dataDir}.seed-${process.pid}`;
  try {
    await copyTree(template, tmp);
    await rmdir(dataDir);
    await rename(tmp, dataDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in one process. Only one process may open a data
 * directory at a time. PGlite runs one statement at a time; transactions are serialised.
 */
export async function pgliteClient({ dataDir }: PgliteClientOptions): Promise<SqlClient> {
  const inMemory = dataDir.startsWith("memory://");
  let db: PGlite;
  // Loaded while the data directory is made ready.
  const loading = import("@electric-sql/pglite");
  loading.catch(() => undefined);
  try {
    if (!inMemory) {
      await mkdir(dataDir, { recursive: true });
      await seedFromTemplate(dataDir);
    }
    const { PGlite } = await loading;
    db = new PGlite(dataDir, { extensions: { sharedBuffers: sharedBuffersExtension() } });
    await db.waitReady;
  } catch (err) {
    throw new JixiaoError(
      "STORE_UNAVAILABLE",
      `PGlite could not open ${dataDir}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }

  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      try {
        const res = await db.query<T>(sql, [...params]);
        return { rows: res.rows };
      } catch (err) {
        throw toStoreError(err, "PGlite");
      }
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      try {
        return await db.transaction((tx) => fn(txClient(tx)));
      } catch (err) {
        throw toStoreError(err, "PGlite");
      }
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
