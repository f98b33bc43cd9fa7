// `jixiao --help`, `--version` and every `<command> --help` load only commander and the CLI's own
// light modules: no pdf.js, OCR, store, queue, review server, zod, … (each command's action
// imports those when it runs). Checked by the modules a child process resolves (a module
// resolve hook writes each resolved URL to a file), not by timing: the test fails as soon as
// someone adds a top-level import of a heavy module to what --help loads.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..", "..", "..");
const cliSrc = join(root, "packages", "cli", "src");

/**
 * Modules --help must not load: every workspace package but the CLI (and @jixiao/core/limits,
 * which imports nothing: the limits' defaults the options show), and the heavy dependencies.
 */
const HEAVY = [
  /\/(packages|workers)\/(?!cli\/|core\/(src|dist)\/limits\.(ts|js)$)[^/]+\//,
  /\/schemas\/(src|dist)\//,
  /\/node_modules\/(zod|pdfjs-dist|bullmq|ioredis|pg|pg-pool|@electric-sql|fastify|@fastify|pino|tesseract\.js|onnxruntime-node|cli-progress|hyparquet-writer|csv-stringify|sharp)\//,
];

const HELP_INVOCATIONS = [
  ["--help"],
  ["--version"],
  ["help"],
  ...["run", "export", "worker", "submit", "status", "reconcile", "show", "serve", "user", "user add", "user list", "user remove", "user passwd"].map((c) => [...c.split(" "), "--help"]),
];

describe("loading the CLI for --help and --version", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-cli-help-"));
    writeFileSync(
      join(dir, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(file, r.url + "\\n");
  return r;
}
`,
    );
    writeFileSync(
      join(dir, "register.mjs"),
      `import { register } from "node:module";
register("./hooks.mjs", import.meta.url, { data: { file: process.env.JIXIAO_TEST_RESOLVED } });
`,
    );
    // Every help invocation through main(), one after the other, in one process.
    writeFileSync(
      join(dir, "helps.mjs"),
      `const { main } = await import(${JSON.stringify(pathToFileURL(join(cliSrc, "main.ts")).href)});
for (const args of ${JSON.stringify(HELP_INVOCATIONS)}) {
  const code = await main(["node", "jixiao", ...args], {});
  if (code !== 0) throw new Error(args.join(" ") + ": exit " + code);
}
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `script args` from the sources (as the other CLI tests do) and returns the URLs it resolved. */
  function resolvedBy(name: string, script: string, args: string[], status = 0): string[] {
    const list = join(dir, `${name}.txt`);
    writeFileSync(list, "");
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "--import", join(dir, "register.mjs"), script, ...args], {
      cwd: root,
      env: { ...process.env, JIXIAO_TEST_RESOLVED: list },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(status);
    return readFileSync(list, "utf8").split("\n").filter(Boolean);
  }

  function expectLight(urls: string[]) {
    // The hook saw the CLI load (so an empty list cannot pass).
    expect(urls.some((u) => u.endsWith("/packages/cli/src/main.ts"))).toBe(true);
    expect(urls.some((u) => u.includes("/node_modules/commander/"))).toBe(true);
    expect(urls.filter((u) => HEAVY.some((re) => re.test(u)))).toEqual([]);
  }

  it("jixiao --help (the bin entry) loads commander and the CLI's light modules only", () => {
    expectLight(resolvedBy("bin-help", join(cliSrc, "bin.ts"), ["--help"]));
  });

  it("--version, help and every command's --help load no heavy module", () => {
    expectLight(resolvedBy("helps", join(dir, "helps.mjs"), []));
  });

  it("run's command module loads the extraction sandbox and no other heavy module (its first process starts before they load)", () => {
    const script = join(dir, "run-command.mjs");
    writeFileSync(script, `await import(${JSON.stringify(pathToFileURL(join(cliSrc, "runCommand.ts")).href)});\n`);
    const urls = resolvedBy("run-command", script, []);
    expect(urls.some((u) => u.endsWith("/packages/pipeline/src/sandbox.ts"))).toBe(true);
    const allowed = /\/packages\/(pipeline\/src\/sandbox\.ts|core\/src\/[^/]+\.ts)$/;
    expect(urls.filter((u) => HEAVY.some((re) => re.test(u)) && !allowed.test(u))).toEqual([]);
  });

  it("the check sees the heavy modules a command's action loads", () => {
    // export's action loads the export package and the store, then refuses --csv-preset without csv (exit 2, no store opened).
    const urls = resolvedBy("export", join(cliSrc, "bin.ts"), ["export", "--out", join(dir, "out"), "--csv-preset", "spreadsheet"], 2);
    expect(urls.some((u) => /\/packages\/export\//.test(u))).toBe(true);
    expect(urls.some((u) => /\/packages\/store\//.test(u))).toBe(true);
  });
});
