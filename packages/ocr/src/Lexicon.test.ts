import { describe, expect, it } from "vitest";
import { chooseByLexicon, Lexicon } from "./Lexicon.js";

const counts = { 早日: 565, 早: 2000, 日: 9000, 目: 300, 恢复: 3000, 正常: 8000, 目标: 11527, 自: 5000, 标: 2000, 工作: 90000 };
const read = (s: string, doubts: Record<number, [number, string, number]> = {}) =>
  [...s].map((char, i) => {
    const d = doubts[i];
    return d ? { char, confidence: d[0], alternative: { char: d[1], confidence: d[2] } } : { char, confidence: 1 };
  });
const text = (chars: { char: string }[]) => chars.map((c) => c.char).join("");

describe("Lexicon", () => {
  it("scores a text by its most probable segmentation into words", () => {
    const lex = Lexicon.fromCounts(counts);
    expect(lex.size).toBe(Object.keys(counts).length);
    expect(lex.score("早日恢复")).toBeGreaterThan(lex.score("早目恢复"));
    expect(lex.score("早日")).toBeCloseTo(lex.wordScore("早日")!, 10);
    expect(lex.wordScore("早目")).toBeUndefined();
    // A character that is no word counts as a word seen once.
    expect(lex.score("龘")).toBeCloseTo(lex.unknown, 10);
  });

  it("reads jieba's dictionary as shipped", () => {
    const lex = Lexicon.load();
    expect(lex.size).toBeGreaterThan(500_000);
    for (const [right, wrong] of [["早日恢复", "早目恢复"], ["工作目标", "工作自标"], ["信息公开申请", "信息公开中请"], ["对口支援", "对门支援"]]) {
      expect(lex.score(right!)).toBeGreaterThan(lex.score(wrong!));
    }
  });
});

describe("chooseByLexicon", () => {
  const lex = Lexicon.fromCounts(counts);

  it("takes the runner-up where it makes a word and the reading was in doubt", () => {
    const chars = read("早目恢复", { 1: [0.7, "日", 0.2] });
    expect(chooseByLexicon(chars, lex)).toEqual([1]);
    expect(text(chars)).toBe("早日恢复");
    // The confidence is the runner-up's: the reading stays a doubtful one.
    expect(chars[1]).toMatchObject({ confidence: 0.2, alternative: { char: "目", confidence: 0.7 } });
  });

  it("leaves a sure reading, a far less probable runner-up, a lone character and a non-Chinese one", () => {
    const sure = read("早目恢复", { 1: [0.995, "日", 0.004] });
    expect(chooseByLexicon(sure, lex)).toEqual([]);
    const faint = read("早目恢复", { 1: [0.98, "日", 0.005] });
    expect(chooseByLexicon(faint, lex)).toEqual([]);
    const weak = read("早目恢复", { 1: [0.9, "日", 0.02] });
    expect(chooseByLexicon(weak, lex, { weight: 0.1 })).toEqual([]);
    expect(chooseByLexicon(read("目", { 0: [0.5, "日", 0.4] }), lex)).toEqual([]);
    expect(chooseByLexicon(read("早O恢复", { 1: [0.6, "日", 0.3] }), lex)).toEqual([]);
  });

  it("reads a dash between Chinese characters as 一 where the words say so, the dash counting as a break", () => {
    const words = Lexicon.fromCounts({ 进一步: 5000, 进: 3000, 步: 2000, 分析: 9000, 一: 90000, 云: 800, 普陀: 300 });
    const dash = (s: string) => [...s].map((char) => ({ char, confidence: char === "-" ? 0.9 : 1 }));
    const step = dash("进-步分析");
    expect(chooseByLexicon(step, words)).toEqual([1]);
    expect(text(step)).toBe("进一步分析");
    // A name written with a dash stays: 一 would make no word there.
    const name = dash("云-普陀");
    expect(chooseByLexicon(name, words)).toEqual([]);
    // Not between Chinese characters, or turned off: the dash stays.
    expect(chooseByLexicon(dash("2022-步"), words)).toEqual([]);
    expect(chooseByLexicon(dash("进-步分析"), words, { oneForDash: 0 })).toEqual([]);
  });

  it("weighs each doubt with the choices made before it", () => {
    const chars = read("工作自标", { 2: [0.9, "目", 0.08] });
    chooseByLexicon(chars, lex);
    expect(text(chars)).toBe("工作目标");
  });
});
