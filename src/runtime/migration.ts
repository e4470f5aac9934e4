/**
 * What moves with a migrating chare, and how it is rebuilt on arrival: the chare's own state
 * (its enumerable fields, or what its `pack()` returns, handed to `unpack(state)` on a fresh
 * object whose constructor does not run) and the runtime's state of the element (reduction
 * numbers, per-sender ordering, held messages, channel inboxes, allreduce results).
 */
import { InvalidArgumentError } from '../errors.js';
import { ChannelInbox, type ChannelInboxState } from './channel.js';
import { ELEMENT, NextSequence, type ElementRecord } from './element.js';
import type { Delivery } from './entry-dispatcher.js';
import type { InvokeMessage } from './message.js';
import { assertSerializable } from './serializable-check.js';

/** The runtime's part of a migrating element. */
export interface ElementRuntimeState {
  readonly redNo: [number, number][];
  readonly nextSeq: [number, number][];
  readonly early: [number, InvokeMessage[]][];
  readonly whenQueue: Delivery[];
  readonly allreduceResults: [string, unknown][];
  readonly channels: [string, ChannelInboxState][];
}

/** A chare that defines its own migration state. */
interface SelfPacking {
  pack(): unknown;
  unpack?(state: unknown): void;
}

/** The chare's state for the move, checked to be sendable. Throws UnserializableError naming the field. */
export function packChare(record: ElementRecord): { state: unknown; packed: boolean } {
  const obj = record.obj as Partial<SelfPacking> & Record<string, unknown>;
  if (typeof obj.pack === 'function') {
    const state = obj.pack();
    assertSerializable(state, `${record.label}.pack()`);
    return { state, packed: true };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) fields[key] = obj[key];
  assertSerializable(fields, `${record.label} (migrating its fields; define pack()/unpack() for other state)`);
  return { state: fields, packed: false };
}

/** The runtime's state of the element. */
export function packRuntime(record: ElementRecord): ElementRuntimeState {
  return {
    redNo: [...record.redNo],
    nextSeq: [...record.nextSeq].map(([src, counter]) => [src, counter.next]),
    early: [...record.early].map(([src, held]) => [src, [...held.values()]]),
    whenQueue: [...record.whenQueue],
    allreduceResults: [...record.allreduceResults],
    channels: [...record.channels].map(([key, inbox]) => [key, (inbox as ChannelInbox).toState()]),
  };
}

/** True when the element cannot move now (an async entry method or a channel receive is in progress). */
export function isBusy(record: ElementRecord): boolean {
  if (record.activeAsync > 0) return true;
  for (const inbox of record.channels.values()) if ((inbox as ChannelInbox).waiting) return true;
  return false;
}

/** Rebuilds the chare on arrival (its constructor does not run) and gives it `record`. */
export function unpackChare(cls: { prototype: object; name: string }, record: ElementRecord, state: unknown, packed: boolean): object {
  const obj = Object.create(cls.prototype) as Record<string, unknown> & Partial<SelfPacking>;
  Object.defineProperty(obj, ELEMENT, { value: record, enumerable: false });
  if (packed) {
    if (typeof obj.unpack !== 'function') throw new InvalidArgumentError(`${cls.name} defines pack() but no unpack(state) to rebuild itself after migration`);
    obj.unpack(state);
  } else {
    Object.assign(obj, state as object);
  }
  return obj;
}

/** Restores the runtime's state of an arrived element. */
export function unpackRuntime(record: ElementRecord, state: ElementRuntimeState): void {
  for (const [scope, next] of state.redNo) record.redNo.set(scope, next);
  for (const [src, next] of state.nextSeq) record.nextSeq.set(src, new NextSequence(next));
  for (const [src, held] of state.early) record.early.set(src, new Map(held.map((message) => [message.seq, message])));
  record.whenQueue.push(...state.whenQueue);
  for (const [key, value] of state.allreduceResults) record.allreduceResults.set(key, value);
  for (const [key, inbox] of state.channels) record.channels.set(key, ChannelInbox.fromState(inbox));
}
