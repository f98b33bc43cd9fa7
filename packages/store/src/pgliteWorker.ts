// The worker thread of pgliteThreadClient (pgliteThread.ts): it opens the embedded store with
// pgliteClient and runs the statements and transactions its parent sends.
import { parentPort, workerData } from "node:worker_threads";
import { pgliteClient } from "./pgliteClient.js";
import type { SqlClient } from "./SqlClient.js";
import { toWireError, type WireError } from "./storeShare.js";

/** What the parent asks its PGlite thread. */
export type ThreadRequest =
  | { id: number; kind: "query"; sql: string; params: unknown[]; tx?: number }
  | { id: number; kind: "begin" }
  | { id: number; kind: "end"; tx: number; commit: boolean }
  | { id: number; kind: "close" };
/** Its answers; id 0 says whether the store opened. */
export type ThreadReply = { id: number; ok: true; rows?: unknown[]; tx?: number } | { id: number; ok: false; error: WireError };

const port = parentPort!;
const reply = (m: ThreadReply) => port.postMessage(m);
const opened = pgliteClient({ dataDir: (workerData as { dataDir: string }).dataDir });
/** Open transactions: their handle, how to end them, and their outcome. */
const transactions = new Map<number, { tx: SqlClient; end: (commit: boolean) => void; done: Promise<unknown> }>();
let nextTx = 1;

opened.then(
  () => reply({ id: 0, ok: true }),
  (err: unknown) => reply({ id: 0, ok: false, error: toWireError(err) }),
);
port.on("message", (m: ThreadRequest) => void handle(m));

async function handle(m: ThreadRequest): Promise<void> {
  try {
    const client = await opened;
    if (m.kind === "query") {
      const on = m.tx === undefined ? client : transactions.get(m.tx)?.tx;
      if (!on) throw new Error(`transaction ${m.tx} is not open`);
      reply({ id: m.id, ok: true, rows: (await on.query(m.sql, m.params)).rows });
    } else if (m.kind === "begin") {
      const id = nextTx++;
      let end!: (commit: boolean) => void;
      const ended = new Promise<boolean>((resolve) => (end = resolve));
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const done = client.transaction(async (tx) => {
        transactions.set(id, { tx, end, done });
        inside();
        if (!(await ended)) throw new Error("rolled back");
      });
      done.catch(() => undefined);
      await Promise.race([entered, done]);
      reply({ id: m.id, ok: true, tx: id });
    } else if (m.kind === "end") {
      const t = transactions.get(m.tx);
      if (!t) throw new Error(`transaction ${m.tx} is not open`);
      transactions.delete(m.tx);
      t.end(m.commit);
      // A rollback is what the parent asked for; a failed commit is its error.
      if (m.commit) await t.done;
      else await t.done.catch(() => undefined);
      reply({ id: m.id, ok: true });
    } else {
      await client.close();
      reply({ id: m.id, ok: true });
    }
  } catch (err) {
    reply({ id: m.id, ok: false, error: toWireError(err) });
  }
}
