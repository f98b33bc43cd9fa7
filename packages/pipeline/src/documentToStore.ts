import { resolve } from "node:path";
import type { InputKind } from "@jixiao/schemas";
import type { FileResult, PageGeometry } from "./processFile.js";

/** What a store keeps of a processed file: the shape of @jixiao/store's SaveDocumentInput. */
export type DocumentToStore = {
  sha256: string;
  file: string;
  /** null when the kind could not be told (the file failed with UNSUPPORTED_INPUT). */
  inputKind: InputKind | null;
  status: FileResult["status"];
  pageCount: number;
  error: FileResult["error"];
  records: FileResult["records"];
  /** Where the file can be read again (absolute). */
  path: string;
  pageGeometry: PageGeometry[];
};

/**
 * The document to store for a file's result, the one mapping from a result to a stored document
 * (give it to `store.saveDocument`, with `{ reapply: reapplyCorrections }` so review corrections
 * are applied again). null when the file was never hashed (not found, empty, over the size
 * limit): there is no document to key.
 */
export function documentToStore(r: FileResult): DocumentToStore | null {
  if (!r.sha256) return null;
  return {
    sha256: r.sha256,
    file: r.file,
    inputKind: r.inputKind,
    status: r.status,
    pageCount: r.pageCount,
    error: r.error,
    records: r.records,
    path: resolve(r.path),
    pageGeometry: r.pageGeometry,
  };
}
