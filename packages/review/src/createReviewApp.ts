import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import { z } from "zod";
import { JixiaoError, errorCodes, type ErrorCode } from "@jixiao/core";
import { correctRecord, flagsResolvedByCorrection } from "@jixiao/normalize";
import { RecordKind } from "@jixiao/schemas";
import type { Store, StoredRecord, StoredSession, UserRole } from "@jixiao/store";
import { DUMMY_HASH, verifyPassword } from "./passwords.js";
import { SOURCE_CONTENT_TYPES, readSource, sourceType } from "./readSource.js";

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
}

/** The session a request carries, once authenticated. */
interface RequestSession extends StoredSession {
  idHash: string;
}

declare module "fastify" {
  interface FastifyRequest {
    jxSession: RequestSession | null;
  }
}

export const SESSION_COOKIE = "jixiao_session";
const ADMIN_TOKEN_USER = "admin-token";
const WRITE_ROLES: ReadonlySet<UserRole> = new Set(["admin", "reviewer"]);

/** An error answered with its code's HTTP status and optional details (zod issues, failed checks). */
export class RequestError extends JixiaoError {
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(code, message);
    this.details = details;
  }
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function sameSecret(a: string, b: string): boolean {
  // Compare digests: constant time whatever the lengths.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

const LoginBody = z.union([
  z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
  z.object({ token: z.string().min(1).max(1024) }).strict(),
]);

const JsonValue = z.union([z.string().max(100_000), z.number().finite(), z.boolean(), z.null()]);
const CorrectionBody = z
  .object({
    path: z.string().min(1).max(200),
    value: JsonValue,
    expected: JsonValue,
    acknowledgeChecks: z.boolean().optional(),
  })
  .strict();
const ApproveBody = z.object({}).strict();
const AcknowledgeBody = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/).max(64),
    path: z.string().max(200),
    /** The flag's message as shown; when given, only that flag (a code may appear twice at one path). */
    message: z.string().max(10_000).optional(),
  })
  .strict();

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

const IdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const ShaParam = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const res = schema.safeParse(value ?? {});
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new RequestError("INVALID_PAYLOAD", `malformed ${what}`, issues);
}

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
    session(req);
    const q = parse(DocumentsQuery, req.query, "document list");
    const { total, items } = await store.reviewDocuments(q);
    // Where the file lies on the server is not the browser's business.
    return { total, items: items.map(({ path: _path, ...doc }) => doc) };
  });

  app.get("/api/facets", async (req) => {
    session(req);
    return store.reviewFacets();
  });

  const recordView = async (r: StoredRecord) => {
    const type = r.sourcePath === null ? null : await sourceType(r.inputKind, r.sourcePath);
    const reviews = (await store.listReviews({ documentSha256: r.documentSha256 })).filter((v) => v.ordinal === r.ordinal);
    return {
      id: r.id,
      documentSha256: r.documentSha256,
      file: r.file,
      ordinal: r.ordinal,
      kind: r.kind,
      state: r.state,
      record: r.record,
      // Every review flag with its state: what is still open, and who resolved the rest, how.
      reviewFlags: r.reviewFlags,
      openFlags: r.reviewFlags.filter((f) => f.open).length,
      pages: r.pages,
      source: { available: type !== null, type, url: `/api/documents/${r.documentSha256}/source` },
      reviews,
    };
  };

  const loadRecord = async (req: FastifyRequest): Promise<StoredRecord> => {
    const { id } = parse(IdParam, req.params, "record id");
    const r = await store.getRecord(id);
    if (!r) throw new RequestError("RECORD_NOT_FOUND", `no record ${id}`);
    return r;
  };

  app.get("/api/records/:id", async (req) => {
    session(req);
    return recordView(await loadRecord(req));
  });

  app.post("/api/records/:id/corrections", async (req) => {
    const s = mayWrite(req);
    const { id } = parse(IdParam, req.params, "record id");
    const body = parse(CorrectionBody, req.body, "correction");
    const by = reviewerName(s);
    const stored = await store.reviewRecord(id, by, (current) => {
      const out = correctRecord(current.record, body.path, body.value, body.expected);
      if (!out.ok) {
        if (out.reason === "bad_path") throw new RequestError("INVALID_PAYLOAD", out.message);
        if (out.reason === "stale") throw new RequestError("STALE_VALUE", out.message, { current: out.current });
        throw new RequestError("VALIDATION_FAILED", out.message, out.issues);
      }
      if (out.newlyFailing.length > 0 && body.acknowledgeChecks !== true) {
        throw new RequestError(
          "CHECK_FAILED",
          `the correction breaks ${out.newlyFailing.length} arithmetic check(s); send acknowledgeChecks to keep it anyway`,
          { checks: out.newlyFailing },
        );
      }
      // The correction resolves the flags about this value (or its row); the checks it breaks
      // and the reviewer acknowledged are resolved as acknowledged. The store sets the state.
      const acknowledged = body.acknowledgeChecks === true ? out.newlyFailing : [];
      return {
        record: out.record,
        action: "correct",
        fieldPath: body.path,
        before: out.before,
        after: out.after,
        resolves: { flags: flagsResolvedByCorrection(out.record, body.path), how: "corrected" },
        ...(acknowledged.length ? { acknowledges: acknowledged } : {}),
      };
    });
    return recordView(stored);
  });

  app.post("/api/records/:id/flags/acknowledge", async (req) => {
    const s = mayWrite(req);
    const { id } = parse(IdParam, req.params, "record id");
    const body = parse(AcknowledgeBody, req.body, "acknowledgement");
    const by = reviewerName(s);
    const stored = await store.reviewRecord(id, by, (current) => {
      const matching = current.reviewFlags.filter(
        (f) => f.code === body.code && f.path === body.path && (body.message === undefined || f.message === body.message),
      );
      if (matching.length === 0) throw new RequestError("INVALID_PAYLOAD", `record ${id} has no review flag ${body.code} at "${body.path}"`);
      const open = matching.filter((f) => f.open);
      if (open.length === 0) {
        const r = matching[0]!.resolution!;
        throw new RequestError("STALE_VALUE", `the flag ${body.code} at "${body.path}" is resolved already (${r.how} by ${r.by})`, { resolution: r });
      }
      return {
        record: current.record,
        action: "acknowledge",
        fieldPath: body.path,
        flagCode: body.code,
        before: null,
        after: null,
        resolves: { flags: open, how: "acknowledged" },
      };
    });
    return recordView(stored);
  });

  app.post("/api/records/:id/approve", async (req) => {
    const s = mayWrite(req);
    const { id } = parse(IdParam, req.params, "record id");
    parse(ApproveBody, req.body, "approval");
    const by = reviewerName(s);
    // Approving the whole record resolves every flag still open; the store sets approved (or
    // corrected, when a field of it was corrected).
    const stored = await store.reviewRecord(id, by, (current) => ({
      record: current.record,
      action: "approve",
      fieldPath: "",
      before: null,
      after: null,
      resolves: { flags: current.reviewFlags.filter((f) => f.open), how: "approved" },
    }));
    return recordView(stored);
  });

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
export function sameOrigin(origin: string, protocol: string, host: string | undefined): boolean {
  if (host === undefined || host === "") return false;
  try {
    const theirs = new URL(origin);
    const ours = new URL(`${protocol}://${host}`);
    return theirs.origin === ours.origin && theirs.origin !== "null";
  } catch {
    return false;
  }
}
