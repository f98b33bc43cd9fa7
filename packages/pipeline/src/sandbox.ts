import { fork, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JixiaoError, type ErrorCode } from "@jixiao/core";
import { DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_OCR_PAGE_TIME_MS, DEFAULT_TIME_LIMIT_MS } from "@jixiao/core/limits";
import type { OcrOptions } from "@jixiao/ocr";
import type { ExtractionSandbox, ExtractionUsage, FileProgress, ProcessOptions, SandboxResult } from "./processFile.js";
import type { ChildReply, ChildRequest } from "./sandboxChild.js";

// Defaults (@jixiao/core's limits.ts): 60 s a file, 30 s more per OCR'd page, 1.5 GB of memory.
export { DEFAULT_TIME_LIMIT_MS, DEFAULT_OCR_PAGE_TIME_MS, DEFAULT_MEMORY_LIMIT_BYTES };

export type SandboxOptions = {
  /** Time one file's extraction may take; over it, the process is killed and the file gets TIMEOUT. */
  timeLimitMs?: number;
  /**
   * More time for each page OCR finishes (OCR takes seconds a page, so a long scan needs more
   * than a digital PDF). Default 30 s; 0 for a flat limit.
   */
  ocrPageTimeMs?: number;
  /** Resident memory the extracting process may use; over it, it is killed and the file gets OVER_LIMIT. */
  memoryLimitBytes?: number;
  /** The input limits the child applies (pages, image pixels, inflated stream size, line length). */
  limits?: Omit<ProcessOptions, "extractScan" | "sandbox">;
  /** OCR settings of the child's tesseract pool (started on its first scan), or false for no OCR. */
  ocr?: OcrOptions | false;
  /** How often the child's memory is sampled. Default 25 ms. */
  pollMs?: number;
  /**
   * Files processed at once, each in a child process of its own with the limits above (so the
   * memory limit holds per process). Default 1.
   */
  processes?: number;
};

/** Path of the child's module next to this one (.ts from sources, .js when built). */
function childFile(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), `sandboxChild${extname(here)}`);
}

/** VmRSS and VmHWM (peak) of a process in bytes, from /proc (Linux); undefined elsewhere or when it is gone. */
function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "latin1");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    const rss = kb("VmRSS");
    return Number.isFinite(rss) ? { rss, hwm: kb("VmHWM") } : undefined;
  } catch {
    return undefined;
  }
}

/** Resets a process's peak RSS (VmHWM) so that it measures the next file only; false when not possible. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

type Child = { proc: ChildProcess; ready: Promise<void>; stderr: string; /** Given a file since it started. */ used: boolean };

/** One place for a child process: a file at a time goes through it. */
type Slot = { child: Child | undefined; busy: boolean };

/**
 * Processes files (extraction with OCR, reconstruct, normalize) in child processes bounded in
 * time and memory, one file at a time in each (`processes` of them, default 1; a file given
 * while all are busy waits for one). A child is kept for the next file, and replaced after a
 * file that made it exceed a limit or die, or left it holding more than half the memory limit:
 * - over `timeLimitMs` (plus `ocrPageTimeMs` for each page OCR finished) → killed, TIMEOUT;
 * - resident memory over `memoryLimitBytes` (sampled from /proc every `pollMs`; the V8 heap is also
 *   capped at that size) → killed, OVER_LIMIT;
 * - the child dies by itself → OVER_LIMIT when it ran out of memory, else EXTRACTION_CRASHED.
 * None of these are retryable: the same bytes do the same again. Each result carries the file's
 * wall time and peak resident memory. Call `close()` at the end.
 */
export function createExtractionSandbox(options: SandboxOptions = {}): ExtractionSandbox {
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const pollMs = options.pollMs ?? 25;
  const ocrPageTimeMs = options.ocrPageTimeMs ?? DEFAULT_OCR_PAGE_TIME_MS;
  const file = childFile();
  const slots: Slot[] = Array.from({ length: Math.max(1, Math.floor(options.processes ?? 1)) }, () => ({ child: undefined, busy: false }));
  /** Files waiting for a free slot, first come first served. */
  const waiting: ((slot: Slot) => void)[] = [];
  let nextId = 1;
  let closed = false;

  /** A free slot, one whose child is already running first; else waits for one. */
  const acquire = (): Promise<Slot> => {
    const slot = slots.find((s) => !s.busy && s.child) ?? slots.find((s) => !s.busy);
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  };

  const spawnChild = (slot: Slot): Child => {
    const heapMb = Math.max(64, Math.floor(memoryLimit / (1024 * 1024)));
    const execArgv = [`--max-old-space-size=${heapMb}`];
    // From sources (tests, development), the child loads TypeScript through tsx like the parent.
    if (file.endsWith(".ts")) execArgv.push("--conditions=source", "--import", "tsx");
    const proc = fork(file, [], {
      execArgv,
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: {
        // glibc gives every thread that allocates (pdf.js, both OCR engines' threads, libuv's
        // pool) an arena of its own, up to 8 per core, and keeps freed page-sized buffers in
        // them: two arenas cut the OCR child's peak RSS by about 90 MB (700 → 610 MB on a 25-page
        // 300 dpi scan) at no measurable cost in time. The caller's own setting wins.
        MALLOC_ARENA_MAX: "2",
        ...process.env,
        JIXIAO_SANDBOX_INIT: JSON.stringify({ limits: options.limits ?? {}, ocr: options.ocr ?? {} }),
      },
    });
    const c: Child = { proc, stderr: "", ready: Promise.resolve(), used: false };
    proc.stderr?.on("data", (chunk: Buffer) => {
      c.stderr = (c.stderr + chunk.toString("utf8")).slice(-4096);
    });
    c.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: ChildReply) => {
        if (m.type !== "ready") return;
        proc.off("message", onMessage);
        proc.off("exit", onExit);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) =>
        reject(new JixiaoError("INTERNAL", `the extraction process did not start (exit ${code ?? signal}): ${c.stderr.trim().slice(-500)}`));
      proc.on("message", onMessage);
      proc.once("exit", onExit);
    });
    c.ready.catch(() => undefined);
    proc.on("exit", () => {
      if (slot.child === c) slot.child = undefined;
    });
    return c;
  };

  const idle = (c: Child) => {
    c.proc.unref();
    (c.proc.channel as { unref?: () => void } | undefined)?.unref?.();
    (c.proc.stderr as { unref?: () => void } | null)?.unref?.();
  };
  const busy = (c: Child) => {
    c.proc.ref();
    (c.proc.channel as { ref?: () => void } | undefined)?.ref?.();
    (c.proc.stderr as { ref?: () => void } | null)?.ref?.();
  };

  const run: ExtractionSandbox["process"] = async (data, meta, onProgress) => {
    if (closed) throw new JixiaoError("INTERNAL", "the extraction sandbox is closed");
    const slot = await acquire();
    try {
      if (closed) throw new JixiaoError("INTERNAL", "the extraction sandbox is closed");
      return await runIn(slot, data, meta, onProgress);
    } finally {
      release(slot);
    }
  };

  const runIn = async (slot: Slot, ...[data, meta, onProgress]: Parameters<ExtractionSandbox["process"]>): Promise<SandboxResult> => {
    slot.child ??= spawnChild(slot);
    const c = slot.child;
    c.used = true;
    busy(c);
    await c.ready;
    const pid = c.proc.pid!;
    const peakResets = resetPeak(pid);
    const id = nextId++;
    const started = performance.now();
    let sampledPeak = procMemory(pid)?.rss ?? 0;
    const usage = (): ExtractionUsage => {
      const mem = procMemory(pid);
      if (mem) sampledPeak = Math.max(sampledPeak, mem.rss);
      const peak = peakResets && mem && Number.isFinite(mem.hwm) ? Math.max(mem.hwm, sampledPeak) : sampledPeak;
      return { ms: Math.round(performance.now() - started), peakRssBytes: peak || null };
    };
    try {
      return await new Promise<SandboxResult>((resolve, reject) => {
        let settled = false;
        const fail = (code: ErrorCode, message: string, kill: boolean) => {
          if (settled) return;
          const u = usage();
          settled = true;
          cleanup();
          if (kill) {
            c.proc.kill("SIGKILL");
            if (slot.child === c) slot.child = undefined;
          }
          reject(Object.assign(new JixiaoError(code, `${meta.file}: ${message}`, { file: meta.file }), { usage: u }));
        };
        let deadline = performance.now() + timeLimitMs;
        let pagesDone = 0;
        const arm = () => setTimeout(() => {
          const over = Math.round(timeLimitMs / 1000);
          const more = pagesDone ? ` + ${pagesDone} OCR page${pagesDone > 1 ? "s" : ""} × ${ocrPageTimeMs / 1000} s` : "";
          fail("TIMEOUT", `processing took longer than the limit of ${over} s${more}`, true);
        }, Math.max(0, deadline - performance.now()));
        const onMessage = (m: ChildReply) => {
          if (settled || m.type === "ready" || m.id !== id) return;
          if (m.type === "page") {
            const progress: FileProgress = { pagesDone: m.pagesDone, pageCount: m.pageCount };
            try {
              onProgress?.(progress);
            } catch {
              // a progress display's failure is not the file's
            }
            if (!ocrPageTimeMs) return;
            pagesDone++;
            deadline += ocrPageTimeMs;
            clearTimeout(timer);
            timer = arm();
            return;
          }
          const u = usage();
          if (u.peakRssBytes !== null && u.peakRssBytes > memoryLimit) {
            fail("OVER_LIMIT", `extraction used ${mb(u.peakRssBytes)} of memory, the limit is ${mb(memoryLimit)}`, true);
            return;
          }
          settled = true;
          cleanup();
          if (m.type === "done") resolve({ ...m.result, usage: u });
          else reject(Object.assign(new JixiaoError(m.code as ErrorCode, m.message, { file: meta.file }), { usage: u }));
        };
        const onExit = (code: number | null, signal: string | null) => {
          const oom = /heap limit|out of memory|Allocation failed|allocation failure/i.test(c.stderr) || sampledPeak > 0.9 * memoryLimit;
          if (oom) fail("OVER_LIMIT", `extraction ran out of memory (limit ${mb(memoryLimit)})`, false);
          else fail("EXTRACTION_CRASHED", `the extraction process died (${signal ?? `exit ${code}`}): ${c.stderr.trim().split("\n").slice(-3).join(" ")}`, false);
        };
        let timer = arm();
        const poll = setInterval(() => {
          const mem = procMemory(pid);
          if (!mem) return;
          sampledPeak = Math.max(sampledPeak, mem.rss);
          if (mem.rss > memoryLimit) fail("OVER_LIMIT", `extraction used more than ${mb(memoryLimit)} of memory (the limit)`, true);
        }, pollMs);
        const cleanup = () => {
          clearTimeout(timer);
          clearInterval(poll);
          c.proc.off("message", onMessage);
          c.proc.off("exit", onExit);
        };
        c.proc.on("message", onMessage);
        c.proc.once("exit", onExit);
        const request: ChildRequest = { type: "extract", id, data, meta };
        c.proc.send(request, (err) => {
          if (err) fail("EXTRACTION_CRASHED", `the file could not be handed to the extraction process: ${err.message}`, true);
        });
      });
    } finally {
      if (slot.child === c) {
        // Memory a big file made the child take is seldom given back: start the next file in a
        // fresh process rather than from a high baseline.
        const rss = procMemory(pid)?.rss ?? 0;
        if (rss > memoryLimit / 2) retire(slot, c);
        else idle(c);
      }
    }
  };

  const retire = (slot: Slot, c: Child) => {
    if (slot.child === c) slot.child = undefined;
    c.proc.send({ type: "close" } satisfies ChildRequest, () => undefined);
    const t = setTimeout(() => c.proc.kill("SIGKILL"), 5000);
    t.unref();
    c.proc.once("exit", () => clearTimeout(t));
    idle(c);
  };

  /** Stops a child: at once when it was never given a file (it holds nothing), else once its OCR pool is closed. */
  const stop = async (c: Child) => {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
    busy(c);
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.proc.kill("SIGKILL"), 5000);
      c.proc.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      if (!c.used) {
        c.proc.kill("SIGKILL");
        return;
      }
      c.proc.send({ type: "close" } satisfies ChildRequest, (err) => {
        if (err) c.proc.kill("SIGKILL");
      });
    });
  };

  return {
    process: run,
    processes: slots.length,
    start(count = 1) {
      if (closed) return;
      for (const slot of slots.slice(0, Math.max(0, count))) {
        if (slot.child) continue;
        slot.child = spawnChild(slot);
        // Until a file is given to it, it does not keep this process alive.
        idle(slot.child);
      }
    },
    async close() {
      closed = true;
      for (const next of waiting.splice(0)) next({ child: undefined, busy: true });
      const children = slots.flatMap((slot) => {
        const c = slot.child;
        slot.child = undefined;
        return c ? [c] : [];
      });
      await Promise.all(children.map(stop));
    },
  };
}

const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
