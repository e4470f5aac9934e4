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
 * a string as u32 byte length and UTF-8, a binary view as its segment code u8 (its bytes are the
 * frame's next segment).
 */
import { ProtocolError } from '../errors.js';
import type { Frame } from '../transport/transport.js';
import { Kind, type InvokeMessage } from './message.js';
import { segmentBytes, segmentCodeOf, viewOf } from './segment-views.js';

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

const isInt32 = (v: number): boolean => (v | 0) === v;
const isUint32 = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= U32_MAX && Math.floor(v) === v;

/**
 * Bytes the arguments take in the compact form, or -1 when one of them needs msgpack.
 * Strings count their UTF-8 length.
 */
function argumentBytes(args: readonly unknown[]): number {
  let bytes = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (typeof arg) {
      case 'number':
        bytes += 9;
        continue;
      case 'boolean':
      case 'undefined':
        bytes += 1;
        continue;
      case 'string':
        bytes += 5 + Buffer.byteLength(arg, 'utf8');
        continue;
      case 'object':
        if (arg === null) {
          bytes += 1;
          continue;
        }
        if (segmentCodeOf(arg) < 0) return -1;
        bytes += 2;
        continue;
      default:
        return -1;
    }
  }
  return bytes;
}

/** Encodes `msg` in the compact form, or returns null when it does not fit (use msgpack). */
export function encodeCompactInvoke(msg: InvokeMessage): Frame | null {
  const { index, args, reply } = msg;
  if (msg.ack !== null || index.length > MAX_COUNT || args.length > MAX_COUNT) return null;
  if (!isInt32(msg.coll) || !isInt32(msg.ep) || !isUint32(msg.src) || !isUint32(msg.hops)) return null;
  for (let i = 0; i < index.length; i++) if (!isUint32(index[i])) return null;
  if (reply !== null && !isUint32(reply.pe)) return null;
  const argBytes = argumentBytes(args);
  if (argBytes < 0) return null;
  const size = FIXED_BYTES + 4 * index.length + (reply === null ? 0 : REPLY_BYTES) + argBytes;
  const header = Buffer.allocUnsafe(size);
  header[0] = INVOKE_TAG;
  header[1] = reply === null ? 0 : FLAG_REPLY;
  header[2] = index.length;
  header[3] = args.length;
  header.writeInt32LE(msg.coll, 4);
  header.writeInt32LE(msg.ep, 8);
  header.writeUInt32LE(msg.src, 12);
  header.writeUInt32LE(msg.hops, 16);
  header.writeDoubleLE(msg.seq, 20);
  let at = FIXED_BYTES;
  for (let i = 0; i < index.length; i++, at += 4) header.writeUInt32LE(index[i]!, at);
  if (reply !== null) {
    header.writeUInt32LE(reply.pe, at);
    header.writeDoubleLE(reply.id, at + 4);
    at += REPLY_BYTES;
  }
  const segments: Uint8Array[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (typeof arg) {
      case 'number':
        header[at] = ARG_NUMBER;
        header.writeDoubleLE(arg, at + 1);
        at += 9;
        break;
      case 'boolean':
        header[at++] = arg ? ARG_TRUE : ARG_FALSE;
        break;
      case 'undefined':
        header[at++] = ARG_UNDEFINED;
        break;
      case 'string': {
        header[at] = ARG_STRING;
        const length = header.write(arg, at + 5, 'utf8');
        header.writeUInt32LE(length, at + 1);
        at += 5 + length;
        break;
      }
      default:
        if (arg === null) {
          header[at++] = ARG_NULL;
        } else {
          header[at] = ARG_SEGMENT;
          header[at + 1] = segmentCodeOf(arg as object);
          segments.push(segmentBytes(arg as ArrayBufferView));
          at += 2;
        }
    }
  }
  return { header, segments };
}

function malformed(what: string): never {
  throw new ProtocolError(`malformed call header: ${what}`);
}

/**
 * Decodes a compact call header (first byte {@link INVOKE_TAG}). Throws ProtocolError when it is
 * malformed or, given `numPes`, names a PE outside the job or an impossible number (the checks
 * validateMessage makes of a msgpack call; the fixed-width fields imply the others).
 */
export function decodeCompactInvoke(frame: Frame, numPes?: number): InvokeMessage {
  const h = frame.header;
  const end = h.byteLength;
  if (end < FIXED_BYTES) malformed(`${end} bytes`);
  const view = new DataView(h.buffer, h.byteOffset, end);
  const flags = h[1]!;
  const dims = h[2]!;
  const count = h[3]!;
  if ((flags & ~FLAG_REPLY) !== 0) malformed(`unknown flags ${flags}`);
  const hasReply = (flags & FLAG_REPLY) !== 0;
  let at = FIXED_BYTES;
  if (end < at + 4 * dims + (hasReply ? REPLY_BYTES : 0) + count) malformed(`${end} bytes is too short`);
  const index: number[] = new Array(dims);
  for (let i = 0; i < dims; i++, at += 4) index[i] = view.getUint32(at, true);
  let reply: InvokeMessage['reply'] = null;
  if (hasReply) {
    reply = { pe: view.getUint32(at, true), id: view.getFloat64(at + 4, true) };
    at += REPLY_BYTES;
  }
  const args: unknown[] = new Array(count);
  let segment = 0;
  for (let i = 0; i < count; i++) {
    if (at >= end) malformed(`argument ${i} runs past the end`);
    const type = h[at++];
    if (type === ARG_NUMBER) {
      if (at + 8 > end) malformed(`argument ${i} runs past the end`);
      args[i] = view.getFloat64(at, true);
      at += 8;
    } else if (type === ARG_SEGMENT) {
      if (at >= end) malformed(`argument ${i} runs past the end`);
      const bytes = frame.segments[segment++];
      if (bytes === undefined) malformed(`argument ${i} names segment ${segment - 1}, the frame has ${frame.segments.length}`);
      args[i] = viewOf(bytes, h[at++]!);
    } else if (type === ARG_STRING) {
      if (at + 4 > end) malformed(`argument ${i} runs past the end`);
      const length = view.getUint32(at, true);
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
  const coll = view.getInt32(4, true);
  const src = view.getUint32(12, true);
  const seq = view.getFloat64(20, true);
  if (numPes !== undefined) {
    if (coll < 0) malformed(`collection ${coll}`);
    if (src >= numPes) malformed(`source PE ${src} (this job has ${numPes})`);
    if (!Number.isSafeInteger(seq) || seq < -1) malformed(`sequence number ${seq}`);
    if (reply !== null && (reply.pe >= numPes || !Number.isSafeInteger(reply.id))) malformed('reply is not a future reference');
  }
  return { kind: Kind.Invoke, coll, index, ep: view.getInt32(8, true), args, src, seq, reply, ack: null, hops: view.getUint32(16, true) };
}
