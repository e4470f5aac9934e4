/**
 * Where received bytes land. A received frame's header and segments belong to the receiver for
 * good (user code keeps typed-array views on them), so every frame gets memory nobody else
 * uses, ever: nothing here is recycled by the transport. Ring bytes are never handed out.
 *
 * - The header and the small segments of a frame share one block, each part at an 8-byte
 *   aligned offset (typed-array views decode in place). A view kept on one small part keeps the
 *   whole block alive, which the small-segment limit bounds.
 * - A large segment gets an ArrayBuffer of its own, allocated without zero-filling (every byte
 *   is overwritten from the ring before the frame is delivered). Zero-filling a fresh 4 MiB
 *   buffer costs about as much as copying into it; skipping it is most of what a pure-JS
 *   receiver can win. What remains is the allocator's: V8 frees a buffer when its views are
 *   garbage, and malloc serves the next one from that memory while it keeps it (see
 *   bench/shm/README.md for the measured effect and the GLIBC_TUNABLES lever).
 *
 * A pool recycled through a FinalizationRegistry cannot be built in JavaScript alone: the
 * registry fires only after the ArrayBuffer is collected, and its memory is gone with it (the
 * UCX addon can, because it owns the backing store's deleter in C++).
 */
import { Buffer } from 'node:buffer';

/** Allocates receive memory. */
export interface ReceiveBuffers {
  /** A zero-initialised block of `bytes` bytes for the header and small segments (its padding is never written). */
  block(bytes: number): Uint8Array;
  /** A buffer of exactly `bytes` bytes, at offset 0 of an ArrayBuffer of its own; its contents are undefined until written. */
  large(bytes: number): Uint8Array;
}

/** The default policy described in the file comment. */
export const freshReceiveBuffers: ReceiveBuffers = {
  block(bytes: number): Uint8Array {
    return new Uint8Array(bytes);
  },
  large(bytes: number): Uint8Array {
    return uninitialised(bytes);
  },
};

function uninitialised(bytes: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(bytes);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, bytes);
}
