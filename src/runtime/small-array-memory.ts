/**
 * Memory for the small binary arguments a PE receives inside call headers (see invoke-wire.ts).
 * Each such argument is copied out of the header into memory of the receiver's own. V8 keeps a
 * typed array of up to 64 bytes inside its object on the JavaScript heap, but gives a larger
 * one a separate ArrayBuffer allocation of its own, which costs several hundred nanoseconds per
 * message (an 8-byte ping-pong hop takes about a microsecond, a 128-byte one half a microsecond
 * more). So arguments above 64 bytes are carved, 8-byte aligned, out of shared slabs of
 * {@link SLAB_BYTES}, the way Node's `Buffer.allocUnsafe` slices its pool: a received array of
 * 65 bytes to 1 KiB is then a view with its own `byteOffset` on a slab it shares with other
 * small arrays, and the slab lives for as long as any of them is kept.
 */

/** Bytes of one slab. */
export const SLAB_BYTES = 16 * 1024;

/** Arrays of up to this many bytes get their own (V8 on-heap) allocation, which is cheaper than a slice. */
export const ON_HEAP_MAX_BYTES = 64;

/** The slabs of one PE's decoder. */
export class SmallArrayMemory {
  #slab = new ArrayBuffer(SLAB_BYTES);
  #used = 0;

  /**
   * A zeroed Uint8Array of `length` bytes that belongs to the caller: its own allocation up to
   * {@link ON_HEAP_MAX_BYTES}, a slice of a slab (at an 8-byte aligned offset) up to
   * {@link SLAB_BYTES}, its own allocation above.
   */
  take(length: number): Uint8Array {
    if (length <= ON_HEAP_MAX_BYTES || length > SLAB_BYTES) return new Uint8Array(length);
    if (this.#used + length > SLAB_BYTES) {
      this.#slab = new ArrayBuffer(SLAB_BYTES);
      this.#used = 0;
    }
    const bytes = new Uint8Array(this.#slab, this.#used, length);
    this.#used += length + (-length & 7);
    return bytes;
  }
}
