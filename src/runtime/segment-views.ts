/**
 * Binary values that travel as raw segments beside a frame's header: their wire codes, and the
 * views rebuilt on the received bytes (copied only when misaligned for the element type).
 */
import type { SmallArrayMemory } from './small-array-memory.js';
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
const CODE_UINT8 = 1;
const CODE_FLOAT64 = 8;
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

/** Bytes per element of each typed-array wire code. */
const ELEMENT_BYTES: readonly number[] = SEGMENT_KINDS.map((Kind) => Kind.BYTES_PER_ELEMENT);

/** Copies of up to this many bytes go byte by byte (cheaper than the subarray view `set` needs). */
const SMALL_COPY = 32;

/** The wire code of `value` when it is exactly one of the segment classes (not a subclass), else -1. */
export function segmentCodeOf(value: object): number {
  // The commonest classes without the map lookup.
  const cls = value.constructor;
  if (cls === Uint8Array) return CODE_UINT8;
  if (cls === Float64Array) return CODE_FLOAT64;
  if (cls === Buffer) return CODE_BUFFER;
  return CODE_BY_CLASS.get(cls) ?? -1;
}

/**
 * The byte length of `value`, whose wire code is `code`. Node 20's V8 does not inline the
 * `byteLength` getter of typed arrays (a builtin call of about 12 ns, against about 1 ns for
 * `length`), so typed arrays are measured by their length.
 */
export function segmentByteLength(value: ArrayBufferView | ArrayBuffer, code: number): number {
  if (code === CODE_UINT8 || code === CODE_BUFFER) return (value as Uint8Array).length;
  const elementBytes = ELEMENT_BYTES[code];
  return elementBytes === undefined ? value.byteLength : (value as Float64Array).length * elementBytes;
}

/** The bytes of an ArrayBuffer or a view, without copying (a Uint8Array, Buffer included, is its own bytes). */
export function segmentBytes(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Rebuilds the value of wire code `code` on received `bytes`. Throws ProtocolError for a bad code or length. */
export function viewOf(bytes: Uint8Array, code: number): unknown {
  if (code === CODE_BUFFER) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (code === CODE_ARRAY_BUFFER) return copyBytes(bytes).buffer;
  if (code === CODE_DATA_VIEW) return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const Kind = SEGMENT_KINDS[code];
  if (Kind === undefined) throw new ProtocolError(`unknown segment kind ${code}`);
  const size = Kind.BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0) throw new ProtocolError(`segment of ${Kind.name} has ${bytes.length} bytes, not a multiple of ${size}`);
  if (size === 1 && Kind === bytes.constructor) return bytes;
  const aligned = bytes.byteOffset % size === 0 ? bytes : copyBytes(bytes);
  return new Kind(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.length / size);
}

/**
 * Rebuilds the value of wire code `code` from a copy of the `length` bytes of `source` at
 * `start`, in memory of its own (see {@link viewOf}), taken from `memory` when given (an
 * ArrayBuffer always gets an allocation of its own). Throws ProtocolError for a bad code or
 * length.
 */
export function copyOf(source: Uint8Array, start: number, length: number, code: number, memory?: SmallArrayMemory): unknown {
  const copy = memory === undefined || code === CODE_ARRAY_BUFFER ? new Uint8Array(length) : memory.take(length);
  copyRange(copy, 0, source, start, length);
  if (code === CODE_UINT8) return copy;
  return code === CODE_ARRAY_BUFFER ? copy.buffer : viewOf(copy, code);
}

/** Copies `length` bytes of `source` from `start` into `target` at `at` (byte by byte when short). */
export function copyRange(target: Uint8Array, at: number, source: Uint8Array, start: number, length: number): void {
  if (length <= SMALL_COPY) for (let i = 0; i < length; i++) target[at + i] = source[start + i]!;
  else target.set(start === 0 && length === source.length ? source : source.subarray(start, start + length), at);
}

function copyBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
