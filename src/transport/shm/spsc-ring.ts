/**
 * The two ends of one single-producer single-consumer byte ring in shared memory. No locks:
 * each counter has exactly one writer.
 *
 * Memory ordering: the producer stores the bytes with plain writes, then publishes its write
 * counter with `Atomics.store`; the consumer reads the counter with `Atomics.load` and only then
 * the bytes below it. Symmetrically the consumer publishes its read counter only after it has
 * copied the bytes out, so the producer never overwrites bytes still being read. (Atomics
 * operations are sequentially consistent, so a plain write before a published store is visible
 * to whoever loads that store's value.)
 *
 * Counters run free modulo 2^32; a byte at counter c lives at offset c & (size - 1). Both ends
 * cache the other end's counter and reload it only when the cached value says "no room" /
 * "nothing new", so the hot path touches the other thread's cache line once per batch.
 */
import { copyInto } from './shared-copy.js';
import { Word, type ShmRegion } from './shm-region.js';

/** Copies up to this many bytes go byte by byte (cheaper than the subarray view `set` needs; per byte, a loop over shared memory is slow). */
const SMALL_COPY = 16;

/**
 * Word copies up to this many bytes go word by word; longer ones that do not wrap around the
 * ring are one `set` of a subarray view (the view costs about as much as 50 words of the loop).
 */
const WORD_LOOP_MAX = 256;

/** Producer end: appends bytes; owned by the sending PE's thread. */
export class RingProducer {
  readonly #control: Int32Array;
  readonly #writeSlot: number;
  readonly #readSlot: number;
  readonly #wantsSpaceSlot: number;
  readonly #bytes: Uint8Array;
  readonly #words: Uint32Array;
  readonly #mask: number;
  readonly #size: number;
  #write: number;
  #readCache: number;

  /** The producer end of ring `ring` of `region`. */
  constructor(region: ShmRegion, ring: number) {
    const offset = ring * region.ringBytes;
    this.#control = region.control;
    this.#writeSlot = region.producerWord(ring, Word.Write);
    this.#wantsSpaceSlot = region.producerWord(ring, Word.WantsSpace);
    this.#readSlot = region.consumerWord(ring, Word.Read);
    this.#bytes = new Uint8Array(region.data, offset, region.ringBytes);
    this.#words = new Uint32Array(region.data, offset, region.ringBytes / 4);
    this.#size = region.ringBytes;
    this.#mask = region.ringBytes - 1;
    this.#write = Atomics.load(this.#control, this.#writeSlot) >>> 0;
    this.#readCache = Atomics.load(this.#control, this.#readSlot) >>> 0;
  }

  /** Ring capacity in bytes. */
  get size(): number {
    return this.#size;
  }

  /** Bytes that can be appended now (reloads the consumer's counter when the cache says fewer than `wanted`). */
  free(wanted = 1): number {
    let free = this.#size - ((this.#write - this.#readCache) >>> 0);
    if (free < wanted) {
      this.#readCache = Atomics.load(this.#control, this.#readSlot) >>> 0;
      free = this.#size - ((this.#write - this.#readCache) >>> 0);
    }
    return free;
  }

  /** Writes a 32-bit word `at` bytes past the unpublished write position (4-aligned; room checked by the caller). */
  setWord(at: number, value: number): void {
    this.#words[((this.#write + at) & this.#mask) >>> 2] = value;
  }

  /**
   * Copies `length` bytes of `source` from `start` to the write position, wrapping at the end
   * of the ring, and advances past `advance` bytes (>= length; the rest is padding left as is).
   * Room is checked by the caller.
   */
  put(source: Uint8Array, start: number, length: number, advance: number): void {
    if (length <= SMALL_COPY) {
      const bytes = this.#bytes;
      const mask = this.#mask;
      for (let i = 0; i < length; i++) bytes[(this.#write + i) & mask] = source[start + i]!;
    } else {
      const at = this.#write & this.#mask;
      const first = Math.min(length, this.#size - at);
      copyInto(this.#bytes, at, first === source.length && start === 0 ? source : source.subarray(start, start + first));
      if (first < length) copyInto(this.#bytes, 0, source.subarray(start + first, start + length));
    }
    this.#write = (this.#write + advance) >>> 0;
  }

  /**
   * Copies `bytes` bytes (a multiple of 8) of `source` from its first word to the write
   * position, and advances past them: up to {@link WORD_LOOP_MAX} bytes, or where they wrap
   * around the ring, one 32-bit word at a time (no view to create); otherwise with one `set`.
   * Room is checked by the caller.
   */
  putWords(source: Uint32Array, bytes: number): void {
    const words = this.#words;
    const mask = this.#mask;
    const write = this.#write;
    const start = write & mask;
    if (bytes > WORD_LOOP_MAX && start + bytes <= this.#size) words.set(source.subarray(0, bytes >>> 2), start >>> 2);
    else for (let at = 0, word = 0; at < bytes; at += 4) words[((write + at) & mask) >>> 2] = source[word++]!;
    this.#write = (write + bytes) >>> 0;
  }

  /** Advances the write position by `bytes` without writing (descriptor written with setWord). */
  skip(bytes: number): void {
    this.#write = (this.#write + bytes) >>> 0;
  }

  /** Makes every byte appended so far visible to the consumer. */
  publish(): void {
    Atomics.store(this.#control, this.#writeSlot, this.#write | 0);
  }

  /**
   * Asks the consumer to ring this producer's doorbell the next time it frees space. Call it
   * after publishing "parked" and before re-checking {@link free} (see ShmTransport.arm).
   */
  requestSpace(): void {
    Atomics.store(this.#control, this.#wantsSpaceSlot, 1);
  }
}

/** Consumer end: reads and releases bytes; owned by the receiving PE's thread. */
export class RingConsumer {
  readonly #control: Int32Array;
  readonly #writeSlot: number;
  readonly #readSlot: number;
  readonly #wantsSpaceSlot: number;
  readonly #bytes: Uint8Array;
  readonly #words: Uint32Array;
  readonly #mask: number;
  readonly #size: number;
  #read: number;
  #writeCache: number;

  /** The consumer end of ring `ring` of `region`. */
  constructor(region: ShmRegion, ring: number) {
    const offset = ring * region.ringBytes;
    this.#control = region.control;
    this.#writeSlot = region.producerWord(ring, Word.Write);
    this.#wantsSpaceSlot = region.producerWord(ring, Word.WantsSpace);
    this.#readSlot = region.consumerWord(ring, Word.Read);
    this.#bytes = new Uint8Array(region.data, offset, region.ringBytes);
    this.#words = new Uint32Array(region.data, offset, region.ringBytes / 4);
    this.#size = region.ringBytes;
    this.#mask = region.ringBytes - 1;
    this.#read = Atomics.load(this.#control, this.#readSlot) >>> 0;
    this.#writeCache = Atomics.load(this.#control, this.#writeSlot) >>> 0;
  }

  /** Bytes published and not yet consumed (reloads the producer's counter when the cache says fewer than `wanted`). */
  available(wanted = 1): number {
    let available = (this.#writeCache - this.#read) >>> 0;
    if (available < wanted) {
      this.#writeCache = Atomics.load(this.#control, this.#writeSlot) >>> 0;
      available = (this.#writeCache - this.#read) >>> 0;
    }
    return available;
  }

  /** True when the producer has published bytes not yet consumed (always reloads its counter). */
  pending(): boolean {
    return (Atomics.load(this.#control, this.#writeSlot) >>> 0) !== this.#read;
  }

  /** The 32-bit word `at` bytes past the read position (4-aligned; availability checked by the caller). */
  word(at: number): number {
    return this.#words[((this.#read + at) & this.#mask) >>> 2]!;
  }

  /** Copies `length` bytes from the read position into `target` at `targetOffset`, then consumes `advance` bytes (>= length). */
  take(target: Uint8Array, targetOffset: number, length: number, advance: number): void {
    if (length <= SMALL_COPY) {
      const bytes = this.#bytes;
      const mask = this.#mask;
      for (let i = 0; i < length; i++) target[targetOffset + i] = bytes[(this.#read + i) & mask]!;
    } else {
      const at = this.#read & this.#mask;
      const first = Math.min(length, this.#size - at);
      copyInto(target, targetOffset, this.#bytes.subarray(at, at + first));
      if (first < length) copyInto(target, targetOffset + first, this.#bytes.subarray(0, length - first));
    }
    this.#read = (this.#read + advance) >>> 0;
  }

  /**
   * Copies `bytes` bytes (a multiple of 8) from the read position into `target` from word
   * `targetWord` on, and consumes them: word by word or with one `set`, as {@link
   * RingProducer.putWords} does.
   */
  takeWords(target: Uint32Array, targetWord: number, bytes: number): void {
    const words = this.#words;
    const mask = this.#mask;
    const read = this.#read;
    const start = read & mask;
    if (bytes > WORD_LOOP_MAX && start + bytes <= this.#size) target.set(words.subarray(start >>> 2, (start + bytes) >>> 2), targetWord);
    else for (let at = 0; at < bytes; at += 4) target[targetWord++] = words[((read + at) & mask) >>> 2]!;
    this.#read = (read + bytes) >>> 0;
  }

  /** Consumes `bytes` without copying them. */
  skip(bytes: number): void {
    this.#read = (this.#read + bytes) >>> 0;
  }

  /** True when the producer asked to be told of freed space (it waits for it). */
  spaceWanted(): boolean {
    return Atomics.load(this.#control, this.#wantsSpaceSlot) !== 0;
  }

  /**
   * Gives the consumed bytes back to the producer. Returns true when the producer had asked to
   * be told (it then should be woken); the request is cleared.
   */
  release(): boolean {
    Atomics.store(this.#control, this.#readSlot, this.#read | 0);
    // Read-and-clear in one step: a request the producer makes after this exchange survives it.
    return this.spaceWanted() && Atomics.exchange(this.#control, this.#wantsSpaceSlot, 0) !== 0;
  }
}
