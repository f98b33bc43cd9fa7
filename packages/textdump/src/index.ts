export * from "./readTextDump.js";
