/** One hostile kind as written: its file, the error codes it may end with, and what it attacks. */
export type HostileFile = { name: string; path: string; expect: string[]; what: string };
export const KINDS: { name: string; expect: string[]; what: string; write: (path: string) => void; when?: () => boolean }[];
/** Writes every kind this platform can make into `dir`. */
export function generateHostile(dir: string): HostileFile[];
