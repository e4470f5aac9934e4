/**
 * Copies between a ring's shared memory and ordinary memory at `memcpy` speed.
 *
 * V8 copies into and out of a SharedArrayBuffer (`TypedArray.prototype.set`, and with it
 * `Buffer.prototype.copy`) with relaxed atomic accesses: 8 bytes at a time when both ends are
 * 8-byte aligned, one byte at a time otherwise. On this project's reference machine that moved
 * 13-15 GB/s aligned (from 4 KiB) and 1.5-1.9 GB/s unaligned, where the same copies between
 * ordinary buffers ran at 28-41 GB/s (docs/performance.md, "Copies into and out of shared
 * memory").
 *
 * Node's `Buffer.prototype.fill` with a byte array as the value copies it with the C library's
 * `memcpy` (in C++, for any `Uint8Array`, shared or not), and when the value is exactly as long
 * as the range it writes it exactly once: that is a plain copy. The ring protocol already orders
 * the copy against the other thread (the consumer reads only bytes published by an
 * `Atomics.store` after they were written, and the producer overwrites only bytes released the
 * same way), so nothing needs the per-access atomicity V8's copy provides. `fill` checks its
 * arguments first, which costs more than `set` for small copies: below {@link MEMCPY_MIN_BYTES}
 * the copy stays a `set`.
 */
import { Buffer } from 'node:buffer';

/** Copies of at least this many bytes go through `memcpy` (about where it stops costing more than `set`). */
export const MEMCPY_MIN_BYTES = 2048;

const fillFrom = Buffer.prototype.fill;

/**
 * Writes all of `source` into `target` from `targetOffset` on (the caller has checked that it
 * fits). The two must not overlap.
 */
export function copyInto(target: Uint8Array, targetOffset: number, source: Uint8Array): void {
  const length = source.length;
  if (length >= MEMCPY_MIN_BYTES) fillFrom.call(target as Buffer, source, targetOffset, targetOffset + length);
  else target.set(source, targetOffset);
}
