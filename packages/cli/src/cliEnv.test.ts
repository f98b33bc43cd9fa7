// The few values --help shows are mirrored in cliEnv.ts (so that --help loads neither the
// pipeline, the review server nor zod): each must equal what the package that owns it says.
import { describe, it, expect } from "vitest";
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_OCR_PAGE_TIME_MS, DEFAULT_TIME_LIMIT_MS } from "@jixiao/pipeline";
import { USER_ROLES } from "@jixiao/review";
import { readQueueEnv } from "@jixiao/queue";
import { readEnv, RUN_LIMIT_DEFAULTS, USER_ROLE_NAMES } from "./cliEnv.js";

describe("cliEnv's mirrored defaults", () => {
  it("run's limits are the pipeline's defaults", () => {
    expect(RUN_LIMIT_DEFAULTS).toEqual({
      timeLimitMs: DEFAULT_TIME_LIMIT_MS,
      ocrPageTimeMs: DEFAULT_OCR_PAGE_TIME_MS,
      memoryLimitBytes: DEFAULT_MEMORY_LIMIT_BYTES,
    });
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
