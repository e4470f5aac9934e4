/**
 * Little-endian fixed-width numbers read from and written to byte arrays, for the hottest
 * encoders: plain element loads and stores, without the argument checks of Buffer's
 * `writeUInt32LE` family and without a DataView made per message. Callers check bounds.
 *
 * A float64 goes through an 8-byte scratch array that holds nothing between calls (each call
 * fills and reads it synchronously), the way Node's own Buffer methods convert floats, moved as
 * two 32-bit halves (half the time of eight single bytes).
 */

const float64 = new Float64Array(1);
/** The scratch's halves, low first: hosts are little-endian (x86-64, arm64), as typed arrays sent raw assume too. */
const float64Halves = new Uint32Array(float64.buffer);

/** Writes the low 32 bits of `value` (signed or unsigned) at `at`. */
export function putUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}

/** Writes `value` as an IEEE 754 double at `at`. */
export function putFloat64(bytes: Uint8Array, at: number, value: number): void {
  float64[0] = value;
  putUint32(bytes, at, float64Halves[0]!);
  putUint32(bytes, at + 4, float64Halves[1]!);
}

/** Writes `value` as an IEEE 754 double into `words[at]` (low half) and `words[at + 1]`. */
export function putFloat64Words(words: Uint32Array, at: number, value: number): void {
  float64[0] = value;
  words[at] = float64Halves[0]!;
  words[at + 1] = float64Halves[1]!;
}

/** Reads the IEEE 754 double whose halves are `low` and `high`. */
export function float64FromHalves(low: number, high: number): number {
  float64Halves[0] = low;
  float64Halves[1] = high;
  return float64[0]!;
}

/** Reads an unsigned 32-bit integer at `at`. */
export function getUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** Reads an IEEE 754 double at `at`. */
export function getFloat64(bytes: Uint8Array, at: number): number {
  return float64FromHalves(getUint32(bytes, at), getUint32(bytes, at + 4));
}
