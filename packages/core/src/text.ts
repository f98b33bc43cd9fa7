/**
 * Text cleaning shared by every stage: radical look-alikes folded to unified ideographs,
 * HTML tags removed, whitespace the layout inserted inside Chinese text removed.
 */

// CJK Radicals Supplement (U+2E80–U+2EFF) and Kangxi Radicals (U+2F00–U+2FDF): text layers
// map glyphs to these look-alike code points. Kangxi radicals fold under NFKC; the supplement
// does not, so it is mapped here by hand (every assigned code point of the block).
const RADICALS_SUPPLEMENT: { [cp: number]: string } = {
  0x2e80: "丶", 0x2e81: "厂", 0x2e82: "乛", 0x2e83: "乚", 0x2e84: "乙", 0x2e85: "亻", 0x2e86: "冂",
  0x2e87: "几", 0x2e88: "刀", 0x2e89: "刂", 0x2e8a: "卜", 0x2e8b: "㔾", 0x2e8c: "小", 0x2e8d: "小",
  0x2e8e: "兀", 0x2e8f: "尣", 0x2e90: "尢", 0x2e91: "尣", 0x2e92: "巳", 0x2e93: "幺", 0x2e94: "彐",
  0x2e95: "彐", 0x2e96: "忄", 0x2e97: "心", 0x2e98: "扌", 0x2e99: "攵", 0x2e9b: "旡", 0x2e9c: "日",
  0x2e9d: "月", 0x2e9e: "歺", 0x2e9f: "母", 0x2ea0: "民", 0x2ea1: "氵", 0x2ea2: "水", 0x2ea3: "灬",
  0x2ea4: "爫", 0x2ea5: "爫", 0x2ea6: "丬", 0x2ea7: "牛", 0x2ea8: "犭", 0x2ea9: "王", 0x2eaa: "疋",
  0x2eab: "罒", 0x2eac: "示", 0x2ead: "礻", 0x2eae: "竹", 0x2eaf: "糹", 0x2eb0: "纟", 0x2eb1: "罒",
  0x2eb2: "罒", 0x2eb3: "罒", 0x2eb4: "罒", 0x2eb5: "罒", 0x2eb6: "羊", 0x2eb7: "羊", 0x2eb8: "羊",
  0x2eb9: "老", 0x2eba: "肀", 0x2ebb: "聿", 0x2ebc: "月", 0x2ebd: "臼", 0x2ebe: "艹", 0x2ebf: "艹",
  0x2ec0: "艹", 0x2ec1: "虎", 0x2ec2: "衤", 0x2ec3: "覀", 0x2ec4: "西", 0x2ec5: "见", 0x2ec6: "角",
  0x2ec7: "角", 0x2ec8: "讠", 0x2ec9: "贝", 0x2eca: "足", 0x2ecb: "车", 0x2ecc: "辶", 0x2ecd: "辶",
  0x2ece: "辶", 0x2ecf: "阝", 0x2ed0: "钅", 0x2ed1: "长", 0x2ed2: "长", 0x2ed3: "长", 0x2ed4: "门",
  0x2ed5: "阜", 0x2ed6: "阝", 0x2ed7: "雨", 0x2ed8: "青", 0x2ed9: "韦", 0x2eda: "页", 0x2edb: "风",
  0x2edc: "飞", 0x2edd: "食", 0x2ede: "飠", 0x2edf: "飠", 0x2ee0: "饣", 0x2ee1: "首", 0x2ee2: "马",
  0x2ee3: "骨", 0x2ee4: "鬼", 0x2ee5: "鱼", 0x2ee6: "鸟", 0x2ee7: "卤", 0x2ee8: "麦", 0x2ee9: "黄",
  0x2eea: "黾", 0x2eeb: "斉", 0x2eec: "齐", 0x2eed: "歯", 0x2eee: "齿", 0x2eef: "竜", 0x2ef0: "龙",
  0x2ef1: "龜", 0x2ef2: "亀", 0x2ef3: "龟",
};

// U+2EE8 is the simplified 麦 radical in Unicode, but producers use it for 门-shaped glyphs;
// the corpus README documents ⻔ (U+2ED4) for 门. Keep the Unicode names authoritative.

// Kangxi radicals whose NFKC form is a traditional character: in simplified Chinese text the
// glyph stands for the simplified character (⼾ is drawn as 户, ⾨ as 门).
const KANGXI_SIMPLIFIED: { [traditional: string]: string } = {
  戶: "户", 見: "见", 貝: "贝", 車: "车", 長: "长", 門: "门", 靑: "青", 韋: "韦", 頁: "页", 風: "风",
  飛: "飞", 馬: "马", 魚: "鱼", 鳥: "鸟", 鹵: "卤", 麥: "麦", 黃: "黄", 黽: "黾", 齊: "齐", 齒: "齿",
  龍: "龙", 龜: "龟", 鬥: "斗",
};

/** Folds radical look-alikes and compatibility forms (NFKC) to the ideographs they stand for. */
export function foldRadicals(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x2e80 && cp <= 0x2eff) out += RADICALS_SUPPLEMENT[cp] ?? ch;
    else if (cp >= 0x2f00 && cp <= 0x2fdf) {
      const n = ch.normalize("NFKC");
      out += KANGXI_SIMPLIFIED[n] ?? n;
    }
    else out += ch;
  }
  return out;
}

/** True for characters that count as "Chinese" for whitespace removal (see value-rules.md). */
export function isCjkLike(ch: string | undefined): boolean {
  if (!ch) return false;
  const cp = ch.codePointAt(0)!;
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || // unified ideographs
    (cp >= 0x3400 && cp <= 0x4dbf) || // extension A
    (cp >= 0x20000 && cp <= 0x2ffff) || // extensions B+
    (cp >= 0xf900 && cp <= 0xfaff) || // compatibility ideographs
    (cp >= 0x3000 && cp <= 0x303f) || // CJK symbols and punctuation 、。《》「」
    (cp >= 0xff01 && cp <= 0xff60) || // full-width forms ，：；（）
    (cp >= 0xffe0 && cp <= 0xffee) ||
    (cp >= 0x2018 && cp <= 0x201f) || // curly quotes
    cp === 0x2026 || cp === 0x2014 // … —
  );
}

/**
 * Cleans a cell's text: HTML tags removed, radicals folded, whitespace between two Chinese
 * characters removed (and before a half-width "(" that opens Chinese text), runs of other
 * whitespace collapsed to one space, trimmed. Wording is never changed.
 */
export function cleanText(raw: string): string {
  let s = foldRadicals(raw.replace(/<[^>]*>/g, "")).replace(/[\u00a0\u3000\t\r\n]+/g, " ");
  s = s.replace(/ {2,}/g, " ").trim();
  if (!s.includes(" ")) return s;
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === " ") {
      const prev = out[out.length - 1];
      const next = chars[i + 1];
      const nextNext = chars[i + 2];
      if (isCjkLike(prev) && isCjkLike(next)) continue;
      if (isCjkLike(prev) && next === "(" && isCjkLike(nextNext)) continue;
      if (prev === "(" || next === ")") continue;
    }
    out.push(ch);
  }
  return out.join("");
}

/** Joins the lines of one cell: layout wraps are joined with nothing inserted. */
export function joinLines(lines: readonly string[]): string {
  return cleanText(lines.map((l) => l.trim()).filter(Boolean).join(""));
}

/** Text with all whitespace removed and NFKC applied: for comparing labels. */
export function compact(s: string): string {
  return foldRadicals(s).normalize("NFKC").replace(/<[^>]*>/g, "").replace(/\s+/g, "");
}
