/**
 * Parking and waking a PE of a shared-memory region, without blocking its event loop.
 *
 * Each PE owns two shared words: "parked" (1 while it sleeps) and a doorbell counter. To park,
 * the PE starts an `Atomics.waitAsync` on the doorbell (the event loop stays free), publishes
 * parked = 1, and then re-checks everything that could wake it (its incoming rings, and free
 * space where it has a backlog); if anything is there it unparks and polls instead. A waker
 * first publishes its own change (a ring's write counter, a ring's read counter, a closed flag)
 * and then calls {@link ringDoorbell}, which does nothing unless the PE is parked: the hot path
 * of a busy PE pays one shared load, no syscall.
 *
 * No lost wake-up: all the operations involved are sequentially consistent Atomics, so of
 * "waker publishes, then loads parked" and "PE stores parked, then loads the waker's word", at
 * least one of the loads sees the other side's store. Either the PE's re-check sees the change
 * (it does not park), or the waker sees parked = 1, claims it with a compare-exchange (1 -> 0,
 * so only one waker pays for the syscall), bumps the doorbell and notifies. The waiter was
 * started before parked was published, on the doorbell value read then, so a bump that comes
 * before the waiter blocks makes it return at once, and one that comes after wakes it.
 *
 * Keeping the thread alive: a pending `Atomics.waitAsync` does not keep a Node event loop alive,
 * so a worker thread with nothing else to wait for would end while parked and never be woken.
 * While parked, the doorbell holds a referenced (never firing) timer; unparking unreferences it.
 */

/** `Atomics.waitAsync` (Node 16+), which the ES2023 library typings of this project do not declare. */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}
const atomics = Atomics as unknown as AtomicsWaitAsync;

/** Wakes the PE that owns (`parkedSlot`, `bellSlot`) if it is parked; a no-op otherwise. */
export function ringDoorbell(control: Int32Array, parkedSlot: number, bellSlot: number): void {
  if (Atomics.load(control, parkedSlot) !== 0 && Atomics.compareExchange(control, parkedSlot, 1, 0) === 1) {
    Atomics.add(control, bellSlot, 1);
    Atomics.notify(control, bellSlot, 1);
  }
}

/** The parking side, owned by one PE's thread. */
export class Doorbell {
  readonly #control: Int32Array;
  readonly #parkedSlot: number;
  readonly #bellSlot: number;
  /** An Atomics.waitAsync on the doorbell is outstanding (it outlives an aborted park and is reused). */
  #waiting = false;
  #wake: (() => void) | undefined;
  /** Referenced exactly while parked, so that the event loop (and the thread) lives until the wake-up. */
  readonly #keepAlive: ReturnType<typeof setInterval>;

  /** The doorbell of the PE whose words are `parkedSlot` and `bellSlot` in `control`. */
  constructor(control: Int32Array, parkedSlot: number, bellSlot: number) {
    this.#control = control;
    this.#parkedSlot = parkedSlot;
    this.#bellSlot = bellSlot;
    this.#keepAlive = setInterval(() => {}, 0x7fffffff);
    this.#keepAlive.unref();
  }

  /** True between a successful {@link park} and the wake (or {@link unpark}). */
  get parked(): boolean {
    return this.#wake !== undefined;
  }

  /**
   * Publishes "parked" with `wake` to be called once, from the event loop, when rung. The caller
   * must then re-check for work and {@link unpark} if it finds any. Returns false (not parked)
   * when the doorbell was rung meanwhile.
   */
  park(wake: () => void): boolean {
    if (!this.#waiting) {
      const control = this.#control;
      const result = atomics.waitAsync(control, this.#bellSlot, Atomics.load(control, this.#bellSlot));
      if (!result.async) return false;
      this.#waiting = true;
      void result.value.then(this.#onRung);
    }
    this.#wake = wake;
    this.#keepAlive.ref();
    Atomics.store(this.#control, this.#parkedSlot, 1);
    return true;
  }

  /** Withdraws a park (the PE is running again); a later wake-up, if already under way, is ignored. */
  unpark(): void {
    if (this.#wake === undefined) return;
    this.#wake = undefined;
    this.#keepAlive.unref();
    Atomics.store(this.#control, this.#parkedSlot, 0);
  }

  /** Wakes this PE now if it is parked (as a peer would), so that its `wake` runs from the event loop. */
  ring(): void {
    ringDoorbell(this.#control, this.#parkedSlot, this.#bellSlot);
  }

  /** Rings this PE's own doorbell so that an outstanding wait ends (used when closing). */
  release(): void {
    this.unpark();
    clearInterval(this.#keepAlive);
    Atomics.add(this.#control, this.#bellSlot, 1);
    Atomics.notify(this.#control, this.#bellSlot, 1);
  }

  readonly #onRung = (): void => {
    this.#waiting = false;
    const wake = this.#wake;
    if (wake === undefined) return;
    this.unpark();
    wake();
  };
}
