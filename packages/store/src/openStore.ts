import { Store } from "./Store.js";
import type { SqlClient } from "./SqlClient.js";
import { pgliteClient } from "./pgliteClient.js";
import { postgresClient } from "./postgresClient.js";

export type StoreConfig =
  | { kind: "pglite"; dataDir: string }
  | { kind: "postgres"; url: string; schema?: string; /** Pool size (default 10). */ max?: number };

/** Connects to the configured backend and migrates it. Failures to connect raise STORE_UNAVAILABLE. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const client: SqlClient =
    config.kind === "pglite"
      ? await pgliteClient({ dataDir: config.dataDir })
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
