import { describe, expect, it } from "vitest";
import { JixiaoError } from "@jixiao/core";
import { queueUploads, type QueueSubmit } from "./uploads.js";

describe("queue-mode uploads", () => {
  it("submit each file as `jixiao submit` does, pass its page progress on, and give its document's outcome", async () => {
    const calls: unknown[] = [];
    const submit: QueueSubmit = async (inputs, onProgress) => {
      calls.push(inputs);
      onProgress({ pagesDone: 1, pagesTotal: 3 });
      return [{ sha256: "a".repeat(64), status: "partial", error: null, recordCount: 2 }];
    };
    const progress: unknown[] = [];
    const out = await queueUploads(submit).process({ path: "/up/x.pdf", file: "2022/x.pdf" }, (p) => progress.push(p));
    expect(calls).toEqual([[{ path: "/up/x.pdf", file: "2022/x.pdf" }]]);
    expect(progress).toEqual([{ pagesDone: 1, pageCount: 3 }]);
    expect(out).toEqual({ sha256: "a".repeat(64), status: "partial", error: null, records: 2, skipped: false });
  });

  it("gives a queue that cannot be reached as the file's typed failure", async () => {
    const down: QueueSubmit = async () => {
      throw new JixiaoError("QUEUE_UNAVAILABLE", "redis refused the connection");
    };
    const out = await queueUploads(down).process({ path: "/up/x.pdf", file: "x.pdf" }, () => {});
    expect(out).toMatchObject({ status: "failed", sha256: null, error: { code: "QUEUE_UNAVAILABLE" } });
  });
});
