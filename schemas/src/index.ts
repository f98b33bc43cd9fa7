export * from "./page.js";
export * from "./record.js";
export * from "./flagCodes.js";
export * from "./jobs.js";
export * from "./exportTables.js";
export * from "./jsonSchemas.js";
