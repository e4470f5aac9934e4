/**
 * GreedyRefineLB: close to greedy's quality with far fewer migrations.
 */

import type { Assignment, LbProblem, Strategy } from '../strategy.js';
import { greedyPlacement } from './greedy.js';
import { PePool } from './pe-pool.js';
import { heaviestFirst, numberOption, startPlacement } from './support.js';

/** Options of GreedyRefineLB. */
export interface GreedyRefineOptions {
  /**
   * How far above greedy's largest PE time the result may go to save migrations: 1.1 allows
   * 10% more. At least 1; default 1.02.
   */
  readonly tolerance?: number;
}

/** Halvings of the stay cap search. */
const CAP_STEPS = 10;

/** One trial: objects stay on their PE up to `cap`; the rest go where they finish first. */
function placeWithCap(problem: LbProblem, order: Int32Array, cap: number): { assignment: Assignment; max: number } {
  const { objects, pes } = problem;
  const { assignment, times } = startPlacement(problem);
  const leaving: number[] = [];
  for (const id of order) {
    const o = objects[id];
    const time = times[o.pe] + o.load / pes[o.pe].speed;
    if (pes[o.pe].available && time <= cap) times[o.pe] = time;
    else leaving.push(id);
  }
  const pool = new PePool(pes, times);
  for (const id of leaving) {
    const load = objects[id].load;
    const pe = pool.best(load);
    assignment[id] = pe;
    pool.add(pe, load);
  }
  let max = 0;
  for (const pe of pes) if (pe.available) max = Math.max(max, times[pe.id]);
  return { assignment, max };
}

/**
 * Greedy quality, preferring to leave objects where they are.
 *
 * 1. Run greedy (see `greedyPlacement`) to learn its largest PE time G; the limit is
 *    M = G * tolerance.
 * 2. A trial with stay cap C decides every stay first: on each available PE, its migratable
 *    objects, heaviest first, stay while the PE remains within C (first fit decreasing); the
 *    rest, and every migratable object on an unavailable PE, then go where they finish first,
 *    heaviest first, as in greedy.
 * 3. Try C = M. If that trial's largest PE time exceeds M (the objects that had to leave were
 *    too coarse to fill the gaps), search C in [0, M] by halving, ten times, for the largest
 *    cap whose trial stays within M. Greedy's own assignment (what C = 0 amounts to)
 *    is within M, so the search always has an answer.
 *
 * So the largest PE time never exceeds tolerance * greedy's, objects on PEs at or below the
 * cap never move, and lowering the cap frees the small objects of fuller PEs as filler.
 * Charm++'s GreedyRefine makes the stay-or-move choice inside one greedy loop, where heavy
 * objects leaving overloaded PEs land on light PEs before those PEs' own objects are seen and
 * push them off too; deciding stays first avoids those extra moves.
 * O(n log n + k n (S + log P)) for k <= 12 trials and S distinct PE speeds.
 */
export function solveGreedyRefine(problem: LbProblem, tolerance = 1.02): Assignment {
  const { pes } = problem;
  const greedy = greedyPlacement(problem);
  let limit = 0;
  for (const pe of pes) if (pe.available) limit = Math.max(limit, greedy.times[pe.id]);
  limit *= tolerance;
  if (!pes.some((pe) => pe.available)) return greedy.assignment;

  const order = heaviestFirst(problem);
  const full = placeWithCap(problem, order, limit);
  if (full.max <= limit) return full.assignment;
  let best = greedy.assignment;
  let low = 0;
  let high = limit;
  for (let step = 0; step < CAP_STEPS; step++) {
    const cap = (low + high) / 2;
    const trial = placeWithCap(problem, order, cap);
    if (trial.max <= limit) {
      best = trial.assignment;
      low = cap;
    } else {
      high = cap;
    }
  }
  return best;
}

/** GreedyRefineLB. Throws `InvalidArgumentError` for a tolerance below 1. */
export function greedyRefineLB(options: GreedyRefineOptions = {}): Strategy {
  const tolerance = numberOption('GreedyRefineLB', 'tolerance', options.tolerance, 1.02, { min: 1 });
  return {
    name: 'GreedyRefineLB',
    description: 'greedy quality, keeping objects on their PE when it stays within tolerance of greedy max',
    solve: (problem) => solveGreedyRefine(problem, tolerance),
  };
}
