/**
 * The consumer side of a ring: turns the byte stream that {@link writeFrame} produced back into
 * frames, copying each part out of the ring into receive memory as soon as its bytes are
 * published, so a frame larger than the ring streams through it. Frames come out in the order
 * they were written. A delivered frame never refers to ring memory. With a {@link HeaderScratch},
 * a small frame without segments is lent: its header is read into the scratch, which the next
 * frame reuses, so it is valid only until `deliver` returns.
 */
import { ProtocolError } from '../../errors.js';
import { MAX_SEGMENTS } from '../frame-bytes.js';
import type { Frame } from '../transport.js';
import { DESCRIPTOR_FIXED_BYTES, descriptorBytes, pad8, RING_FRAME_TAG } from './frame-writer.js';
import type { HeaderScratch } from '../header-scratch.js';
import type { ReceiveBuffers } from './receive-buffers.js';
import type { RingConsumer } from './spsc-ring.js';

/** The segment list of every frame without segments (never modified: frames are read-only). */
const NO_SEGMENTS: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

/** Options of a {@link FrameReader}. */
export interface FrameReaderOptions {
  /** Where received bytes land. */
  readonly buffers: ReceiveBuffers;
  /** Segments at least this large get a buffer of their own; smaller ones share the header's block. */
  readonly largeSegmentBytes: number;
  /** Consumed bytes are given back to the producer at least every this many bytes. */
  readonly chunkBytes: number;
  /** Called when the producer asked to be woken once space is freed (it is parked with a backlog). */
  readonly onSpaceFreed: () => void;
  /** Where the headers of small frames without segments are lent from (none: every frame gets memory of its own). */
  readonly scratch?: HeaderScratch | undefined;
}

/** Frames read from one ring. */
export class FrameReader {
  readonly #ring: RingConsumer;
  readonly #options: FrameReaderOptions;
  /** The frame being received (null between frames), its segments, and where the copy stands (part 0: header). */
  #header: Uint8Array | null = null;
  /** The header's memory as words when it is lent (see Frame.words). */
  #words: Uint32Array | undefined = undefined;
  #segments: Uint8Array[] = NO_SEGMENTS;
  #part = 0;
  #offset = 0;
  /** Set while a frame without large segments is copied: its block mirrors the ring's layout, so one copy takes all. */
  #block: Uint8Array | null = null;
  /** Set while a lent header is copied into the scratch: its padded length. */
  #scratchBytes = 0;
  #unreleased = 0;
  /** Bytes consumed by the last {@link read}. */
  moved = 0;

  /** Reads frames from `ring`. */
  constructor(ring: RingConsumer, options: FrameReaderOptions) {
    this.#ring = ring;
    this.#options = options;
  }

  /** True when bytes are waiting in the ring (always asks the producer's counter). */
  pending(): boolean {
    return this.#ring.pending();
  }

  /**
   * Delivers up to `maxFrames` complete frames, in ring order, through `deliver`; stops early
   * when `deliver` returns false, and begins no further frame once `maxBytes` bytes were
   * consumed (a frame already begun is still copied as far as it is published). Returns the
   * number delivered; {@link moved} tells how many bytes were consumed (progress on a frame that
   * is still incomplete counts too). Throws ProtocolError when the stream is not made of frames
   * (a bug: both ends are this code).
   */
  read(maxFrames: number, maxBytes: number, deliver: (frame: Frame) => boolean): number {
    let frames = 0;
    let moved = 0;
    try {
      while (frames < maxFrames) {
        if (this.#header === null) {
          if (moved >= maxBytes) break;
          const started = this.#begin();
          if (started === 0) break;
          moved += started;
        }
        moved += this.#copy();
        if (this.#part <= this.#segments.length) break;
        const frame: Frame = { header: this.#header!, segments: this.#segments, words: this.#words };
        this.#header = null;
        this.#segments = NO_SEGMENTS;
        frames++;
        if (this.#unreleased >= this.#options.chunkBytes) this.#release();
        if (!deliver(frame)) break;
      }
    } finally {
      this.moved = moved;
      // Space consumed by delivered frames goes back at the next read that finds nothing (or
      // when the producer waits for it): the store is then no longer between a message's
      // arrival and its handling.
      if (this.#unreleased > 0 && (frames === 0 || this.#ring.spaceWanted())) this.#release();
    }
    return frames;
  }

  /** Gives consumed space back to the producer now (before the reading PE parks). */
  releaseConsumed(): void {
    if (this.#unreleased > 0) this.#release();
  }

  #release(): void {
    this.#unreleased = 0;
    if (this.#ring.release()) this.#options.onSpaceFreed();
  }

  /** Reads the next descriptor and allocates the frame's memory; returns the bytes consumed (0: none yet). */
  #begin(): number {
    const ring = this.#ring;
    if (ring.available(DESCRIPTOR_FIXED_BYTES) < DESCRIPTOR_FIXED_BYTES) return 0;
    if (ring.word(0) !== RING_FRAME_TAG) throw new ProtocolError('shm: ring out of step (no frame tag where a frame should start)');
    const headerLength = ring.word(4);
    const count = ring.word(8);
    if (count > MAX_SEGMENTS) throw new ProtocolError(`shm: frame declares ${count} segments (at most ${MAX_SEGMENTS})`);
    const bytes = descriptorBytes(count);
    if (ring.available(bytes) < bytes) throw new ProtocolError('shm: frame descriptor published incomplete');
    const scratch = this.#options.scratch;
    if (count === 0 && scratch !== undefined && headerLength <= scratch.maxBytes) {
      ring.skip(bytes);
      this.#unreleased += bytes;
      this.#header = scratch.view(headerLength);
      this.#words = scratch.words;
      this.#segments = NO_SEGMENTS;
      this.#scratchBytes = pad8(headerLength);
      this.#part = 0;
      this.#offset = 0;
      return bytes;
    }
    const large = this.#options.largeSegmentBytes;
    let blockBytes = pad8(headerLength);
    let anyLarge = false;
    for (let i = 0; i < count; i++) {
      const length = ring.word(DESCRIPTOR_FIXED_BYTES + 4 * i);
      if (length < large) blockBytes += pad8(length);
      else anyLarge = true;
    }
    const buffers = this.#options.buffers;
    let header: Uint8Array;
    let segments = NO_SEGMENTS;
    if (count > 0) segments = new Array<Uint8Array>(count);
    if (blockBytes === pad8(headerLength)) {
      header = buffers.block(headerLength);
      for (let i = 0; i < count; i++) segments[i] = buffers.large(ring.word(DESCRIPTOR_FIXED_BYTES + 4 * i));
    } else {
      const block = buffers.block(blockBytes);
      // Without large segments the block mirrors the ring (padding included) and one copy fills
      // it; otherwise the parts are copied one by one and the padding is zeroed here.
      if (!anyLarge) this.#block = block;
      else block.fill(0, headerLength, pad8(headerLength));
      header = block.subarray(0, headerLength);
      let at = pad8(headerLength);
      for (let i = 0; i < count; i++) {
        const length = ring.word(DESCRIPTOR_FIXED_BYTES + 4 * i);
        if (length < large) {
          segments[i] = block.subarray(at, at + length);
          if (anyLarge) block.fill(0, at + length, at + pad8(length));
          at += pad8(length);
        } else {
          segments[i] = buffers.large(length);
        }
      }
    }
    ring.skip(bytes);
    this.#unreleased += bytes;
    this.#header = header;
    this.#words = undefined;
    this.#segments = segments;
    this.#part = 0;
    this.#offset = 0;
    return bytes;
  }

  /** Copies what is published of the current frame (complete when #part passes the last segment). Returns bytes consumed. */
  #copy(): number {
    const ring = this.#ring;
    const segments = this.#segments;
    const chunk = this.#options.chunkBytes;
    let moved = 0;
    if (this.#block !== null || this.#scratchBytes > 0) {
      // One contiguous copy mirroring the ring: into the block, or word by word into the scratch.
      const block = this.#block;
      const total = block === null ? this.#scratchBytes : block.length;
      while (this.#offset < total) {
        const available = ring.available(total - this.#offset);
        if (available === 0) return moved;
        const step = Math.min(total - this.#offset, available, chunk);
        if (block === null) ring.takeWords(this.#options.scratch!.words, this.#offset >>> 2, step);
        else ring.take(block, this.#offset, step, step);
        this.#offset += step;
        moved += step;
        this.#unreleased += step;
        if (this.#unreleased >= chunk) this.#release();
      }
      this.#block = null;
      this.#scratchBytes = 0;
      this.#part = segments.length + 1;
      return moved;
    }
    while (this.#part <= segments.length) {
      const target = this.#part === 0 ? this.#header! : segments[this.#part - 1]!;
      const padded = pad8(target.length);
      const remaining = padded - this.#offset;
      if (remaining > 0) {
        const available = ring.available(remaining);
        if (available === 0) return moved;
        const step = Math.min(remaining, available, chunk);
        const copy = Math.max(0, Math.min(step, target.length - this.#offset));
        ring.take(target, this.#offset, copy, step);
        this.#offset += step;
        moved += step;
        this.#unreleased += step;
        if (this.#unreleased >= chunk) this.#release();
        if (this.#offset < padded) continue;
      }
      this.#part++;
      this.#offset = 0;
    }
    return moved;
  }
}
