import { openPdfPages, type PdfPages } from "@jixiao/pipeline";

type Entry = { sha256: string; data: Uint8Array; pages: Promise<PdfPages>; timer: NodeJS.Timeout | undefined };

/**
 * The last few PDFs a sandboxed page process worked on, kept open: page jobs of a document come
 * one after another, and opening the PDF again for every page costs about as much as the page
 * itself. Keyed by SHA-256, so an entry always holds the submitted bytes. Entries are closed
 * when pushed out (at most `max`) or after `idleMs` unused. For a process that runs one job at
 * a time (a sandboxed child), so an entry is never closed while in use.
 */
export class PdfCache {
  readonly #entries: Entry[] = [];
  constructor(
    readonly max = 2,
    readonly idleMs = 30_000,
  ) {}

  /** The open PDF of `sha256`, loading its bytes with `load` (which must check the hash) when not cached. */
  async get(sha256: string, file: string, load: () => Promise<Uint8Array>): Promise<{ data: Uint8Array; pdf: PdfPages }> {
    let entry = this.#entries.find((e) => e.sha256 === sha256);
    if (entry) {
      this.#entries.splice(this.#entries.indexOf(entry), 1);
    } else {
      const data = await load();
      entry = { sha256, data, pages: openPdfPages(data, { file, sha256 }), timer: undefined };
      entry.pages.catch(() => undefined);
    }
    this.#entries.unshift(entry);
    this.#touch(entry);
    while (this.#entries.length > this.max) void this.#close(this.#entries.pop()!);
    try {
      return { data: entry.data, pdf: await entry.pages };
    } catch (err) {
      this.#drop(entry);
      throw err;
    }
  }

  #touch(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.#drop(entry), this.idleMs);
    entry.timer.unref();
  }

  #drop(entry: Entry): void {
    const i = this.#entries.indexOf(entry);
    if (i >= 0) this.#entries.splice(i, 1);
    void this.#close(entry);
  }

  async #close(entry: Entry): Promise<void> {
    if (entry.timer) clearTimeout(entry.timer);
    await entry.pages.then((p) => p.close(), () => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#entries.splice(0).map((e) => this.#close(e)));
  }
}
