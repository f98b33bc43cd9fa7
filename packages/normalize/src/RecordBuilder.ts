import { isFlagCode, type Flag, type FlagCode, type Provenance } from "@jixiao/schemas";
import type { ConfidenceOptions } from "./fieldConfidence.js";
import { readNumber, readRate, readMoney, cleanText, compact, isEmptyValue, isUnderPath, lastField, type MoneyUnit } from "@jixiao/core";
import type { RowCell } from "@jixiao/layout";

/** A number read with one or two dots before its digits and none between them (".3", "..3"). */
const LEADING_DOT = /^\s*[.·。:：]{1,2}\s*(\d+)\s*$/;

/**
 * An amount whose thousands separators OCR read as dots ("19.725.000.00" for 19,725,000.00: a
 * comma's tail is lost at 200 dpi bitonal): two or more dots, groups of three digits between
 * them, and at most two decimals after the last. No amount prints two decimal points.
 */
const DOTTED_THOUSANDS = /^(\d{1,3}(?:\.\d{3})+?)(?:\.(\d{1,2}))?$/;
/** An amount grouped by commas whose last group follows a point ("1,087.128"). */
const COMMA_READ_AS_POINT = /^(\d{1,3}(?:,\d{3})+)\.(\d{3})$/;

/**
 * The text without a quote mark at its end that closes nothing: an opening ‘ or “ as the last
 * character, or a closing ’ ” ' ` with no opening mark before it (a speck OCR read as a quote
 * after the last word).
 */
export function withoutStrayEndMark(text: string): string {
  const last = text.at(-1) ?? "";
  const body = text.slice(0, -1);
  if (last === "‘" || last === "“") return body.trimEnd();
  if (last === "’" && !body.includes("‘") && !body.includes("'")) return body.trimEnd();
  if (last === "”" && !body.includes("“") && !body.includes('"')) return body.trimEnd();
  if ((last === "'" || last === "`") && !/['‘`]/.test(body) && /\p{Script=Han}/u.test(body)) return body.trimEnd();
  return text;
}

/**
 * `text` without a mark no text starts or ends with, which OCR made of a speck: a 、，。；： before
 * the first Chinese character ("，上海市…"), or a 、 after the last of a short value ("达成指标、":
 * 、 stands between two items). Prose (`proseFrom` characters or more) keeps a final 、: a text
 * cut short on the form ends in one as printed. Other marks at the ends are left as read.
 */
export function withoutStrayEdgeMark(text: string, proseFrom = 30): string {
  const t = text.replace(/^\s*[、，。；：]\s*(?=\p{Script=Han})/u, "");
  return [...t].length >= proseFrom ? t : t.replace(/(?<=\p{Script=Han})\s*、\s*$/u, "");
}

/**
 * `text` with the Chinese mark a scan's Latin point or middle dot stands for: between two Chinese
 * characters a point is a ， whose tail the scan lost and a middle dot a small 。 (measured on 200 dpi
 * bitonal scans of known text: of 71 points between Chinese characters 64 were ，, and of 19 middle
 * dots 14 were 。; "履职！尽责" is left, that mark is Chinese). Before the first Chinese character
 * (".有效") it is a speck and goes; after the last ("产出指标.") it is dropped from a label and read
 * as 。 in a text that holds sentence punctuation of its own.
 */
export function withMarksForPoints(text: string): string {
  const t = text
    .replace(/(\p{Script=Han})\s*\.\s*(?=\p{Script=Han})/gu, "$1，")
    .replace(/(\p{Script=Han})\s*·\s*(?=\p{Script=Han})/gu, "$1。")
    .replace(/^\s*[.·]\s*(?=\p{Script=Han})/u, "");
  return t.replace(/(\p{Script=Han})\s*[.·]\s*$/u, (_, han: string) => (/[，。；]/.test(t) ? `${han}。` : han));
}

/**
 * `text` with 一 for a hyphen (or two: the bar read twice) that stands where no hyphen is printed:
 * at its start or after an opening quote or bracket, before a Chinese character ("“-网通办”",
 * "“--网通办”", "-是加强"), alone in brackets ("（-）"), or as two between Chinese characters
 * ("进--步"). A scan leaves "一" a short bar, and OCR reads it as the hyphen it looks like.
 * Between two Chinese characters one hyphen is left: forms print one there ("市民云-普陀区").
 */
export function withOneForHyphen(text: string): string {
  return text
    .replace(/(^|[“‘「『（(])[-－‐‑–]{1,2}(?=\p{Script=Han})/gu, "$1一")
    .replace(/([（(])[-－‐‑–](?=[）)])/gu, "$1一")
    .replace(/(?<=\p{Script=Han})[-－‐‑–]{2}(?=\p{Script=Han})/gu, "一");
}

/** Characters equal but for width (（ and (, ， and ,). */
const sameChar = (a: string, b: string) => a === b || a.normalize("NFKC") === b.normalize("NFKC");

/** What PP-OCR makes of a Song 口 whose thin bottom stroke a bitonal scan lost: 门, a bracket, a bar, "11", or nothing. */
const LOST_BOX = /^(?:门|\[|「|\]|\||l|I|1|11|凹)?$/;

/**
 * `text` with 口 where PP-OCR's reading (kept) had 门, a bracket, a bar, "11" or nothing and
 * Tesseract read 口, the rest of the line alike (an ocr_disagreement repair's `readings`): a
 * bitonal scan thins a Song face's horizontal strokes until 口 loses its bottom, and PP-OCR then
 * reads 门 where Tesseract still reads 口 (10 of 10 such disagreements on two unseen 200 dpi
 * bitonal sets, 0 the other way). The line stays in doubt.
 */
export function withBoxFromTesseract(text: string, repairs: readonly { code: string; readings?: readonly string[] }[]): string {
  let out = text;
  for (const r of repairs) {
    if (r.code !== "ocr_disagreement" || !r.readings || r.readings.length < 2) continue;
    const pp = [...r.readings[0]!];
    for (const other of r.readings.slice(1)) {
      const ts = [...other];
      let pre = 0;
      while (pre < pp.length && pre < ts.length && sameChar(pp[pre]!, ts[pre]!)) pre++;
      let suf = 0;
      while (suf < pp.length - pre && suf < ts.length - pre && sameChar(pp[pp.length - 1 - suf]!, ts[ts.length - 1 - suf]!)) suf++;
      const mid = pp.slice(pre, pp.length - suf).join("");
      if (ts.slice(pre, ts.length - suf).join("") !== "口" || !LOST_BOX.test(mid) || pre + suf < 2) continue;
      // A Tesseract reading that holds PP-OCR's character there in its context (部门 read 部口 at
      // one scale and 部门 at the other) says 门 was printed.
      const kept = pp.slice(Math.max(0, pre - 1), pp.length - suf + 1).join("");
      if (mid && r.readings.slice(1).some((x) => x.includes(kept))) break;
      const fixed = [...pp.slice(0, pre), "口", ...pp.slice(pp.length - suf)].join("");
      if (r.readings[0] && out.includes(r.readings[0])) out = out.replace(r.readings[0], fixed);
      break;
    }
  }
  return out;
}

/** The amount `text` spells with dots for thousands separators, or undefined. */
export function dottedThousands(text: string): number | undefined {
  const t = text.replace(/[\s,，]/g, "");
  if ((t.match(/\./g) ?? []).length < 2) return undefined;
  const m = DOTTED_THOUSANDS.exec(t);
  if (!m) return undefined;
  return Number(`${m[1]!.replace(/\./g, "")}${m[2] ? `.${m[2]}` : ""}`);
}

/** Options of the normalizer; every field has a default. */
export type NormalizeOptions = {
  /** A value read with lower OCR confidence than this gets a review flag unless a check confirms it. Default 0.8. */
  minConfidence?: number;
  /**
   * Short pattern values (indicator target/actual: operators, numbers, units) need more: OCR
   * confuses ≥ with 2, 之, 过 and > at good confidence. Default 0.9.
   */
  minPatternConfidence?: number;
  /** OCR text at least this long gets a review flag: one misread character spoils it. Default 30. */
  longOcrText?: number;
  /** How each value's confidence is derived (fieldConfidence.ts). */
  confidence?: ConfidenceOptions;
};

export const DEFAULT_MIN_CONFIDENCE = 0.8;
/** Doubts about a number that a check holding with it settles (flagLowConfidence). */
const SETTLED_BY_A_CHECK = new Set<string>(["unsure_digits", "extra_digits", "stray_mark", "thousands_dot"]);
/** Confidence of a number the arithmetic settled between two engines' readings (as two engines agreeing). */
export const SETTLED_CONFIDENCE = 0.995;

/**
 * Collects what one record needs besides its values: flags, provenance per field and the
 * lowest confidence per field, so the checks can later confirm or doubt a value.
 */
export class RecordBuilder {
  readonly flags: Flag[] = [];
  readonly provenance: { [path: string]: Provenance[] } = {};
  /** Field path → confidence of the cell it was read from. */
  readonly confidence: { [path: string]: number } = {};
  readonly pages = new Set<number>();
  private readonly minConfidence: number;
  private readonly minPatternConfidence: number;
  private readonly longOcrText: number;

  constructor(options: NormalizeOptions = {}) {
    this.minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.minPatternConfidence = options.minPatternConfidence ?? 0.9;
    this.longOcrText = options.longOcrText ?? 30;
  }

  private readonly flagKeys = new Set<string>();

  flag(code: FlagCode, severity: "info" | "review", path: string, message: string): void {
    const key = `${code}\u0000${severity}\u0000${path}`;
    if (this.flagKeys.has(key)) return;
    this.flagKeys.add(key);
    this.flags.push({ code, severity, path, message });
  }

  /** Records where a field came from and turns the cell's repairs into flags on that field. */
  /** One doubt over several fields: one review item (`paths`, the first also as `path`). */
  flagAll(code: FlagCode, severity: "info" | "review", paths: readonly string[], message: string): void {
    const unique = [...new Set(paths)];
    if (unique.length < 2) {
      if (unique[0] !== undefined) this.flag(code, severity, unique[0], message);
      return;
    }
    this.flags.push({ code, severity, path: unique[0]!, paths: unique, message });
  }

  /** Records where a field came from, and nothing of the cells' confidence or repairs (a label that only places a row). */
  place(path: string, cells: readonly RowCell[]): void {
    for (const cell of cells) {
      (this.provenance[path] ??= []).push(...cell.prov);
      for (const p of cell.prov) this.pages.add(p.page);
    }
  }

  track(path: string, cells: readonly (RowCell | undefined)[]): void {
    for (const cell of cells) {
      if (!cell) continue;
      (this.provenance[path] ??= []).push(...cell.prov);
      for (const p of cell.prov) this.pages.add(p.page);
      this.confidence[path] = Math.min(this.confidence[path] ?? 1, cell.confidence);
      for (const r of cell.repairs) this.flag(flagCodeOf(r.code), r.severity, path, r.message);
    }
  }

  /**
   * A value copied from another field (a cell printed once for several rows): it has that
   * field's provenance and confidence, and its review flags, so that the copies' flags merge into
   * one review item (mergeSameCellFlags) and a doubt about the cell covers every copy.
   */
  inherit(from: string, to: string): void {
    const prov = this.provenance[from];
    if (prov) this.provenance[to] = [...prov];
    if (this.confidence[from] !== undefined) this.confidence[to] = this.confidence[from]!;
    for (const f of [...this.flags]) {
      if (f.severity === "review" && (f.paths ?? [f.path]).includes(from)) this.flag(f.code, f.severity, to, f.message);
    }
  }

  text(path: string, cells: readonly (RowCell | undefined)[]): string | null {
    const present = cells.filter((c): c is RowCell => !!c && !!c.text);
    this.track(path, present);
    let t = cleanText(present.map((c) => (c.confidence < 1 ? withBoxFromTesseract(c.text, c.repairs) : c.text)).join(""));
    if (isEmptyValue(t)) return null;
    if (present.some((c) => c.confidence < 1)) {
      // A lone 一 read by OCR is the dash a form prints for nothing ("—"): no field holds 一 alone.
      if (/^一{1,2}$/u.test(compact(t))) return null;
      const kept = withoutStrayEndMark(t);
      if (kept !== t) {
        this.flag("stray_mark", "review", path, `"${t}" ends in a quote mark that closes nothing (a speck read by OCR); taken as "${kept}"`);
        t = kept;
      }
      const edge = withoutStrayEdgeMark(t, this.longOcrText);
      if (edge !== t) {
        this.flag("stray_mark", "review", path, `"${t}" starts or ends with a mark no text starts or ends with (a speck read by OCR); taken as "${edge}"`);
        t = edge;
      }
      const joined = withMarksForPoints(t);
      if (joined !== t) {
        this.flag("stray_mark", "review", path, `"${t}" has a point before, between or after Chinese characters (a ， or 。 the scan thinned, or a speck); taken as "${joined}"`);
        t = joined;
      }
      const one = withOneForHyphen(t);
      if (one !== t) {
        this.flag("hyphen_for_one", "review", path, `"${t}" has a hyphen before a Chinese character, where 一 looks alike; taken as "${one}"`);
        t = one;
      } else if (/\p{Script=Han}[-－‐‑–]\p{Script=Han}/u.test(t)) {
        // One hyphen between two Chinese characters is kept (forms print one there: 市民云-普陀区),
        // but it may as well be a 一 the scan thinned (进-步): a person decides.
        this.flag("hyphen_for_one", "review", path, `"${t}" has a hyphen between Chinese characters, which may be a 一 the scan thinned; kept as read`);
      }
      const field = lastField(path);
      if (field === "target" || field === "actual") {
        // A % sign read twice ("98.00%%": a speck beside it taken for another) is one.
        const once = t.replace(/(\d\s*)[%％]{2,}/g, "$1%");
        if (once !== t) {
          this.flag("stray_mark", "review", path, `"${t}" has its % sign twice (a speck read as another); taken as "${once}"`);
          t = once;
        }
        // A point before a comparison (".>=95%") is a speck: a target or an actual starts with its operator.
        const op = t.replace(/^\s*[.·,，、。'`]\s*(?=[≥≤<>=＞＜＝])/u, "");
        if (op !== t) {
          this.flag("stray_mark", "review", path, `"${t}" has a point before its comparison sign (a speck read by OCR); taken as "${op}"`);
          t = op;
        } else if (/^\s*[.·,，、。'`]\s*\d/u.test(t)) {
          // Before the digits (".90%") it is a speck, or the point of a 0.5% whose 0 was lost: a
          // person decides (forms print 0.90%, not .90%).
          this.flag("stray_mark", "review", path, `"${t}" starts with a point before its digits: a speck read by OCR, or a decimal point whose 0 was lost; kept as read`);
        }
        // A degree sign after a number ("100°") is a % whose lower circle a scan lost: these
        // forms state no angles or temperatures in a target or an actual.
        const pct = t.replace(/(\d)\s*[°º˚]$/u, "$1%");
        if (pct !== t) {
          this.flag("percent_misread", "review", path, `"${t}" ends in a degree sign, which OCR makes of a % whose lower circle the scan lost; taken as "${pct}"`);
          t = pct;
        }
        // A quote mark before the digits ("\"100%") is an = whose bars a scan broke into two ticks.
        const eq = t.replace(/^["“”＂]\s*(?=\d)/, "=");
        if (eq !== t) {
          this.flag("ambiguous_operator", "review", path, `"${t}" starts with a quote mark, which OCR makes of = broken into two ticks; taken as "${eq}"`);
          t = eq;
        }
      }
      this.doubtOcrText(path, t);
    }
    return t;
  }

  /** Doubts an OCR-read text cannot clear by confidence alone. */
  private doubtOcrText(path: string, t: string): void {
    if ([...t].length >= this.longOcrText) {
      this.flag("long_ocr_text", "review", path, `${[...t].length} characters read by OCR: check them against the page`);
    }
    if (/[\[\]{}|\\`~@#^_]/.test(t)) this.flag("suspicious_characters", "review", path, `"${t}" holds characters these forms do not print`);
    // OCR turns a glyph it cannot read into Latin letters of mixed case ("报告" → "报HeA"): a
    // Latin run beside Chinese text with a lower-case letter before a capital is not prose.
    if (/(?:[\u4e00-\u9fff][A-Za-z]*[a-z][A-Z])|(?:[a-z][A-Z][A-Za-z]*[\u4e00-\u9fff])/.test(t)) {
      this.flag("latin_in_chinese", "review", path, `"${t}" mixes Latin letters into Chinese text, as OCR does with a glyph it could not read`);
    }
    // Units on these forms are Chinese (天, 次, 个, 万元) or %; a Latin unit read by OCR is more
    // likely a misread glyph ("≥320 天" → "≥320K") than a real one.
    // A target states an operator or a unit ("=100%", "≥60 次"); a bare number read by OCR has
    // most likely lost one ("=0" read as "0").
    const field = lastField(path);
    const pattern = field === "target" || field === "actual";
    if (field === "target" && /^\d+(\.\d+)?$/.test(t)) {
      this.flag("bare_target", "review", path, `target "${t}" has no operator or unit: OCR may have dropped one`);
    }
    if (pattern && /\d\s*[A-Za-z]{1,3}$/.test(t)) {
      this.flag("latin_unit", "review", path, `"${t}" ends in a Latin unit, which OCR often makes of a Chinese one`);
    }
    if (pattern && /^[之过][\d.]/.test(t.replace(/\s/g, ""))) {
      this.flag("ambiguous_operator", "review", path, `"${t}" starts with a character OCR reads for ≥`);
    }
    // "=100%" whose lower bar a scan lost reads "-100%": a target below zero is in doubt.
    if (pattern && /^[-－—–一][\d.]/.test(t.replace(/\s/g, ""))) {
      this.flag("ambiguous_operator", "review", path, `"${t}" starts with a dash, which OCR makes of = or ≥ whose lower bar a scan lost`);
    }
  }

  /** The unit the form prints its amounts in; set once the report's unit marker is known. */
  moneyUnit: MoneyUnit = "元";
  /** The form prints its unit (a 元 marker was read), rather than 元 being the default. */
  moneyUnitPrinted = false;

  /** Paths read as amounts, in reading order: a doubt about the money unit covers them all. */
  private readonly moneyPaths: string[] = [];

  /** Notes a path read as an amount other than through money() (a label–value form's amounts). */
  noteAmount(path: string): void {
    this.moneyPaths.push(path);
  }
  /** Amounts whose decimals say the unit may be wrong (doubtDecimals), or a damaged unit marker's text. */
  private readonly unitDoubts: { path: string; text: string }[] = [];
  private unitMarkerDoubt: string | undefined;

  /** An amount in 元 (converted from the form's unit, or the cell's own). */
  money(path: string, cell: RowCell | undefined): number | null {
    if (!cell) return null;
    this.moneyPaths.push(path);
    this.track(path, [cell]);
    this.noteAlternatives(path, cell, (t) => {
      const r = readMoney(t, this.moneyUnit);
      return r.ok ? r.value : null;
    });
    const r = readMoney(cell.text, this.moneyUnit);
    if (!r.ok && this.moneyUnit === "元") {
      const repaired = dottedThousands(cell.text);
      if (repaired !== undefined) {
        this.flag("thousands_dot", "review", path, `"${cell.text}" read with dots for thousands separators: taken as ${repaired}`);
        return repaired;
      }
    }
    // A form that prints 元 has no amount with three decimals: "1,087.128" is 1,087,128 with its
    // last comma read as a point.
    const comma = this.moneyUnit === "元" && this.moneyUnitPrinted ? COMMA_READ_AS_POINT.exec(cell.text.replace(/\s/g, "")) : null;
    if (comma) {
      const repaired = Number(comma[1]!.replace(/,/g, "") + comma[2]);
      this.flag("thousands_dot", "review", path, `"${cell.text}" has three decimals in a form that prints 元: its last comma read as a point, taken as ${repaired}`);
      return repaired;
    }
    this.doubtDecimals(path, cell.text, this.moneyUnit);
    if (r.ok) return r.value;
    this.flag("not_a_number", "review", path, `"${r.text}" is not an amount`);
    return null;
  }

  /**
   * Amounts in 元 print at most two decimals (分): more means the form prints 万元 and its unit
   * marker was not read (OCR, a wording the model does not know), or a digit was misread.
   */
  doubtDecimals(path: string, text: string, unit: MoneyUnit): void {
    if (unit !== "元" || /万元/.test(text) || !/\.\d{3,}/.test(text.replace(/[，,\s]/g, ""))) return;
    this.unitDoubts.push({ path, text });
  }

  /** The report's 万元 marker was read damaged (`marker`, "项目资金（万）"): the unit is in doubt. */
  doubtUnitMarker(marker: string): void {
    this.unitMarkerDoubt = marker;
  }

  /**
   * One review item for a doubt about the money unit: the unit is one for the whole form, so
   * when it may be wrong every amount read may be 10,000 times off, and one flag names them all
   * (`paths`). Call once the record's amounts are read.
   */
  flagMoneyUnit(): void {
    const first = this.unitDoubts[0];
    if (!first && this.unitMarkerDoubt === undefined) return;
    const message = first
      ? `"${first.text}" has more than two decimals for an amount in 元: the form may print 万元, which would make every amount 10,000 times larger`
      : `the unit marker reads "${this.unitMarkerDoubt}": taken as 万元, so every amount was multiplied by 10,000`;
    // Every doubted amount was read as one (money(), noteAmount()): the first doubted one leads.
    this.flagAll("money_unit_doubt", "review", [...(first ? [first.path] : []), ...this.moneyPaths], message);
  }

  /**
   * Numbers the OCR engines read differently, by path: every engine's reading that parses as a
   * number (settleDisputedNumbers lets the form's arithmetic choose among them).
   */
  readonly alternatives = new Map<string, number[]>();

  private noteAlternatives(path: string, cell: RowCell, parse: (text: string) => number | null): void {
    const values = new Set<number>();
    for (const r of cell.repairs) {
      if (r.code !== "ocr_disagreement" || !r.readings) continue;
      for (const text of r.readings) {
        const v = text ? parse(text) : null;
        if (v !== null) values.add(v);
      }
    }
    if (values.size > 1) this.alternatives.set(path, [...values]);
  }

  /**
   * Takes `value` for a number the engines disagreed on because the form's arithmetic holds with
   * it and with no other reading: the disagreement's review flag gives way to an info flag, and
   * the value counts as read by two sources (the engine and the sum).
   */
  settle(path: string, value: number, why: string): void {
    for (let i = this.flags.length - 1; i >= 0; i--) {
      const f = this.flags[i]!;
      if (f.path === path && f.code === "ocr_disagreement" && f.severity === "review") this.flags.splice(i, 1);
    }
    this.flag("disagreement_settled", "info", path, `the OCR engines read ${this.alternatives.get(path)?.join(" or ") ?? "it"} here; ${why}: ${value} taken`);
    this.confidence[path] = Math.max(this.confidence[path] ?? 0, SETTLED_CONFIDENCE);
  }

  number(path: string, cell: RowCell | undefined, rate = false): number | null {
    if (!cell) return null;
    this.track(path, [cell]);
    this.noteAlternatives(path, cell, (t) => {
      const r = rate ? readRate(t) : readNumber(t);
      return r.ok ? r.value : null;
    });
    // Forms print a fraction with its leading zero (0.5); a number read as ".3" is a digit with a
    // speck of dust in front of it on a scan far more often than a dropped 0 (150 dpi JPEG scans:
    // weight 3 read ".3"; bitonal 200 dpi: ":3"). The digits are taken, with a review flag.
    const dotted = !rate && LEADING_DOT.exec(cell.text);
    if (dotted) {
      this.flag("leading_dot", "review", path, `"${cell.text}" starts with a dot and no digit: taken as ${dotted[1]}, the dot as dust`);
      return Number(dotted[1]);
    }
    const r = rate ? readRate(cell.text) : readNumber(cell.text);
    if (r.ok && rate) return this.withoutExtraDecimals(path, cell) ?? r.value;
    if (r.ok) return r.value;
    this.flag("not_a_number", "review", path, `"${r.text}" is not a number`);
    return null;
  }

  /**
   * Rates print two decimals at most ("94.43%"); an OCR-read rate with three or four ("94.439",
   * "92.7406") most likely holds its % sign read as digits: the two-decimal reading, in doubt
   * until a check (executed ÷ budget) confirms it. Undefined for any other rate.
   */
  private withoutExtraDecimals(path: string, cell: RowCell): number | undefined {
    const m = /^(\d{1,3}\.\d{2})\d{1,2}[%％]?$/.exec(cell.text.replace(/\s/g, ""));
    if (!m || cell.confidence >= 1) return undefined;
    const cut = Number(m[1]);
    this.flag("extra_digits", "review", path, `"${cell.text}" has more decimals than a rate prints: its % sign was most likely read as digits; taken as ${cut}`);
    return cut;
  }

  /**
   * Review flags for values read with low confidence, except paths a check confirmed and paths a
   * review flag already names (one doubt, one review item: two OCR engines disagreeing on a
   * value also lower its confidence).
   */
  flagLowConfidence(confirmed: ReadonlySet<string>): void {
    // Digits both engines read alike but PP-OCR was unsure of (unsure_digits), and a rate read
    // without its extra decimals (extra_digits), are settled by a check that holds: the
    // arithmetic is the second, independent opinion they lacked. So is a number read beside a
    // stray mark (stray_mark: a weight whose closing bracket was misread), and an amount whose
    // separators were mended (thousands_dot), that a sum confirms.
    // So is a number the engines read differently when the form's arithmetic holds with the
    // reading kept (only numbers are confirmed): the sum is the second source that agrees.
    for (let i = this.flags.length - 1; i >= 0; i--) {
      const f = this.flags[i]!;
      if (SETTLED_BY_A_CHECK.has(f.code) && confirmed.has(f.path)) this.flags.splice(i, 1);
      else if (f.code === "ocr_disagreement" && f.severity === "review" && !f.paths && confirmed.has(f.path)) {
        this.flags[i] = { code: "disagreement_settled", severity: "info", path: f.path, message: `${f.message}; the form's arithmetic holds with the reading kept` };
      }
    }
    const doubted = new Set(this.flags.filter((f) => f.severity === "review").flatMap((f) => f.paths ?? [f.path]));
    for (const [path, c] of Object.entries(this.confidence)) {
      const field = lastField(path);
      const min = field === "target" || field === "actual" ? this.minPatternConfidence : this.minConfidence;
      if (c >= min || confirmed.has(path) || doubted.has(path)) continue;
      this.flag("low_ocr_confidence", "review", path, `read with confidence ${c.toFixed(2)}`);
    }
  }

  /** True when a review flag covers the path. */
  underReview(path: string): boolean {
    return this.flags.some((f) => f.severity === "review" && (f.paths ?? [f.path]).some((p) => isUnderPath(path, p)));
  }
}

/**
 * A repair's or an OCR doubt's code (carried as text through the layout and the page model) as a
 * code of the flag-code table; a code missing from the table is a bug of the stage that raised it.
 */
function flagCodeOf(code: string): FlagCode {
  if (!isFlagCode(code)) throw new Error(`flag code "${code}" is not in the flag-code table (schemas/src/flagCodes.ts)`);
  return code;
}
