import { describe, expect, it } from "vitest";
import { pooledRunner, type ModelRunner, type StepBest } from "./paddleRunner.js";

/** A runner that answers when told, recording the widths it was given. */
function fakeRunner(name: number) {
  const widths: number[] = [];
  const waiting: { width: number; resolve: (b: StepBest) => void; reject: (e: Error) => void }[] = [];
  let closed = false;
  const runner: ModelRunner = {
    run(_pixels, _contentWidth, width) {
      widths.push(width);
      return new Promise((resolve, reject) => waiting.push({ width, resolve, reject }));
    },
    close: async () => {
      closed = true;
    },
    collections: name,
  };
  const answer = () => {
    const w = waiting.shift()!;
    w.resolve({ index: new Int32Array([name]), prob: new Float32Array([1]), classes: 2, second: new Int32Array(1), secondProb: new Float32Array(1) });
  };
  return { runner, widths, waiting, answer, isClosed: () => closed };
}

const line = () => new Uint8Array(48);

describe("pooledRunner", () => {
  it("gives each line to the runner with the fewest columns waiting", async () => {
    const a = fakeRunner(1);
    const b = fakeRunner(2);
    const pool = pooledRunner([a.runner, b.runner], 640);
    const p1 = pool.run(line(), 1, 300); // both idle: the first
    const p2 = pool.run(line(), 1, 100); // a has 300 waiting: b
    const p3 = pool.run(line(), 1, 100); // a 300, b 100: b
    const p4 = pool.run(line(), 1, 150); // a 300, b 200: b
    expect(a.widths).toEqual([300]);
    expect(b.widths).toEqual([100, 100, 150]);
    a.answer();
    expect([...(await p1).index]).toEqual([1]);
    // a is idle again: the next line goes to it.
    const p5 = pool.run(line(), 1, 80);
    expect(a.widths).toEqual([300, 80]);
    a.answer();
    b.answer();
    b.answer();
    b.answer();
    const answers = await Promise.all([p2, p3, p4, p5]);
    expect(answers.map((r) => r.index[0])).toEqual([2, 2, 2, 1]);
  });

  it("sends lines at or above the wide-line width to the first runner only", () => {
    const a = fakeRunner(1);
    const b = fakeRunner(2);
    const pool = pooledRunner([a.runner, b.runner], 640);
    void pool.run(line(), 1, 900);
    void pool.run(line(), 1, 640);
    void pool.run(line(), 1, 639);
    expect(a.widths).toEqual([900, 640]);
    expect(b.widths).toEqual([639]);
  });

  it("fails only the lines of a runner that fails, and closes every runner", async () => {
    const a = fakeRunner(1);
    const b = fakeRunner(2);
    const pool = pooledRunner([a.runner, b.runner]);
    const p1 = pool.run(line(), 1, 64);
    const p2 = pool.run(line(), 1, 64);
    a.waiting.shift()!.reject(new Error("worker died"));
    b.answer();
    await expect(p1).rejects.toThrow("worker died");
    expect((await p2).index[0]).toBe(2);
    expect(pool.collections).toBe(3);
    await pool.close();
    expect(a.isClosed() && b.isClosed()).toBe(true);
  });

  it("is the runner itself when there is one", () => {
    const a = fakeRunner(1);
    expect(pooledRunner([a.runner])).toBe(a.runner);
  });
});
