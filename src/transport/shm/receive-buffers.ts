/**
 * Where received bytes land. A received frame's header and segments belong to the receiver for
 * good (user code keeps typed-array views on them), so no byte of receive memory is ever
 * handed out twice: nothing here is recycled, and ring bytes are never handed out at all.
 *
 * - The header and the small segments of a frame share one block, each part at an 8-byte
 *   aligned offset (typed-array views decode in place). Blocks of up to 2 KiB are carved one
 *   after another out of 32 KiB slabs, as Node's Buffer pool does: creating an ArrayBuffer
 *   off the V8 heap costs about 0.5 us, a view on a slab a few ns. A view kept on a small part
 *   keeps its slab (at most 32 KiB) alive; larger blocks get an ArrayBuffer of their own.
 * - A large segment gets an ArrayBuffer of its own, allocated without zero-filling (every byte
 *   is overwritten from the ring before the frame is delivered). What remains is the cost of a
 *   fresh allocation: V8 frees the buffer once its views are garbage, and the C allocator
 *   serves the next one from that memory only while it keeps it (see bench/shm/README.md for
 *   the measured effect of letting it keep freed memory).
 *
 * A pool recycled through a FinalizationRegistry cannot be built in JavaScript alone: the
 * registry fires only after the ArrayBuffer was collected, and its memory is gone with it (the
 * UCX addon can, because it owns the backing store's deleter in C++). Handing out
 * SharedArrayBuffer clones of pooled memory would keep the memory, but the clones are only
 * finalized by full garbage collections (measured: none in thousands of 4 MiB messages), and
 * user code would receive shared memory where it expects its own.
 */
import { Buffer } from 'node:buffer';

/** Allocates receive memory for one receiver. */
export interface ReceiveBuffers {
  /** A zero-initialised block of `bytes` bytes, at an 8-byte aligned offset, for a header and small segments. */
  block(bytes: number): Uint8Array;
  /** A buffer of exactly `bytes` bytes at offset 0 of an ArrayBuffer of its own; its contents are undefined until written. */
  large(bytes: number): Uint8Array;
}

/** Slab size, and the largest block carved from a slab. */
const SLAB_BYTES = 32 * 1024;
const MAX_SLAB_BLOCK = 2048;

/** The default policy described in the file comment: one instance per receiving ring. */
export function createReceiveBuffers(): ReceiveBuffers {
  let slab = new Uint8Array(0);
  let used = 0;
  return {
    block(bytes: number): Uint8Array {
      if (bytes > MAX_SLAB_BLOCK) return new Uint8Array(bytes);
      if (used + bytes > slab.byteLength) {
        slab = new Uint8Array(SLAB_BYTES);
        used = 0;
      }
      const block = slab.subarray(used, used + bytes);
      used += bytes + (-bytes & 7);
      return block;
    },
    large(bytes: number): Uint8Array {
      const buffer = Buffer.allocUnsafeSlow(bytes);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, bytes);
    },
  };
}
