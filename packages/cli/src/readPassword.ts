// Reading a password for `jixiao user add|passwd`: on a terminal, a prompt on standard error and
// no echo (the terminal in raw mode: Enter ends, Backspace deletes, Ctrl-C stops, Ctrl-D ends);
// from a pipe or a file, the first line of standard input, as before.

import { UsageError } from "./UsageError.js";

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Interrupted at the prompt (Ctrl-C): the command stops with status 130. */
export class PromptInterrupted extends Error {}

/** The first line of a stream (without its line end). */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

/** One line typed without echo; `prompt` goes to `output`. */
function typedWithoutEcho(input: Input, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode?.(true);
    input.resume();
    let text = "";
    const finish = (err?: Error) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === "string" ? chunk : chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new PromptInterrupted("interrupted"));
        if (ch === "\u007f" || ch === "\b") text = [...text].slice(0, -1).join("");
        else if (ch >= " ") text += ch;
      }
    };
    input.on("data", onData);
  });
}

/**
 * A new password: on a terminal, typed twice without echo (a mismatch is asked again, three
 * times at most); otherwise the first line of standard input.
 */
export async function readNewPassword(
  what: string,
  io: { input?: Input; output?: NodeJS.WritableStream } = {},
): Promise<string> {
  const input = io.input ?? (process.stdin as Input);
  const output = io.output ?? process.stderr;
  if (!input.isTTY) return firstLine(input);
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await typedWithoutEcho(input, output, `password for ${what}: `);
    const again = await typedWithoutEcho(input, output, "again: ");
    if (first === again) return first;
    output.write("the two do not match; try again\n");
  }
  throw new UsageError("the passwords typed did not match");
}
