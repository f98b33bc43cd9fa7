import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { JixiaoError } from "@jixiao/core";
import type { SqlClient } from "./SqlClient.js";
import { toStoreError } from "./toStoreError.js";

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

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in one process. Only one process may open a data
 * directory at a time. PGlite runs one statement at a time; transactions are serialised.
 */
export async function pgliteClient({ dataDir }: PgliteClientOptions): Promise<SqlClient> {
  const inMemory = dataDir.startsWith("memory://");
  let db: PGlite;
  try {
    if (!inMemory) await mkdir(dataDir, { recursive: true });
    db = new PGlite(dataDir);
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
