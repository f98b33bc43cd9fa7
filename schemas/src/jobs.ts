import { z } from "zod";
import { InputKind } from "./page.js";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Job payloads of queue mode. They carry paths, names and hashes, never document text: the
 * input is read from `path` (storage every worker can read) and checked against `sha256`;
 * page models go from page jobs to the assemble job through the store's pages table.
 */
export const IntakeJob = z.object({
  /** Path every worker can read (shared storage). */
  path: z.string().min(1),
  /** File name reported in records and errors. */
  file: z.string().min(1),
  sha256: Sha256,
});
export type IntakeJob = z.infer<typeof IntakeJob>;

/** Extract (and OCR when needed) one page; a child of the document's assemble job. */
export const PageJob = z.object({
  sha256: Sha256,
  path: z.string().min(1),
  file: z.string().min(1),
  inputKind: InputKind,
  /**
   * 1-based page of a PDF. null: the input is not split into page jobs (text dump, image), and
   * this one job extracts the whole document.
   */
  page: z.number().int().positive().nullable(),
});
export type PageJob = z.infer<typeof PageJob>;

/** Reconstruct + normalize + store a document once its page jobs are done (the flow's parent). */
export const AssembleJob = z.object({
  sha256: Sha256,
  path: z.string().min(1),
  file: z.string().min(1),
  inputKind: InputKind,
  /** Pages of a PDF (as many page jobs); null when one job extracts the whole document. */
  pageCount: z.number().int().nonnegative().nullable(),
});
export type AssembleJob = z.infer<typeof AssembleJob>;

export const DocumentStatus = z.enum(["queued", "processing", "succeeded", "partial", "failed"]);
export type DocumentStatus = z.infer<typeof DocumentStatus>;
