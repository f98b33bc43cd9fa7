import { describe, it, expect } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchemas, publishedSchemas } from "./jsonSchemas.js";

const dir = join(import.meta.dirname, "..", "json");

describe("generated JSON Schema", () => {
  it("is up to date with the zod schemas (run `npm run schemas` after changing them)", () => {
    for (const [name, text] of Object.entries(renderJsonSchemas())) {
      const path = join(dir, `${name}.schema.json`);
      expect(existsSync(path), `${path} is missing`).toBe(true);
      expect(readFileSync(path, "utf8"), `${path} is stale`).toBe(text);
    }
  });

  it("publishes every record kind with its required fields", () => {
    const record = JSON.parse(renderJsonSchemas().project_self_eval!);
    expect(record.required).toEqual(expect.arrayContaining(["kind", "funds", "indicators", "source", "confidence", "flags", "review"]));
    expect(Object.keys(publishedSchemas)).toEqual(expect.arrayContaining(["department_self_eval", "project_self_assessment", "page"]));
  });
});
