export * from "./forms.js";
export * from "./RecordBuilder.js";
export * from "./rowTools.js";
export * from "./parseIndicators.js";
export * from "./parseTabular.js";
export * from "./parseAssessment.js";
export * from "./checks.js";
export * from "./normalize.js";
