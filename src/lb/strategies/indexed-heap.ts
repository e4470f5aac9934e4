/**
 * A binary heap of small non-negative integers (PE or group ids) ordered by a caller-given
 * comparison. It knows where each member sits, so a member whose key changed can be moved
 * (`update`) or taken out (`remove`) in O(log n). Used by the strategies only.
 */

/**
 * Indexed binary heap over the ids `0..capacity-1`. `compare(a, b) < 0` puts `a` nearer the
 * top. The comparison must be a strict total order (break ties by id) so that the order of
 * pops is deterministic.
 */
export class IndexedHeap {
  private readonly items: Int32Array;
  private readonly where: Int32Array;
  private count = 0;

  /**
   * @param capacity one more than the largest id that will be pushed
   * @param compare orders two ids; negative when the first belongs nearer the top
   */
  constructor(
    capacity: number,
    private readonly compare: (a: number, b: number) => number,
  ) {
    this.items = new Int32Array(capacity);
    this.where = new Int32Array(capacity).fill(-1);
  }

  /** Number of members. */
  get size(): number {
    return this.count;
  }

  /** True when `id` is a member. */
  has(id: number): boolean {
    return this.where[id] >= 0;
  }

  /** The top member, or -1 when empty. */
  peek(): number {
    return this.count > 0 ? this.items[0] : -1;
  }

  /** Adds `id`, which must not be a member. */
  push(id: number): void {
    const at = this.count++;
    this.items[at] = id;
    this.where[id] = at;
    this.up(at);
  }

  /** Removes and returns the top member, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.items[0];
    this.removeAt(0);
    return top;
  }

  /** Takes `id` out if it is a member. */
  remove(id: number): void {
    const at = this.where[id];
    if (at >= 0) this.removeAt(at);
  }

  /** Restores the order after the key of member `id` changed either way. */
  update(id: number): void {
    const at = this.where[id];
    if (at < 0) return;
    this.down(this.up(at));
  }

  private removeAt(at: number): void {
    const gone = this.items[at];
    this.where[gone] = -1;
    const last = --this.count;
    if (at === last) return;
    const moved = this.items[last];
    this.items[at] = moved;
    this.where[moved] = at;
    this.down(this.up(at));
  }

  private up(at: number): number {
    const { items, where, compare } = this;
    const id = items[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const other = items[parent];
      if (compare(id, other) >= 0) break;
      items[at] = other;
      where[other] = at;
      at = parent;
    }
    items[at] = id;
    where[id] = at;
    return at;
  }

  private down(at: number): void {
    const { items, where, compare } = this;
    const n = this.count;
    const id = items[at];
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && compare(items[child + 1], items[child]) < 0) child++;
      const other = items[child];
      if (compare(other, id) >= 0) break;
      items[at] = other;
      where[other] = at;
      at = child;
    }
    items[at] = id;
    where[id] = at;
  }
}
