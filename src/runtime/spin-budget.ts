/**
 * How long an idle PE spins on its polled transports before it parks, adapted to how soon its
 * parks end. A parked PE is woken through the event loop, and on a virtual machine waking a
 * thread whose vCPU went idle takes 100-300 us, more than the default spin. Two PEs that talk
 * back and forth can then fall into a mode where each parks while the other is being woken, so
 * every exchange pays a wake-up: a ping-pong hop of 60-85 us instead of 1.5, windows of 64
 * small messages taking 400 us instead of 40. The budget therefore grows to twice the length
 * of a park that ended sooner than the ceiling (a spin that long would have caught what woke
 * the PE), and falls back to the floor after a park longer than the ceiling (the PE was really
 * idle). An idle PE still parks after at most the ceiling, so it costs no CPU.
 */

/** The spin budget of one PE's scheduler. */
export class SpinBudget {
  readonly #floorMicros: number;
  #ceilingMicros: number;
  #micros: number;

  /** A budget of `floorMicros` that may grow up to `ceilingMicros` (no growth when that is not larger). */
  constructor(floorMicros: number, ceilingMicros: number) {
    this.#floorMicros = floorMicros;
    this.#ceilingMicros = Math.max(floorMicros, ceilingMicros);
    this.#micros = floorMicros;
  }

  /** The budget now, in microseconds. */
  get micros(): number {
    return this.#micros;
  }

  /** The PE was woken `micros` after it parked. */
  parked(micros: number): void {
    this.#micros = micros < this.#ceilingMicros ? Math.min(this.#ceilingMicros, Math.max(this.#micros, 2 * micros)) : this.#floorMicros;
  }

  /**
   * Stops growth: the budget stays at the floor from now on. For PEs that share their cores with
   * other PEs, where a longer spin holds a core that the PE it waits for needs.
   */
  fix(): void {
    this.#ceilingMicros = this.#floorMicros;
    this.#micros = this.#floorMicros;
  }
}

/** True when the host of PE `pe` runs more PEs than it has `cores` (`hosts`: each PE's host index). */
export function hostOversubscribed(hosts: readonly number[], pe: number, cores: number): boolean {
  const mine = hosts[pe];
  let count = 0;
  for (const host of hosts) if (host === mine) count++;
  return count > cores;
}
