// One mapping from a file's result to the document a store keeps.
import { describe, it, expect } from "vitest";
import { resolve } from "node:path";
import { processBytes } from "./processFile.js";
import { documentToStore } from "./documentToStore.js";

describe("documentToStore", () => {
  it("maps every field of a result, with the path made absolute", async () => {
    const r = await processBytes(new TextEncoder().encode("no form here\n"), "dump.txt", "in/dump.txt");
    expect(documentToStore(r)).toEqual({
      sha256: r.sha256,
      file: "dump.txt",
      inputKind: "text-dump",
      status: r.status,
      pageCount: r.pageCount,
      error: r.error,
      records: r.records,
      path: resolve("in/dump.txt"),
      pageGeometry: r.pageGeometry,
    });
  });

  it("keeps an unknown kind unknown (never stored as a PDF), and gives nothing for a file never hashed", async () => {
    const unknown = await processBytes(new TextEncoder().encode("PK\u0003\u0004 a spreadsheet"), "budget.xlsx");
    expect(unknown.error?.code).toBe("UNSUPPORTED_INPUT");
    expect(documentToStore(unknown)).toMatchObject({ inputKind: null, status: "failed", error: { code: "UNSUPPORTED_INPUT" } });
    const empty = await processBytes(new Uint8Array(0), "empty.pdf");
    expect(documentToStore(empty)).toBeNull();
  });
});
