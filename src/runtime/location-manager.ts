/**
 * Location management for chare messages: routes each call to the PE where its target lives,
 * forwards through the target's home when the sender does not know, tells senders where the
 * target went, buffers messages for targets not there yet, and delivers every message to an
 * array element exactly once and in per-sender order (per sending PE, a sequence number per
 * target, restored on arrival).
 */
import type { Collection } from './collection.js';
import type { ElementRecord } from './element.js';
import type { Index } from './index-space.js';
import { Kind, type AckRequest, type FutureRef, type InvokeMessage } from './message.js';
import type { PeContext } from './pe-context.js';

/** Most times one message may be forwarded before the runtime declares a routing loop. */
export const MAX_HOPS = 64;

/** Runs a message on an element that lives here (the entry dispatcher). */
export type ElementDeliver = (element: ElementRecord, collection: Collection, message: InvokeMessage) => void;

/** Routes, forwards, buffers and orders messages to chares. */
export class LocationManager {
  readonly #ctx: PeContext;
  readonly #deliver: ElementDeliver;

  constructor(ctx: PeContext, deliver: ElementDeliver) {
    this.#ctx = ctx;
    this.#deliver = deliver;
  }

  /** Sends an entry-method call to element `index` of `coll` (anywhere, this PE included). */
  send(coll: Collection, index: Index, ep: number, args: unknown[], reply: FutureRef | null, ack: AckRequest | null): void {
    const key = coll.key(index);
    const me = this.#ctx.myPe;
    const message: InvokeMessage = {
      kind: Kind.Invoke,
      coll: coll.id,
      index,
      ep,
      args,
      src: me,
      seq: coll.spec.kind === 'array' ? coll.nextOutSeq(key) : -1,
      reply,
      ack,
      hops: 0,
    };
    this.#ctx.send(this.#route(coll, index, key), message);
  }

  /** Best-known PE of an element. */
  #route(coll: Collection, index: Index, key: string): number {
    if (coll.local.has(key)) return this.#ctx.myPe;
    if (coll.spec.kind !== 'array') return coll.homeOf(index);
    const home = coll.homes.get(key);
    if (home !== undefined) return home.pe;
    return coll.cache.get(key) ?? coll.homeOf(index);
  }

  /** Handles an arriving call: deliver if the target is here, else forward or buffer. */
  receive(coll: Collection, message: InvokeMessage): void {
    const key = coll.key(message.index);
    const element = coll.local.get(key);
    if (element !== undefined) {
      this.#inOrder(element, coll, message);
      return;
    }
    const me = this.#ctx.myPe;
    if (coll.spec.kind !== 'array') {
      this.#ctx.fatal(`message for ${coll.label} element [${message.index.join(',')}] reached PE ${me}, where it does not live`);
      return;
    }
    if (coll.homeOf(message.index) !== me) {
      this.#forward(coll.cache.get(key) ?? coll.homeOf(message.index), message);
      return;
    }
    const home = coll.homes.get(key);
    if (home === undefined || home.pe === me) {
      // Not inserted yet (sparse arrays) or on its way here: keep until it arrives.
      let waiting = coll.waiting.get(key);
      if (waiting === undefined) coll.waiting.set(key, (waiting = []));
      waiting.push(message);
      return;
    }
    this.#forward(home.pe, message);
    if (message.src !== me) {
      this.#ctx.send(message.src, { kind: Kind.LocationUpdate, coll: coll.id, index: message.index, pe: home.pe });
    }
  }

  /** Records where an element lives, as told by the home of a forwarded message. */
  updateLocation(coll: Collection, index: Index, pe: number): void {
    const key = coll.key(index);
    if (pe === this.#ctx.myPe) coll.cache.delete(key);
    else coll.cache.set(key, pe);
  }

  /**
   * An element now lives on this PE: registers it and runs what waited for it. `homedHere`
   * says whether this PE is its home.
   */
  arrived(coll: Collection, element: ElementRecord): void {
    coll.local.set(element.key, element);
    coll.cache.delete(element.key);
    const home = coll.homes.get(element.key);
    if (home !== undefined) home.pe = this.#ctx.myPe;
    this.flushWaiting(coll, element.key);
  }

  /** Re-handles messages held at the home for `key` (the element arrived or its location became known). */
  flushWaiting(coll: Collection, key: string): void {
    const waiting = coll.waiting.get(key);
    if (waiting === undefined) return;
    coll.waiting.delete(key);
    for (const message of waiting) this.receive(coll, message);
  }

  #forward(pe: number, message: InvokeMessage): void {
    if (message.hops >= MAX_HOPS) {
      this.#ctx.fatal(`message for element [${message.index.join(',')}] of collection ${message.coll} was forwarded ${MAX_HOPS} times (routing loop)`);
      return;
    }
    this.#ctx.send(pe, { ...message, hops: message.hops + 1 });
  }

  /** Delivers in per-sender sequence order; early messages wait for their turn. */
  #inOrder(element: ElementRecord, coll: Collection, message: InvokeMessage): void {
    if (message.seq < 0) {
      this.#deliver(element, coll, message);
      return;
    }
    const src = message.src;
    const expected = element.nextSeq.get(src) ?? 0;
    if (message.seq > expected) {
      let early = element.early.get(src);
      if (early === undefined) element.early.set(src, (early = new Map()));
      early.set(message.seq, message);
      return;
    }
    if (message.seq < expected) {
      this.#ctx.warn(`dropped a duplicate message (seq ${message.seq} from PE ${src}) for ${element.label}`);
      return;
    }
    let next: InvokeMessage | undefined = message;
    let seq = expected;
    const early = element.early.get(src);
    while (next !== undefined) {
      element.nextSeq.set(src, ++seq);
      this.#deliver(element, coll, next);
      next = early?.get(seq);
      if (next !== undefined) early!.delete(seq);
    }
    if (early !== undefined && early.size === 0) element.early.delete(src);
  }
}
