/**
 * Charm++-style load measurement at one clock reading per message. The scheduler reads its
 * clock once between two messages anyway (for its time budget); the meter turns those readings
 * into per-element load instead of reading the clock twice more around every entry method:
 *
 * - a message's time, from the reading before it (which covers receiving and decoding it) to
 *   the reading after it, is charged to the element its entry method ran on (for a message an
 *   idle spin found, the reading before is the spin's last, at most one batch of polls before
 *   the message was found: no reading is taken between finding a message and running it);
 * - when one message runs entry methods on several elements (a broadcast reaching this PE's
 *   members), the clock is read as each further element starts, so each gets its own share;
 * - an entry method run outside any message (a call held by `when` that an async method's
 *   completion releases) is timed on its own, with a reading before and after.
 *
 * A message that runs no entry method (a reduction step, a future's value) is charged to no
 * element: it is background load, as in Charm++.
 */
import { performance } from 'node:perf_hooks';

/**
 * The monotonic clock in milliseconds, as the scheduler and the meter read it
 * (`performance.now`: as fast to read as `process.hrtime.bigint` converted, without the bigint
 * to allocate).
 */
export function monotonicMs(): number {
  return performance.now();
}

/** What load is charged to (an element record). */
export interface LoadCarrier {
  /** Seconds of measured time. */
  load: number;
}

/** Per-message load accounting for one PE; see the file comment. */
export class LoadMeter {
  readonly #clock: () => number;
  /** The element charged for the time since `#since`, or null. */
  #element: LoadCarrier | null = null;
  #since = 0;
  #inMessage = false;

  /** `clock` reads milliseconds (default {@link monotonicMs}; the scheduler's readings must use the same clock). */
  constructor(clock: () => number = monotonicMs) {
    this.#clock = clock;
  }

  /** The scheduler takes a message; `now` is its latest clock reading. */
  begin(now: number): void {
    this.#inMessage = true;
    this.#element = null;
    this.#since = now;
  }

  /** The scheduler is done with the message; `now` is the reading it took after it. */
  end(now: number): void {
    this.#inMessage = false;
    const element = this.#element;
    if (element === null) return;
    element.load += (now - this.#since) / 1000;
    this.#element = null;
  }

  /** An entry method is about to run on `element`. */
  start(element: LoadCarrier): void {
    if (this.#inMessage && this.#element === null) {
      this.#element = element;
      return;
    }
    // A further element in the same message, or a run outside any message: close what ran before.
    const now = this.#clock();
    const previous = this.#element;
    if (previous !== null) previous.load += (now - this.#since) / 1000;
    this.#element = element;
    this.#since = now;
  }

  /** The entry method that {@link start} announced has returned (its synchronous part is done). */
  stop(): void {
    if (this.#inMessage) return;
    const element = this.#element;
    if (element === null) return;
    element.load += (this.#clock() - this.#since) / 1000;
    this.#element = null;
  }
}
