/**
 * Location management for chare messages: routes each call to the PE where its target lives,
 * forwards through the target's home when the sender does not know, tells senders where the
 * target went, buffers messages for targets not there yet, moves elements between PEs, and
 * delivers every message to an array element exactly once and in per-sender order (per
 * sending PE, a sequence number per target, restored on arrival and carried by migration).
 */
import type { Collection, ElementAddress, Location } from './collection.js';
import { ElementRecord, NextSequence } from './element.js';
import type { Index } from './index-space.js';
import { Kind, type AckRequest, type FutureRef, type InvokeMessage, type MigrateMessage } from './message.js';
import { packChare, packRuntime, unpackChare, unpackRuntime, type ElementRuntimeState } from './migration.js';
import type { PeContext } from './pe-context.js';
import type { ChareServices } from '../chares/chare-services.js';

/**
 * Most times one message may be forwarded. Location epochs make forwarding loops impossible;
 * this only stops a message chasing an element that moves faster than messages reach it.
 */
export const MAX_HOPS = 1000;

/** Runs a message on an element that lives here (the entry dispatcher). */
export type ElementDeliver = (element: ElementRecord, collection: Collection, message: InvokeMessage) => void;

/** Told when a migrated element has landed here (the load balancer counts arrivals). */
export type ArrivalListener = (coll: Collection, element: ElementRecord, notify: number) => void;

/** Routes, forwards, buffers, migrates and orders messages to chares. */
export class LocationManager {
  readonly #ctx: PeContext;
  readonly #deliver: ElementDeliver;
  #services: ChareServices | undefined;
  #onArrival: ArrivalListener = () => undefined;

  constructor(ctx: PeContext, deliver: ElementDeliver) {
    this.#ctx = ctx;
    this.#deliver = deliver;
  }

  /** Sets what rebuilt elements use to reach the runtime, and who hears of arrivals. */
  connect(services: ChareServices, onArrival: ArrivalListener): void {
    this.#services = services;
    this.#onArrival = onArrival;
  }

  /** Sends an entry-method call to element `index` of `coll` (anywhere, this PE included). */
  send(coll: Collection, index: Index, ep: number, args: unknown[], reply: FutureRef | null, ack: AckRequest | null): void {
    this.sendTo(coll, coll.address(index), ep, args, reply, ack);
  }

  /** Sends an entry-method call to the element at `address` of `coll`. */
  sendTo(coll: Collection, address: ElementAddress, ep: number, args: unknown[], reply: FutureRef | null, ack: AckRequest | null): void {
    const message: InvokeMessage = {
      kind: Kind.Invoke,
      coll: coll.id,
      index: address.index,
      ep,
      args,
      src: this.#ctx.myPe,
      seq: coll.spec.kind === 'array' ? address.nextSeq++ : -1,
      reply,
      ack,
      hops: 0,
    };
    this.#ctx.send(this.#route(coll, address), message);
  }

  /** Best-known PE of the element at `address` (worked out again only after locations changed). */
  #route(coll: Collection, address: ElementAddress): number {
    if (address.routedVersion === coll.locationVersion) return address.routedPe;
    const key = address.key;
    let pe: number;
    if (coll.local.has(key)) pe = this.#ctx.myPe;
    else if (coll.spec.kind !== 'array') pe = address.home;
    else pe = (coll.homes.get(key) ?? coll.cache.get(key))?.pe ?? address.home;
    address.routedPe = pe;
    address.routedVersion = coll.locationVersion;
    return pe;
  }

  /** Handles an arriving call: deliver if the target is here, else forward or buffer. */
  receive(coll: Collection, message: InvokeMessage): void {
    const element = coll.localElement(message.index);
    if (element !== undefined) {
      this.#inOrder(element, coll, message);
      return;
    }
    const key = coll.key(message.index);
    const me = this.#ctx.myPe;
    if (coll.spec.kind !== 'array') {
      this.#ctx.fatal(`message for ${coll.label} element [${message.index.join(',')}] reached PE ${me}, where it does not live`);
      return;
    }
    if (coll.homeOf(message.index) !== me) {
      this.#forward(coll.cache.get(key)?.pe ?? coll.homeOf(message.index), message);
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
      this.#ctx.send(message.src, { kind: Kind.LocationUpdate, coll: coll.id, index: message.index, pe: home.pe, epoch: home.epoch });
    }
  }

  /** Records news of where an element lives; older news than what this PE knows is ignored. */
  updateLocation(coll: Collection, index: Index, pe: number, epoch: number): void {
    const key = coll.key(index);
    if (coll.local.has(key)) return;
    const home = coll.homes.get(key);
    const known: Location | undefined = home ?? coll.cache.get(key);
    if (known !== undefined && known.epoch > epoch) return;
    coll.locationsChanged();
    if (home !== undefined) {
      home.pe = pe;
      home.epoch = epoch;
      this.flushWaiting(coll, key);
    } else {
      coll.cache.set(key, { pe, epoch });
    }
  }

  /** An element now lives on this PE: registers it and runs what waited for it. */
  arrived(coll: Collection, element: ElementRecord): void {
    coll.locationsChanged();
    coll.local.set(element.key, element);
    coll.cache.delete(element.key);
    const home = coll.homes.get(element.key);
    if (home !== undefined) {
      home.pe = this.#ctx.myPe;
      home.epoch = element.epoch;
    }
    this.flushWaiting(coll, element.key);
  }

  /** Re-handles messages held at the home for `key` (the element arrived or its location became known). */
  flushWaiting(coll: Collection, key: string): void {
    const waiting = coll.waiting.get(key);
    if (waiting === undefined) return;
    coll.waiting.delete(key);
    for (const message of waiting) this.receive(coll, message);
  }

  /**
   * Moves a local, idle element to PE `dest`: packs it (throws UnserializableError naming the
   * field that cannot travel, leaving the element in place), leaves a forwarding pointer, and
   * sends it. `notify` (or -1) is told of the arrival.
   */
  migrateOut(coll: Collection, element: ElementRecord, dest: number, notify: number): void {
    const { state, packed } = packChare(element);
    const runtime = packRuntime(element);
    const epoch = element.epoch + 1;
    coll.locationsChanged();
    coll.local.delete(element.key);
    const home = coll.homes.get(element.key);
    if (home !== undefined) {
      home.pe = dest;
      home.epoch = epoch;
    } else {
      coll.cache.set(element.key, { pe: dest, epoch });
    }
    const message: MigrateMessage = { kind: Kind.Migrate, coll: coll.id, index: element.index, state, packed, runtime, notify, epoch };
    this.#ctx.send(dest, message);
  }

  /** A migrating element arrived: rebuild it, register it, tell its home, run its `migrated()` hook. */
  migrateIn(coll: Collection, message: MigrateMessage): void {
    const element = new ElementRecord(this.#services!, { id: coll.id, className: coll.info.name, kind: coll.spec.kind }, message.index, coll.key(message.index));
    element.epoch = message.epoch;
    try {
      element.obj = unpackChare(coll.info.cls as unknown as { prototype: object; name: string }, element, message.state, message.packed);
    } catch (error) {
      this.#ctx.fatal(`${element.label} could not be rebuilt on PE ${this.#ctx.myPe} after migrating: ${(error as Error)?.stack ?? String(error)}`);
      return;
    }
    unpackRuntime(element, message.runtime as ElementRuntimeState);
    const home = coll.homeOf(message.index);
    if (home !== this.#ctx.myPe) {
      this.#ctx.send(home, { kind: Kind.LocationUpdate, coll: coll.id, index: message.index, pe: this.#ctx.myPe, epoch: element.epoch });
    }
    this.arrived(coll, element);
    const hook = (element.obj as { migrated?: () => void }).migrated;
    if (typeof hook === 'function') {
      try {
        hook.call(element.obj);
      } catch (error) {
        this.#ctx.fatal(`${element.label}.migrated() threw on PE ${this.#ctx.myPe}: ${(error as Error)?.stack ?? String(error)}`);
        return;
      }
    }
    this.#onArrival(coll, element, message.notify);
    this.#drainEarly(element, coll);
  }

  #forward(pe: number, message: InvokeMessage): void {
    if (message.hops >= MAX_HOPS) {
      this.#ctx.fatal(`message for element [${message.index.join(',')}] of collection ${message.coll} was forwarded ${MAX_HOPS} times without reaching it (the element moves faster than messages can follow)`);
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
    const counter = element.nextSeq.get(src);
    const expected = counter === undefined ? 0 : counter.next;
    if (message.seq < expected) {
      this.#ctx.warn(`dropped a duplicate message (seq ${message.seq} from PE ${src}) for ${element.label}`);
      return;
    }
    if (message.seq === expected && (element.early.size === 0 || !element.early.has(src))) {
      advance(element, src, counter, expected + 1);
      this.#deliver(element, coll, message);
      return;
    }
    let early = element.early.get(src);
    if (early === undefined) element.early.set(src, (early = new Map()));
    early.set(message.seq, message);
    this.#drainEarly(element, coll, src);
  }

  /** Delivers held messages that are next in line, while the element stays on this PE. */
  #drainEarly(element: ElementRecord, coll: Collection, only?: number): void {
    for (const [src, early] of element.early) {
      if (only !== undefined && src !== only) continue;
      for (;;) {
        if (coll.local.get(element.key) !== element) return;
        const counter = element.nextSeq.get(src);
        const seq = counter === undefined ? 0 : counter.next;
        const next = early.get(seq);
        if (next === undefined) break;
        early.delete(seq);
        advance(element, src, counter, seq + 1);
        this.#deliver(element, coll, next);
      }
      if (early.size === 0) element.early.delete(src);
    }
  }
}

/** Sets the sequence number `element` expects next from `src` (`counter`: its counter, when it has one). */
function advance(element: ElementRecord, src: number, counter: NextSequence | undefined, next: number): void {
  if (counter === undefined) element.nextSeq.set(src, new NextSequence(next));
  else counter.next = next;
}
