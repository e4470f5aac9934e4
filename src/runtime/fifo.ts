/**
 * A first-in first-out queue on a circular array that doubles when full. Taking and adding are
 * a few element accesses: unlike an array drained from an index and truncated when empty, it
 * never changes an array's length (a runtime call in V8) while it is in steady use.
 */
export class Fifo<T> {
  #slots: (T | undefined)[] = new Array<T | undefined>(16);
  #mask = 15;
  #head = 0;
  #size = 0;

  /** Items waiting. */
  get size(): number {
    return this.#size;
  }

  /** Appends `item`. */
  push(item: T): void {
    if (this.#size > this.#mask) this.#grow();
    this.#slots[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const at = this.#head;
    const item = this.#slots[at];
    this.#slots[at] = undefined;
    this.#head = (at + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** Drops every item. */
  clear(): void {
    this.#slots = new Array<T | undefined>(16);
    this.#mask = 15;
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const old = this.#slots;
    const slots = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#size; i++) slots[i] = old[(this.#head + i) & this.#mask];
    this.#slots = slots;
    this.#mask = slots.length - 1;
    this.#head = 0;
  }
}
