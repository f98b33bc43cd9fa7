/** The stable key of a report: "<document_sha256>:<ordinal>" (ordinal = position in its file, 0-based). */
export function reportKey(documentSha256: string, ordinal: number): string {
  return `${documentSha256}:${ordinal}`;
}
