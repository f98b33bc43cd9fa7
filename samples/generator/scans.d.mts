// Types of scans.mjs for TypeScript callers (test/e2e/scanConditions.test.ts).
export const STEPS: string[];
export const CONDITIONS: string[];
export function makeScans(opts: {
  inputs: string[];
  out: string;
  seed: string | number;
  conditions?: string[];
  truthDir?: string;
  nameWithParent?: boolean;
  g4Wrapper?: string;
  skip?: string[];
  log?: (line: string) => void;
}): { [condition: string]: unknown };
