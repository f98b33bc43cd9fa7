// A record's value fields as the server sends them (the record view's `fields`: path, the form's
// label, type, current value, in form order; API.md), and where their values were read. The page
// parses no paths: the one rule it keeps is what lies under a path ("" covers everything), for
// flags about a row or a list and for provenance keys.
import { state } from "./state.js";

/** Does `path` lie at or under `prefix` (record paths: @jixiao/core isUnderPath)? */
export function isUnder(path, prefix) {
  if (prefix === "") return true;
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** The value field at `path` of the record shown, or undefined. */
export function fieldOf(path) {
  return (state.view?.fields ?? []).find((f) => f.path === path);
}

/** The current value at a field path (null for an empty cell, undefined for no such field). */
export function valueOf(path) {
  return fieldOf(path)?.current;
}

/** Whether `path` is a value field of the record shown (what a correction may name). */
export function isEditablePath(path) {
  return fieldOf(path) !== undefined;
}

/** "number" | "boolean" | "text": the JSON type a correction of this field must have. */
export function fieldType(path) {
  return fieldOf(path)?.value ?? "text";
}

/** Every value field at or under `path`, in form order. */
export function fieldsUnder(path) {
  return (state.view?.fields ?? []).filter((f) => isUnder(f.path, path)).map((f) => f.path);
}

/** The form's label of a field path; for an indicator field with the row ("指标 3 · 分值"). */
export function labelOf(path) {
  const f = fieldOf(path);
  if (!f) return null;
  return f.row === null || f.row === undefined ? f.label : `指标 ${f.row} · ${f.label}`;
}

/**
 * Do a flag's `paths` name one cell copied into several rows (the same field of each: a
 * correction applies to all), rather than several values of one row doubted together?
 */
export function oneCell(paths) {
  const labels = paths.map((p) => fieldOf(p)?.label);
  return labels.every((l) => l === labels[0]);
}

/** The model's indicator columns of a kind: [{key, label}], in form order. */
export function indicatorColumns(kind) {
  const fields = state.formModel.kinds?.[kind]?.fields ?? [];
  return fields.filter((f) => f.section === "indicators").map((f) => ({ key: f.path.slice("indicators[].".length), label: f.label }));
}

/** The union box of every provenance entry at or under `path`, one per page. */
export function boxesFor(record, path) {
  const prov = record?.source?.provenance ?? {};
  const byPage = new Map();
  for (const [key, list] of Object.entries(prov)) {
    if (!isUnder(key, path)) continue;
    for (const p of list) {
      const b = p.bbox;
      const cur = byPage.get(p.page);
      if (!cur) byPage.set(p.page, { page: p.page, unit: p.unit, x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 });
      else {
        cur.x0 = Math.min(cur.x0, b.x0);
        cur.y0 = Math.min(cur.y0, b.y0);
        cur.x1 = Math.max(cur.x1, b.x1);
        cur.y1 = Math.max(cur.y1, b.y1);
      }
    }
  }
  return [...byPage.values()].sort((a, b) => a.page - b.page);
}
