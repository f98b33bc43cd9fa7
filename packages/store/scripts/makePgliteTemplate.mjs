#!/usr/bin/env node
// Makes packages/store/dist/pglite-template: an empty PGlite cluster, straight from its initdb,
// that a new embedded store starts from as a copy (pgliteClient: seedFromTemplate). PGlite's
// initdb takes 5-6 s on 2 cores; copying its 27 MB result takes 0.1 s. Part of `npm run build`;
// does nothing when the template for the installed PGlite version is already there.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

const pkgDir = join(import.meta.dirname, "..");
const dist = join(pkgDir, "dist");
const target = join(dist, "pglite-template");
const stampFile = join(dist, "pglite-template.json");
const require = createRequire(join(pkgDir, "package.json"));
const pgliteJson = join(dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
const version = JSON.parse(readFileSync(pgliteJson, "utf8")).version;

const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : null;
if (stamp?.pglite === version && existsSync(join(target, "PG_VERSION"))) process.exit(0);

const tmp = mkdtempSync(join(dist, ".pglite-template-"));
try {
  const db = new PGlite(join(tmp, "db"));
  await db.waitReady;
  await db.close();
  rmSync(target, { recursive: true, force: true });
  renameSync(join(tmp, "db"), target);
  writeFileSync(stampFile, JSON.stringify({ pglite: version }) + "\n");
  console.log(`store: PGlite ${version} template made in ${target}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

