import { cleanText, isCjkLike } from "@jixiao/core";

/**
 * Repairs that Tesseract's chi_sim/eng models need on Chinese forms, applied to each line
 * after `cleanText`. Each rule fixes a misreading seen on the sample scans and is written so
 * that it cannot change correct text of these forms:
 *
 * - "|" at either end: a remnant of a cell border;
 * - an ASCII ".", "-", "'", "`", "_" or "~" ending a line after a Chinese character: a speck of
 *   dust (Chinese text ends with "。", never with these);
 * - a line of only dash-like characters ("-一", "_—", "——"): one "—" (an empty-cell dash);
 * - a stray digit after "%" ("100%4", "(%0)"), or a "." or "," ending the line after it: dropped,
 *   a percent sign ends a number;
 * - "]" or "[" after a comparison sign or next to a digit (">=]次"): the digit 1;
 * - "〈" with no "〉" after it: the full-width parenthesis "（" it stands for;
 * - "丶", the dot radical (no word of modern text uses it): the enumeration comma "、" it is
 *   drawn like (PP-OCR reads a 200 dpi bitonal "、" so, hundreds of times on a form);
 * - straight double quotes next to Chinese text: curly quotes, alternating “ and ”; a curly quote
 *   whose turn leaves no doubt (“ closing before a mark, ” opening after one) turned round;
 * - "°", "o" or "O" after a Chinese character of a prose line, before another or at its end: "。";
 * - spaces next to Chinese brackets and punctuation ("(一) 根据", "教育; 加强"): removed.
 */
export function fixOcrText(raw: string): string {
  let s = cleanText(raw);
  s = s.replace(/^[|｜]+\s*/, "").replace(/\s*[|｜]+$/, "");
  if (/^[-‐‑–—―一_－~]{2,}$/u.test(s)) return "—";
  if (s.length > 1 && /[.\-'`_~]$/.test(s) && isCjkLike([...s].at(-2))) s = s.slice(0, -1).trimEnd();
  // A percentage never ends in "." or ",": a speck after the sign ("=100.00%.").
  s = s.replace(/%\s*[.,·]$/, "%");
  s = s.replace(/%[0-9]{1,2}(?=$|[)）\s])/g, "%");
  s = s.replace(/(?<=[=<>≥≤\d])[\][]|[\][](?=\d)/g, "1");
  s = s.replace(/〈(?![^〈]*〉)/g, "（");
  s = s.replace(/丶/g, "、");
  // A full stop read as a degree sign or the letter O after Chinese, before Chinese or at the
  // line's end, in a line of Chinese prose (at least PROSE_HAN characters).
  if (hanCount(s) >= PROSE_HAN) s = s.replace(/(?<=\p{Script=Han})[°oO](?=\p{Script=Han}|$)/gu, "。");
  s = curlyQuotes(s);
  return tightenSpaces(s);
}

/** Chinese characters a line needs to be prose, where a lone O or ° between them is a full stop. */
const PROSE_HAN = 6;
const hanCount = (s: string) => (s.match(/\p{Script=Han}/gu) ?? []).length;

const PUNCT = new Set([..."()（）[]【】《》〈〉“”‘’:：;；,，、.。!！?？"]);

/** Removes a space that has a Chinese character on one side and Chinese text or punctuation on the other. */
function tightenSpaces(s: string): string {
  if (!s.includes(" ")) return s;
  const chars = [...s];
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === " ") {
      const prev = out[out.length - 1];
      const next = chars[i + 1];
      const cjkPrev = isCjkLike(prev);
      const cjkNext = isCjkLike(next);
      const punctPrev = prev !== undefined && PUNCT.has(prev);
      const punctNext = next !== undefined && PUNCT.has(next);
      if ((cjkPrev && (cjkNext || punctNext)) || (cjkNext && punctPrev)) continue;
    }
    out += ch;
  }
  return out;
}

/**
 * Turns straight double quotes touching Chinese text into curly ones, opening and closing in
 * turn. A curly quote read the wrong way round where the turn leaves no doubt is turned too: “
 * while one is open, before a mark or the line's end, closes (“政策找企业“。), and so does “
 * before a mark (政策找企业“。, its opening on the line before); ” while none is open, after a
 * mark or the line's start and before Chinese text, opens.
 */
function curlyQuotes(s: string): string {
  if (!/["“”]/.test(s)) return s;
  const chars = [...s];
  // Straight quotes first, alternating, counting the curly quotes already there.
  let open = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "“") open = true;
    else if (ch === "”") open = false;
    else if (ch === '"' && (isCjkLike(chars[i - 1]) || isCjkLike(chars[i + 1]))) {
      chars[i] = open ? "”" : "“";
      open = !open;
    }
  }
  const word = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  let turn = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    // An opening quote is followed by a word: before a mark, it closes.
    if (ch === "“" && (turn ? !word(chars[i + 1]) : /[。，、；：！？）]/u.test(chars[i + 1] ?? ""))) chars[i] = "”";
    else if (ch === "”" && !turn && !word(chars[i - 1]) && /\p{Script=Han}/u.test(chars[i + 1] ?? "")) chars[i] = "“";
    if (chars[i] === "“") turn = true;
    else if (chars[i] === "”") turn = false;
  }
  return chars.join("");
}
