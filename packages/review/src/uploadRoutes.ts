import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { JixiaoError, toJixiaoError, type ErrorCode } from "@jixiao/core";
import type { DocumentStatus } from "@jixiao/schemas";
import { RequestError, parse, type RequestSession } from "./requests.js";
import { DEFAULT_ZIP_LIMITS, entryPath, unzipUpload, type ZipLimits } from "./unzipUpload.js";
import type { UploadInput, UploadProcessor } from "./uploads.js";

/** Uploads of the review server (admins only); see API.md, "Uploads". */
export type UploadOptions = {
  /** Where uploaded files are kept (the stored documents point at them, so the page can show their pages). */
  dir: string;
  /** Runs the files through the pipeline: in-process (inProcessUploads) or through the queue (queueUploads). */
  processor: UploadProcessor;
  /** Largest file accepted (a zip's files too): the pipeline's file size limit. Default 200 MiB. */
  maxFileBytes?: number;
  /** Largest zip accepted as one upload. Default 1 GiB. */
  maxZipBytes?: number;
  /** Bounds of a zip's contents. Default DEFAULT_ZIP_LIMITS. */
  zip?: Partial<ZipLimits>;
  /** Finished uploads kept in the list (oldest dropped first). Default 1000. */
  keep?: number;
};

type UploadState = "waiting" | "processing" | DocumentStatus | "skipped";

/** One uploaded file and what became of it. */
type UploadItem = {
  id: string;
  /** The name its records carry (`source.file`): its path in the dropped folder or in the zip. */
  file: string;
  /** The zip it came from, if any. */
  zip: string | null;
  state: UploadState;
  pagesDone: number;
  pageCount: number;
  sha256: string | null;
  records: number;
  error: { code: ErrorCode; message: string } | null;
  by: string;
  at: string;
};

const NameQuery = z.object({ name: z.string().min(1).max(1000) }).strict();

/** Streams a request body to a new file, stopping one byte past `max` (OVER_LIMIT). */
async function saveBody(body: Readable, target: string, max: number, name: string): Promise<number> {
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      bytes += chunk.length;
      if (bytes > max) return done(new JixiaoError("OVER_LIMIT", `${name}: larger than the limit of ${max} bytes`, { file: name }));
      done(null, chunk);
    },
  });
  await mkdir(dirname(target), { recursive: true });
  await pipeline(body, count, createWriteStream(target, { flags: "wx" }));
  return bytes;
}

async function isZip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

/**
 * The upload routes: `POST /api/uploads?name=<path>` takes one file (a report, or a zip of
 * reports) as the raw request body; `GET /api/uploads` lists the uploads and their progress.
 * Files are processed one at a time, in the order they came, by the processor.
 */
export function registerUploadRoutes(app: FastifyInstance, o: UploadOptions, ctx: { session: (req: FastifyRequest) => RequestSession; reviewerName: (s: RequestSession) => string }): void {
  const maxFileBytes = o.maxFileBytes ?? 200 * 1024 * 1024;
  const maxZipBytes = o.maxZipBytes ?? 1024 ** 3;
  const zipLimits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: maxFileBytes, ...o.zip };
  const keep = o.keep ?? 1000;
  const items: UploadItem[] = [];
  const waiting: { item: UploadItem; input: UploadInput }[] = [];
  let running: Promise<void> | null = null;
  let closing = false;

  const admin = (req: FastifyRequest): RequestSession => {
    const s = ctx.session(req);
    if (s.role !== "admin") throw new RequestError("FORBIDDEN", `role ${s.role} may not upload; uploads are for admins`);
    return s;
  };

  const add = (file: string, zip: string | null, by: string, error?: JixiaoError): UploadItem => {
    const item: UploadItem = {
      id: randomUUID(), file, zip, state: error ? "failed" : "waiting", pagesDone: 0, pageCount: 0, sha256: null, records: 0,
      error: error ? { code: error.code, message: error.message } : null, by, at: new Date().toISOString(),
    };
    items.push(item);
    // Finished ones beyond `keep` go, oldest first.
    while (items.length > keep) {
      const i = items.findIndex((x) => x.state !== "waiting" && x.state !== "processing");
      if (i < 0) break;
      items.splice(i, 1);
    }
    return item;
  };

  const work = async () => {
    for (let next = waiting.shift(); next && !closing; next = waiting.shift()) {
      const { item, input } = next;
      item.state = "processing";
      try {
        const out = await o.processor.process(input, (p) => {
          item.pagesDone = p.pagesDone;
          item.pageCount = p.pageCount;
        });
        Object.assign(item, { state: out.skipped ? "skipped" : out.status, sha256: out.sha256, records: out.records, error: out.error });
      } catch (err) {
        const e = toJixiaoError(err, input.file);
        Object.assign(item, { state: "failed", error: { code: e.code, message: e.message } });
      }
    }
    running = null;
  };
  const enqueue = (item: UploadItem, input: UploadInput) => {
    waiting.push({ item, input });
    running ??= work();
  };

  // The body of an upload is the file itself, streamed to disk (never held in memory).
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

  app.post("/api/uploads", { bodyLimit: Math.max(maxFileBytes, maxZipBytes) + 1 }, async (req, reply) => {
    const s = admin(req);
    const by = ctx.reviewerName(s);
    const { name } = parse(NameQuery, req.query, "upload name");
    const rel = entryPath(name);
    if (rel === null) throw new RequestError("INVALID_PAYLOAD", `"${name}" is not a file name to store (hidden, a folder, or leaving its folder)`);
    if (!(req.body && typeof (req.body as Readable).pipe === "function")) throw new RequestError("INVALID_PAYLOAD", "send the file as the body, content-type application/octet-stream");
    const batch = join(o.dir, `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`);
    const target = join(batch, rel);
    try {
      await saveBody(req.body as Readable, target, rel.toLowerCase().endsWith(".zip") ? maxZipBytes : maxFileBytes, rel);
      if (await isZip(target)) {
        const files = await unzipUpload(target, rel, join(batch, `${rel}.files`), zipLimits);
        await rm(target, { force: true });
        const added = files.map((f) => {
          const item = add(f.file, rel, by);
          enqueue(item, f);
          return item;
        });
        return reply.status(202).send({ items: added });
      }
      const item = add(rel, null, by);
      enqueue(item, { path: target, file: rel });
      return reply.status(202).send({ items: [item] });
    } catch (err) {
      await rm(batch, { recursive: true, force: true });
      const e = toJixiaoError(err, rel);
      // The failure is listed too, with its code, like a file the pipeline could not read.
      add(rel, null, by, e);
      throw e instanceof RequestError ? e : new RequestError(e.code, e.message);
    }
  });

  app.get("/api/uploads", async (req) => {
    admin(req);
    const counts: { [state: string]: number } = {};
    for (const i of items) counts[i.state] = (counts[i.state] ?? 0) + 1;
    return { mode: o.processor.mode, limits: { maxFileBytes, maxZipBytes, zip: zipLimits }, counts, items: [...items].reverse() };
  });

  app.addHook("onClose", async () => {
    closing = true;
    await running;
    await o.processor.close();
  });
}
