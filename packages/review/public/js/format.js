// How values, confidences and flags are shown, and how a typed correction is read back.
import { h } from "./dom.js";
import { fieldOf } from "./fields.js";
import { state } from "./state.js";

/** Form types whose numbers print with thousands separators, as the forms do (113,569,961.85); a year does not. */
const GROUPED_TYPES = new Set(["money", "count", "score", "rate"]);

/** A number's digits grouped by thousands, its decimals as they are: 113569961.85 → "113,569,961.85". */
function groupDigits(n) {
  const [int, frac] = String(n).split(".");
  if (!/^-?\d+$/.test(int)) return String(n); // 1e21 and the like stay as they are
  const sign = int.startsWith("-") ? "-" : "";
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${frac === undefined ? "" : `.${frac}`}`;
}

/** A value as shown; `path` gives the field's form type (a year is not grouped). */
export function formatValue(v, path = null) {
  if (v === null || v === undefined) return "—";
  if (v === true) return "是 (true)";
  if (v === false) return "否 (false)";
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "number") {
    const type = path === null ? "money" : fieldOf(path)?.type;
    return GROUPED_TYPES.has(type) ? groupDigits(v) : String(v);
  }
  return String(v);
}

export function valueNode(v, extraClass = "", path = null) {
  const cls = `value ${v === null || v === undefined ? "null-value" : `${typeof v}-value`} ${extraClass}`.trim();
  return h("span", { class: cls }, formatValue(v, path));
}

/** The text an edit box starts with: the value as shown (numbers grouped), or "" for an empty cell. */
export function toInputText(v, path) {
  if (v === null || v === undefined) return "";
  return typeof v === "number" ? formatValue(v, path) : String(v);
}

/** The typed value: numbers for numeric fields (with or without thousands separators), booleans for yes/no, text; empty → null. */
export function parseDraft(type, text) {
  if (type === "boolean") return { ok: true, value: text === "" ? null : text === "true" };
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: null };
  if (type === "number") {
    const normalized = trimmed
      .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
      .replace(/[．]/g, ".")
      .replace(/[,，\s]/g, "");
    const n = Number(normalized);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalized) || !Number.isFinite(n)) {
      return { ok: false, message: `"${trimmed}" is not a number.` };
    }
    return { ok: true, value: n };
  }
  return { ok: true, value: trimmed };
}

export function confidenceClass(c) {
  if (c >= 0.9) return "conf-high";
  if (c >= 0.7) return "conf-mid";
  return "conf-low";
}

export function formatConfidence(c) {
  return typeof c === "number" ? c.toFixed(2) : "—";
}

/** The form's title of a kind (from the form model). */
export function kindLabel(kind) {
  return state.formModel.kinds?.[kind]?.title ?? kind;
}

/** What a flag code means (the flag-code table), for titles. */
export function flagDescription(code) {
  return state.formModel.flagCodes?.[code]?.description ?? "";
}

export function recordTitle(record) {
  return record.project_name ?? record.department_name ?? "(untitled)";
}

/** The first characters of a document's SHA-256: tells apart two documents with the same file name. */
export function shortHash(sha256) {
  return (sha256 ?? "").slice(0, 8);
}

/** A review flag's state from the record view (API.md: reviewFlags): open, or resolved how, by whom. */
export function flagState(f) {
  const states = state.view?.reviewFlags ?? [];
  const s = states.find((x) => x.code === f.code && x.path === f.path && x.message === f.message);
  return s ?? { open: true, resolution: null };
}

export function resolutionText(r) {
  if (!r) return "open";
  const how = { corrected: "corrected", acknowledged: "acknowledged", approved: "approved" }[r.how] ?? r.how;
  return `${how} by ${r.by}`;
}

export function reviewFlags(record) {
  return (record.flags ?? []).filter((f) => f.severity === "review");
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A field shown by its form label first and its path small beside it. */
export function fieldName(path, label) {
  return [h("span", { class: "field-label" }, label ?? path), " ", h("code", { class: "field-path-small" }, path)];
}
