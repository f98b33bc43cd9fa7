import { describe, expect, it } from "vitest";
import { cleanText, compact, foldRadicals, isCjkLike, joinLines } from "./text.js";

describe("cleanText", () => {
  it("removes a layout space between two ideographs", () => {
    expect(cleanText("政府开放日或开放月活 动场次")).toBe("政府开放日或开放月活动场次");
  });

  it("removes a space after CJK punctuation", () => {
    expect(cleanText("目标管理工作可持续、 可复制")).toBe("目标管理工作可持续、可复制");
  });

  it("keeps a space that touches a digit, a Latin letter or a math sign", () => {
    expect(cleanText("≥60 次")).toBe("≥60 次");
    expect(cleanText("139 次")).toBe("139 次");
    expect(cleanText("≥ 85")).toBe("≥ 85");
    expect(cleanText("不多； 2、")).toBe("不多； 2、");
    expect(cleanText("APP 端")).toBe("APP 端");
  });

  it("removes a space before a half-width '(' that opens Chinese text", () => {
    expect(cleanText("上海市普陀区人民政府办公室 (汇总)")).toBe("上海市普陀区人民政府办公室(汇总)");
    // but not before a "(" opening Latin/digit text
    expect(cleanText("办公室 (2022)")).toBe("办公室 (2022)");
  });

  it("removes spaces just inside half-width parentheses", () => {
    expect(cleanText("( 2022 年度)")).toBe("(2022 年度)");
    expect(cleanText("(汇总 )")).toBe("(汇总)");
  });

  it("removes HTML tags and keeps the text between them", () => {
    expect(cleanText("<p>通过设立合作交流工作经费项目。</p>")).toBe("通过设立合作交流工作经费项目。");
    expect(cleanText('<div class="x">甲</div><br/>乙')).toBe("甲乙");
  });

  it("collapses tabs, newlines, NBSP and ideographic spaces, then trims", () => {
    expect(cleanText("  a\t\tb \u00a0 c\n")).toBe("a b c");
    expect(cleanText("项目\u3000名称")).toBe("项目名称");
    expect(cleanText("项目\n名称")).toBe("项目名称");
    expect(cleanText("   ")).toBe("");
  });

  it("does not change wording (doubled words, full-width punctuation stay)", () => {
    expect(cleanText("提供提供经费保障，")).toBe("提供提供经费保障，");
    expect(cleanText("完成。")).toBe("完成。");
  });

  it("folds radicals inside the text", () => {
    expect(cleanText("部⻔ 预算")).toBe("部门预算");
  });
});

describe("foldRadicals", () => {
  it("maps the documented look-alikes", () => {
    expect(foldRadicals("⻔")).toBe("门");
    expect(foldRadicals("⺠")).toBe("民");
    expect(foldRadicals("⻓")).toBe("长");
    expect(foldRadicals("⼾")).toBe("户");
    expect(foldRadicals("⾨")).toBe("门");
    expect(foldRadicals("部⻔预算执⾏")).toBe("部门预算执行");
  });

  it("leaves ordinary text unchanged", () => {
    expect(foldRadicals("财政项目支出绩效自评表 abc 123")).toBe("财政项目支出绩效自评表 abc 123");
    expect(foldRadicals("")).toBe("");
  });

  it("maps every assigned radical to a unified ideograph; only unassigned code points stay", () => {
    const problems: string[] = [];
    let mapped = 0;
    let unassigned = 0;
    for (const [from, to] of [
      [0x2e80, 0x2eff],
      [0x2f00, 0x2fdf],
    ] as const) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        const folded = foldRadicals(ch);
        const assigned = /\p{Assigned}/u.test(ch);
        if (folded === ch) {
          if (assigned) problems.push(`U+${cp.toString(16)} is assigned but not folded`);
          else unassigned++;
        } else if (!/^\p{Unified_Ideograph}$/u.test(folded)) {
          problems.push(`U+${cp.toString(16)} → ${folded} is not a unified ideograph`);
        } else mapped++;
      }
    }
    expect(problems).toEqual([]);
    // 115 assigned in the supplement (U+2E9A and U+2EF4–U+2EFF unassigned) + 214 Kangxi radicals.
    expect(mapped).toBe(115 + 214);
    expect(unassigned).toBe(1 + 12 + 10);
  });
});

describe("isCjkLike", () => {
  it("accepts ideographs, CJK and full-width punctuation and curly quotes", () => {
    for (const ch of ["中", "、", "。", "《", "，", "（", "“", "”", "…", "—", "㐀"]) expect(isCjkLike(ch)).toBe(true);
  });
  it("rejects digits, Latin letters, math signs and undefined", () => {
    for (const ch of ["6", "a", "≥", "%", "(", " "]) expect(isCjkLike(ch)).toBe(false);
    expect(isCjkLike(undefined)).toBe(false);
  });
});

describe("joinLines / compact", () => {
  it("joins wrapped lines with nothing inserted", () => {
    expect(joinLines(["巩固受帮扶地区脱贫", "  攻坚成果 ", ""])).toBe("巩固受帮扶地区脱贫攻坚成果");
  });
  it("compact removes all whitespace and tags and applies NFKC", () => {
    expect(compact(" 社会效益 指标 ")).toBe("社会效益指标");
    expect(compact("<p>（45分）</p>")).toBe("(45分)");
    expect(compact("⻔ ⼾")).toBe("门户");
  });
});

describe("cleanText with characters outside the basic plane", () => {
  it("removes a layout space after a CJK Extension B ideograph", () => {
    expect(cleanText("𠀀 中")).toBe("𠀀中");
    expect(cleanText("中 𠀀")).toBe("中𠀀");
  });
});
