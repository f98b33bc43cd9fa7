export * from "./main.js";
export * from "./collectInputs.js";
export * from "./writeAtomically.js";
