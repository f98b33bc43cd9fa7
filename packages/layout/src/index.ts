export * from "./geometry.js";
export * from "./buildTables.js";
export * from "./reconstruct.js";
