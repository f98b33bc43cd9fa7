export * from "./processFile.js";
