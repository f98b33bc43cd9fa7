import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { finished } from "node:stream/promises";

/** A file opened for streaming text writes with back-pressure. */
export interface TextSink {
  write(text: string): Promise<void>;
  end(): Promise<void>;
  destroy(): Promise<void>;
}

export function openTextSink(path: string): TextSink {
  const out = createWriteStream(path, { encoding: "utf8", flags: "wx" });
  let failure: Error | undefined;
  out.on("error", (err) => (failure = err));
  return {
    async write(text) {
      if (failure) throw failure;
      if (!out.write(text)) await once(out, "drain");
    },
    async end() {
      if (failure) throw failure;
      out.end();
      await finished(out);
    },
    async destroy() {
      out.destroy();
      await finished(out).catch(() => {});
    },
  };
}
