import { Worker } from "node:worker_threads";
import { extname } from "node:path";
import { JixiaoError } from "@jixiao/core";
import type { SqlClient } from "./SqlClient.js";
import { fromWireError } from "./storeShare.js";
import type { ThreadReply, ThreadRequest } from "./pgliteWorker.js";

/** The worker: its .js next to this file when built; from sources, the .ts through tsx. */
function startWorker(dataDir: string): Worker {
  const url = new URL(`./pgliteWorker${extname(import.meta.url)}`, import.meta.url);
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { workerData: { dataDir } });
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(url.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { dataDir }, execArgv: ["--conditions=source"] });
}

/**
 * The embedded store (pgliteClient) in a worker thread of its own: PGlite's start-up (about a
 * second of WebAssembly that holds the thread it runs on) and its statements leave this thread
 * free, e.g. to hand files to extraction processes meanwhile, or to load modules on another
 * core. The same SqlClient as pgliteClient's; rows and parameters cross by structured clone.
 */
export async function pgliteThreadClient({ dataDir }: { dataDir: string }): Promise<SqlClient> {
  const worker = startWorker(dataDir);
  const pending = new Map<number, { resolve: (r: ThreadReply & { ok: true }) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let gone: Error | null = null;
  const failAll = (err: Error) => {
    gone ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on("message", (m: ThreadReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m);
    else p.reject(fromWireError(m.error));
  });
  worker.on("error", (err) => failAll(new JixiaoError("STORE_UNAVAILABLE", `the store's thread failed: ${err.message}`, { cause: err })));
  worker.on("exit", () => failAll(new JixiaoError("STORE_UNAVAILABLE", "the store was closed")));
  const ask = (m: ThreadRequest): Promise<ThreadReply & { ok: true }> =>
    new Promise((resolve, reject) => {
      if (gone) return reject(gone);
      pending.set(m.id, { resolve, reject });
      worker.postMessage(m);
    });
  try {
    await new Promise<ThreadReply & { ok: true }>((resolve, reject) => pending.set(0, { resolve, reject }));
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const query =
    (tx?: number): SqlClient["query"] =>
    async <T>(sql: string, params: readonly unknown[] = []) =>
      ({ rows: (await ask({ id: nextId++, kind: "query", sql, params: [...params], ...(tx === undefined ? {} : { tx }) })).rows as T[] });
  let closing: Promise<void> | undefined;
  return {
    query: query(),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const { tx } = await ask({ id: nextId++, kind: "begin" });
      const handle: SqlClient = {
        query: query(tx),
        transaction: (inner) => inner(handle),
        close: async () => {
          throw new Error("close() cannot be called on a transaction handle");
        },
      };
      let result: T;
      try {
        result = await fn(handle);
      } catch (err) {
        await ask({ id: nextId++, kind: "end", tx: tx!, commit: false }).catch(() => undefined);
        throw err;
      }
      await ask({ id: nextId++, kind: "end", tx: tx!, commit: true });
      return result;
    },
    close() {
      closing ??= (async () => {
        if (!gone) await ask({ id: nextId++, kind: "close" }).catch(() => undefined);
        await worker.terminate();
      })();
      return closing;
    },
  };
}
