// Types of templates.mjs for TypeScript callers (test/e2e/templates.test.ts).
export const PRODUCERS: string[];
export const VARIANTS: { [variant: string]: string[] };
export const FEATURES: string[];
export function featuresOf(variant: string): Set<string>;
export function generate(opts: {
  out: string;
  producers?: string[];
  variants?: string[];
  seed?: number;
  truth?: string;
  keepSources?: boolean;
  log?: (line: string) => void;
}): { producer: string; variant: string; pdf: string; jsonl: string }[];
