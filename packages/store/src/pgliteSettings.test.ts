import { describe, expect, it } from "vitest";
import { pgliteClient } from "./pgliteClient.js";
import { rewriteCString } from "./pgliteSettings.js";

describe("rewriteCString", () => {
  const heap = () => new TextEncoder().encode("xx\0shared_buffers=128MB\0wal_buffers=4MB\0");
  it("replaces a NUL-terminated literal in place, leaving the rest", () => {
    const h = heap();
    expect(rewriteCString(h, "shared_buffers=128MB", "shared_buffers=16MB")).toBe(true);
    const strings = new TextDecoder().decode(h).split("\0");
    expect(strings.slice(0, 3)).toEqual(["xx", "shared_buffers=16MB", ""]);
    expect(strings).toContain("wal_buffers=4MB");
  });
  it("changes nothing when the literal is missing, is only a prefix, or the replacement is longer", () => {
    for (const [from, to] of [
      ["shared_buffers=256MB", "shared_buffers=16MB"],
      ["shared_buffers=128", "shared_buffers=16"],
      ["shared_buffers=128MB", "shared_buffers=1024MB"],
    ] as const) {
      const h = heap();
      expect(rewriteCString(h, from, to)).toBe(false);
      expect(h).toEqual(heap());
    }
  });
});

describe("the embedded store's settings", () => {
  it("runs PGlite with 16MB of shared buffers, not its compiled-in 128MB", async () => {
    const c = await pgliteClient({ dataDir: "memory://" });
    try {
      const { rows } = await c.query<{ setting: string; unit: string }>("SELECT setting, unit FROM pg_settings WHERE name = 'shared_buffers'");
      expect(Number(rows[0]!.setting) * (rows[0]!.unit === "8kB" ? 8 : NaN)).toBe(16 * 1024);
      // Still a working database.
      expect((await c.query<{ n: number }>("SELECT count(*)::int AS n FROM generate_series(1, 100000)")).rows[0]!.n).toBe(100000);
    } finally {
      await c.close();
    }
  });
});
