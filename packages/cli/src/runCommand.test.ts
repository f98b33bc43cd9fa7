// How many extraction processes `jixiao run` starts for a batch when --jobs is not given: one for
// a small batch (a second one costs more to start and warm up than it saves), more as the input
// grows, never more than the idle cores or the files.
import { describe, it, expect } from "vitest";
import { extractionProcesses } from "./runCommand.js";

const MB = 1024 * 1024;

describe("extractionProcesses", () => {
  it("gives a small batch one process, whatever the idle cores", () => {
    // corpus/digital: 4 PDFs, 43 pages, 2.9 MB.
    expect(extractionProcesses([1.26 * MB, 0.54 * MB, 0.52 * MB, 0.62 * MB], 2)).toBe(1);
    expect(extractionProcesses([1.26 * MB, 0.54 * MB, 0.52 * MB, 0.62 * MB], 8)).toBe(1);
  });

  it("adds a process for each further 8 MiB of input, up to the idle cores and the files", () => {
    // corpus/scan: 4 PDFs, 20 MB.
    const scans = [11.8 * MB, 3.1 * MB, 2 * MB, 3.4 * MB];
    expect(extractionProcesses(scans, 2)).toBe(2);
    expect(extractionProcesses(scans, 8)).toBe(3);
    expect(extractionProcesses(scans, 1)).toBe(1);
    expect(extractionProcesses([40 * MB], 8)).toBe(1); // one file: one process
    expect(extractionProcesses(Array.from({ length: 20 }, () => MB), 8)).toBe(3);
  });

  it("gives one process to no files or unreadable ones (size 0)", () => {
    expect(extractionProcesses([], 4)).toBe(1);
    expect(extractionProcesses([0, 0], 4)).toBe(1);
  });
});
