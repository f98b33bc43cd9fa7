export * from "./main.js";
export { runFiles, summarize, type RunResult, type RunSummary } from "./runFiles.js";
export * from "./collectInputs.js";
export * from "./writeAtomically.js";
