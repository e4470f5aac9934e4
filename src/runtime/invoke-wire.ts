/**
 * The compact binary form of the hottest message, an entry-method call on one chare whose
 * arguments are all numbers, booleans, null/undefined, strings or binary views: fixed-width
 * fields instead of msgpack, so that sending and receiving a small call costs a few hundred
 * nanoseconds. Calls that do not fit (other argument types, a broadcast acknowledgement, an
 * index or number out of range) keep the msgpack envelope; the decoder tells the two apart by
 * the first byte, 0xC1, which msgpack never uses.
 *
 * Layout (little-endian): tag u8, flags u8 (bit 0: reply future present), index length u8,
 * argument count u8, coll i32, ep i32, src u32, hops u32, seq f64, index u32 x length,
 * [reply pe u32, reply id f64], then per argument a type byte and its payload: a number as f64,
 * a string as u32 byte length and UTF-8, a binary value of up to {@link INLINE_MAX_BYTES} bytes
 * as its segment code u8, its byte length u32 and its bytes, a larger binary value as its
 * segment code u8 (its bytes are the frame's next segment).
 *
 * Small binary values ride inside the header because a segment of its own costs more than the
 * copies: a view to make on each side and a frame part to write and read (about 1 us per hop
 * between two PE threads). A decoded small value is copied out of the header into memory of
 * the receiver's own, so a frame without segments is done with once decoded, and small values
 * are never lent. Values above 64 bytes are copied into slabs shared with other small arrays
 * (small-array-memory.ts), which costs far less than an ArrayBuffer of their own each.
 */
import { ProtocolError } from '../errors.js';
import type { Frame } from '../transport/transport.js';
import { Kind, type InvokeMessage } from './message.js';
import { copyOf, copyRange, segmentByteLength, segmentBytes, segmentCodeOf, viewOf } from './segment-views.js';
import type { SmallArrayMemory } from './small-array-memory.js';
import type { OutgoingHeader } from '../transport/header-scratch.js';
import { float64FromHalves, getFloat64, getUint32, putFloat64, putFloat64Words, putUint32 } from './wire-numbers.js';

/** First byte of a compact call header. */
export const INVOKE_TAG = 0xc1;

const FLAG_REPLY = 1;
const FIXED_BYTES = 28;
const REPLY_BYTES = 12;
const MAX_COUNT = 255;
const U32_MAX = 0xffffffff;

const ARG_UNDEFINED = 0;
const ARG_NULL = 1;
const ARG_FALSE = 2;
const ARG_TRUE = 3;
const ARG_NUMBER = 4;
const ARG_SEGMENT = 5;
const ARG_STRING = 6;
const ARG_INLINE = 7;

/** Binary arguments up to this many bytes are copied into the header instead of travelling as segments. */
export const INLINE_MAX_BYTES = 1024;

/** Bytes of an inline binary argument before its data: type u8, segment code u8, length u32. */
const INLINE_PREFIX_BYTES = 6;

/** The segment list of every call sent without segments (frames are read-only). */
const NO_SEGMENTS: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

const isInt32 = (v: number): boolean => (v | 0) === v;
const isUint32 = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= U32_MAX && Math.floor(v) === v;

/** Where the arguments of `msg`'s compact header begin: after the fixed fields, the index and the reply. */
function argumentsStart(msg: InvokeMessage): number {
  return FIXED_BYTES + 4 * msg.index.length + (msg.reply === null ? 0 : REPLY_BYTES);
}

/**
 * The header offset where the arguments end when they start at `start`, or -1 when one of them
 * needs msgpack. Strings count their UTF-8 length.
 */
function argumentsEnd(args: readonly unknown[], start: number): number {
  let at = start;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (typeof arg) {
      case 'number':
        at += 9;
        continue;
      case 'boolean':
      case 'undefined':
        at += 1;
        continue;
      case 'string':
        at += 5 + Buffer.byteLength(arg, 'utf8');
        continue;
      case 'object': {
        if (arg === null) {
          at += 1;
          continue;
        }
        const code = segmentCodeOf(arg);
        if (code < 0) return -1;
        const length = segmentByteLength(arg as ArrayBufferView | ArrayBuffer, code);
        at += length <= INLINE_MAX_BYTES ? INLINE_PREFIX_BYTES + length : 2;
        continue;
      }
      default:
        return -1;
    }
  }
  return at;
}

/** True when the envelope of `msg` (everything but its arguments) fits the compact form. */
function envelopeFits(msg: InvokeMessage): boolean {
  const { index, args, reply } = msg;
  if (msg.ack !== null || index.length > MAX_COUNT || args.length > MAX_COUNT) return false;
  if (!isInt32(msg.coll) || !isInt32(msg.ep) || !isUint32(msg.src) || !isUint32(msg.hops)) return false;
  for (let i = 0; i < index.length; i++) if (!isUint32(index[i])) return false;
  return reply === null || isUint32(reply.pe);
}

/** Encodes `msg` in the compact form, or returns null when it does not fit (use msgpack). */
export function encodeCompactInvoke(msg: InvokeMessage): Frame | null {
  if (!envelopeFits(msg)) return null;
  const start = argumentsStart(msg);
  const size = argumentsEnd(msg.args, start);
  if (size < 0) return null;
  // Node's pool hands out slices that start 8-byte aligned; memory of its own otherwise.
  const pooled = Buffer.allocUnsafe(size);
  const header = (pooled.byteOffset & 3) === 0 ? pooled : Buffer.from(new ArrayBuffer(size));
  const frame = { header, segments: NO_SEGMENTS };
  writeCompactInvoke(msg, header, new Uint32Array(header.buffer, header.byteOffset, start >> 2), frame);
  return frame;
}

/**
 * Writes the compact header of `msg` into `target` from byte 0 when the call fits the compact
 * form, travels without segments and its header fits `target`; returns the header's length,
 * or -1 (use {@link encodeCompactInvoke} or msgpack; what was written means nothing).
 */
export function encodeCompactInvokeInto(msg: InvokeMessage, target: OutgoingHeader): number {
  return envelopeFits(msg) ? writeCompactInvoke(msg, target.bytes, target.words, null) : -1;
}

/**
 * Writes the fixed fields, the index and the reply of `msg` (everything before its arguments,
 * a whole number of 32-bit words) into `words`, one store per field.
 */
function writeEnvelope(msg: InvokeMessage, words: Uint32Array): void {
  const { index, args, reply } = msg;
  words[0] = INVOKE_TAG | ((reply === null ? 0 : FLAG_REPLY) << 8) | (index.length << 16) | (args.length << 24);
  words[1] = msg.coll;
  words[2] = msg.ep;
  words[3] = msg.src;
  words[4] = msg.hops;
  putFloat64Words(words, 5, msg.seq);
  let word = FIXED_BYTES >> 2;
  for (let i = 0; i < index.length; i++) words[word++] = index[i]!;
  if (reply !== null) {
    words[word] = reply.pe;
    putFloat64Words(words, word + 1, reply.id);
  }
}

/**
 * Writes the compact header of `msg`, whose envelope fits, into `header` in one pass (`words`:
 * the same memory as 32-bit words, at least up to the arguments); returns its length, or -1
 * when an argument needs msgpack, the header would not fit `header`, or an argument needs a
 * segment of its own and `frame` is null (else the segment is added to `frame.segments`, a list
 * made at the first one).
 */
function writeCompactInvoke(msg: InvokeMessage, header: Buffer, words: Uint32Array, frame: { segments: Uint8Array[] } | null): number {
  const args = msg.args;
  const limit = header.length;
  let at = argumentsStart(msg);
  if (at > limit) return -1;
  writeEnvelope(msg, words);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (typeof arg) {
      case 'number':
        if (at + 9 > limit) return -1;
        header[at] = ARG_NUMBER;
        putFloat64(header, at + 1, arg);
        at += 9;
        break;
      case 'boolean':
        if (at + 1 > limit) return -1;
        header[at++] = arg ? ARG_TRUE : ARG_FALSE;
        break;
      case 'undefined':
        if (at + 1 > limit) return -1;
        header[at++] = ARG_UNDEFINED;
        break;
      case 'string': {
        if (at + 5 + Buffer.byteLength(arg, 'utf8') > limit) return -1;
        header[at] = ARG_STRING;
        const length = header.write(arg, at + 5, 'utf8');
        putUint32(header, at + 1, length);
        at += 5 + length;
        break;
      }
      case 'object': {
        if (arg === null) {
          if (at + 1 > limit) return -1;
          header[at++] = ARG_NULL;
          break;
        }
        const code = segmentCodeOf(arg);
        if (code < 0) return -1;
        const binary = arg as ArrayBufferView | ArrayBuffer;
        const length = segmentByteLength(binary, code);
        if (length <= INLINE_MAX_BYTES) {
          if (at + INLINE_PREFIX_BYTES + length > limit) return -1;
          header[at] = ARG_INLINE;
          header[at + 1] = code;
          putUint32(header, at + 2, length);
          copyRange(header, at + INLINE_PREFIX_BYTES, segmentBytes(binary), 0, length);
          at += INLINE_PREFIX_BYTES + length;
        } else {
          if (frame === null || at + 2 > limit) return -1;
          header[at] = ARG_SEGMENT;
          header[at + 1] = code;
          if (frame.segments === NO_SEGMENTS) frame.segments = [];
          frame.segments.push(segmentBytes(binary));
          at += 2;
        }
        break;
      }
      default:
        return -1;
    }
  }
  return at;
}

function malformed(what: string): never {
  throw new ProtocolError(`malformed call header: ${what}`);
}

/**
 * Decodes a compact call header (first byte {@link INVOKE_TAG}). Throws ProtocolError when it is
 * malformed or, given `numPes`, names a PE outside the job or an impossible number (the checks
 * validateMessage makes of a msgpack call; the fixed-width fields imply the others).
 */
export function decodeCompactInvoke(frame: Frame, numPes?: number, memory?: SmallArrayMemory): InvokeMessage {
  const h = frame.header;
  const words = frame.words;
  const end = h.length;
  if (end < FIXED_BYTES) malformed(`${end} bytes`);
  const flags = h[1]!;
  const dims = h[2]!;
  const count = h[3]!;
  if ((flags & ~FLAG_REPLY) !== 0) malformed(`unknown flags ${flags}`);
  const hasReply = (flags & FLAG_REPLY) !== 0;
  let at = FIXED_BYTES;
  if (end < at + 4 * dims + (hasReply ? REPLY_BYTES : 0) + count) malformed(`${end} bytes is too short`);
  const index: number[] = new Array(dims);
  for (let i = 0; i < dims; i++, at += 4) index[i] = wordAt(h, words, at);
  let reply: InvokeMessage['reply'] = null;
  if (hasReply) {
    reply = { pe: wordAt(h, words, at), id: float64At(h, words, at + 4) };
    at += REPLY_BYTES;
  }
  const args: unknown[] = new Array(count);
  let segment = 0;
  for (let i = 0; i < count; i++) {
    if (at >= end) malformed(`argument ${i} runs past the end`);
    const type = h[at++];
    if (type === ARG_NUMBER) {
      if (at + 8 > end) malformed(`argument ${i} runs past the end`);
      args[i] = float64At(h, words, at);
      at += 8;
    } else if (type === ARG_SEGMENT) {
      if (at >= end) malformed(`argument ${i} runs past the end`);
      const bytes = frame.segments[segment++];
      if (bytes === undefined) malformed(`argument ${i} names segment ${segment - 1}, the frame has ${frame.segments.length}`);
      args[i] = viewOf(bytes, h[at++]!);
    } else if (type === ARG_INLINE) {
      if (at + 5 > end) malformed(`argument ${i} runs past the end`);
      const code = h[at]!;
      const length = getUint32(h, at + 1);
      const dataAt = at - 1 + INLINE_PREFIX_BYTES;
      if (length > INLINE_MAX_BYTES || dataAt + length > end) malformed(`argument ${i} runs past the end`);
      // Copied out: the header's memory may go back to its transport as soon as it is decoded.
      args[i] = copyOf(h, dataAt, length, code, memory);
      at = dataAt + length;
    } else if (type === ARG_STRING) {
      if (at + 4 > end) malformed(`argument ${i} runs past the end`);
      const length = getUint32(h, at);
      at += 4;
      if (at + length > end) malformed(`argument ${i} runs past the end`);
      args[i] = Buffer.from(h.buffer, h.byteOffset + at, length).toString('utf8');
      at += length;
    } else if (type === ARG_TRUE || type === ARG_FALSE) {
      args[i] = type === ARG_TRUE;
    } else if (type === ARG_NULL) {
      args[i] = null;
    } else if (type === ARG_UNDEFINED) {
      args[i] = undefined;
    } else {
      malformed(`argument ${i} has unknown type ${type}`);
    }
  }
  if (at !== end) malformed(`${end - at} bytes left after the arguments`);
  if (segment !== frame.segments.length) malformed(`${frame.segments.length - segment} segments left after the arguments`);
  const coll = wordAt(h, words, 4) | 0;
  const src = wordAt(h, words, 12);
  const seq = float64At(h, words, 20);
  if (numPes !== undefined) {
    if (coll < 0) malformed(`collection ${coll}`);
    if (src >= numPes) malformed(`source PE ${src} (this job has ${numPes})`);
    if (!Number.isSafeInteger(seq) || seq < -1) malformed(`sequence number ${seq}`);
    if (reply !== null && (reply.pe >= numPes || !Number.isSafeInteger(reply.id))) malformed('reply is not a future reference');
  }
  return { kind: Kind.Invoke, coll, index, ep: wordAt(h, words, 8) | 0, args, src, seq, reply, ack: null, hops: wordAt(h, words, 16) };
}

/** The unsigned 32-bit field at byte `at` (a multiple of 4) of header `h`, read as one word when `words` (the same memory) is given. */
function wordAt(h: Uint8Array, words: Uint32Array | undefined, at: number): number {
  return words === undefined ? getUint32(h, at) : words[at >> 2]!;
}

/** The float64 field at byte `at` of header `h`, read as two words when `words` is given and `at` is a multiple of 4. */
function float64At(h: Uint8Array, words: Uint32Array | undefined, at: number): number {
  if (words === undefined || (at & 3) !== 0) return getFloat64(h, at);
  return float64FromHalves(words[at >> 2]!, words[(at >> 2) + 1]!);
}
