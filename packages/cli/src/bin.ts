// Entry point of the CLI as a module (bin/jixiao.js does the same from dist/main.js); from the
// sources: node --conditions=source --import tsx packages/cli/src/bin.ts <command> …
import { main } from "./main.js";
import { messageOf } from "./errorLine.js";

try {
  process.exitCode = await main(process.argv, process.env);
} catch (err) {
  const { JixiaoError } = await import("@jixiao/core");
  process.stderr.write(`${err instanceof JixiaoError ? `${err.code}: ` : ""}${messageOf(err)}\n`);
  process.exitCode = 2;
}
