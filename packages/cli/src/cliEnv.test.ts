// The few values --help shows are mirrored in cliEnv.ts (so that --help loads neither the
// pipeline, the review server nor zod): each must equal what the package that owns it says.
// The limits' defaults are not mirrored: everything reads them from @jixiao/core/limits.
import { describe, it, expect } from "vitest";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_OCR_PAGE_TIME_MS, DEFAULT_TIME_LIMIT_MS } from "@jixiao/pipeline";
import { USER_ROLES } from "@jixiao/review";
import { readQueueEnv } from "@jixiao/queue";
import { readEnv, USER_ROLE_NAMES } from "./cliEnv.js";

describe("cliEnv's mirrored defaults", () => {
  it("run's limits default to the pipeline's, which queue mode uses too, and follow the environment", () => {
    expect(readEnv({}).limits).toEqual({
      timeLimitMs: DEFAULT_TIME_LIMIT_MS,
      ocrPageTimeMs: DEFAULT_OCR_PAGE_TIME_MS,
      memoryLimitBytes: DEFAULT_MEMORY_LIMIT_BYTES,
      maxBytes: DEFAULT_MAX_BYTES,
      maxPages: DEFAULT_MAX_PAGES,
    });
    expect(readQueueEnv({})).toMatchObject({ maxBytes: DEFAULT_MAX_BYTES, maxPages: DEFAULT_MAX_PAGES });
    const env = { JIXIAO_MAX_BYTES: "1000", JIXIAO_MAX_PAGES: "3", JIXIAO_TIME_LIMIT_S: "5" };
    expect(readEnv(env).limits).toMatchObject({ maxBytes: 1000, maxPages: 3, timeLimitMs: 5000 });
    expect(readQueueEnv(env)).toMatchObject({ maxBytes: 1000, maxPages: 3 });
    expect(() => readEnv({ JIXIAO_MAX_PAGES: "2.5" })).toThrow(/JIXIAO_MAX_PAGES/);
  });

  it("the review roles are the review package's", () => {
    expect(USER_ROLE_NAMES).toEqual(USER_ROLES);
  });

  it("what the help shows of queue mode's settings is what readQueueEnv reads", async () => {
    const envs: NodeJS.ProcessEnv[] = [
      {},
      { JIXIAO_DATABASE_URL: "", JIXIAO_CONCURRENCY: "", JIXIAO_STORE_WAIT_MS: "" },
      { JIXIAO_DATABASE_URL: "postgresql://u@db.example/jx", JIXIAO_CONCURRENCY: "3", JIXIAO_STORE_WAIT_MS: "12000" },
    ];
    for (const env of envs) {
      const cli = readEnv(env);
      const queue = readQueueEnv(env);
      expect(cli.queueHelp, JSON.stringify(env)).toEqual({ databaseUrl: queue.databaseUrl, concurrency: queue.concurrency, storeWaitMs: queue.storeWaitMs });
      expect(await cli.queue()).toEqual(queue);
    }
  });

  it("a bad queue setting fails the commands that read it, not the others", async () => {
    const cli = readEnv({ JIXIAO_CONCURRENCY: "many" });
    await expect(cli.queue()).rejects.toThrow(/JIXIAO_CONCURRENCY/);
    expect(cli.storeDir).toBe(".jixiao/store");
  });
});
