// Development helper: run the CLI from sources (`npx tsx --conditions=source scripts/dev-cli.ts run …`).
import { main } from "@jixiao/cli";
process.exitCode = await main(["node", "jixiao", ...process.argv.slice(2)], process.env);
