import { describe, it, expect } from "vitest";
import { JixiaoError } from "@jixiao/core";
import type { JxRecord } from "@jixiao/schemas";
import type { ListRecordsOptions } from "@jixiao/store";
import { numberRecords, type RecordSource } from "./numberRecords.js";
import { truthFiles } from "../test-fixtures/truthRecords.js";

const [a, b] = truthFiles().filter((f) => f.records.length >= 4);

/** A source like the store: all records in order; approvedOnly gives the ones `approved` accepts. */
function sourceOf(records: JxRecord[], approved: (r: JxRecord) => boolean): RecordSource {
  return {
    async *listRecords(options: ListRecordsOptions = {}) {
      for (const r of records) if (!options.approvedOnly || approved(r)) yield r;
    },
  };
}

async function keys(source: RecordSource, approvedOnly: boolean): Promise<string[]> {
  const out: string[] = [];
  for await (const { record, ordinal } of numberRecords(source, approvedOnly)) out.push(`${record.source.file}:${ordinal}`);
  return out;
}

describe("numberRecords", () => {
  const records = [...a!.records.slice(0, 4), ...b!.records.slice(0, 4)];

  it("counts ordinals per document", async () => {
    expect(await keys(sourceOf(records, () => true), false)).toEqual([0, 1, 2, 3].map((i) => `${a!.file}:${i}`).concat([0, 1, 2, 3].map((i) => `${b!.file}:${i}`)));
  });

  it("keeps each approved record's own ordinal when earlier records of its file are left out", async () => {
    const left = new Set([records[0], records[2], records[5]]);
    const got = await keys(sourceOf(records, (r) => !left.has(r)), true);
    expect(got).toEqual([`${a!.file}:1`, `${a!.file}:3`, `${b!.file}:0`, `${b!.file}:2`, `${b!.file}:3`]);
  });

  it("fails loudly when the approved listing does not line up with all records", async () => {
    const stranger = structuredClone(records[1]!);
    stranger.confidence = 0.5; // stored differently from what the full listing returns
    const source: RecordSource = {
      async *listRecords(options: ListRecordsOptions = {}) {
        if (options.approvedOnly) yield stranger;
        else yield* records;
      },
    };
    await expect(keys(source, true)).rejects.toSatisfy((e) => e instanceof JixiaoError && e.code === "INTERNAL");
  });
});
