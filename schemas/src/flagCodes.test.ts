import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_FLAG_CODES, FLAG_CODES, flagCodes, isFlagCode } from "./flagCodes.js";

const root = join(import.meta.dirname, "../..");

/** Source files of the stages that raise flags (tests and fixtures left out). */
function sources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const pkg of readdirSync(join(root, "packages"))) {
    const dir = join(root, "packages", pkg, "src");
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith(".ts") || name.endsWith(".test.ts") || /Contract\.ts$|Fixtures\.ts$/.test(name)) continue;
      out.push({ file: `packages/${pkg}/src/${name}`, text: readFileSync(join(dir, name), "utf8") });
    }
  }
  return out;
}

/** Codes raised literally: a builder's flag("x", …), a repair or doubt { code: "x" }, a pending ["x", …]. */
const RAISED = /(?:code:\s*|\.flag\(\s*|pending\.push\(\[\s*)"([a-z][a-z0-9_]*)"/g;

/** Codes the normalizer builds from a part's name: flag(`missing_${part}`) for each part parseTabular looks for. */
const BUILT = ["missing_money", "missing_goals", "missing_indicators", "missing_total"];

describe("the flag-code table", () => {
  const files = sources();

  it("holds every code a stage raises", () => {
    const raised = new Map<string, string>();
    for (const { file, text } of files) for (const m of text.matchAll(RAISED)) raised.set(m[1]!, file);
    expect(raised.size).toBeGreaterThan(50);
    const missing = [...raised].filter(([code]) => !isFlagCode(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing, "codes raised but not in schemas/src/flagCodes.ts").toEqual([]);
  });

  it("holds no code that nothing raises", () => {
    const all = files.map((f) => f.text).join("\n");
    expect(all).toContain("`missing_${part as keyof typeof v.found}`");
    const unused = FLAG_CODES.filter((code) => !BUILT.includes(code) && !all.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });

  it("describes each code and marks the arithmetic checks", () => {
    for (const code of FLAG_CODES) expect(flagCodes[code].description.length, code).toBeGreaterThan(10);
    expect(CHECK_FLAG_CODES.has("weights_do_not_sum")).toBe(true);
    expect(CHECK_FLAG_CODES.has("low_ocr_confidence")).toBe(false);
    expect(isFlagCode("toString")).toBe(false);
  });
});
