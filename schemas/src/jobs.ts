import { z } from "zod";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** Job payloads carry ids and hashes, never document text. */
export const IntakeJob = z.object({
  /** Path the worker can read (shared storage) and the name to report. */
  path: z.string().min(1),
  file: z.string().min(1),
  sha256: Sha256,
});
export type IntakeJob = z.infer<typeof IntakeJob>;

export const PageJob = z.object({
  sha256: Sha256,
  path: z.string().min(1),
  page: z.number().int().positive(),
});
export type PageJob = z.infer<typeof PageJob>;

export const AssembleJob = z.object({
  sha256: Sha256,
  file: z.string().min(1),
  pageCount: z.number().int().nonnegative(),
});
export type AssembleJob = z.infer<typeof AssembleJob>;

export const DocumentStatus = z.enum(["queued", "processing", "succeeded", "partial", "failed"]);
export type DocumentStatus = z.infer<typeof DocumentStatus>;
