import { compact } from "./text.js";

/** Result of reading a numeric cell. `ok: false` means the text is not empty and not a number. */
export type NumberRead = { ok: true; value: number | null } | { ok: false; text: string };

const EMPTY = new Set(["", "—", "-", "/", "－", "─", "–", "——", "--", "／"]);

/** True for a cell the format treats as empty (null). */
export function isEmptyValue(text: string | null | undefined): boolean {
  return text == null || EMPTY.has(compact(text));
}

/**
 * Reads money, weights and scores: thousands separators dropped, "1200000.00" → 1200000.
 * A trailing "元"/"分" unit is tolerated.
 */
export function readNumber(text: string | null | undefined): NumberRead {
  if (isEmptyValue(text)) return { ok: true, value: null };
  // A 万元 suffix is not dropped here: the amount is 10,000 times the number (see readMoney).
  const t = compact(text!).replace(/[，,]/g, "").replace(/(?<!万)(元|分)$/, "");
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return { ok: true, value: Number(t) };
  return { ok: false, text: text! };
}

/** The unit a form prints its amounts in. */
export type MoneyUnit = "元" | "万元";

/**
 * Reads an amount in 元. `unit` is what the form states for its amounts; a cell that carries its
 * own unit ("120.5万元", "300元") follows that instead. 万元 are converted by moving the decimal
 * point in the printed digits, so "11356.996185" 万元 is exactly 113569961.85 元 (no float drift).
 */
export function readMoney(text: string | null | undefined, unit: MoneyUnit = "元"): NumberRead {
  if (isEmptyValue(text)) return { ok: true, value: null };
  let t = compact(text!).replace(/[，,]/g, "");
  let u: MoneyUnit = unit;
  if (/万元$/.test(t)) {
    u = "万元";
    t = t.slice(0, -2);
  } else if (/元$/.test(t)) {
    u = "元";
    t = t.slice(0, -1);
  }
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (!m[2] && !m[3])) return { ok: false, text: text! };
  if (u === "元") return { ok: true, value: Number(t) };
  const frac = (m[3] ?? "").padEnd(4, "0");
  const digits = `${m[2] ?? ""}${frac.slice(0, 4)}.${frac.slice(4) || "0"}`;
  return { ok: true, value: Number(`${m[1]}${digits}`) };
}

/** Reads a rate in percent units: "80.88%" → 80.88, "94.43" → 94.43. */
export function readRate(text: string | null | undefined): NumberRead {
  if (isEmptyValue(text)) return { ok: true, value: null };
  const t = compact(text!).replace(/[%％]$/, "");
  return readNumber(t);
}

/** Parsed form of a target/actual text such as ">=95%", "≥60 次", "=100%". */
export function parseTarget(
  text: string | null,
): { op: "=" | ">=" | "<=" | ">" | "<" | null; value: number; unit: string | null } | null {
  if (text == null) return null;
  const t = compact(text);
  const m = /^(>=|<=|≥|≤|=|>|<|＞|＜)?([-+]?\d+(?:\.\d+)?)(%|％|[\u4e00-\u9fff]{1,3})?$/.exec(t);
  if (!m) return null;
  const opMap: { [k: string]: "=" | ">=" | "<=" | ">" | "<" } = {
    ">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", ">": ">", "＞": ">", "<": "<", "＜": "<",
  };
  const unit = m[3] ? (m[3] === "％" ? "%" : m[3]) : null;
  return { op: m[1] ? opMap[m[1]]! : null, value: Number(m[2]), unit };
}

/** True when two numbers agree within an absolute tolerance (printed rounding). */
export function nearlyEqual(a: number, b: number, tolerance = 0.011): boolean {
  return Math.abs(a - b) <= tolerance;
}
