/**
 * Frames as byte messages, for transports that carry whole messages (ws, shared-memory rings).
 *
 * A frame becomes one "head" message followed by zero or more "detached" messages:
 *
 *     head:  u32 magic | u32 header length | u32 segment count | u32 reserved
 *            per segment: u32 byte length | u32 flags (bit 0: detached)
 *            header bytes, padded to 8
 *            each inline segment, padded to 8 (so an 8-byte-aligned buffer gives aligned views)
 *     then:  each detached segment as a message of its own, in order
 *
 * Small segments are copied inline (one message, one syscall); large ones are detached so they
 * are written straight from the sender's memory and arrive in a buffer of their own (aligned,
 * not copied again). Several head messages without detached segments may be sent as one
 * message (a batch: their concatenation; every head's size is a multiple of 8, so alignment
 * holds); only the last head of a batch may announce detached segments.
 */
import { ProtocolError } from '../errors.js';
import type { Frame } from './transport.js';

/** First word of every head message; a mismatch means the peer is not speaking this protocol. */
export const FRAME_MAGIC = 0x43344d31; // "C4M1"
/** Segments at least this large travel as messages of their own. */
export const DEFAULT_DETACH_THRESHOLD = 32 * 1024;
/** Most segments one frame may declare. */
export const MAX_SEGMENTS = 4096;

const FIXED_BYTES = 16;
const PER_SEGMENT_BYTES = 8;

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Turns a frame into the messages to send, head first. Segments >= `detachThreshold` bytes are not copied. */
export function frameToMessages(frame: Frame, detachThreshold = DEFAULT_DETACH_THRESHOLD): Uint8Array[] {
  const { header, segments } = frame;
  if (segments.length > MAX_SEGMENTS) throw new RangeError(`a message may carry at most ${MAX_SEGMENTS} typed arrays`);
  const tableEnd = FIXED_BYTES + PER_SEGMENT_BYTES * segments.length;
  let size = pad8(tableEnd + header.length);
  for (const segment of segments) if (segment.length < detachThreshold) size += pad8(segment.length);
  const head = new Uint8Array(size);
  const view = new DataView(head.buffer);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint32(4, header.length, true);
  view.setUint32(8, segments.length, true);
  head.set(header, tableEnd);
  const messages: Uint8Array[] = [head];
  let offset = pad8(tableEnd + header.length);
  segments.forEach((segment, i) => {
    const detached = segment.length >= detachThreshold;
    view.setUint32(FIXED_BYTES + PER_SEGMENT_BYTES * i, segment.length, true);
    view.setUint32(FIXED_BYTES + PER_SEGMENT_BYTES * i + 4, detached ? 1 : 0, true);
    if (detached) {
      messages.push(segment);
    } else {
      head.set(segment, offset);
      offset += pad8(segment.length);
    }
  });
  return messages;
}

/** Concatenates head messages (each a multiple of 8 bytes long) into one batch message. */
export function batchMessages(heads: readonly Uint8Array[]): Uint8Array {
  if (heads.length === 1) return heads[0]!;
  let size = 0;
  for (const head of heads) size += head.length;
  const batch = new Uint8Array(size);
  let offset = 0;
  for (const head of heads) {
    batch.set(head, offset);
    offset += head.length;
  }
  return batch;
}

/**
 * Reassembles frames from the messages of one ordered connection. Feed every message in
 * order; `pushBatch` returns the frames it completes (a batch message may complete several).
 * Throws ProtocolError on anything malformed, before allocating anything the message declares.
 */
export class FrameAssembler {
  #header: Uint8Array | null = null;
  #segments: (Uint8Array | null)[] = [];
  #lengths: number[] = [];
  #missing = 0;
  readonly #maxMessageBytes: number;

  /** `maxMessageBytes` bounds every declared length (header or segment). */
  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** True while detached segments of a frame are still expected. */
  get pending(): boolean {
    return this.#missing > 0;
  }

  /** Consumes one message holding at most one frame; returns it, or null when more messages are needed. */
  push(message: Uint8Array): Frame | null {
    const frames = this.pushBatch(message);
    if (frames.length > 1) throw new ProtocolError(`message holds ${frames.length} frames where one was expected`);
    return frames[0] ?? null;
  }

  /** Consumes one message (a detached segment, a head, or a batch of heads); returns the frames it completes. */
  pushBatch(message: Uint8Array): Frame[] {
    if (this.#missing > 0) {
      const frame = this.#pushDetached(message);
      return frame === null ? [] : [frame];
    }
    if (message.length === 0) throw new ProtocolError('empty message where a frame was expected');
    const frames: Frame[] = [];
    let offset = 0;
    while (offset < message.length) {
      const { frame, end } = this.#pushHead(message.subarray(offset));
      if (frame === null) {
        if (offset + end !== message.length) throw new ProtocolError('a head announcing detached segments is not the last of its batch');
        break;
      }
      frames.push(frame);
      offset += end;
    }
    return frames;
  }

  /** Parses the head at the start of `message`; `end` is where it stops. */
  #pushHead(message: Uint8Array): { frame: Frame | null; end: number } {
    if (message.length < FIXED_BYTES) throw new ProtocolError(`message of ${message.length} bytes is too short for a frame`);
    const view = new DataView(message.buffer, message.byteOffset, message.length);
    if (view.getUint32(0, true) !== FRAME_MAGIC) throw new ProtocolError('message does not start with the frame magic');
    const headerLength = view.getUint32(4, true);
    const count = view.getUint32(8, true);
    if (count > MAX_SEGMENTS) throw new ProtocolError(`frame declares ${count} segments (at most ${MAX_SEGMENTS})`);
    const tableEnd = FIXED_BYTES + PER_SEGMENT_BYTES * count;
    if (tableEnd + headerLength > message.length) {
      throw new ProtocolError(`frame declares a ${headerLength}-byte header but the message has ${message.length} bytes`);
    }
    const header = message.subarray(tableEnd, tableEnd + headerLength);
    const segments: (Uint8Array | null)[] = new Array(count);
    const lengths: number[] = new Array(count);
    let offset = pad8(tableEnd + headerLength);
    let missing = 0;
    for (let i = 0; i < count; i++) {
      const length = view.getUint32(FIXED_BYTES + PER_SEGMENT_BYTES * i, true);
      const flags = view.getUint32(FIXED_BYTES + PER_SEGMENT_BYTES * i + 4, true);
      if (length > this.#maxMessageBytes) throw new ProtocolError(`segment of ${length} bytes exceeds the limit of ${this.#maxMessageBytes}`);
      lengths[i] = length;
      if (flags & 1) {
        segments[i] = null;
        missing++;
      } else {
        if (offset + length > message.length) throw new ProtocolError(`inline segment ${i} runs past the end of the message`);
        segments[i] = message.subarray(offset, offset + length);
        offset += pad8(length);
      }
    }
    if (missing === 0) return { frame: { header, segments: segments as Uint8Array[] }, end: offset };
    this.#header = header;
    this.#segments = segments;
    this.#lengths = lengths;
    this.#missing = missing;
    return { frame: null, end: offset };
  }

  #pushDetached(message: Uint8Array): Frame | null {
    const index = this.#segments.indexOf(null);
    const expected = this.#lengths[index]!;
    if (message.length !== expected) {
      throw new ProtocolError(`detached segment ${index} has ${message.length} bytes, the frame declared ${expected}`);
    }
    this.#segments[index] = message;
    this.#missing--;
    if (this.#missing > 0) return null;
    const frame = { header: this.#header!, segments: this.#segments as Uint8Array[] };
    this.#header = null;
    this.#segments = [];
    this.#lengths = [];
    return frame;
  }
}
