import { Store } from "./Store.js";
import type { SqlClient } from "./SqlClient.js";
import { pgliteClient } from "./pgliteClient.js";
import { pgliteThreadClient } from "./pgliteThread.js";
import { postgresClient } from "./postgresClient.js";
import { JixiaoError } from "@jixiao/core";
import { commandLine, describeOwner, tryLockStore } from "./storeLock.js";
import { shareStore, sharedStoreClient, type ShareClientInfo } from "./storeShare.js";

export type StoreConfig =
  | {
      kind: "pglite";
      dataDir: string;
      /**
       * Share the store with other processes (`jixiao serve`): they reach it through this
       * process while it runs. Refused (STORE_LOCKED) when another process holds the store.
       */
      share?: boolean;
      /** How this process is named to others in messages (default: its command line). */
      command?: string;
      /** A sharing owner's close() waits for connected processes; this is told who they are. */
      onWaitingForClients?: (clients: ShareClientInfo[]) => void;
      /**
       * Run PGlite in a worker thread (pgliteThreadClient): its start-up and statements leave
       * this thread free. Default false.
       */
      thread?: boolean;
    }
  | { kind: "postgres"; url: string; schema?: string; /** Pool size (default 10). */ max?: number };

/**
 * The embedded store on disk has a single owner: the process holding `<dataDir>.lock`, the only
 * one with its PGlite open (two PGlite instances on one directory overwrite each other's
 * changes). A later process goes through the owner when the owner shares the store (`jixiao
 * serve`); otherwise it is refused at once with STORE_LOCKED, naming the owner. A lock whose
 * process is gone is taken over.
 */
async function openPglite(config: Extract<StoreConfig, { kind: "pglite" }>): Promise<SqlClient> {
  if (config.dataDir.startsWith("memory://")) return pgliteClient({ dataDir: config.dataDir });
  const command = config.command ?? commandLine();
  const attempt = await tryLockStore(config.dataDir, command);
  if ("owner" in attempt) {
    const owner = attempt.owner;
    const who = describeOwner(owner);
    if (owner.socket && !config.share) {
      try {
        return await sharedStoreClient(owner.socket, who, command);
      } catch (err) {
        throw new JixiaoError(
          "STORE_LOCKED",
          `the store ${config.dataDir} is held by ${who}, which shares it, but its socket ${owner.socket} does not answer (${(err as Error).message}); stop that process, or remove ${config.dataDir}.lock if it is certainly gone`,
          { cause: err },
        );
      }
    }
    const advice = config.share
      ? owner.socket
        ? "it already serves the store: use that one, or stop it first"
        : "wait until it finishes (or stop it), then start this again; start `jixiao serve` first to run other commands while it serves"
      : "wait until it finishes (or stop it); to work on the store while it is served, start `jixiao serve` first: `run`, `export` and `user` then go through it";
    throw new JixiaoError("STORE_LOCKED", `the store ${config.dataDir} is in use by ${who}: ${advice}`);
  }
  const lock = attempt.held;
  let local: SqlClient;
  try {
    local = config.thread ? await pgliteThreadClient({ dataDir: config.dataDir }) : await pgliteClient({ dataDir: config.dataDir });
  } catch (err) {
    await lock.release();
    throw err;
  }
  if (!config.share) {
    return {
      query: (sql, params) => local.query(sql, params),
      transaction: (fn) => local.transaction(fn),
      async close() {
        await local.close();
        await lock.release();
      },
    };
  }
  let share;
  try {
    share = await shareStore(local);
    await lock.setSocket(share.socket);
  } catch (err) {
    await share?.close();
    await local.close();
    await lock.release();
    throw new JixiaoError("STORE_UNAVAILABLE", `could not share the store ${config.dataDir}: ${(err as Error).message}`, { cause: err });
  }
  const shared = share;
  let closing: Promise<void> | undefined;
  return {
    query: (sql, params) => local.query(sql, params),
    transaction: (fn) => local.transaction(fn),
    close() {
      closing ??= (async () => {
        await shared.drain(config.onWaitingForClients);
        await local.close();
        await lock.release();
      })();
      return closing;
    },
  };
}

/** Connects to the configured backend and migrates it. Failures to connect raise STORE_UNAVAILABLE. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const client: SqlClient =
    config.kind === "pglite"
      ? await openPglite(config)
      : await postgresClient({
          connectionString: config.url,
          ...(config.schema === undefined ? {} : { schema: config.schema }),
          ...(config.max === undefined ? {} : { max: config.max }),
        });
  const store = new Store(client);
  try {
    await store.migrate();
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
  return store;
}
