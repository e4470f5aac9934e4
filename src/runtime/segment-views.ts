/**
 * Binary values that travel as raw segments beside a frame's header: their wire codes, and the
 * views rebuilt on the received bytes (copied only when misaligned for the element type).
 */
import { ProtocolError } from '../errors.js';

/** Typed-array classes that travel as segments; the index is the wire code. */
const SEGMENT_KINDS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;
const CODE_BUFFER = SEGMENT_KINDS.length;
const CODE_ARRAY_BUFFER = CODE_BUFFER + 1;
const CODE_DATA_VIEW = CODE_BUFFER + 2;

/** A class whose instances travel as segments. */
export type SegmentClass = abstract new (...args: never[]) => ArrayBufferView | ArrayBuffer;

/**
 * Every segment class with its wire code. Buffer comes last: a Buffer is also a Uint8Array, and
 * msgpackr checks the extension registered last first.
 */
export const SEGMENT_CLASSES: readonly (readonly [SegmentClass, number])[] = [
  [ArrayBuffer, CODE_ARRAY_BUFFER],
  [DataView, CODE_DATA_VIEW],
  ...SEGMENT_KINDS.map((Cls, code) => [Cls, code] as const),
  [Buffer, CODE_BUFFER],
];

const CODE_BY_CLASS: ReadonlyMap<unknown, number> = new Map<unknown, number>(SEGMENT_CLASSES);

/** The wire code of `value` when it is exactly one of the segment classes (not a subclass), else -1. */
export function segmentCodeOf(value: object): number {
  return CODE_BY_CLASS.get(value.constructor) ?? -1;
}

/** The bytes of an ArrayBuffer or a view, without copying (a Uint8Array, Buffer included, is its own bytes). */
export function segmentBytes(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Rebuilds the value of wire code `code` on received `bytes`. Throws ProtocolError for a bad code or length. */
export function viewOf(bytes: Uint8Array, code: number): unknown {
  if (code === CODE_BUFFER) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (code === CODE_ARRAY_BUFFER) return copyBytes(bytes).buffer;
  if (code === CODE_DATA_VIEW) return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const Kind = SEGMENT_KINDS[code];
  if (Kind === undefined) throw new ProtocolError(`unknown segment kind ${code}`);
  const size = Kind.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) throw new ProtocolError(`segment of ${Kind.name} has ${bytes.byteLength} bytes, not a multiple of ${size}`);
  if (size === 1 && Kind === bytes.constructor) return bytes;
  const aligned = bytes.byteOffset % size === 0 ? bytes : copyBytes(bytes);
  return new Kind(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / size);
}

/** Rebuilds the value of wire code `code` from a copy of `bytes`, in memory of its own (see {@link viewOf}). */
export function copyOf(bytes: Uint8Array, code: number): unknown {
  // An ArrayBuffer is always rebuilt as a copy; every other class as a view, here on the copy.
  return viewOf(code === CODE_ARRAY_BUFFER ? bytes : copyBytes(bytes), code);
}

function copyBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
