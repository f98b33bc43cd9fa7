import { JixiaoError } from "@jixiao/core";
import { addUser, createReviewApp, hashPassword, MIN_PASSWORD_LENGTH, USER_ROLES } from "@jixiao/review";
import { openStore, type Store, type UserRole } from "@jixiao/store";
import { storeConfig, type CliEnv } from "./cliEnv.js";
import { serveUploads, type ServeUploadFlags } from "./serveUploads.js";
import { UsageError } from "./UsageError.js";

import { PromptInterrupted, readNewPassword } from "./readPassword.js";

// The work of `jixiao serve` and `jixiao user add|passwd|remove|list`: loaded by their actions
// only (fastify, the store), never for --help. reviewCommands.ts defines the commands.

/** The new password (see readNewPassword); Ctrl-C at the prompt stops the command with status 130. */
async function newPassword(name: string): Promise<string | null> {
  try {
    return await readNewPassword(name);
  } catch (err) {
    if (err instanceof PromptInterrupted) return null;
    throw err;
  }
}

export type ServeOptions = ServeUploadFlags & { store: string; databaseUrl?: string; host: string; port: string; secureCookies?: boolean; log?: boolean };

/** `jixiao serve`: the review page over the store until SIGTERM/SIGINT. */
export async function serveCommand(o: ServeOptions, env: CliEnv): Promise<number> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be an integer in 0..65535");
  // The embedded store is shared while serving: `run`, `export` and `user` go through this process.
  const config = await storeConfig(o, env);
  const store = await openStore(
    config.kind === "pglite"
      ? {
          ...config,
          share: true,
          onWaitingForClients: (clients) =>
            process.stderr.write(
              `waiting for ${clients.map((c) => `${c.command} (pid ${c.pid})`).join(", ")} to finish with the store; signal again to stop now\n`,
            ),
        }
      : config,
  );
  let app;
  let uploads: Awaited<ReturnType<typeof serveUploads>> | undefined;
  try {
    // The upload page: in-process as `run`, or through the queues as `submit` with --database-url.
    uploads = await serveUploads(o, env, store);
    app = await createReviewApp({
      store,
      ...(env.adminToken ? { adminToken: env.adminToken } : {}),
      secureCookies: o.secureCookies === true,
      logger: o.log === true,
      uploads: uploads.uploads,
    });
  } catch (err) {
    await uploads?.uploads.processor.close();
    await store.close();
    if (err instanceof JixiaoError && err.code === "INVALID_PAYLOAD") throw new UsageError(`JIXIAO_ADMIN_TOKEN: ${err.message}`);
    throw err;
  }
  if (!env.adminToken && (await store.listUsers()).length === 0) {
    process.stderr.write("no review users yet: add one with `jixiao user add <name> --role reviewer`, or set JIXIAO_ADMIN_TOKEN\n");
  }
  const address = await app.listen({ host: o.host, port });
  process.stderr.write(`review page on ${address}\n`);
  process.stderr.write(`uploads (admins) kept in ${uploads.uploads.dir}, processed ${uploads.uploads.processor.mode === "queue" ? "by the queue's workers" : "in this process"}\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  // A second signal while the store's other users finish stops at once (their open
  // transactions are not committed; the lock is removed on exit).
  const now = (signal: NodeJS.Signals) => process.exit(signal === "SIGINT" ? 130 : 143);
  process.once("SIGINT", now);
  process.once("SIGTERM", now);
  try {
    await app.close();
    await uploads.close();
    await store.close();
  } finally {
    process.off("SIGINT", now);
    process.off("SIGTERM", now);
  }
  return 0;
}

export type UserStoreOptions = { store: string; databaseUrl?: string };

/** `jixiao user add`: the password is typed at a prompt without echo, or the first line of standard input. */
export async function userAddCommand(name: string, o: UserStoreOptions & { role: string; replace?: boolean }, env: CliEnv): Promise<number> {
  if (!USER_ROLES.includes(o.role as UserRole)) throw new UsageError(`--role must be one of ${USER_ROLES.join(", ")}`);
  const password = await newPassword(name);
  if (password === null) return 130;
  let store: Store | undefined;
  try {
    store = await openStore(await storeConfig(o, env));
    const { created } = await addUser(store, { name, password, role: o.role as UserRole }, { replace: o.replace === true });
    process.stderr.write(`${created ? "added" : "updated"} ${name} (${o.role})\n`);
    return 0;
  } catch (err) {
    if (err instanceof JixiaoError && err.code === "INVALID_PAYLOAD") throw new UsageError(err.message);
    throw err;
  } finally {
    await store?.close();
  }
}

/** `jixiao user passwd`: a new password for an existing user (same prompt or standard input as `add`); their sessions end. */
export async function userPasswdCommand(name: string, o: UserStoreOptions, env: CliEnv): Promise<number> {
  const password = await newPassword(name);
  if (password === null) return 130;
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new UsageError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const store = await openStore(await storeConfig(o, env));
  try {
    if (!(await store.setUserPassword(name, await hashPassword(password)))) {
      process.stderr.write(`no user ${name}\n`);
      return 1;
    }
    process.stderr.write(`changed the password of ${name}; their sessions ended\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `jixiao user remove`: the user can no longer log in; their sessions end (their review trail stays). */
export async function userRemoveCommand(name: string, o: UserStoreOptions, env: CliEnv): Promise<number> {
  const store = await openStore(await storeConfig(o, env));
  try {
    if (!(await store.removeUser(name))) {
      process.stderr.write(`no user ${name}\n`);
      return 1;
    }
    process.stderr.write(`removed ${name}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `jixiao user list`. */
export async function userListCommand(o: UserStoreOptions, env: CliEnv): Promise<number> {
  const store = await openStore(await storeConfig(o, env));
  try {
    for (const u of await store.listUsers()) process.stdout.write(`${u.name}\t${u.role}\n`);
  } finally {
    await store.close();
  }
  return 0;
}
