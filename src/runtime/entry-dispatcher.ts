/**
 * Runs entry methods on the chares of this PE: checks the call, holds it while its `when`
 * condition is false, has it timed for load balancing (see load-meter.ts), and sends its
 * outcome where it was asked for (a reply future, a broadcast's completion count). An error with
 * nobody awaiting it ends the job with the chare, method, PE and stack named.
 */
import { BadArgumentsError, ProtocolError } from '../errors.js';
import type { Collection } from './collection.js';
import type { ElementRecord } from './element.js';
import { errorToWire } from './future.js';
import type { LentBuffers, ReceivedFrame } from './lent-buffers.js';
import { LoadMeter } from './load-meter.js';
import type { AckRequest, FutureRef, SerializedError } from './message.js';
import type { PeContext } from './pe-context.js';
import { describeArity, type EntryInfo } from './registry.js';
import { assertSerializable } from './serializable-check.js';

/** One call to run on a chare. */
export interface Delivery {
  readonly ep: number;
  readonly args: unknown[];
  readonly reply: FutureRef | null;
  readonly ack: AckRequest | null;
  /** The frame the arguments were decoded from (remote calls with segments), lent to a borrowing method. */
  readonly received?: ReceivedFrame | undefined;
}

/** A runtime-internal entry method (negative id). */
export type InternalEntry = (element: ElementRecord, collection: Collection, args: unknown[]) => void;

/** Called when an element has finished a call and runs no async entry method. */
export type IdleHook = (element: ElementRecord, collection: Collection) => void;

/** Where outcomes go. */
export interface OutcomeSink {
  /** Sends a value or error to a future. */
  sendFutureValue(ref: FutureRef, ok: boolean, value: unknown): void;
  /** Counts one member's completion of an awaitable broadcast (error: the first failure). */
  acknowledge(element: ElementRecord, collection: Collection, ack: AckRequest, error: SerializedError | null): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Runs calls on local chares. */
export class EntryDispatcher {
  readonly #ctx: PeContext;
  readonly #sink: OutcomeSink;
  readonly #internal = new Map<number, InternalEntry>();
  readonly #lent: LentBuffers;
  readonly #meter: LoadMeter;
  #idle: IdleHook = () => undefined;

  /**
   * `lent` lends received frames to borrowing entry methods and takes them back after the call;
   * `meter` charges each call's time to its element (the scheduler's meter, so that one clock
   * reading per message serves both).
   */
  constructor(ctx: PeContext, sink: OutcomeSink, lent: LentBuffers, meter: LoadMeter = new LoadMeter()) {
    this.#ctx = ctx;
    this.#sink = sink;
    this.#lent = lent;
    this.#meter = meter;
  }

  /** Sets the hook run when an element with a pending migration becomes idle. */
  onIdle(hook: IdleHook): void {
    this.#idle = hook;
  }

  /** Registers the handler of a runtime-internal entry id. */
  addInternal(ep: number, handler: InternalEntry): void {
    this.#internal.set(ep, handler);
  }

  /** Runs (or holds) a call on `element`, then retries calls held by `when` conditions. */
  deliver(element: ElementRecord, coll: Collection, delivery: Delivery): void {
    if (delivery.ep < 0) {
      const handler = this.#internal.get(delivery.ep);
      if (handler === undefined) this.#ctx.warn(`dropped a call to unknown internal entry ${delivery.ep} of ${element.label}`);
      else handler(element, coll, delivery.args);
      return;
    }
    const entry = coll.info.entries[delivery.ep];
    if (entry === undefined) {
      // Only a corrupt or hostile message names an entry id that does not exist: refuse it, keep running.
      const error = new ProtocolError(`${coll.info.name} has no entry method #${delivery.ep}`);
      if (delivery.reply !== null) this.#sink.sendFutureValue(delivery.reply, false, errorToWire(error, this.#ctx.myPe, element.label));
      this.#ctx.warn(`dropped a call to ${element.label}: ${error.message}`);
      return;
    }
    if (entry.when !== undefined && !this.#whenHolds(element, entry, delivery)) {
      element.whenQueue.push(delivery);
      return;
    }
    this.#execute(element, coll, entry, delivery);
    if (element.whenQueue.length > 0) this.#retryHeld(element, coll);
    if (element.pendingMove !== null && element.activeAsync === 0) this.#idle(element, coll);
  }

  #whenHolds(element: ElementRecord, entry: EntryInfo, delivery: Delivery): boolean {
    try {
      return Boolean(entry.when!(element.obj, ...delivery.args));
    } catch (error) {
      this.#ctx.fatal(`the when condition of ${element.label}.${entry.name} threw on PE ${this.#ctx.myPe}: ${(error as Error)?.stack ?? String(error)}`);
      return false;
    }
  }

  /** Runs held calls whose condition now holds, oldest first, until none does. */
  #retryHeld(element: ElementRecord, coll: Collection): void {
    const queue = element.whenQueue;
    let progress = true;
    while (progress && queue.length > 0) {
      progress = false;
      for (let i = 0; i < queue.length; i++) {
        const delivery = queue[i]!;
        const entry = coll.info.entries[delivery.ep]!;
        if (this.#whenHolds(element, entry, delivery)) {
          queue.splice(i, 1);
          this.#execute(element, coll, entry, delivery);
          progress = true;
          break;
        }
      }
    }
  }

  #execute(element: ElementRecord, coll: Collection, entry: EntryInfo, delivery: Delivery): void {
    const lent = entry.borrows && delivery.received !== undefined ? delivery.received : undefined;
    if (lent !== undefined) this.#lent.lend(lent);
    if (!this.#call(element, coll, entry, delivery, lent) && lent !== undefined) this.#lent.settle(lent);
  }

  /** Runs the call; returns true when it is still running (async), and then settles `lent` when it ends. */
  #call(element: ElementRecord, coll: Collection, entry: EntryInfo, delivery: Delivery, lent: ReceivedFrame | undefined): boolean {
    if (delivery.args.length < entry.minArgs || delivery.args.length > entry.maxArgs) {
      this.#fail(element, coll, entry.name, delivery, new BadArgumentsError(`${element.label}.${entry.name} takes ${describeArity(entry)}, got ${delivery.args.length}`));
      return false;
    }
    const meter = this.#meter;
    meter.start(element);
    let result: unknown;
    try {
      result = entry.fn.apply(element.obj, delivery.args);
    } catch (error) {
      meter.stop();
      this.#fail(element, coll, entry.name, delivery, error);
      return false;
    }
    meter.stop();
    if (!isThenable(result)) {
      this.#succeed(element, coll, entry.name, delivery, result);
      return false;
    }
    element.activeAsync++;
    result.then(
      (value) => {
        element.activeAsync--;
        this.#succeed(element, coll, entry.name, delivery, value);
        if (lent !== undefined) this.#lent.settle(lent);
        this.#afterAsync(element, coll);
      },
      (error: unknown) => {
        element.activeAsync--;
        this.#fail(element, coll, entry.name, delivery, error);
        if (lent !== undefined) this.#lent.settle(lent);
        this.#afterAsync(element, coll);
      },
    );
    return true;
  }

  #afterAsync(element: ElementRecord, coll: Collection): void {
    if (coll.local.get(element.key) !== element) return;
    if (element.whenQueue.length > 0) this.#retryHeld(element, coll);
    if (element.pendingMove !== null && element.activeAsync === 0) this.#idle(element, coll);
  }

  #succeed(element: ElementRecord, coll: Collection, method: string, delivery: Delivery, value: unknown): void {
    if (delivery.reply !== null) {
      try {
        assertSerializable(value, `the return value of ${element.label}.${method}`);
      } catch (error) {
        this.#fail(element, coll, method, delivery, error);
        return;
      }
      this.#sink.sendFutureValue(delivery.reply, true, value);
    }
    if (delivery.ack !== null) this.#sink.acknowledge(element, coll, delivery.ack, null);
  }

  #fail(element: ElementRecord, coll: Collection, method: string, delivery: Delivery, error: unknown): void {
    const where = `${element.label}.${method}`;
    if (delivery.reply !== null) {
      this.#sink.sendFutureValue(delivery.reply, false, errorToWire(error, this.#ctx.myPe, where));
      return;
    }
    if (delivery.ack !== null) {
      this.#sink.acknowledge(element, coll, delivery.ack, errorToWire(error, this.#ctx.myPe, where));
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    const hint =
      element.epoch > 0 && error instanceof TypeError && /private member|private field/.test(error.message)
        ? `\n(${element.label} has migrated: JavaScript #private fields do not move with a chare; keep its state in ordinary fields, or define pack()/unpack())`
        : '';
    this.#ctx.fatal(`uncaught error in ${where} on PE ${this.#ctx.myPe} (no caller awaits it):\n${detail}${hint}`);
  }
}
