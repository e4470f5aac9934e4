/**
 * Binary values that travel as raw segments beside a frame's header: their wire codes, and the
 * views rebuilt on the received bytes (copied only when misaligned for the element type).
 */
import { ProtocolError } from '../errors.js';

/** Typed-array classes that travel as segments; the index is the wire code. */
export const SEGMENT_KINDS = [
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
/** Wire code of a Buffer segment. */
export const CODE_BUFFER = SEGMENT_KINDS.length;
/** Wire code of an ArrayBuffer segment. */
export const CODE_ARRAY_BUFFER = CODE_BUFFER + 1;
/** Wire code of a DataView segment. */
export const CODE_DATA_VIEW = CODE_BUFFER + 2;

const CODE_BY_CLASS: ReadonlyMap<unknown, number> = new Map<unknown, number>([
  ...SEGMENT_KINDS.map((Cls, code) => [Cls, code] as [unknown, number]),
  [Buffer, CODE_BUFFER],
  [ArrayBuffer, CODE_ARRAY_BUFFER],
  [DataView, CODE_DATA_VIEW],
]);

/** The wire code of `value` when it is exactly one of the segment classes (not a subclass), else -1. */
export function segmentCodeOf(value: object): number {
  return CODE_BY_CLASS.get(value.constructor) ?? -1;
}

/** The bytes of an ArrayBuffer or a view, without copying. */
export function segmentBytes(value: ArrayBufferView | ArrayBuffer): Uint8Array {
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
  const aligned = bytes.byteOffset % size === 0 ? bytes : copyBytes(bytes);
  return new Kind(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / size);
}

function copyBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
