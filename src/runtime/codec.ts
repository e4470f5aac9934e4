/**
 * Envelope <-> frame. A call on one chare with simple arguments takes the compact binary form
 * of {@link encodeCompactInvoke}; every other envelope is msgpack (msgpackr, positional fields per kind); every
 * typed array, Buffer, DataView or ArrayBuffer inside it travels as a raw segment beside the
 * header, never through msgpack, and is decoded as a view on the received bytes (copied only
 * when the bytes are misaligned for the element type). Proxies, futures and callbacks travel
 * as references and are rebuilt on the receiving PE by a {@link WireRefResolver}.
 *
 * msgpackr keeps its extension table in module state, so the extensions are registered once
 * per realm and reach the codec doing the current encode/decode through a slot that is set
 * for the duration of that (synchronous) call only.
 */
import { addExtension, Packr } from 'msgpackr';
import { ProtocolError } from '../errors.js';
import type { Frame } from '../transport/transport.js';
import type { OutgoingHeader } from '../transport/header-scratch.js';
import { decodeCompactInvoke, encodeCompactInvoke, encodeCompactInvokeInto, INVOKE_TAG } from './invoke-wire.js';
import { Kind, MESSAGE_FIELDS, type KindValue, type Message } from './message.js';
import { SEGMENT_CLASSES, segmentBytes, viewOf } from './segment-views.js';
import { assertSerializable } from './serializable-check.js';
import { SmallArrayMemory } from './small-array-memory.js';
import { validateMessage } from './message-validation.js';
import { WireRef, type WireRefData, type WireRefResolver } from './wire-ref.js';

/** msgpack extension type of a raw segment reference. */
const EXT_SEGMENT = 0x20;
/** msgpack extension type of a proxy/future/callback reference. */
const EXT_WIRE_REF = 0x21;
/** msgpack extension type of a Map (msgpackr would otherwise decode it as a plain object). */
const EXT_MAP = 0x22;

/**
 * A Map on its way out. msgpackr writes Maps natively (as msgpack maps, which decode as plain
 * objects here) before it looks at extensions, so the codec wraps every Map in this class first.
 */
class WireMap {
  constructor(readonly entries: [unknown, unknown][]) {}
}

/**
 * Returns `value` with every Map inside it wrapped in a {@link WireMap}: the same object when
 * it holds no Map, otherwise a copy of the containers on the way to each Map.
 */
function wrapMaps(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof WireRef) return value;
  if (value instanceof Map) return new WireMap([...value].map(([k, v]) => [wrapMaps(k), wrapMaps(v)]));
  if (value instanceof Set) {
    let changed = false;
    const items = [...value].map((v) => {
      const w = wrapMaps(v);
      if (w !== v) changed = true;
      return w;
    });
    return changed ? new Set(items) : value;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      const w = wrapMaps(v);
      if (w !== v) (copy ??= value.slice())[i] = w;
    }
    return copy ?? value;
  }
  if (value instanceof Date) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'object' || v === null) continue;
    const w = wrapMaps(v);
    if (w !== v) (copy ??= { ...(value as Record<string, unknown>) })[key] = w;
  }
  return copy ?? value;
}

interface EncodeState {
  segments: Uint8Array[];
}
interface DecodeState {
  segments: readonly Uint8Array[];
  resolver: WireRefResolver;
}

let activeEncode: EncodeState | null = null;
let activeDecode: DecodeState | null = null;
let extensionsRegistered = false;

function encodeSegment(bytes: Uint8Array, code: number): [number, number, number] {
  const state = activeEncode;
  if (state === null) throw new Error('segment encoded outside Codec.encode');
  state.segments.push(bytes);
  return [state.segments.length - 1, code, bytes.length];
}

function decodeSegment(data: unknown): unknown {
  const state = activeDecode;
  if (state === null) throw new ProtocolError('segment reference decoded outside Codec.decode');
  if (!Array.isArray(data) || data.length !== 3) throw new ProtocolError('malformed segment reference');
  const [index, code, byteLength] = data as [unknown, unknown, unknown];
  if (typeof index !== 'number' || typeof code !== 'number' || typeof byteLength !== 'number') {
    throw new ProtocolError('malformed segment reference');
  }
  const bytes = state.segments[index];
  if (bytes === undefined) throw new ProtocolError(`segment ${index} missing (frame has ${state.segments.length})`);
  if (bytes.length !== byteLength) {
    throw new ProtocolError(`segment ${index} has ${bytes.length} bytes, header says ${byteLength}`);
  }
  return viewOf(bytes, code);
}

/** Registers the extensions once per realm (msgpackr's table is module state shared by all Packr instances). */
function registerExtensions(): void {
  if (extensionsRegistered) return;
  extensionsRegistered = true;
  const add = addExtension;
  add({ Class: WireMap, type: EXT_MAP, write: (m: WireMap) => m.entries, read: (pairs: unknown) => {
    if (!Array.isArray(pairs)) throw new ProtocolError('malformed Map');
    return new Map(pairs as [unknown, unknown][]);
  } });
  add({ Class: WireRef, type: EXT_WIRE_REF, write: (ref: WireRef) => ref.toWireRef(), read: (data: unknown) => {
    const state = activeDecode;
    if (state === null) throw new ProtocolError('reference decoded outside Codec.decode');
    if (typeof data !== 'object' || data === null) throw new ProtocolError('malformed reference');
    return state.resolver.resolve(data as WireRefData);
  } });
  // In SEGMENT_CLASSES order, Buffer last so that it is checked first (msgpackr prepends).
  for (const [Class, code] of SEGMENT_CLASSES) {
    add({ Class, type: EXT_SEGMENT, write: (v: ArrayBufferView | ArrayBuffer) => encodeSegment(segmentBytes(v), code), read: decodeSegment });
  }
}

function describeKind(kind: unknown): string {
  return typeof kind === 'number' ? String(kind) : `of type ${kind === null ? 'null' : typeof kind}`;
}

/**
 * Encodes and decodes envelopes for one PE. Stateless between calls; `resolver` rebuilds
 * references on decode.
 */
export class Codec {
  readonly #packr: Packr;
  readonly #resolver: WireRefResolver;
  readonly #numPes: number | undefined;
  /** Where small binary arguments of compact calls are copied on decode. */
  readonly #smallArrays = new SmallArrayMemory();

  /** `numPes`, when given, makes decode check every message's fields (PE numbers included). */
  constructor(resolver: WireRefResolver, numPes?: number) {
    this.#numPes = numPes;
    // copyBuffers: a decoded message never refers to its frame's header, which a transport may lend.
    this.#packr = new Packr({ useRecords: false, moreTypes: true, mapsAsObjects: true, structuredClone: false, copyBuffers: true });
    registerExtensions();
    this.#resolver = resolver;
  }

  /**
   * Checks that `args` (the user-supplied part of a message) can be sent; throws
   * UnserializableError naming the offending value otherwise. `where` prefixes the path.
   */
  checkArgs(args: unknown, where: string): void {
    assertSerializable(args, where);
  }

  /**
   * Encodes `msg`. Typed arrays inside become segments that alias the caller's memory: the
   * caller hands them over and must not modify them afterwards.
   */
  encode(msg: Message): Frame {
    if (msg.kind === Kind.Invoke) {
      const compact = encodeCompactInvoke(msg);
      if (compact !== null) return compact;
    }
    const fields = MESSAGE_FIELDS[msg.kind];
    const wire: unknown[] = new Array(fields.length + 1);
    wire[0] = msg.kind;
    const record = msg as unknown as Record<string, unknown>;
    for (let i = 0; i < fields.length; i++) wire[i + 1] = wrapMaps(record[fields[i]!]);
    const previous = activeEncode;
    const state: EncodeState = { segments: [] };
    activeEncode = state;
    try {
      return { header: this.#packr.pack(wire), segments: state.segments };
    } finally {
      activeEncode = previous;
    }
  }

  /**
   * Encodes `msg` into `target` from byte 0 when it is a call on one chare that takes the
   * compact form without segments and fits; returns the header's length, or -1 (use
   * {@link encode}; `target` may hold part of a header then). The frame is that header alone.
   */
  encodeHeaderInto(msg: Message, target: OutgoingHeader): number {
    return msg.kind === Kind.Invoke ? encodeCompactInvokeInto(msg, target) : -1;
  }

  /** Decodes a frame. Throws ProtocolError when it is not a valid envelope. */
  decode(frame: Frame): Message {
    if (frame.header[0] === INVOKE_TAG) return decodeCompactInvoke(frame, this.#numPes, this.#smallArrays);
    const previous = activeDecode;
    activeDecode = { segments: frame.segments, resolver: this.#resolver };
    let wire: unknown;
    try {
      wire = this.#packr.unpack(frame.header);
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      throw new ProtocolError(`undecodable header: ${(error as Error).message}`);
    } finally {
      activeDecode = previous;
    }
    if (!Array.isArray(wire) || wire.length === 0) throw new ProtocolError('header is not an envelope');
    const kind = wire[0] as KindValue;
    if (typeof kind !== 'number' || !Object.hasOwn(MESSAGE_FIELDS, kind)) throw new ProtocolError(`unknown message kind ${describeKind(wire[0])}`);
    const fields = MESSAGE_FIELDS[kind];
    if (wire.length !== fields.length + 1) {
      throw new ProtocolError(`message kind ${kind} has ${wire.length - 1} fields, expected ${fields.length}`);
    }
    const msg: Record<string, unknown> = { kind };
    for (let i = 0; i < fields.length; i++) msg[fields[i]!] = wire[i + 1];
    if (this.#numPes !== undefined) validateMessage(msg as unknown as Message, this.#numPes);
    return msg as unknown as Message;
  }
}
