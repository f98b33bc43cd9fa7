import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore } from "@jixiao/store";
import { reviewServerContract } from "./reviewServerContract.js";

// The same server over PostgreSQL (this machine's server, trust auth; JIXIAO_TEST_PG_URL overrides),
// in a random schema dropped afterwards.
const url = process.env.JIXIAO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const schema = `r_${randomBytes(6).toString("hex")}`;

reviewServerContract(
  "review server over PostgreSQL (random schema)",
  () => openStore({ kind: "postgres", url, schema }),
  async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  },
);
