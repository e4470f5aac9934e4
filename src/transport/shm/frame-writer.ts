/**
 * How a frame is laid out in a ring, and the producer side that writes it there.
 *
 *     descriptor:  u32 tag | u32 header length | u32 segment count | u32 reserved
 *                  u32 length of each segment, padded to 8 bytes
 *     then:        the header bytes, padded to 8
 *                  each segment's bytes, padded to 8
 *
 * The descriptor is written and published whole (it is at most 16 KiB and a ring at least
 * 64 KiB), so a consumer that sees any byte of a frame sees its whole descriptor. The header
 * and segments are copied straight from the caller's memory into the ring (no staging copy),
 * in as many steps as the ring's free space requires: a frame may be far larger than its ring.
 * Every step keeps the write counter 8-aligned, so 32-bit descriptor words never straddle the
 * end of the ring.
 */
import { MAX_SEGMENTS } from '../frame-bytes.js';
import type { Frame } from '../transport.js';
import type { RingProducer } from './spsc-ring.js';

/** First word of every frame in a ring. */
export const RING_FRAME_TAG = 0x314d5246; // "FRM1"
/** Bytes of the fixed part of a descriptor. */
export const DESCRIPTOR_FIXED_BYTES = 16;
/** Largest segment a frame may carry (lengths travel as u32). */
export const MAX_RING_SEGMENT_BYTES = 0xffffffff;

/** `n` rounded up to a multiple of 8. */
export function pad8(n: number): number {
  return n + (-n & 7);
}

/** Bytes of the descriptor of a frame with `count` segments. */
export function descriptorBytes(count: number): number {
  return pad8(DESCRIPTOR_FIXED_BYTES + 4 * count);
}

/** Throws RangeError when `frame` cannot travel through a ring (too many or too large segments). */
export function checkFrame(frame: Frame): void {
  const { header, segments } = frame;
  if (segments.length > MAX_SEGMENTS) throw new RangeError(`a message may carry at most ${MAX_SEGMENTS} typed arrays`);
  if (header.length > MAX_RING_SEGMENT_BYTES) throw new RangeError('a message header may not exceed 4 GiB');
  // Indexed loops on the hot path: iterating a frozen array (an empty segment list) allocates an iterator.
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]!.length > MAX_RING_SEGMENT_BYTES) throw new RangeError('a message segment may not exceed 4 GiB');
  }
}

/**
 * A frame on its way into a ring: the frame and how far it got. It references the caller's
 * header and segments (never copies them) until it is done.
 */
export class OutgoingFrame {
  /** -1: descriptor not written yet; 0: header; i >= 1: segment i - 1. */
  part = -1;
  /** Bytes of the current part (padding included) already written. */
  offset = 0;
  #frame: Frame;

  /** `frame` must have passed {@link checkFrame}. */
  constructor(frame: Frame) {
    this.#frame = frame;
  }

  /** The frame being written. */
  get frame(): Frame {
    return this.#frame;
  }

  /** Starts over with `frame` (lets a sender reuse one cursor for frames that fit at once). */
  reset(frame: Frame): this {
    this.#frame = frame;
    this.part = -1;
    this.offset = 0;
    return this;
  }

  /** A cursor of its own at the same point of the same frame. */
  copy(): OutgoingFrame {
    const copy = new OutgoingFrame(this.#frame);
    copy.part = this.part;
    copy.offset = this.offset;
    return copy;
  }

  /** True once every byte of the frame is in the ring (published or not). */
  get done(): boolean {
    return this.part > this.frame.segments.length;
  }
}

/** Writes the descriptor of a frame (`bytes` long, room checked by the caller) and moves past it. */
function writeDescriptor(producer: RingProducer, headerLength: number, segments: readonly Uint8Array[], bytes: number): void {
  producer.setWord(0, RING_FRAME_TAG);
  producer.setWord(4, headerLength);
  producer.setWord(8, segments.length);
  producer.setWord(12, 0);
  for (let i = 0; i < segments.length; i++) producer.setWord(DESCRIPTOR_FIXED_BYTES + 4 * i, segments[i]!.length);
  producer.skip(bytes);
}

/**
 * Writes a frame without segments whole, descriptor and header, and publishes it: the common
 * small call, without a cursor. Returns false, writing nothing, when the frame has segments or
 * does not fit now (then {@link writeFrame} takes it).
 */
export function writeWholeFrame(producer: RingProducer, frame: Frame): boolean {
  const { header, segments } = frame;
  if (segments.length !== 0 || !beginWholeFrame(producer, header.length)) return false;
  producer.put(header, 0, header.length, pad8(header.length));
  producer.publish();
  return true;
}

/** The segment list of a frame without segments. */
const NO_SEGMENTS: readonly Uint8Array[] = Object.freeze([]);

/**
 * Writes the descriptor of a frame without segments whose header has `length` bytes, when the
 * whole frame fits now; returns false, writing nothing, otherwise. The caller then copies the
 * header (padded to 8 bytes) and publishes.
 */
function beginWholeFrame(producer: RingProducer, length: number): boolean {
  const bytes = DESCRIPTOR_FIXED_BYTES + pad8(length);
  if (producer.free(bytes) < bytes) return false;
  writeDescriptor(producer, length, NO_SEGMENTS, DESCRIPTOR_FIXED_BYTES);
  return true;
}

/**
 * Writes a frame without segments whose header is the first `length` bytes of `words` (an
 * outgoing header's memory, holding at least pad8(length) bytes), descriptor and header,
 * and publishes it. Returns false, writing nothing, when it does not fit now.
 */
export function writeWholeHeader(producer: RingProducer, words: Uint32Array, length: number): boolean {
  if (!beginWholeFrame(producer, length)) return false;
  producer.putWords(words, pad8(length));
  producer.publish();
  return true;
}

/**
 * Writes as much of `out` as fits into `producer`, publishing every `chunkBytes` bytes (so the
 * consumer can copy out while the producer still copies in) and at the end. Returns the number
 * of bytes written (0 when not even the descriptor fit). Never waits.
 */
export function writeFrame(producer: RingProducer, out: OutgoingFrame, chunkBytes: number): number {
  const { header, segments } = out.frame;
  let written = 0;
  if (out.part < 0) {
    const bytes = descriptorBytes(segments.length);
    if (producer.free(bytes) < bytes) return 0;
    writeDescriptor(producer, header.length, segments, bytes);
    written = bytes;
    out.part = 0;
  }
  let sincePublish = written;
  while (out.part <= segments.length) {
    const source = out.part === 0 ? header : segments[out.part - 1]!;
    const padded = pad8(source.length);
    const remaining = padded - out.offset;
    if (remaining > 0) {
      const free = producer.free(Math.min(remaining, chunkBytes));
      if (free === 0) break;
      const step = Math.min(remaining, free, chunkBytes);
      const copy = Math.max(0, Math.min(step, source.length - out.offset));
      producer.put(source, out.offset, copy, step);
      out.offset += step;
      written += step;
      sincePublish += step;
      if (sincePublish >= chunkBytes) {
        producer.publish();
        sincePublish = 0;
      }
      if (out.offset < padded) continue;
    }
    out.part++;
    out.offset = 0;
  }
  if (sincePublish > 0) producer.publish();
  return written;
}
