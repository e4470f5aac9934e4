/**
 * Where received bytes land. A received frame's header and segments belong to the receiver for
 * good (user code keeps typed-array views on them), so receive memory is never handed out
 * twice while anything can still see it, and ring bytes are never handed out at all.
 *
 * - The header and the small segments of a frame share one block, each part at an 8-byte
 *   aligned offset (typed-array views decode in place). Blocks of up to 8 KiB are carved one
 *   after another out of 64 KiB slabs, as Node's Buffer pool does: creating an ArrayBuffer
 *   off the V8 heap costs about 0.5 us, a view on a slab a few ns. A view kept on a small part
 *   keeps its slab (at most 64 KiB) alive. Slabs are never reused. Larger blocks get an
 *   ArrayBuffer of their own.
 * - A large segment gets an ArrayBuffer of its own, exactly its size, not zero-filled (every
 *   byte is overwritten from the ring before the frame is delivered): a released buffer of
 *   that size when the pool has one, else a fresh one.
 * - The pool is fed only by {@link ReceivePool.release}: the receiver hands back a segment it
 *   no longer needs, and the pool detaches its ArrayBuffer (a transfer: no copy) before keeping
 *   the memory, so any view left behind reads as empty, never as someone else's data.
 *
 * Why not recycle through a FinalizationRegistry: in JavaScript the registry fires only after
 * the ArrayBuffer was collected, and its memory is gone with it (the UCX addon can, because it
 * owns the backing store's deleter in C++). Handing out SharedArrayBuffer clones of pooled
 * memory would keep the memory, but clones are only finalized by full collections (measured: not
 * one in thousands of 4 MiB messages), and user code would get shared memory where it expects
 * its own. Without releases, large messages cost a fresh allocation each, which is page-fault
 * and GC bound (see bench/shm/README.md).
 */
import { Buffer } from 'node:buffer';

/** Allocates receive memory for one receiver (one thread). */
export interface ReceiveBuffers {
  /**
   * A block of `bytes` bytes at an 8-byte aligned offset, for a header and small segments. Its
   * contents are undefined: the caller overwrites every byte (padding included) before anyone
   * else sees it.
   */
  block(bytes: number): Uint8Array;
  /** A buffer of exactly `bytes` bytes at offset 0 of an ArrayBuffer of exactly that size; contents undefined until written. */
  large(bytes: number): Uint8Array;
  /**
   * Takes back a segment that `large` returned, detaching its ArrayBuffer (views on it read as
   * empty from now on). Returns false, and does nothing, for anything else.
   */
  release(segment: Uint8Array): boolean;
}

/** Options of {@link ReceivePool}. */
export interface ReceivePoolOptions {
  /** Most bytes of released buffers kept for reuse (default 64 MiB); more are let go. */
  readonly maxRetainedBytes?: number;
}

/** Counters of a {@link ReceivePool}. */
export interface ReceivePoolStats {
  /** Large buffers allocated fresh. */
  allocated: number;
  /** Large buffers served from released memory. */
  reused: number;
  /** Segments released (each detached). */
  released: number;
  /** Bytes of released buffers held now. */
  retainedBytes: number;
}

const SLAB_BYTES = 64 * 1024;
const MAX_SLAB_BLOCK = 8 * 1024;

/** The default {@link ReceiveBuffers}: slabs for small parts, exact-size reuse of released large buffers. */
export class ReceivePool implements ReceiveBuffers {
  readonly #maxRetained: number;
  readonly #free = new Map<number, ArrayBuffer[]>();
  /** Buffers handed out by `large` and not yet released (only these may be released). */
  readonly #owned = new WeakSet<ArrayBuffer>();
  readonly #stats: ReceivePoolStats = { allocated: 0, reused: 0, released: 0, retainedBytes: 0 };
  #slab = new Uint8Array(0);
  #used = 0;

  /** An empty pool. */
  constructor(options: ReceivePoolOptions = {}) {
    this.#maxRetained = options.maxRetainedBytes ?? 64 << 20;
  }

  /** A snapshot of the counters. */
  get stats(): ReceivePoolStats {
    return { ...this.#stats };
  }

  block(bytes: number): Uint8Array {
    if (bytes > MAX_SLAB_BLOCK) return unzeroed(bytes);
    if (this.#used + bytes > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_BYTES);
      this.#used = 0;
    }
    const block = this.#slab.subarray(this.#used, this.#used + bytes);
    this.#used += bytes + (-bytes & 7);
    return block;
  }

  large(bytes: number): Uint8Array {
    let buffer = this.#free.get(bytes)?.pop();
    if (buffer !== undefined) {
      this.#stats.retainedBytes -= bytes;
      this.#stats.reused++;
    } else {
      buffer = unzeroed(bytes).buffer as ArrayBuffer;
      this.#stats.allocated++;
    }
    this.#owned.add(buffer);
    return new Uint8Array(buffer, 0, bytes);
  }

  release(segment: Uint8Array): boolean {
    const buffer = segment.buffer;
    if (!(buffer instanceof ArrayBuffer) || !this.#owned.has(buffer) || segment.byteOffset !== 0 || segment.byteLength !== buffer.byteLength) return false;
    this.#owned.delete(buffer);
    const bytes = buffer.byteLength;
    const moved = structuredClone(buffer, { transfer: [buffer] });
    this.#stats.released++;
    if (this.#stats.retainedBytes + bytes <= this.#maxRetained) {
      let list = this.#free.get(bytes);
      if (list === undefined) this.#free.set(bytes, (list = []));
      list.push(moved);
      this.#stats.retainedBytes += bytes;
    }
    return true;
  }
}

/** `bytes` bytes at offset 0 of an ArrayBuffer of exactly that size, not zero-filled. */
function unzeroed(bytes: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(bytes);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, bytes);
}
