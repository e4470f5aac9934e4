/**
 * Channels: an ordered stream of values between two chares (Charm4Py's Channel). Each side
 * opens the channel with the other's proxy; `send` never blocks; `recv` awaits the next value.
 * Values arrive in the order they were sent, even if either chare migrates in between.
 */
import { BadStateError } from '../errors.js';
import type { ElementRecord, Waiter } from './element.js';
import type { Index } from './index-space.js';

/** How a channel sends (the runtime routes it to the peer chare). */
export interface ChannelTransport {
  /** Delivers [senderKey, port, seq, value] to the peer chare's channel table. */
  sendToPeer(peerColl: number, peerIndex: Index, senderKey: string, port: number, seq: number, value: unknown): void;
}

/** What a channel inbox carries when its chare migrates. */
export interface ChannelInboxState {
  readonly values: unknown[];
  readonly early: [number, unknown][];
  readonly nextSeq: number;
  readonly sendSeq: number;
}

/** Receive side of one channel, kept in the owning chare's record. */
export class ChannelInbox {
  readonly #values: unknown[] = [];
  readonly #early = new Map<number, unknown>();
  readonly #waiters: Waiter<unknown>[] = [];
  #nextSeq = 0;
  /** Sequence number of the next value this side sends. */
  sendSeq = 0;

  /** A value arrived with sequence number `seq`. */
  push(seq: number, value: unknown): void {
    if (seq !== this.#nextSeq) {
      this.#early.set(seq, value);
      return;
    }
    this.#accept(value);
    while (this.#early.has(this.#nextSeq)) {
      const next = this.#early.get(this.#nextSeq);
      this.#early.delete(this.#nextSeq);
      this.#accept(next);
    }
  }

  #accept(value: unknown): void {
    this.#nextSeq++;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve(value);
    else this.#values.push(value);
  }

  /** True while a `recv` is waiting (the chare is inside an async method and cannot migrate). */
  get waiting(): boolean {
    return this.#waiters.length > 0;
  }

  /** The inbox's state, for migration (no recv may be waiting). */
  toState(): ChannelInboxState {
    return { values: [...this.#values], early: [...this.#early], nextSeq: this.#nextSeq, sendSeq: this.sendSeq };
  }

  /** Rebuilds an inbox from its migrated state. */
  static fromState(state: ChannelInboxState): ChannelInbox {
    const inbox = new ChannelInbox();
    inbox.#values.push(...state.values);
    for (const [seq, value] of state.early) inbox.#early.set(seq, value);
    inbox.#nextSeq = state.nextSeq;
    inbox.sendSeq = state.sendSeq;
    return inbox;
  }

  /** The next value, now if one is waiting. */
  recv(): Promise<unknown> {
    if (this.#values.length > 0) return Promise.resolve(this.#values.shift());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}

/** Key of a chare within the job: collection and index. */
export function chareKey(coll: number, index: Index): string {
  return `${coll}:${index.join(',')}`;
}

/** The inbox of `owner` for values from `peerKey` on `port`, created on first use. */
export function inboxOf(owner: ElementRecord, peerKey: string, port: number): ChannelInbox {
  const key = `${peerKey}#${port}`;
  let inbox = owner.channels.get(key) as ChannelInbox | undefined;
  if (inbox === undefined) owner.channels.set(key, (inbox = new ChannelInbox()));
  return inbox;
}

/** One end of a channel between the chare that opened it and a peer chare. */
export class Channel<T = unknown> {
  readonly #owner: ElementRecord;
  readonly #peerColl: number;
  readonly #peerIndex: Index;
  readonly #port: number;
  readonly #transport: ChannelTransport;
  readonly #inbox: ChannelInbox;
  readonly #ownerKey: string;

  /** @internal Opened with `charm.channel(this, peerProxy, port)`. */
  constructor(owner: ElementRecord, ownerColl: number, peerColl: number, peerIndex: Index, port: number, transport: ChannelTransport) {
    this.#owner = owner;
    this.#peerColl = peerColl;
    this.#peerIndex = peerIndex;
    this.#port = port;
    this.#transport = transport;
    this.#ownerKey = chareKey(ownerColl, owner.index);
    this.#inbox = inboxOf(owner, chareKey(peerColl, peerIndex), port);
  }

  /** Sends `value` to the peer. Never blocks. The value is handed over: do not modify it afterwards. */
  send(value: T): void {
    const seq = this.#inbox.sendSeq++;
    this.#transport.sendToPeer(this.#peerColl, this.#peerIndex, this.#ownerKey, this.#port, seq, value);
  }

  /** Awaits the next value from the peer (in send order). Only inside the owning chare's PE. */
  recv(): Promise<T> {
    if (this.#owner.obj === undefined) throw new BadStateError('channel used before its chare was constructed');
    return this.#inbox.recv() as Promise<T>;
  }
}
