import { createConnection, createServer, type Server, type Socket } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JixiaoError, errorCodes, type ErrorCode } from "@jixiao/core";
import type { SqlClient } from "./SqlClient.js";

/**
 * Sharing one embedded store between processes. PGlite is one database in one process, and two
 * processes that open the same data directory overwrite each other's changes; so the process
 * that holds the store (`jixiao serve`) takes queries from the others over a Unix socket in a
 * private directory (mode 0700), one newline-delimited JSON message per request:
 *
 *   → {id, op: "hello", pid, command}          ← {id, ok: true}
 *   → {id, op: "query", sql, params, tx?}      ← {id, ok: true, rows} | {id, ok: false, error}
 *   → {id, op: "begin"}                        ← {id, ok: true, tx}
 *   → {id, op: "commit" | "rollback", tx}      ← {id, ok: true} | {id, ok: false, error}
 *
 * A transaction of a client runs inside the owner's PGlite transaction, so the owner's own work
 * and other clients wait for it, exactly as inside one process. A client that goes away
 * mid-transaction has it rolled back. Dates, bigints and bytes survive the JSON (tagged).
 */

const TAG = "__jixiao_t";

function encode(value: unknown): string {
  return JSON.stringify(value, function (this: { [k: string]: unknown }, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { [TAG]: "date", v: raw.getTime() };
    if (typeof raw === "bigint") return { [TAG]: "bigint", v: raw.toString() };
    if (raw instanceof Uint8Array) return { [TAG]: "bytes", v: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64") };
    if (v && typeof v === "object" && (v as { type?: unknown }).type === "Buffer" && Buffer.isBuffer(raw)) {
      return { [TAG]: "bytes", v: raw.toString("base64") };
    }
    return v;
  });
}

function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === "object" && TAG in v) {
      const t = v as { [TAG]: string; v: string | number };
      if (t[TAG] === "date") return new Date(t.v as number);
      if (t[TAG] === "bigint") return BigInt(t.v as string);
      if (t[TAG] === "bytes") return new Uint8Array(Buffer.from(t.v as string, "base64"));
    }
    return v;
  });
}

export type WireError = { message: string; code?: string; jixiao?: boolean };

export function toWireError(err: unknown): WireError {
  if (err instanceof JixiaoError) return { message: err.message, code: err.code, jixiao: true };
  const e = err as { message?: unknown; code?: unknown };
  return { message: typeof e?.message === "string" ? e.message : String(err), ...(typeof e?.code === "string" ? { code: e.code } : {}) };
}

export function fromWireError(w: WireError): Error {
  if (w.jixiao && w.code && Object.hasOwn(errorCodes, w.code)) return new JixiaoError(w.code as ErrorCode, w.message);
  const err = new Error(w.message) as Error & { code?: string };
  if (w.code) err.code = w.code;
  return err;
}

/** Splits a socket's stream into lines. */
function onLines(socket: Socket, fn: (line: string) => void): void {
  // Only each new chunk is searched for the line end: a record batch of megabytes stays linear.
  let parts: string[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    let i: number;
    while ((i = chunk.indexOf("\n")) >= 0) {
      parts.push(chunk.slice(0, i));
      const line = parts.join("");
      parts = [];
      chunk = chunk.slice(i + 1);
      if (line) fn(line);
    }
    if (chunk) parts.push(chunk);
  });
}

export type ShareClientInfo = { pid: number; command: string };

export type StoreShare = {
  /** The socket clients connect to. */
  socket: string;
  /** The processes connected now. */
  clients(): ShareClientInfo[];
  /** Stops taking connections, waits until the connected clients are gone, then returns. */
  drain(onWaiting?: (clients: ShareClientInfo[]) => void): Promise<void>;
  /** Closes every connection now (their open transactions are rolled back) and the socket. */
  close(): Promise<void>;
};

/** Starts sharing `client` (the owner's PGlite) on a new Unix socket. */
export async function shareStore(client: SqlClient): Promise<StoreShare> {
  const dir = await mkdtemp(join(tmpdir(), "jixiao-store-"));
  const path = join(dir, "store.sock");
  const connections = new Map<Socket, { info: ShareClientInfo; txs: Map<number, OpenTx> }>();
  let nextTx = 1;
  let onChange = () => {};

  const server: Server = createServer((socket) => {
    const state = { info: { pid: 0, command: "?" }, txs: new Map<number, OpenTx>() };
    connections.set(socket, state);
    const reply = (msg: unknown) => {
      if (!socket.destroyed) socket.write(encode(msg) + "\n");
    };
    onLines(socket, (line) => {
      let req: { id: number; op: string; sql?: string; params?: unknown[]; tx?: number; pid?: number; command?: string };
      try {
        req = decode(line) as typeof req;
      } catch {
        socket.destroy();
        return;
      }
      void (async () => {
        try {
          switch (req.op) {
            case "hello":
              state.info = { pid: Number(req.pid) || 0, command: String(req.command ?? "?") };
              reply({ id: req.id, ok: true });
              return;
            case "query": {
              const target = req.tx === undefined ? client : state.txs.get(req.tx)?.tx;
              if (!target) throw new Error("no such transaction");
              const res = await target.query(req.sql ?? "", req.params ?? []);
              reply({ id: req.id, ok: true, rows: res.rows });
              return;
            }
            case "begin": {
              const id = nextTx++;
              let opened!: () => void;
              const ready = new Promise<void>((r) => (opened = r));
              let end!: (commit: boolean) => void;
              const finish = new Promise<boolean>((r) => (end = r));
              // Never rejects: the outcome is read by commit/rollback (or nobody, when the client went away).
              const done: Promise<TxOutcome> = client
                .transaction(async (tx) => {
                  state.txs.set(id, { end, tx, done });
                  opened();
                  if (!(await finish)) throw new RollbackSignal();
                })
                .then(
                  () => ({ ok: true as const }),
                  (err: unknown) => ({ ok: false as const, err }),
                )
                .finally(() => state.txs.delete(id));
              const first = await Promise.race([ready.then(() => null), done]);
              if (first && !first.ok) throw first.err; // the transaction could not start
              if (!connections.has(socket)) end(false); // the client left while it was starting
              reply({ id: req.id, ok: true, tx: id });
              return;
            }
            case "commit":
            case "rollback": {
              const t = state.txs.get(req.tx ?? -1);
              if (!t) throw new Error("no such transaction");
              t.end(req.op === "commit");
              const outcome = await t.done;
              if (!outcome.ok && !(outcome.err instanceof RollbackSignal)) throw outcome.err;
              reply({ id: req.id, ok: true });
              return;
            }
            default:
              throw new Error(`unknown request ${req.op}`);
          }
        } catch (err) {
          reply({ id: req.id, ok: false, error: toWireError(err) });
        }
      })();
    });
    const drop = () => {
      for (const t of state.txs.values()) t.end(false);
      connections.delete(socket);
      onChange();
    };
    socket.on("close", drop);
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });

  let closed = false;
  const stopListening = () =>
    new Promise<void>((r) => {
      if (closed) return r();
      closed = true;
      server.close(() => r());
    });
  return {
    socket: path,
    clients: () => [...connections.values()].map((c) => c.info),
    async drain(onWaiting) {
      const closing = stopListening();
      if (connections.size) {
        onWaiting?.([...connections.values()].map((c) => c.info));
        await new Promise<void>((r) => {
          onChange = () => connections.size === 0 && r();
          onChange();
        });
      }
      await closing;
      await rm(dir, { recursive: true, force: true });
    },
    async close() {
      for (const s of connections.keys()) s.destroy();
      const waitTx = [...connections.values()].flatMap((c) => [...c.txs.values()].map((t) => t.done));
      await Promise.all(waitTx);
      await stopListening();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type TxOutcome = { ok: true } | { ok: false; err: unknown };
type OpenTx = { end: (commit: boolean) => void; tx: SqlClient; done: Promise<TxOutcome> };

class RollbackSignal extends Error {
  constructor() {
    super("rolled back by the client");
  }
}

/**
 * A SqlClient that sends every statement to the process sharing the store. When that process
 * goes away, pending and later statements fail with STORE_UNAVAILABLE.
 */
export async function sharedStoreClient(socketPath: string, ownerName: string, command: string): Promise<SqlClient> {
  const socket: Socket = createConnection(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => {});
  const pending = new Map<number, { resolve: (v: { rows?: unknown[]; tx?: number }) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let gone: Error | null = null;
  onLines(socket, (line) => {
    let msg;
    try {
      msg = decode(line) as { id: number; ok: boolean; rows?: unknown[]; tx?: number; error?: WireError };
    } catch {
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg);
    else p.reject(fromWireError(msg.error ?? { message: "unknown error" }));
  });
  socket.on("close", () => {
    gone = new JixiaoError("STORE_UNAVAILABLE", `the store could not be reached: ${ownerName}, which shares it, stopped`);
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  });
  const send = (req: { op: string; [k: string]: unknown }) =>
    new Promise<{ rows?: unknown[]; tx?: number }>((resolve, reject) => {
      if (gone) return reject(gone);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.write(encode({ id, ...req }) + "\n");
    });
  await send({ op: "hello", pid: process.pid, command });

  const clientFor = (tx: number | undefined): SqlClient => {
    const c: SqlClient = {
      async query<T>(sql: string, params: readonly unknown[] = []) {
        const res = await send({ op: "query", sql, params: [...params], ...(tx === undefined ? {} : { tx }) });
        return { rows: (res.rows ?? []) as T[] };
      },
      async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
        if (tx !== undefined) return fn(c); // nested: joins the open transaction
        const { tx: id } = await send({ op: "begin" });
        const inner = clientFor(id);
        let result: T;
        try {
          result = await fn(inner);
        } catch (err) {
          await send({ op: "rollback", tx: id }).catch(() => {});
          throw err;
        }
        await send({ op: "commit", tx: id });
        return result;
      },
      async close() {
        if (tx !== undefined) throw new Error("close() cannot be called on a transaction handle");
        if (gone === null) gone = new JixiaoError("STORE_UNAVAILABLE", "the store was closed");
        socket.end();
        await new Promise<void>((r) => (socket.closed ? r() : socket.once("close", () => r())));
      },
    };
    return c;
  };
  return clientFor(undefined);
}
