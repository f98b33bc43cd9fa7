export * from "./processFile.js";
export { createExtractionSandbox, DEFAULT_TIME_LIMIT_MS, DEFAULT_MEMORY_LIMIT_BYTES, DEFAULT_OCR_PAGE_TIME_MS, type SandboxOptions } from "./sandbox.js";
export { documentToStore, type DocumentToStore } from "./documentToStore.js";
