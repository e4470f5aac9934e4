/**
 * Restores the send order of one sender's messages. UCX does not keep it: a small eager message
 * can complete before an earlier large rendezvous one. Sequence numbers are 32-bit and wrap.
 */
export class ReorderBuffer<T> {
  #next: number;
  readonly #held = new Map<number, T>();

  /** A buffer expecting sequence number `first` (0 for a new stream). */
  constructor(first = 0) {
    this.#next = first >>> 0;
  }

  /** Messages waiting for an earlier one. */
  get held(): number {
    return this.#held.size;
  }

  /** The sequence number expected next. */
  get next(): number {
    return this.#next;
  }

  /**
   * Takes message `sequence`. Calls `emit` for it and for every held message that now follows in
   * order, or holds it until the missing ones arrive. Returns false for a message already seen
   * (or too far ahead to be new), which is not kept.
   */
  accept(sequence: number, item: T, emit: (item: T) => void): boolean {
    if (sequence !== this.#next) {
      const ahead = (sequence - this.#next) >>> 0;
      if (ahead >= 0x80000000 || this.#held.has(sequence)) return false;
      this.#held.set(sequence, item);
      return true;
    }
    this.#next = (sequence + 1) >>> 0;
    emit(item);
    while (this.#held.size > 0) {
      const next = this.#next;
      const waiting = this.#held.get(next);
      if (waiting === undefined) break;
      this.#held.delete(next);
      this.#next = (next + 1) >>> 0;
      emit(waiting);
    }
    return true;
  }
}
