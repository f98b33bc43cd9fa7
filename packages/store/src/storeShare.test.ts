// The embedded store's single owner: a second opener is refused (STORE_LOCKED, naming the
// owner), or goes through the owner when it shares the store; a lock of a dead process is taken.
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { openStore } from "./openStore.js";
import { collect, type Store } from "./Store.js";
import { storeContract } from "./storeContract.js";
import { documentWith, randomSha256 } from "./storeFixtures.js";
import { lockPathOf } from "./storeLock.js";
import { sharedStoreClient } from "./storeShare.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "jixiao-share-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return err instanceof JixiaoError ? err.code : String(err);
}

describe("a store held by a process that does not share it", () => {
  it("refuses a second opener at once, naming the owner and what to do", async () => {
    const dataDir = join(dir, "exclusive");
    const owner = await openStore({ kind: "pglite", dataDir, command: "jixiao run reports/" });
    try {
      const t0 = Date.now();
      const err = await openStore({ kind: "pglite", dataDir }).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect((err as JixiaoError).code).toBe("STORE_LOCKED");
      expect((err as Error).message).toContain(`jixiao run reports/ (pid ${process.pid}`);
      expect((err as Error).message).toMatch(/jixiao serve/);
      // a second sharing owner is refused too
      expect(await codeOf(openStore({ kind: "pglite", dataDir, share: true }))).toBe("STORE_LOCKED");
    } finally {
      await owner.close();
    }
    // released on close: the next one opens it
    const next = await openStore({ kind: "pglite", dataDir });
    await next.close();
  });

  it("creates the directory the store and its lock live in", async () => {
    const dataDir = join(dir, "not", "yet", "store");
    const store = await openStore({ kind: "pglite", dataDir });
    await store.close();
  });

  it("takes over the lock of a process that is gone", async () => {
    const dataDir = join(dir, "stale");
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    await writeFile(lockPathOf(dataDir), JSON.stringify({ pid: dead, command: "jixiao run x", host: hostname(), startedAt: new Date().toISOString() }));
    const store = await openStore({ kind: "pglite", dataDir });
    try {
      expect(JSON.parse(await readFile(lockPathOf(dataDir), "utf8")).pid).toBe(process.pid);
    } finally {
      await store.close();
    }
    // and of a process whose pid now belongs to another process (start time differs)
    await writeFile(
      lockPathOf(dataDir),
      JSON.stringify({ pid: process.pid, command: "jixiao run x", host: hostname(), startedAt: new Date().toISOString(), procStart: "1" }),
    );
    const again = await openStore({ kind: "pglite", dataDir });
    await again.close();
  });
});

describe("a store shared by its owner", () => {
  let owner: Store;
  const dataDir = () => join(dir, "shared");
  beforeAll(async () => {
    owner = await openStore({ kind: "pglite", dataDir: dataDir(), share: true, command: "jixiao serve" });
  });
  afterAll(async () => {
    await owner.close();
  });

  // The whole store contract through the owner's socket.
  storeContract(() => openStore({ kind: "pglite", dataDir: dataDir() }));

  it("serves concurrent clients and the owner without losing or mixing a write", async () => {
    const clients = await Promise.all([1, 2, 3].map(() => openStore({ kind: "pglite", dataDir: dataDir() })));
    const shas: string[] = [];
    try {
      await Promise.all(
        [owner, ...clients].flatMap((s, i) =>
          Array.from({ length: 5 }, (_, j) => {
            const sha = randomSha256();
            shas.push(sha);
            return s.saveDocument(documentWith(sha, `c${i}-${j}.pdf`));
          }),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    const all = await collect(owner.listRecords());
    for (const sha of shas) expect(all.filter((r) => r.source.sha256 === sha)).toHaveLength(2);
  });

  it("rolls back the open transaction of a client that goes away", async () => {
    const { socket } = JSON.parse(await readFile(lockPathOf(dataDir()), "utf8")) as { socket: string };
    const client = await sharedStoreClient(socket, "owner", "test");
    await owner.migrate();
    const sha = randomSha256();
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let proceed!: () => void;
    const closed = new Promise<void>((r) => (proceed = r));
    const tx = client.transaction(async (t) => {
      await t.query("INSERT INTO documents (sha256, file, input_kind, status) VALUES ($1, 'half.pdf', 'pdf', 'queued')", [sha]);
      inside();
      await closed; // the connection ends here
      await t.query("SELECT 1");
    });
    tx.catch(() => {});
    await entered;
    await client.close();
    proceed();
    expect(await codeOf(tx)).toBe("STORE_UNAVAILABLE");
    // rolled back, and the owner is not left waiting on the dead transaction
    expect(await owner.getDocument(sha)).toBeNull();
    const sha2 = randomSha256();
    await owner.saveDocument(documentWith(sha2, "after.pdf"));
    expect(await owner.getDocument(sha2)).not.toBeNull();
  });

  it("makes the owner's close wait for connected clients", async () => {
    const dataDir2 = join(dir, "drain");
    const own = await openStore({
      kind: "pglite",
      dataDir: dataDir2,
      share: true,
      onWaitingForClients: (c) => waiting.push(...c.map((x) => x.pid)),
    });
    const waiting: number[] = [];
    const client = await openStore({ kind: "pglite", dataDir: dataDir2 });
    let closed = false;
    const closing = own.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    expect(waiting).toEqual([process.pid]);
    const sha = randomSha256();
    await client.saveDocument(documentWith(sha, "late.pdf")); // still served while draining
    await client.close();
    await closing;
    const reopened = await openStore({ kind: "pglite", dataDir: dataDir2 });
    try {
      expect(await reopened.getDocument(sha)).not.toBeNull();
    } finally {
      await reopened.close();
    }
  });
});

describe("the socket protocol", () => {
  it("carries dates, bigints, bytes and a value of megabytes unchanged", async () => {
    const dataDir = join(dir, "types");
    const owner = await openStore({ kind: "pglite", dataDir, share: true });
    try {
      const { socket } = JSON.parse(await readFile(lockPathOf(dataDir), "utf8")) as { socket: string };
      const client = await sharedStoreClient(socket, "owner", "test");
      try {
        const big = "报告".repeat(1_500_000);
        const when = new Date("2026-03-11T08:38:06.159Z");
        const { rows } = await client.query<{ t: Date; n: unknown; b: Uint8Array; s: string }>(
          "SELECT $1::timestamptz AS t, 9007199254740993::bigint AS n, '\\x00ff'::bytea AS b, $2::text AS s",
          [when, big],
        );
        expect(rows[0]!.t).toEqual(when);
        expect(String(rows[0]!.n)).toBe("9007199254740993");
        expect([...rows[0]!.b]).toEqual([0, 255]);
        expect(rows[0]!.s).toBe(big);
        // a SQL error keeps its SQLSTATE
        const err = await client.query("SELECT * FROM no_such_table").catch((e: unknown) => e);
        expect((err as { code?: string }).code).toBe("42P01");
      } finally {
        await client.close();
      }
    } finally {
      await owner.close();
    }
  });
});
