/**
 * The set of PEs a strategy may place objects on, able to answer "on which PE would an object
 * of this load finish first?" quickly. Used by the strategies only.
 */

import type { LbPe } from '../strategy.js';
import { IndexedHeap } from './indexed-heap.js';

/**
 * PEs grouped by speed, each group in a min-heap of current load (time, in seconds).
 *
 * Within one speed the PE that finishes an object first is the least-loaded one, so the best
 * PE overall is the best of the heap tops: `best(load)` costs O(S) for S distinct speeds and
 * each change costs O(log P). On PEs of equal speed this is "least-loaded PE"; on mixed speeds
 * it is "earliest finish", which is what speed-aware greedy needs. Ties go to the lower PE id.
 *
 * The pool reads and writes the `times` array it was given (one entry per PE of the problem);
 * call `update` after changing an entry of a member behind its back.
 */
export class PePool {
  private readonly speedOf: Float64Array;
  private readonly heaps: IndexedHeap[] = [];
  private readonly classSpeed: number[] = [];
  private readonly classOf: Int32Array;
  private members = 0;

  /**
   * @param pes all PEs of the problem (indexed by id)
   * @param times current load of every PE, in seconds; shared, not copied
   * @param include which PEs join the pool (default: the available ones)
   */
  constructor(
    pes: readonly LbPe[],
    readonly times: Float64Array,
    include: (pe: LbPe) => boolean = (pe) => pe.available,
  ) {
    const n = pes.length;
    this.speedOf = new Float64Array(n);
    this.classOf = new Int32Array(n).fill(-1);
    const byTime = (a: number, b: number): number => times[a] - times[b] || a - b;
    const classBySpeed = new Map<number, number>();
    for (const pe of pes) {
      this.speedOf[pe.id] = pe.speed;
      if (!include(pe)) continue;
      let cls = classBySpeed.get(pe.speed);
      if (cls === undefined) {
        cls = this.heaps.length;
        classBySpeed.set(pe.speed, cls);
        this.heaps.push(new IndexedHeap(n, byTime));
        this.classSpeed.push(pe.speed);
      }
      this.classOf[pe.id] = cls;
      this.heaps[cls].push(pe.id);
      this.members++;
    }
  }

  /** Number of PEs in the pool. */
  get size(): number {
    return this.members;
  }

  /** Time at which PE `pe` would finish if given an object of `load` (nominal seconds). */
  finish(pe: number, load: number): number {
    return this.times[pe] + load / this.speedOf[pe];
  }

  /** The PE on which an object of `load` would finish first; -1 when the pool is empty. */
  best(load: number): number {
    let bestPe = -1;
    let bestFinish = Infinity;
    for (let c = 0; c < this.heaps.length; c++) {
      const pe = this.heaps[c].peek();
      if (pe < 0) continue;
      const f = this.times[pe] + load / this.classSpeed[c];
      if (f < bestFinish || (f === bestFinish && pe < bestPe)) {
        bestFinish = f;
        bestPe = pe;
      }
    }
    return bestPe;
  }

  /** Adds an object of `load` to PE `pe` (a member or not) and reorders the pool. */
  add(pe: number, load: number): void {
    this.times[pe] += load / this.speedOf[pe];
    this.update(pe);
  }

  /** Takes an object of `load` off PE `pe` (a member or not) and reorders the pool. */
  subtract(pe: number, load: number): void {
    this.times[pe] -= load / this.speedOf[pe];
    this.update(pe);
  }

  /** Reorders the pool after `times[pe]` changed. */
  update(pe: number): void {
    const cls = this.classOf[pe];
    if (cls >= 0) this.heaps[cls].update(pe);
  }
}
