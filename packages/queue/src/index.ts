export * from "./config.js";
export * from "./redis.js";
export * from "./names.js";
export * from "./stage.js";
export * from "./context.js";
export * from "./enqueue.js";
export * from "./reconcile.js";
export * from "./submit.js";
