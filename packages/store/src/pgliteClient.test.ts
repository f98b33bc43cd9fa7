import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteClient } from "./pgliteClient.js";

const template = fileURLToPath(new URL("../dist/pglite-template/PG_VERSION", import.meta.url));

async function systemIdentifier(dataDir: string): Promise<string> {
  const c = await pgliteClient({ dataDir });
  try {
    return (await c.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()")).rows[0]!.id;
  } finally {
    await c.close();
  }
}

describe("a new embedded store", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "jixiao-pglite-template-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // `npm run build` makes the template (CI builds before it tests).
  it.runIf(existsSync(template))("starts as a copy of the build's template cluster, not from its own initdb", async () => {
    // initdb gives every cluster its own system identifier; copies of one template share it.
    const a = await systemIdentifier(join(root, "a"));
    const b = await systemIdentifier(join(root, "b", "nested"));
    expect(a).toBe(b);
    // No copy is left beside the store.
    expect((await readdir(root)).sort()).toEqual(["a", "b"]);
  });

  it("leaves a directory that already holds files to PGlite (no copy over them)", async () => {
    const dir = join(root, "occupied");
    await mkdir(dir);
    await writeFile(join(dir, "note.txt"), "not a cluster");
    // PGlite refuses or initialises it; either way the file is not replaced by the template.
    await pgliteClient({ dataDir: dir }).then((c) => c.close(), () => undefined);
    expect(existsSync(join(dir, "note.txt"))).toBe(true);
  });
});
