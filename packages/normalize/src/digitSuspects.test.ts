import { describe, expect, it } from "vitest";
import { confusableReadings, digitSuspects, pointLostReadings } from "./digitSuspects.js";

const addends = (values: number[]) => values.map((value, k) => ({ path: `indicators[${k}].weight`, value }));

describe("confusableReadings", () => {
  it("swaps each digit of the printed value for the digits OCR takes it for", () => {
    expect(confusableReadings(5).sort()).toEqual([3, 6]);
    expect(confusableReadings(4.5).sort((a, b) => a - b)).toEqual([4.3, 4.6]);
    expect(confusableReadings(10)).toContain(70);
    expect(confusableReadings(10)).toContain(18);
    expect(confusableReadings(4)).toEqual([]);
  });
});

describe("digitSuspects", () => {
  it("names every 3 that could be a 5 when two such misreads close the gap (block of 35 read as 31)", () => {
    // Printed 3 4 5 5 5 5 5 3; the fourth and fifth 5s were read as 3.
    const read = [3, 4, 5, 3, 3, 5, 5, 3];
    const s = digitSuspects(addends(read), 35);
    expect(s.map((x) => x.path)).toEqual([0, 3, 4, 7].map((k) => `indicators[${k}].weight`));
    for (const x of s) expect(x.could_be).toEqual([5]);
  });

  it("prefers the fewest misreads: one 3 that could be an 8 closes a gap of 5", () => {
    const s = digitSuspects(addends([10, 3, 20, 4]), 42);
    expect(s).toEqual([{ path: "indicators[1].weight", read: 3, could_be: [8] }]);
  });

  it("names nothing when no one or two confusable digits explain the gap (a missing row)", () => {
    expect(digitSuspects(addends([10, 10, 10]), 44)).toEqual([]);
    expect(digitSuspects(addends([4, 4, 4]), 13)).toEqual([]);
  });

  it("names nothing when the sum comes out", () => {
    expect(digitSuspects(addends([3, 5, 2]), 10)).toEqual([]);
  });

  it("works on decimals (4.5 read as 4.3)", () => {
    const s = digitSuspects(addends([10.2, 4.3, 0.9, 3, 2.4]), 21);
    expect(s.map((x) => x.path)).toContain("indicators[1].weight");
    expect(s.find((x) => x.path === "indicators[1].weight")!.could_be).toContain(4.5);
  });
});

describe("pointLostReadings", () => {
  it("puts a lost decimal point back before one of the last two digits, never before zeros", () => {
    expect(pointLostReadings(75)).toEqual([7.5]);
    expect(pointLostReadings(125)).toEqual([1.25, 12.5]);
    expect(pointLostReadings(10)).toEqual([]);
    expect(pointLostReadings(105)).toEqual([1.05, 10.5]);
    for (const v of [5, 7.5, 100]) expect(pointLostReadings(v)).toEqual([]);
  });
  it("explains a sum a lost point put off (7.5 read as 75)", () => {
    const addends = [7.5, 10.2, 4.5, 0.9].map((value, k) => ({ path: `s${k}`, value }));
    addends[0] = { path: "s0", value: 75 };
    expect(digitSuspects(addends, 23.1)).toEqual([{ path: "s0", read: 75, could_be: [7.5] }]);
  });
});
