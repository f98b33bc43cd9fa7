import { describe, expect, it } from "vitest";
import { recordLine, withFlagPerPath } from "./recordLine.js";

describe("withFlagPerPath", () => {
  const merged = { code: "ocr_disagreement", severity: "review", path: "indicators[0].level1_weight", message: "m", paths: ["indicators[0].level1_weight", "indicators[1].level1_weight", "indicators[2].level1_weight"] };
  const single = { code: "long_ocr_text", severity: "review", path: "project_name", message: "n" };

  it("writes a flag about several fields once per path, each with the whole paths", () => {
    const out = withFlagPerPath({ kind: "x", flags: [single, merged] });
    expect(out.flags.map((f) => f.path)).toEqual(["project_name", "indicators[0].level1_weight", "indicators[1].level1_weight", "indicators[2].level1_weight"]);
    for (const f of out.flags.slice(1)) expect(f).toEqual({ ...merged, path: f.path });
  });

  it("leaves a record without such flags as it is", () => {
    const rec = { kind: "x", flags: [single] };
    expect(withFlagPerPath(rec)).toBe(rec);
    expect(withFlagPerPath({ kind: "y" } as { kind: string; flags?: typeof rec.flags })).toEqual({ kind: "y" });
  });

  it("gives the JSON line of the record written that way", () => {
    const line = recordLine({ kind: "x", flags: [merged] });
    expect(JSON.parse(line).flags).toHaveLength(3);
    expect(line).not.toContain("\n");
  });
});
