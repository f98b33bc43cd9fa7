export * from "./page.js";
export * from "./record.js";
export * from "./jobs.js";
export * from "./jsonSchemas.js";
