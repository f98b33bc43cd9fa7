#!/usr/bin/env node
// Writes JSON Schema files generated from the zod schemas into schemas/json/.
//   node schemas/scripts/gen-json-schema.mjs          write the files
//   node schemas/scripts/gen-json-schema.mjs --check  exit 1 when a file is stale
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderJsonSchemas } from "../dist/jsonSchemas.js";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "json");
const check = process.argv.includes("--check");
mkdirSync(outDir, { recursive: true });
let stale = 0;
for (const [name, text] of Object.entries(renderJsonSchemas())) {
  const path = join(outDir, `${name}.schema.json`);
  const current = existsSync(path) ? readFileSync(path, "utf8") : null;
  if (current === text) continue;
  if (check) { console.error(`stale: ${path}`); stale++; continue; }
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
process.exit(stale ? 1 : 0);
