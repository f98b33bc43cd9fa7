import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import { z } from "zod";
import { JixiaoError, errorCodes, type ErrorCode } from "@jixiao/core";
import { RecordKind } from "@jixiao/schemas";
import type { Store, StoredSession, UserRole } from "@jixiao/store";
import { DUMMY_HASH, verifyPassword } from "./passwords.js";
import { SOURCE_CONTENT_TYPES, readSource } from "./readSource.js";
import { formModelView, registerRecordRoutes } from "./recordRoutes.js";
import { RequestError, parse, type RequestSession } from "./requests.js";
import { registerUploadRoutes, type UploadOptions } from "./uploadRoutes.js";
import { inProcessUploads } from "./uploads.js";

export { RequestError };

/** Options of the review server; every field but `store` has a default. */
export interface ReviewAppOptions {
  store: Store;
  /**
   * A secret that logs in as the built-in `admin` (role admin) — for the first start, before any
   * user exists. Unset (default): only users in the store can log in. At least 16 characters.
   */
  adminToken?: string;
  /** Session lifetime. Default 8 hours. */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure (serve behind HTTPS). Default false: plain http on localhost works. */
  secureCookies?: boolean;
  /** Login attempts per client address per minute. Default 20. */
  loginRateLimit?: number;
  /** Fastify's logger. Default false. */
  logger?: boolean;
  /**
   * The upload page for admins (API.md, "Uploads"): where uploaded files are kept and how they
   * are processed (inProcessUploads as `jixiao run`, queueUploads as `jixiao submit`), or false
   * for none. Default: kept under the system's temporary directory (jixiao-uploads), processed
   * in-process with the pipeline's default limits (the defaults of `jixiao run`).
   */
  uploads?: UploadOptions | false;
}

declare module "fastify" {
  interface FastifyRequest {
    jxSession: RequestSession | null;
  }
}

export const SESSION_COOKIE = "jixiao_session";
const ADMIN_TOKEN_USER = "admin-token";
const WRITE_ROLES: ReadonlySet<UserRole> = new Set(["admin", "reviewer"]);

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function sameSecret(a: string, b: string): boolean {
  // Compare digests: constant time whatever the lengths.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

const LoginBody = z.union([
  z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
  z.object({ token: z.string().min(1).max(1024) }).strict(),
]);

const QueueQuery = z
  .object({
    state: z.enum(["pending", "approved", "corrected", "all"]).optional(),
    flag: z.string().regex(/^[a-z][a-z0-9_]*$/).max(64).optional(),
    office: z.string().min(1).max(200).optional(),
    year: z.coerce.number().int().min(1900).max(2200).optional(),
    kind: RecordKind.optional(),
    document: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

const DocumentsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

const ShaParam = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

function errorBody(code: ErrorCode | "NOT_FOUND", message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Where the page's own files and pdf.js's browser build are. */
function assetDirs(): { publicDir: string; pdfjsDir: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  return {
    publicDir: join(here, "..", "public"),
    pdfjsDir: dirname(require.resolve("pdfjs-dist/package.json")),
  };
}

/**
 * The review server: the review page and its JSON API (see API.md) over the store. Every route
 * under /api except login needs a session (cookie), every write the session's CSRF token, and
 * corrections/approvals the admin or reviewer role. Authorization is decided here, server-side,
 * on every request; the page only hides what the API would refuse anyway.
 */
export async function createReviewApp(options: ReviewAppOptions): Promise<FastifyInstance> {
  const { store } = options;
  const ttl = options.sessionTtlMs ?? 8 * 3600_000;
  if (options.adminToken !== undefined && options.adminToken.length < 16) {
    throw new JixiaoError("INVALID_PAYLOAD", "the admin token needs at least 16 characters");
  }
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 256 * 1024, trustProxy: false });
  app.decorateRequest("jxSession", null);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        // pdf.js runs its worker from this origin; fonts it loads come as data.
        workerSrc: ["'self'", "blob:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // Plain http on localhost is the embedded default; HSTS belongs to the TLS front.
    strictTransportSecurity: false,
  });

  const { publicDir, pdfjsDir } = assetDirs();
  await app.register(fastifyStatic, { root: publicDir, prefix: "/static/", index: false });
  await app.register(fastifyStatic, { root: join(pdfjsDir, "build"), prefix: "/vendor/pdfjs/", decorateReply: false, index: false, allowedPath: (p) => /^\/pdf(\.worker)?\.min\.mjs$/.test(p) });
  await app.register(fastifyStatic, { root: join(pdfjsDir, "cmaps"), prefix: "/vendor/pdfjs/cmaps/", decorateReply: false, index: false });
  await app.register(fastifyStatic, { root: join(pdfjsDir, "standard_fonts"), prefix: "/vendor/pdfjs/standard_fonts/", decorateReply: false, index: false });

  // For load balancers and process supervisors: no session needed, says only whether the store answers.
  app.get("/healthz", async (_req, reply) => {
    try {
      await store.countByStatus();
      return { ok: true };
    } catch {
      return reply.status(503).send({ ok: false });
    }
  });

  app.get("/", async (_req, reply) => {
    reply.header("cache-control", "no-store");
    return reply.sendFile("index.html");
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof JixiaoError) {
      const details = err instanceof RequestError ? err.details : undefined;
      return reply.status(errorCodes[err.code].http).send(errorBody(err.code, err.message, details));
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 429) return reply.status(429).send(errorBody("OVER_LIMIT", "too many attempts; wait a minute"));
    if (e.statusCode === 413) return reply.status(413).send(errorBody("OVER_LIMIT", "request body too large"));
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
      // Malformed JSON, a wrong content type, an empty body: the request is at fault.
      return reply.status(e.statusCode === 415 ? 415 : 400).send(errorBody("INVALID_PAYLOAD", e.message ?? "bad request"));
    }
    req.log.error(err);
    return reply.status(500).send(errorBody("INTERNAL", "internal error"));
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send(errorBody("NOT_FOUND", "no such route")));

  // Authentication and CSRF for every API route but login.
  app.addHook("onRequest", async (req) => {
    if (!req.url.startsWith("/api/")) return;
    if (req.method === "POST" && req.routeOptions.url === "/api/session") return;
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) throw new RequestError("UNAUTHENTICATED", "log in first");
    const idHash = sha256(cookie);
    const session = await store.getSession(idHash);
    if (!session) throw new RequestError("UNAUTHENTICATED", "the session has expired; log in again");
    if (req.method !== "GET" && req.method !== "HEAD") {
      const token = req.headers["x-csrf-token"];
      if (typeof token !== "string" || !sameSecret(token, session.csrfToken)) {
        throw new RequestError("CSRF_FAILED", "missing or wrong x-csrf-token header");
      }
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== "null" && !sameOrigin(origin, req.protocol, req.headers.host)) {
        throw new RequestError("CSRF_FAILED", "cross-origin write refused");
      }
    }
    req.jxSession = { ...session, idHash };
  });

  const session = (req: FastifyRequest): RequestSession => {
    if (!req.jxSession) throw new RequestError("UNAUTHENTICATED", "log in first");
    return req.jxSession;
  };
  const mayWrite = (req: FastifyRequest): RequestSession => {
    const s = session(req);
    if (!WRITE_ROLES.has(s.role)) throw new RequestError("FORBIDDEN", `role ${s.role} may not change records`);
    return s;
  };
  const sessionBody = (s: { userName: string; role: UserRole; csrfToken: string }) => ({
    user: { name: s.userName === ADMIN_TOKEN_USER ? "admin" : s.userName, role: s.role },
    csrfToken: s.csrfToken,
  });
  const reviewerName = (s: RequestSession) => (s.userName === ADMIN_TOKEN_USER ? "admin" : s.userName);

  app.post(
    "/api/session",
    { config: { rateLimit: { max: options.loginRateLimit ?? 20, timeWindow: 60_000 } } },
    async (req, reply) => {
      const body = parse(LoginBody, req.body, "login");
      let userName: string;
      let role: UserRole;
      if ("token" in body) {
        if (options.adminToken === undefined || !sameSecret(body.token, options.adminToken)) {
          throw new RequestError("UNAUTHENTICATED", "wrong name, password or token");
        }
        userName = ADMIN_TOKEN_USER;
        role = "admin";
      } else {
        const user = await store.getUser(body.name);
        const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
        if (!user || !ok) throw new RequestError("UNAUTHENTICATED", "wrong name, password or token");
        userName = user.name;
        role = user.role;
      }
      const id = randomBytes(32).toString("base64url");
      const csrfToken = randomBytes(32).toString("base64url");
      await store.createSession(sha256(id), { userName, role, csrfToken }, ttl);
      reply.setCookie(SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: "strict",
        secure: options.secureCookies ?? false,
        path: "/",
        maxAge: Math.floor(ttl / 1000),
      });
      return sessionBody({ userName, role, csrfToken });
    },
  );

  app.get("/api/session", async (req) => sessionBody(session(req)));

  app.delete("/api/session", async (req, reply) => {
    await store.deleteSession(session(req).idHash);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.status(204).send();
  });

  app.get("/api/queue", async (req) => {
    session(req);
    const { document, ...q } = parse(QueueQuery, req.query, "queue filter");
    return store.reviewQueue({ ...q, ...(document === undefined ? {} : { documentSha256: document }) });
  });

  app.get("/api/documents", async (req) => {
    const s = session(req);
    const q = parse(DocumentsQuery, req.query, "document list");
    const { total, items } = await store.reviewDocuments(q);
    // Where the file lies on the server is for admins only (they upload and run the pipeline).
    return { total, items: items.map(({ path, ...doc }) => (s.role === "admin" ? { ...doc, sourcePath: path } : doc)) };
  });

  // The form model (fields, the form's labels, types) and the flag-code table, for the page.
  app.get("/api/form-model", async (req, reply) => {
    session(req);
    reply.header("cache-control", "private, max-age=3600");
    return formModelView();
  });

  app.get("/api/facets", async (req) => {
    session(req);
    return store.reviewFacets();
  });

  registerRecordRoutes(app, { store, session, mayWrite, reviewerName });
  if (options.uploads !== false) {
    registerUploadRoutes(app, options.uploads ?? { dir: join(tmpdir(), "jixiao-uploads"), processor: inProcessUploads(store) }, { session, reviewerName });
  }

  app.get("/api/documents/:sha256/source", async (req, reply: FastifyReply) => {
    session(req);
    const { sha256: sha } = parse(ShaParam, req.params, "document hash");
    const doc = await store.getDocument(sha);
    if (!doc) throw new RequestError("RECORD_NOT_FOUND", `no document ${sha}`);
    if (doc.path === null) throw new RequestError("SOURCE_UNAVAILABLE", `${doc.file}: the source file is not known on this server`);
    // Only the document's own bytes: read whole from a regular file, hashed, compared.
    const { type, data } = await readSource(doc.inputKind, doc.path, doc.sha256, doc.file);
    reply.header("content-type", SOURCE_CONTENT_TYPES[type]);
    reply.header("content-disposition", "inline");
    reply.header("cache-control", "private, max-age=3600");
    return reply.send(data);
  });

  return app;
}

/**
 * Whether a request's Origin header names this server: the same scheme, host and port (default
 * ports made explicit by URL), so `https://host` is not the origin of a server reached at
 * `http://host`. The server's scheme is the connection's own (no proxy headers are trusted).
 */
function sameOrigin(origin: string, protocol: string, host: string | undefined): boolean {
  if (host === undefined || host === "") return false;
  try {
    const theirs = new URL(origin);
    const ours = new URL(`${protocol}://${host}`);
    return theirs.origin === ours.origin && theirs.origin !== "null";
  } catch {
    return false;
  }
}
