// run's progress bar: it counts pages, says the time since the start and the time left, and
// moves while a long scan is read (the current file counts by the pages OCR has read of it).
import { describe, it, expect } from "vitest";
import { duration, eta, progressLine, workDone, type ProgressState } from "./runProgress.js";

const state = (over: Partial<ProgressState>): ProgressState => ({ startedAt: 0, sizes: [100, 300], filesDone: 0, pagesDone: 0, current: null, ...over });

describe("run's progress", () => {
  it("measures work in bytes, the current file by its pages read", () => {
    expect(workDone(state({}))).toBe(0);
    expect(workDone(state({ filesDone: 1, pagesDone: 3 }))).toBeCloseTo(0.25);
    // The second file (300 bytes) has 2 of its 6 pages read: 100 of its bytes.
    expect(workDone(state({ filesDone: 1, current: { file: "scan.pdf", pagesDone: 2, pageCount: 6 } }))).toBeCloseTo(0.5);
    expect(workDone(state({ filesDone: 2 }))).toBe(1);
    // Unreadable files (size 0) only: by files.
    expect(workDone(state({ sizes: [0, 0], filesDone: 1 }))).toBe(0.5);
  });

  it("shows pages, the elapsed time and an estimate from the first page on", () => {
    const s = state({ current: { file: "scan.pdf", pagesDone: 0, pageCount: null } });
    expect(eta(s, 19_000)).toBeNull();
    expect(progressLine(s, 19_000)).toMatch(/0\/2 files \| 0 pages \(scan\.pdf\) \| 0:19 elapsed \| ETA …$/);
    // The first file is done after 10 s, and 1 page of the 25-page scan after 20 s more.
    const later = state({ filesDone: 1, pagesDone: 2, current: { file: "scan.pdf", pagesDone: 1, pageCount: 25 } });
    const line = progressLine(later, 30_000);
    expect(line).toMatch(/1\/2 files \| 3 pages \(scan\.pdf: page 1\/25\) \| 0:30 elapsed \| ETA /);
    // Done: 100 + 300/25 = 112 of 400 bytes in 30 s → 288 bytes left at that rate ≈ 77 s.
    expect(eta(later, 30_000)! / 1000).toBeCloseTo((30 * 288) / 112, 5);
    expect(line).toMatch(/ETA 1:17$/);
    expect(line).toMatch(/^█+░+ +28% /);
  });

  it("writes durations as m:ss or h:mm:ss", () => {
    expect(duration(0)).toBe("0:00");
    expect(duration(75_000)).toBe("1:15");
    expect(duration(3_725_000)).toBe("1:02:05");
  });
});
