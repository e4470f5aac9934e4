/**
 * Futures: a value that will be sent later, from any PE, and awaited on the PE that created
 * it (Charm4Py's futures). A future can travel inside messages; only its owner can await it.
 */
import { ErrorCode, FutureError, RemoteError } from '../errors.js';
import type { FutureRef, SerializedError } from './message.js';
import { WireRef, type WireRefData } from './wire-ref.js';

/** How a future delivers a value to its owner (implemented by the runtime). */
export interface FutureSender {
  /** Sends `value` (ok) or a serialized error to the future `ref` on its owner PE. */
  sendFutureValue(ref: FutureRef, ok: boolean, value: unknown): void;
}

interface Settlement<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  /** What the future is for, in deadlock reports. */
  readonly label: string;
  /** True once something awaits it (and it counts for the deadlock watchdog). */
  awaited: boolean;
  /** False for futures that the runtime itself settles without a message (waitQD). */
  readonly watched: boolean;
}

/**
 * A future. `await future` (on the PE that created it) gives the value; `future.send(value)`
 * (anywhere) delivers it. Exactly one value may be sent.
 */
export class Future<T = unknown> extends WireRef implements PromiseLike<T> {
  readonly #ref: FutureRef;
  readonly #sender: FutureSender;
  readonly #local: Settlement<T> | null;

  /** @internal Created by the runtime: `charm.createFuture()`, `.ret(...)` calls, reductions. */
  constructor(ref: FutureRef, sender: FutureSender, local: Settlement<T> | null) {
    super();
    this.#ref = ref;
    this.#sender = sender;
    this.#local = local;
  }

  /** PE that owns (and may await) this future. */
  get pe(): number {
    return this.#ref.pe;
  }

  /** Number of this future on its owner PE. */
  get id(): number {
    return this.#ref.id;
  }

  /** Sends the value. From any PE; the owner's awaiters resume. */
  send(value: T): void {
    this.#sender.sendFutureValue(this.#ref, true, value);
  }

  /** Awaits the value. Only on the owner PE (FutureError CHARM_ERR_FUTURE_NOT_LOCAL elsewhere). */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (this.#local !== null) this.#local.awaited = true;
    if (this.#local === null) {
      return Promise.reject(
        new FutureError(ErrorCode.FUTURE_NOT_LOCAL, `future ${this.#ref.pe}:${this.#ref.id} belongs to PE ${this.#ref.pe} and can only be awaited there`),
      ).then(onFulfilled, onRejected);
    }
    return this.#local.promise.then(onFulfilled, onRejected);
  }

  toWireRef(): WireRefData {
    return { t: 'future', pe: this.#ref.pe, id: this.#ref.id };
  }
}

/** The futures owned by one PE, awaiting their values. */
export class FutureTable {
  readonly #pe: number;
  readonly #sender: FutureSender;
  readonly #pending = new Map<number, Settlement<unknown>>();
  #nextId = 1;

  constructor(pe: number, sender: FutureSender) {
    this.#pe = pe;
    this.#sender = sender;
  }

  /** Number of futures created here that have no value yet. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Creates a future owned by this PE. `label` says what it is for (deadlock reports);
   * `watched` false keeps it out of the deadlock watchdog's count.
   */
  create<T>(label = 'a future from charm.createFuture()', watched = true): Future<T> {
    const id = this.#nextId++;
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // An error sent to a future nobody awaits yet must not count as an unhandled rejection.
    promise.catch(() => undefined);
    const settlement: Settlement<T> = { promise, resolve, reject, label, awaited: false, watched };
    this.#pending.set(id, settlement as Settlement<unknown>);
    return new Future<T>({ pe: this.#pe, id }, this.#sender, settlement);
  }

  /** A future owned by another PE, as decoded from a message. */
  remote<T>(ref: FutureRef): Future<T> {
    return new Future<T>(ref, this.#sender, null);
  }

  /**
   * Settles future `id` with a value or a serialized error. Returns false when the future is
   * unknown or already settled (a second value; the caller reports it).
   */
  settle(id: number, ok: boolean, value: unknown): boolean {
    const settlement = this.#pending.get(id);
    if (settlement === undefined) return false;
    this.#pending.delete(id);
    if (ok) settlement.resolve(value);
    else settlement.reject(errorFromWire(value as SerializedError));
    return true;
  }

  /** Futures awaited here that are still waiting for their value, with a description of each. */
  awaited(): { count: number; notes: string[] } {
    const notes: string[] = [];
    let count = 0;
    for (const [id, settlement] of this.#pending) {
      if (!settlement.awaited || !settlement.watched) continue;
      count++;
      if (notes.length < 4) notes.push(`PE ${this.#pe} awaits future ${this.#pe}:${id} (${settlement.label})`);
    }
    return { count, notes };
  }

  /** Rejects every pending future (job shutting down). */
  rejectAll(error: Error): void {
    for (const settlement of this.#pending.values()) settlement.reject(error);
    this.#pending.clear();
  }
}

/** Rebuilds a thrown error sent from another PE. */
export function errorFromWire(info: SerializedError): RemoteError {
  return new RemoteError(info);
}

/** Describes a thrown value for sending to another PE. */
export function errorToWire(error: unknown, pe: number, where: string): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      stack: error.stack ?? `${error.name}: ${error.message}`,
      ...(typeof code === 'string' ? { code } : {}),
      pe,
      where,
    };
  }
  return { name: 'Error', message: String(error), stack: `thrown value: ${String(error)}`, pe, where };
}
