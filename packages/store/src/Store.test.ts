import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { openStore } from "./openStore.js";
import { collect } from "./Store.js";
import { storeContract } from "./storeContract.js";
import { documentWith, randomSha256 } from "./storeFixtures.js";

describe("Store on PGlite (on-disk data directory)", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "jixiao-store-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // The data directory does not exist yet: openStore creates it.
  storeContract(() => openStore({ kind: "pglite", dataDir: join(dir, "db") }));

  it("runs in memory too", async () => {
    const store = await openStore({ kind: "pglite", dataDir: "memory://" });
    try {
      const sha = randomSha256();
      await store.saveDocument(documentWith(sha, "m.pdf"));
      expect(await collect(store.listRecords())).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it("reports STORE_UNAVAILABLE when the data directory cannot be used", async () => {
    const file = join(dir, "not-a-directory");
    await writeFile(file, "x");
    const err = await openStore({ kind: "pglite", dataDir: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("STORE_UNAVAILABLE");
  });
});

describe("Store on PGlite in a worker thread (jixiao run's store)", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "jixiao-store-thread-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  storeContract(() => openStore({ kind: "pglite", dataDir: join(dir, "db"), thread: true }));

  it("reports STORE_UNAVAILABLE when the data directory cannot be used", async () => {
    const file = join(dir, "not-a-directory");
    await writeFile(file, "x");
    const err = await openStore({ kind: "pglite", dataDir: file, thread: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JixiaoError);
    expect((err as JixiaoError).code).toBe("STORE_UNAVAILABLE");
  });
});
