import { describe, expect, it } from "vitest";
import { copyMessage, NOT_PLAIN } from "./copyMessage.js";

/** copyMessage's result, checked against structuredClone's on a second copy of the input. */
function sameAsStructuredClone(make: () => unknown): unknown {
  const ours = copyMessage(make());
  expect(ours).toStrictEqual(structuredClone(make()));
  return ours;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("copyMessage", () => {
  it("copies plain data as structuredClone does, sharing nothing with the source", () => {
    const make = () => ({
      sourceName: "d0_worker",
      targetName: "d0",
      stream: 4,
      chunk: {
        items: [
          { str: "项目", dir: "ltr", width: 24, height: 12, transform: [12, 0, 0, 12, 72, 700], fontName: "g_d0_f1", hasEOL: false },
          { str: "", dir: "ltr", width: 0, height: 0, transform: [1, 0, 0, 1, 0, 0], fontName: "g_d0_f1", hasEOL: true },
        ],
        styles: { g_d0_f1: { fontFamily: "serif", ascent: 0.88, descent: -0.12, vertical: false } },
        lang: null,
        big: 12n,
        missing: undefined,
      },
    });
    const source = make();
    const copy = copyMessage(source) as ReturnType<typeof make>;
    expect(copy).toStrictEqual(structuredClone(make()));
    source.chunk.items[0]!.transform[4] = 0;
    source.chunk.items.length = 0;
    expect(copy.chunk.items[0]!.transform[4]).toBe(72);
    expect(copy.chunk.items).toHaveLength(2);
  });

  it("gives null-prototype objects Object.prototype, keeps key order, holes and array lengths", () => {
    const copy = sameAsStructuredClone(() => {
      const styles = Object.create(null) as Record<string, unknown>;
      styles["b"] = 1;
      styles["a"] = [1, , 3]; // eslint-disable-line no-sparse-arrays
      styles["2"] = "two";
      return styles;
    }) as Record<string, unknown[]>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["2", "b", "a"]);
    expect(1 in copy["a"]!).toBe(false);
  });

  it("copies an object reached twice once, and cycles", () => {
    const copy = sameAsStructuredClone(() => {
      const shared = { x: 1 };
      const cyclic: Record<string, unknown> = { shared, again: shared };
      cyclic["self"] = cyclic;
      return cyclic;
    }) as { shared: object; again: object; self: unknown };
    expect(copy.again).toBe(copy.shared);
    expect(copy.self).toBe(copy);
  });

  it("copies typed arrays with their whole buffer, at the same offset, views of one buffer sharing the copy", () => {
    const buffer = new ArrayBuffer(16);
    new Uint8Array(buffer).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const source = { a: new Uint8Array(buffer, 4, 4), b: new Float32Array(buffer, 8, 2), raw: buffer };
    const copy = copyMessage(source) as typeof source;
    const native = structuredClone(source);
    for (const k of ["a", "b"] as const) {
      expect(copy[k].constructor).toBe(native[k].constructor);
      expect([copy[k].byteOffset, copy[k].length, copy[k].buffer.byteLength]).toEqual([native[k].byteOffset, native[k].length, native[k].buffer.byteLength]);
      expect(Array.from(copy[k])).toEqual(Array.from(native[k]));
    }
    expect(copy.a.buffer).toBe(copy.b.buffer);
    expect(copy.raw).toBe(copy.a.buffer);
    expect(copy.raw).not.toBe(buffer);
    new Uint8Array(buffer)[4] = 99;
    expect(copy.a[0]).toBe(5);
  });

  it("hands a transferred buffer over instead of copying it", () => {
    const data = new Float32Array([1, 2, 3]);
    const copy = copyMessage({ args: [data] }, [data.buffer]) as { args: [Float32Array] };
    expect(copy.args[0]).not.toBe(data);
    expect(copy.args[0].buffer).toBe(data.buffer);
    expect(Array.from(copy.args[0])).toEqual([1, 2, 3]);
  });

  it("gives up (NOT_PLAIN) on anything but plain data, so the caller uses structuredClone", () => {
    class Point {
      x = 1;
    }
    const notPlain: unknown[] = [
      new Map([[1, 2]]),
      new Set([1]),
      new Date(0),
      new Error("x"),
      /re/,
      new Point(),
      Buffer.from("ab"),
      new DataView(new ArrayBuffer(4)),
      new Uint8Array(new SharedArrayBuffer(4)),
      () => 1,
      Symbol("s"),
      JSON.parse('{"__proto__": {"polluted": true}}'),
    ];
    for (const v of notPlain) expect(thrown(() => copyMessage({ data: [v] }))).toBe(NOT_PLAIN);
    expect(thrown(() => copyMessage({}, [new Uint8Array(2)]))).toBe(NOT_PLAIN); // only ArrayBuffers are transferable
  });

  it("fails on a detached buffer, as structuredClone does", () => {
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    expect(thrown(() => copyMessage({ buffer }))).toBeInstanceOf(Error);
  });
});
