import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { RECORD_FIELDS, FORM_MODELS, recordValues } from "@jixiao/core";
import { correctRecord, flagsResolvedByCorrection } from "@jixiao/normalize";
import { flagCodes, RecordKind, type FlagCode } from "@jixiao/schemas";
import type { Store, StoredRecord } from "@jixiao/store";
import { RequestError, parse, type RequestSession } from "./requests.js";
import { sourceType } from "./readSource.js";

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

const IdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
/** A record by document and ordinal (0-based, as the export numbers it): stable across re-processing. */
const AddressParam = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  ordinal: z.coerce.number().int().min(0).max(1_000_000),
});

/**
 * What the page needs to show and edit records, from the one form model (@jixiao/core): per kind
 * the form's title and its value fields (path pattern, the form's own label, type on the form,
 * JSON type); and the flag-code table's descriptions.
 */
export function formModelView() {
  const kinds = Object.fromEntries(
    RecordKind.options.map((kind) => [kind, { title: FORM_MODELS[kind].titles[0]!, fields: RECORD_FIELDS[kind] }]),
  );
  const codes = Object.fromEntries(
    (Object.entries(flagCodes) as [FlagCode, (typeof flagCodes)[FlagCode]][]).map(([code, c]) => [code, { description: c.description, check: c.check }]),
  );
  return { kinds, flagCodes: codes };
}

type Context = {
  store: Store;
  session: (req: FastifyRequest) => RequestSession;
  mayWrite: (req: FastifyRequest) => RequestSession;
  reviewerName: (s: RequestSession) => string;
};

/**
 * The record routes, each under two addresses: `/api/documents/:sha256/records/:ordinal` (the
 * document and the record's position in it: stays the same when the document is processed
 * again, so bookmarks keep working) and `/api/records/:id` (the row id, which changes then).
 */
export function registerRecordRoutes(app: FastifyInstance, { store, session, mayWrite, reviewerName }: Context): void {
  const recordView = async (r: StoredRecord) => {
    const type = r.sourcePath === null ? null : await sourceType(r.inputKind, r.sourcePath);
    const reviews = (await store.listReviews({ documentSha256: r.documentSha256 })).filter((v) => v.ordinal === r.ordinal);
    return {
      id: r.id,
      documentSha256: r.documentSha256,
      file: r.file,
      ordinal: r.ordinal,
      url: `/api/documents/${r.documentSha256}/records/${r.ordinal}`,
      kind: r.kind,
      state: r.state,
      record: r.record,
      // The record's value fields in form order, with the form's labels and types: what the
      // page shows and may edit.
      fields: recordValues(r.record),
      // Every review flag with its state: what is still open, and who resolved the rest, how.
      reviewFlags: r.reviewFlags,
      openFlags: r.reviewFlags.filter((f) => f.open).length,
      pages: r.pages,
      source: { available: type !== null, type, url: `/api/documents/${r.documentSha256}/source` },
      reviews,
    };
  };

  /** The row id of the record a request addresses (either address); RECORD_NOT_FOUND when there is none. */
  const recordId = async (req: FastifyRequest): Promise<number> => {
    const params = req.params as { id?: string };
    if (params.id !== undefined) return parse(IdParam, req.params, "record id").id;
    const { sha256, ordinal } = parse(AddressParam, req.params, "record address");
    const r = await store.getRecordAt(sha256, ordinal);
    if (!r) throw new RequestError("RECORD_NOT_FOUND", `document ${sha256.slice(0, 12)}… has no record ${ordinal}`);
    return r.id;
  };

  const routes = (path: string, method: "get" | "post", handler: (req: FastifyRequest) => Promise<unknown>) => {
    app[method](`/api/records/:id${path}`, handler);
    app[method](`/api/documents/:sha256/records/:ordinal${path}`, handler);
  };

  routes("", "get", async (req) => {
    session(req);
    const id = await recordId(req);
    const r = await store.getRecord(id);
    if (!r) throw new RequestError("RECORD_NOT_FOUND", `no record ${id}`);
    return recordView(r);
  });

  routes("/corrections", "post", async (req) => {
    const s = mayWrite(req);
    const body = parse(CorrectionBody, req.body, "correction");
    const id = await recordId(req);
    const stored = await store.reviewRecord(id, reviewerName(s), (current) => {
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

  routes("/flags/acknowledge", "post", async (req) => {
    const s = mayWrite(req);
    const body = parse(AcknowledgeBody, req.body, "acknowledgement");
    const id = await recordId(req);
    const stored = await store.reviewRecord(id, reviewerName(s), (current) => {
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

  routes("/approve", "post", async (req) => {
    const s = mayWrite(req);
    parse(ApproveBody, req.body, "approval");
    const id = await recordId(req);
    // Approving the whole record resolves every flag still open; the store sets approved (or
    // corrected, when a field of it was corrected).
    const stored = await store.reviewRecord(id, reviewerName(s), (current) => ({
      record: current.record,
      action: "approve",
      fieldPath: "",
      before: null,
      after: null,
      resolves: { flags: current.reviewFlags.filter((f) => f.open), how: "approved" },
    }));
    return recordView(stored);
  });
}
