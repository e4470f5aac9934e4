/**
 * GreedyLB: the longest-processing-time rule. Ignores where objects are now.
 */

import type { Assignment, LbProblem, Strategy } from '../strategy.js';
import { PePool } from './pe-pool.js';
import { heaviestFirst, startPlacement } from './support.js';

/** What `greedyPlacement` returns: the assignment and the PE times it leads to. */
export interface GreedyPlacement {
  /** `assignment[objectId]` = PE. */
  readonly assignment: Assignment;
  /** Time of each PE under the assignment, in seconds. */
  readonly times: Float64Array;
}

/**
 * Greedy placement with its PE times. Non-migratable objects stay put and count toward their
 * PE's time (with its background); then the migratable objects, heaviest first (ties: lower
 * id), each go to the available PE on which they would finish first: on equal speeds the
 * least-loaded PE, ties to the lower PE id. With no available PE nothing moves.
 * O(n log n + n (S + log P)) for S distinct PE speeds.
 */
export function greedyPlacement(problem: LbProblem): GreedyPlacement {
  const { assignment, times } = startPlacement(problem);
  const pool = new PePool(problem.pes, times);
  const order = heaviestFirst(problem);
  if (pool.size === 0) {
    for (const id of order) {
      const o = problem.objects[id];
      times[o.pe] += o.load / problem.pes[o.pe].speed;
    }
    return { assignment, times };
  }
  for (const id of order) {
    const load = problem.objects[id].load;
    const pe = pool.best(load);
    assignment[id] = pe;
    pool.add(pe, load);
  }
  return { assignment, times };
}

/**
 * The greedy decision as a pure function. On identical PEs without background its largest PE
 * time is at most (4/3 - 1/(3P)) times the optimum (Graham's bound for this rule).
 */
export function solveGreedy(problem: LbProblem): Assignment {
  return greedyPlacement(problem).assignment;
}

/** GreedyLB: heaviest object first onto the PE where it finishes first; many migrations. */
export function greedyLB(): Strategy {
  return {
    name: 'GreedyLB',
    description: 'heaviest object first onto the least-loaded PE (speed-aware); ignores current placement',
    solve: solveGreedy,
  };
}
