// pg is loaded when a client is made, not with the package: commands on the embedded store never need it.
import type pg from "pg";
import { JixiaoError } from "@jixiao/core";
import type { SqlClient } from "./SqlClient.js";
import { toStoreError } from "./toStoreError.js";

export interface PostgresClientOptions {
  /** e.g. postgresql://user@host:5432/db */
  connectionString: string;
  /**
   * Schema to work in: created if missing and put first on every connection's search_path.
   * Lower-case letters, digits and underscores only (tests use a random `t_<hex>`).
   */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE (default 10 s). */
  connectionTimeoutMillis?: number;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

type Queryable = { query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult> };

async function run<T>(q: Queryable, sql: string, params: readonly unknown[]): Promise<{ rows: T[] }> {
  try {
    const res = await q.query(sql, [...params]);
    return { rows: res.rows as T[] };
  } catch (err) {
    throw toStoreError(err, "PostgreSQL");
  }
}

function txClient(conn: pg.PoolClient): SqlClient {
  const client: SqlClient = {
    query: (sql, params = []) => run(conn, sql, params),
    transaction: (fn) => fn(client),
    close: async () => {
      throw new Error("close() cannot be called on a transaction handle");
    },
  };
  return client;
}

/** A PostgreSQL server through a pg.Pool. Transactions run on one pooled connection each. */
export async function postgresClient(options: PostgresClientOptions): Promise<SqlClient> {
  const { connectionString, schema } = options;
  if (schema !== undefined && !schemaName.test(schema)) {
    throw new JixiaoError("INVALID_PAYLOAD", `invalid schema name ${JSON.stringify(schema)}`);
  }
  const { default: Pg } = await import("pg");
  const pool = new Pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    // The schema goes on the startup packet, so no query can ever run before it is in effect.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection that dies (server restart) emits here; without a listener the process
  // would crash. The next query gets a fresh connection or fails with STORE_UNAVAILABLE.
  pool.on("error", () => {});

  let closed = false;
  const client: SqlClient = {
    query: (sql, params = []) => run(pool, sql, params),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      let conn: pg.PoolClient;
      try {
        conn = await pool.connect();
      } catch (err) {
        throw toStoreError(err, "PostgreSQL");
      }
      let broken: unknown;
      try {
        await run(conn, "BEGIN", []);
        const result = await fn(txClient(conn));
        await run(conn, "COMMIT", []);
        return result;
      } catch (err) {
        try {
          await conn.query("ROLLBACK");
        } catch (rollbackErr) {
          broken = rollbackErr; // the connection is unusable: drop it instead of pooling it
        }
        throw err;
      } finally {
        conn.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };

  if (schema !== undefined) {
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (err) {
      // Two processes creating the same schema at once: the loser sees a unique violation.
      if ((err as { code?: unknown }).code !== "23505") {
        await client.close();
        throw err;
      }
    }
  }
  return client;
}
