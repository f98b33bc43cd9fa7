export * from "./errors.js";
export * from "./text.js";
export * from "./taxonomy.js";
export * from "./numbers.js";
export * from "./fuzzy.js";
export * from "./forms.js";
export * from "./recordPaths.js";
export * from "./recordFields.js";
