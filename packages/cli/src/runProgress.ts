import cliProgress from "cli-progress";

// `jixiao run`'s progress bar: pages (not files), time since the start and the time left. The
// work is measured in bytes: the input files' sizes are known at the start, and the file being
// processed counts in proportion to the pages OCR has read of it (the extraction sandbox reports
// each page), so the bar moves during a long scan too, and the estimate holds from the first page on.

/** What the bar knows: the inputs' sizes, the files finished, and the current file's pages. */
export type ProgressState = {
  /** When the run started (ms, as Date.now()). */
  startedAt: number;
  /** Size of each input file in bytes, in order (0 for one that cannot be read). */
  sizes: readonly number[];
  /** Files finished (stored, or failed). */
  filesDone: number;
  /** Pages of the finished files. */
  pagesDone: number;
  /** The file being processed: its name and, once OCR reports, pages read of pages to read. */
  current: { file: string; pagesDone: number; pageCount: number | null } | null;
};

/** Share of the work done, 0..1: finished files' bytes plus the current file's read share of its bytes. */
export function workDone(s: ProgressState): number {
  const total = s.sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return s.sizes.length ? s.filesDone / s.sizes.length : 1;
  let done = s.sizes.slice(0, s.filesDone).reduce((a, b) => a + b, 0);
  const cur = s.current;
  if (cur && cur.pageCount && s.filesDone < s.sizes.length) done += (s.sizes[s.filesDone]! * Math.min(cur.pagesDone, cur.pageCount)) / cur.pageCount;
  return Math.min(1, done / total);
}

/** 75 s → "1:15", 3725 s → "1:02:05". */
export function duration(ms: number): string {
  const t = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Time left, from the time spent on the work done so far; null until some work is done. */
export function eta(s: ProgressState, now: number): number | null {
  const done = workDone(s);
  if (done <= 0) return null;
  return ((now - s.startedAt) * (1 - done)) / done;
}

/** The bar's line: `█████░░░░░  42% | 3/7 files | 31 pages (scan.pdf: page 4/25) | 0:52 elapsed | ETA 1:12`. */
export function progressLine(s: ProgressState, now: number, width = 20): string {
  const done = workDone(s);
  const filled = Math.round(done * width);
  const pages = s.pagesDone + (s.current?.pagesDone ?? 0);
  const cur = s.current;
  const at = cur ? ` (${cur.file}${cur.pageCount ? `: page ${cur.pagesDone}/${cur.pageCount}` : ""})` : "";
  const left = eta(s, now);
  return (
    `${"█".repeat(filled)}${"░".repeat(width - filled)} ${String(Math.floor(done * 100)).padStart(3)}% | ` +
    `${s.filesDone}/${s.sizes.length} files | ${pages} page${pages === 1 ? "" : "s"}${at} | ` +
    `${duration(now - s.startedAt)} elapsed | ETA ${left === null ? "…" : duration(left)}`
  );
}

/** The bar on standard error (a terminal), redrawn as the state changes and every second meanwhile. */
export function startProgressBar(state: ProgressState): { update: () => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({
    format: () => progressLine(state, Date.now()),
    stream: process.stderr,
    hideCursor: false,
    clearOnComplete: true,
    // Redrawn by its own timer too, so the elapsed time and the estimate move during a long file.
    fps: 1,
  });
  bar.start(1, 0);
  return {
    update: () => bar.update(workDone(state)),
    stop: () => bar.stop(),
  };
}
