import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { openStore } from "./openStore.js";
import { storeContract } from "./storeContract.js";

// Needs the PostgreSQL server on this machine (trust auth). Override with JIXIAO_TEST_PG_URL.
const url = process.env.JIXIAO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

describe("Store on PostgreSQL (random schema)", () => {
  const schema = `t_${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    // Fail fast with a clear message if the server is not there.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.end();
  });

  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  storeContract(() => openStore({ kind: "postgres", url, schema }));

  it("keeps its tables inside the schema it was given", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      expect(rows.map((r) => r.table_name)).toEqual(["documents", "flag_resolutions", "flags", "pages", "records", "reviews", "schema_version", "sessions", "users"]);
    } finally {
      await client.end();
    }
  });

  it("migrates safely when several processes start at once", async () => {
    const other = `${schema}_m`;
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openStore({ kind: "postgres", url, schema: other })));
      for (const store of stores) await store.close();
    } finally {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${other} CASCADE`);
      await client.end();
    }
  });

  it("reports STORE_UNAVAILABLE when the server cannot be reached", async () => {
    const err = await openStore({ kind: "postgres", url: "postgresql://postgres@127.0.0.1:1/test" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("STORE_UNAVAILABLE");
    expect((err as JixiaoError).retryable).toBe(true);
  });

  it("reports STORE_UNAVAILABLE when the database does not exist", async () => {
    const missing = url.replace(/\/[^/]*$/, "/no_such_database_jixiao");
    const err = await openStore({ kind: "postgres", url: missing }).catch((e: unknown) => e);
    expect((err as JixiaoError).code).toBe("STORE_UNAVAILABLE");
  });

  it("rejects a schema name that is not a plain identifier", async () => {
    const err = await openStore({ kind: "postgres", url, schema: "x; drop table y" }).catch((e: unknown) => e);
    expect((err as JixiaoError).code).toBe("INVALID_PAYLOAD");
  });
});
