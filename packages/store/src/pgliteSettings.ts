import type { Extension } from "@electric-sql/pglite";

/**
 * PGlite starts its backend with settings compiled into its WebAssembly (`-c shared_buffers=128MB`
 * and others, as C string literals); it reads no postgresql.conf and passes no arguments of ours.
 * Zeroing 128 MB of buffers was half of its start-up: 0.35 s of CPU and 116 MB of RSS on the 2-core
 * VM, for a store that writes a few thousand rows per run. This extension rewrites the literal in
 * the module's memory before the backend starts (emscripten's preRun, after the data segments are
 * in place). When the literal is not there (another PGlite build) nothing changes.
 */
interface PgliteBufferOptions {
  /** Shared buffers the embedded store runs with (default 16MB; PGlite's own is 128MB). */
  sharedBuffers?: `${number}MB`;
}

/** What PGlite compiles in; the replacement must not be longer. */
const COMPILED_IN = "shared_buffers=128MB";

/**
 * Replaces the NUL-terminated C string `from` with `to` in `heap`; false when `from` is not there or
 * `to` does not fit in its place.
 */
export function rewriteCString(heap: Uint8Array, from: string, to: string): boolean {
  const enc = new TextEncoder();
  const needle = enc.encode(`${from}\0`);
  const replacement = enc.encode(`${to}\0`);
  if (replacement.length > needle.length) return false;
  const at = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength).indexOf(needle);
  if (at < 0) return false;
  heap.set(replacement, at);
  return true;
}

interface EmscriptenOpts {
  preRun?: ((mod: { HEAPU8: Uint8Array }) => void)[];
  [key: string]: unknown;
}

/** The PGlite extension that starts the backend with `sharedBuffers` (see above). */
export function sharedBuffersExtension({ sharedBuffers = "16MB" }: PgliteBufferOptions = {}): Extension {
  return {
    name: "jixiao-shared-buffers",
    setup: async (_pg, emscriptenOpts: EmscriptenOpts) => ({
      emscriptenOpts: {
        ...emscriptenOpts,
        preRun: [...(emscriptenOpts.preRun ?? []), (mod: { HEAPU8: Uint8Array }) => void rewriteCString(mod.HEAPU8, COMPILED_IN, `shared_buffers=${sharedBuffers}`)],
      },
    }),
  };
}
