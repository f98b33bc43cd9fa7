import type { Command } from "commander";
import { USER_ROLE_NAMES, type CliEnv } from "./cliEnv.js";

/**
 * `jixiao serve` (the review page) and `jixiao user add|passwd|remove|list`. `setStatus` receives the exit
 * status. Only the commands are defined here; their work (reviewActions.ts) is loaded when one runs.
 */
export function registerReviewCommands(program: Command, env: CliEnv, setStatus: (code: number) => void): void {
  program
    .command("serve")
    .description("serve the review page and its API over the store until SIGTERM/SIGINT")
    .option("--store <dir>", "embedded store directory (PGlite)", env.storeDir)
    .option("--database-url <url>", "use this PostgreSQL instead of the embedded store (queue mode: uploads go to the workers)", env.queueHelp.databaseUrl)
    .option("--redis-url <url>", "queue mode's Redis, for uploads (default JIXIAO_REDIS_URL, or redis://127.0.0.1:6379)")
    .option("--uploads-dir <dir>", "where uploaded files are kept (default <store>.uploads; in queue mode, storage every worker can read)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on", "8080")
    .option("--secure-cookies", "mark the session cookie Secure (when served over HTTPS)")
    .option("--log", "log every request as JSON lines on standard output")
    .action(async (o: { store: string; databaseUrl?: string; redisUrl?: string; uploadsDir?: string; host: string; port: string; secureCookies?: boolean; log?: boolean }) => {
      const { serveCommand } = await import("./reviewActions.js");
      setStatus(await serveCommand(o, env));
    });

  const user = program.command("user").description("review users (passwords are stored as scrypt hashes)");
  user
    .command("add")
    .description("add a review user; the password is typed at a prompt (no echo), or read from standard input (first line)")
    .argument("<name>", "user name: letters, digits, . _ @ -")
    .requiredOption("--role <role>", `one of ${USER_ROLE_NAMES.join(", ")}`)
    .option("--replace", "change an existing user's role and password")
    .option("--store <dir>", "embedded store directory (PGlite)", env.storeDir)
    .option("--database-url <url>", "use this PostgreSQL instead of the embedded store", env.queueHelp.databaseUrl)
    .action(async (name: string, o: { role: string; replace?: boolean; store: string; databaseUrl?: string }) => {
      const { userAddCommand } = await import("./reviewActions.js");
      setStatus(await userAddCommand(name, o, env));
    });
  user
    .command("passwd")
    .description("change a review user's password (prompt or standard input, as for add); their sessions end")
    .argument("<name>", "user name")
    .option("--store <dir>", "embedded store directory (PGlite)", env.storeDir)
    .option("--database-url <url>", "use this PostgreSQL instead of the embedded store", env.queueHelp.databaseUrl)
    .action(async (name: string, o: { store: string; databaseUrl?: string }) => {
      const { userPasswdCommand } = await import("./reviewActions.js");
      setStatus(await userPasswdCommand(name, o, env));
    });
  user
    .command("remove")
    .description("remove a review user; their sessions end (their review trail stays)")
    .argument("<name>", "user name")
    .option("--store <dir>", "embedded store directory (PGlite)", env.storeDir)
    .option("--database-url <url>", "use this PostgreSQL instead of the embedded store", env.queueHelp.databaseUrl)
    .action(async (name: string, o: { store: string; databaseUrl?: string }) => {
      const { userRemoveCommand } = await import("./reviewActions.js");
      setStatus(await userRemoveCommand(name, o, env));
    });
  user
    .command("list")
    .description("list review users and their roles")
    .option("--store <dir>", "embedded store directory (PGlite)", env.storeDir)
    .option("--database-url <url>", "use this PostgreSQL instead of the embedded store", env.queueHelp.databaseUrl)
    .action(async (o: { store: string; databaseUrl?: string }) => {
      const { userListCommand } = await import("./reviewActions.js");
      setStatus(await userListCommand(o, env));
    });
}
