/**
 * Watches the processes of same-host peers. UCX reports nothing when a peer behind shared memory
 * dies (its messages simply stop), so the transport asks the kernel now and then whether each
 * such peer's process still exists.
 */

/** Same-host peers by PE, with their process ids. */
export class LocalPeerWatch {
  readonly #pids = new Map<number, number>();

  /** Watches `pe`, which runs as process `pid`. */
  add(pe: number, pid: number): void {
    this.#pids.set(pe, pid);
  }

  /** Stops watching `pe`. */
  delete(pe: number): void {
    this.#pids.delete(pe);
  }

  /** Watched peers. */
  get size(): number {
    return this.#pids.size;
  }

  /** PEs whose process no longer exists, with their pids; they are no longer watched. */
  gone(): { pe: number; pid: number }[] {
    const lost: { pe: number; pid: number }[] = [];
    for (const [pe, pid] of this.#pids) {
      if (!processExists(pid)) lost.push({ pe, pid });
    }
    for (const { pe } of lost) this.#pids.delete(pe);
    return lost;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
