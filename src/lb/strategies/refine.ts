/**
 * RefineLB: fixes overloaded PEs with as few migrations as it can; leaves the rest alone.
 */

import { idealLoad } from '../load-metrics.js';
import type { Assignment, LbProblem, Strategy } from '../strategy.js';
import { IndexedHeap } from './indexed-heap.js';
import { PePool } from './pe-pool.js';
import { heaviestFirst, numberOption, startPlacement } from './support.js';

/** Options of RefineLB. */
export interface RefineOptions {
  /**
   * Target: no PE above the ideal load times this factor. At least 1; default 1.05.
   */
  readonly tolerance?: number;
}

/** Step of the threshold search, as a fraction of the ideal load. */
const SEARCH_STEP = 0.01;

/** The state every refine pass starts from, computed once. */
interface Start {
  readonly problem: LbProblem;
  readonly assignment: Assignment;
  readonly times: Float64Array;
  /** Migratable objects on available PEs, grouped by PE, heaviest first in each group. */
  readonly slots: Int32Array;
  /** The objects of PE p are `slots[first[p]] .. slots[first[p + 1] - 1]`. */
  readonly first: Int32Array;
}

/**
 * Places current times, and sends the migratable objects of unavailable PEs, heaviest first,
 * where each finishes first. Null when no PE is available.
 */
function prepare(problem: LbProblem): Start | null {
  const { objects, pes } = problem;
  const { assignment, times } = startPlacement(problem);
  const order = heaviestFirst(problem);
  for (const id of order) {
    const o = objects[id];
    if (pes[o.pe].available) times[o.pe] += o.load / pes[o.pe].speed;
  }
  const pool = new PePool(pes, times);
  if (pool.size === 0) return null;
  for (const id of order) {
    const o = objects[id];
    if (pes[o.pe].available) continue;
    const pe = pool.best(o.load);
    assignment[id] = pe;
    pool.add(pe, o.load);
  }
  const first = new Int32Array(pes.length + 1);
  for (const id of order) first[assignment[id] + 1]++;
  for (let p = 0; p < pes.length; p++) first[p + 1] += first[p];
  const slots = new Int32Array(order.length);
  const fill = first.slice(0, pes.length);
  for (const id of order) slots[fill[assignment[id]]++] = id;
  return { problem, assignment, times, slots, first };
}

/**
 * One refine pass at `threshold` (seconds). Repeatedly takes the most loaded PE above the
 * threshold and moves its heaviest object that fits: that the PE where it would finish first
 * can take while staying at or below the threshold. Returns the assignment and whether every
 * PE ended at or below the threshold.
 */
function refinePass(start: Start, threshold: number): { assignment: Assignment; done: boolean } {
  const { objects, pes } = start.problem;
  const { slots, first } = start;
  const assignment = start.assignment.slice();
  const times = start.times.slice();
  const pool = new PePool(pes, times);
  // nextLeft[i]: first slot >= i whose object has not moved; path-compressed.
  const nextLeft = new Int32Array(slots.length + 1);
  for (let i = 0; i <= slots.length; i++) nextLeft[i] = i;
  const findLeft = (i: number): number => {
    let root = i;
    while (nextLeft[root] !== root) root = nextLeft[root];
    while (nextLeft[i] !== root) {
      const up = nextLeft[i];
      nextLeft[i] = root;
      i = up;
    }
    return root;
  };
  const fits = (load: number): boolean => {
    const pe = pool.best(load);
    return pool.finish(pe, load) <= threshold;
  };
  const overloaded = new IndexedHeap(pes.length, (a, b) => times[b] - times[a] || a - b);
  for (const pe of pes) if (pe.available && times[pe.id] > threshold) overloaded.push(pe.id);
  let done = true;
  while (overloaded.size > 0) {
    const heavy = overloaded.pop();
    // Loads in the slice decrease, so "fits" holds from some position on: find the first.
    let lo = first[heavy];
    let hi = first[heavy + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fits(objects[slots[mid]].load)) hi = mid;
      else lo = mid + 1;
    }
    const slot = findLeft(lo);
    if (slot >= first[heavy + 1]) {
      done = false;
      continue;
    }
    const id = slots[slot];
    const load = objects[id].load;
    const target = pool.best(load);
    nextLeft[slot] = slot + 1;
    assignment[id] = target;
    pool.subtract(heavy, load);
    pool.add(target, load);
    if (times[heavy] > threshold) overloaded.push(heavy);
  }
  return { assignment, done };
}

/**
 * Refinement, after Charm++'s Refiner. Migratable objects on unavailable PEs first go where
 * they finish first. Then a refine pass (below) runs at threshold T = ideal load (see
 * `idealLoad`) * tolerance. When objects are too coarse for T to be reached, T is raised by
 * binary search in steps of 1% of the ideal load, up to the current largest PE time, and the
 * pass at the smallest T that succeeds is kept: so the result never has a PE above T and
 * never moves more than needed to reach it.
 *
 * A pass: take the most loaded PE above T and move its heaviest object that fits, i.e. that
 * the PE where it would finish first can take while staying at or below T (moving the
 * heaviest object needs the fewest moves); repeat. Receivers stay at or below T, so no object
 * moves twice and PEs at or below T lose nothing. Each PE's objects are kept heaviest first,
 * so the heaviest fitting one is found by binary search. A pass costs
 * O(n + P log P + m (S log n + log P)) for m moves and S distinct PE speeds; the search runs
 * O(log((max/avg - tolerance) / 0.01)) passes.
 */
export function solveRefine(problem: LbProblem, tolerance = 1.05): Assignment {
  const start = prepare(problem);
  if (start === null) return startPlacement(problem).assignment;
  const avg = idealLoad(problem);
  let highest = 0;
  for (const pe of problem.pes) if (pe.available) highest = Math.max(highest, start.times[pe.id]);
  if (avg <= 0 || highest <= avg * tolerance) return start.assignment;
  const first = refinePass(start, avg * tolerance);
  if (first.done) return first.assignment;
  // Factor tolerance + k * SEARCH_STEP: k = 0 fails; at kHigh, T >= highest, a pass moves nothing.
  let kLow = 0;
  let kHigh = Math.ceil((highest / avg - tolerance) / SEARCH_STEP);
  let best = start.assignment;
  while (kHigh - kLow > 1) {
    const k = (kLow + kHigh) >> 1;
    const pass = refinePass(start, avg * (tolerance + k * SEARCH_STEP));
    if (pass.done) {
      kHigh = k;
      best = pass.assignment;
    } else {
      kLow = k;
    }
  }
  return best;
}

/** RefineLB. Throws `InvalidArgumentError` for a tolerance below 1. */
export function refineLB(options: RefineOptions = {}): Strategy {
  const tolerance = numberOption('RefineLB', 'tolerance', options.tolerance, 1.05, { min: 1 });
  return {
    name: 'RefineLB',
    description: 'moves objects off PEs above average * tolerance onto PEs that stay below it; few migrations',
    solve: (problem) => solveRefine(problem, tolerance),
  };
}
