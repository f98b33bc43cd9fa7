/**
 * A copy of a pdf.js message made in JavaScript, for the messages its in-thread ("fake") worker
 * and the document side send each other.
 *
 * In Node there are no web workers: pdf.js runs its worker in this thread and passes every
 * message through a LoopbackPort, which copies it with the global `structuredClone`. Node 20
 * implements structuredClone by posting the value through a MessageChannel and receiving it
 * again (serialise, then deserialise): some 10 µs for a message of a few fields. A digital page
 * sends hundreds of such messages (its text arrives in batches of 10 items, each batch with its
 * pull and its acknowledgement; every font is a message), so the copying was ~0.3 s of the
 * 43 sample pages' extraction, more than pdf.js's own text layer.
 *
 * pdf.js's messages are plain data: objects, arrays, strings, numbers, typed arrays. This copies
 * exactly those, with structuredClone's result: a new object (Object.prototype) with the
 * source's own enumerable properties, in the same order; arrays with the same length and holes;
 * typed arrays over a copy of their whole buffer, at the same offset; an object reached twice is
 * copied once and both places get the same copy (cycles too). Anything else (a Map, an Error, a
 * class instance, a Buffer, a function…) makes copyMessage give up (NOT_PLAIN), and the caller
 * uses structuredClone for that message.
 *
 * One difference, on purpose: an ArrayBuffer in the transfer list is handed over as it is, not
 * detached from the sender. pdf.js transfers a buffer when it is done with it (a browser would
 * detach it, so pdf.js never reads one again), and handing it over saves copying image and font
 * data.
 */

/** Thrown when a message holds something this copier does not handle. */
export const NOT_PLAIN: unique symbol = Symbol("not plain data");

type TypedArray = Exclude<ArrayBufferView, DataView>;
type TypedArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;

/** The typed array classes, by prototype (a subclass such as Buffer is not one of them). */
const TYPED_ARRAYS = new Map<object, TypedArrayConstructor>(
  [
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  ].map((C) => [C.prototype, C as unknown as TypedArrayConstructor]),
);

/**
 * The copy structuredClone(value, { transfer }) would give, for plain data; throws NOT_PLAIN
 * (or whatever a property getter throws) when the value is not plain data. `transfer` holds
 * ArrayBuffers only.
 */
export function copyMessage(value: unknown, transfer?: readonly unknown[]): unknown {
  const handedOver = new Set<ArrayBuffer>();
  for (const t of transfer ?? []) {
    if (!(t instanceof ArrayBuffer) || handedOver.has(t) || (t as { resizable?: boolean }).resizable) throw NOT_PLAIN;
    handedOver.add(t);
  }
  const copies = new Map<object, unknown>();

  const copyBuffer = (b: ArrayBufferLike): ArrayBuffer => {
    if (!(b instanceof ArrayBuffer) || (b as { resizable?: boolean }).resizable) throw NOT_PLAIN; // shared or resizable
    const done = copies.get(b) as ArrayBuffer | undefined;
    if (done) return done;
    // slice() throws on a detached buffer: structuredClone then reports it.
    const out = handedOver.has(b) ? b : b.slice(0);
    copies.set(b, out);
    return out;
  };

  const copy = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) {
      if (typeof v === "function" || typeof v === "symbol") throw NOT_PLAIN;
      return v;
    }
    const done = copies.get(v);
    if (done !== undefined) return done;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Array.prototype && Array.isArray(v)) {
      const a = v as unknown[];
      const n = a.length;
      const out = new Array<unknown>(n);
      copies.set(v, out);
      for (let i = 0; i < n; i++) {
        const x = a[i];
        if (x !== undefined || i in a) out[i] = copy(x);
      }
      return out;
    }
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = {};
      copies.set(v, out);
      for (const k of Object.keys(v)) {
        if (k === "__proto__") throw NOT_PLAIN; // an assignment would set the prototype
        out[k] = copy((v as Record<string, unknown>)[k]);
      }
      return out;
    }
    const Typed = TYPED_ARRAYS.get(proto as object);
    if (Typed) {
      const t = v as TypedArray & { length: number };
      const out = new Typed(copyBuffer(t.buffer), t.byteOffset, t.length);
      copies.set(v, out);
      return out;
    }
    if (proto === ArrayBuffer.prototype) return copyBuffer(v as ArrayBuffer);
    throw NOT_PLAIN;
  };

  return copy(value);
}
