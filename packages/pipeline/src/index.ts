export * from "./processFile.js";
export { createExtractionSandbox, DEFAULT_TIME_LIMIT_MS, DEFAULT_MEMORY_LIMIT_BYTES, type SandboxOptions } from "./sandbox.js";
