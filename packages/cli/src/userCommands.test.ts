// `jixiao user add|passwd|remove`: the password is typed without echo on a terminal (twice) and
// read from standard input otherwise; passwd keeps the role, remove ends the user.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "@jixiao/store";
import { verifyPassword } from "@jixiao/review";
import { PromptInterrupted, readNewPassword } from "./readPassword.js";

const root = join(import.meta.dirname, "..", "..", "..");
const bin = join(root, "packages", "cli", "src", "bin.ts");

/** A terminal's input: keys are written to it; raw mode is recorded. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode(raw: boolean) { input.raw.push(raw); return input; } });
  const shown: string[] = [];
  const output = new PassThrough();
  output.on("data", (d: Buffer) => shown.push(d.toString()));
  return { input, output, shown: () => shown.join("") };
}

describe("reading a password", () => {
  it("on a terminal: prompts, echoes nothing, asks twice, handles Backspace", async () => {
    const t = terminal();
    const read = readNewPassword("li.wei", t);
    t.input.write("a long passphrasf\u007fe\r");
    await new Promise((r) => setTimeout(r, 10));
    t.input.write("a long passphrase\r");
    expect(await read).toBe("a long passphrase");
    expect(t.shown()).toBe("password for li.wei: \nagain: \n");
    expect(t.input.raw).toEqual([true, false, true, false]);
  });

  it("asks again when the two differ, and stops on Ctrl-C", async () => {
    const t = terminal();
    const read = readNewPassword("x", t);
    for (const keys of ["one\r", "two\r", "three\r", "three\r"]) {
      t.input.write(keys);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await read).toBe("three");
    expect(t.shown()).toMatch(/do not match; try again/);
    const c = terminal();
    const stopped = readNewPassword("x", c);
    c.input.write("abc\u0003");
    await expect(stopped).rejects.toBeInstanceOf(PromptInterrupted);
  });

  it("from a pipe: the first line", async () => {
    const input = new PassThrough();
    input.end("from a pipe\nsecond line\n");
    expect(await readNewPassword("x", { input })).toBe("from a pipe");
  });
});

describe("jixiao user", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jixiao-users-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[], input = "") =>
    spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", bin, "user", ...args, "--store", join(dir, "store")], { cwd: root, input, encoding: "utf8", env: { ...process.env, JIXIAO_ADMIN_TOKEN: "" } });

  it("adds, changes the password of, lists and removes a user", async () => {
    const add = cli(["add", "li.wei", "--role", "reviewer"], "first passphrase\n");
    expect(add.status, add.stderr).toBe(0);
    const passwd = cli(["passwd", "li.wei"], "second passphrase\n");
    expect(passwd.status, passwd.stderr).toBe(0);
    expect(passwd.stderr).toMatch(/changed the password of li\.wei/);
    expect(cli(["passwd", "li.wei"], "short\n").status).toBe(2);
    expect(cli(["passwd", "nobody"], "a long enough one\n").status).toBe(1);

    const store = await openStore({ kind: "pglite", dataDir: join(dir, "store") });
    try {
      const user = await store.getUser("li.wei");
      expect(user?.role).toBe("reviewer");
      expect(await verifyPassword("second passphrase", user!.passwordHash)).toBe(true);
      expect(await verifyPassword("first passphrase", user!.passwordHash)).toBe(false);
    } finally {
      await store.close();
    }
    expect(cli(["list"]).stdout).toBe("li.wei\treviewer\n");
    const remove = cli(["remove", "li.wei"]);
    expect(remove.status, remove.stderr).toBe(0);
    expect(cli(["list"]).stdout).toBe("");
    expect(cli(["remove", "li.wei"]).status).toBe(1);
  });
});
