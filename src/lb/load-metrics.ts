/**
 * Measures of a balancing decision, computed from a problem and an assignment.
 *
 * Load model (shared by every strategy): an object's `load` is work in seconds on a PE of
 * speed 1; on a PE of speed `s` it takes `load / s` seconds. A PE's `background` is already
 * seconds on that PE. So the load (time) of PE `p` under an assignment is
 *
 *     time(p) = background(p) + sum of load(o) / speed(p) over the objects o assigned to p.
 *
 * The average is the time every usable PE would need if the work were spread perfectly in
 * proportion to speed ("ideal load"); with equal speeds it is the plain mean of the PE times.
 */

import type { Assignment, LbProblem } from './strategy.js';

/** Figures of one assignment of one problem. All loads are PE times in seconds. */
export interface LoadMetrics {
  /** Largest PE time, over available PEs and unavailable PEs that still hold objects. */
  readonly maxLoad: number;
  /** Smallest PE time over available PEs (0 when none is available). */
  readonly minLoad: number;
  /** Ideal load: the time of each available PE under a perfect speed-proportional split. */
  readonly avgLoad: number;
  /** `maxLoad / avgLoad`; 1 for a problem without load, Infinity when nothing can run. */
  readonly maxAvgRatio: number;
  /** A lower bound on `maxLoad` that no assignment can beat (see `lowerBound`). */
  readonly lowerBound: number;
  /** Number of objects whose assigned PE differs from their current PE. */
  readonly migrations: number;
  /** Sum of the loads of those objects. */
  readonly migratedLoad: number;
}

/** The assignment that keeps every object where it is. A fresh array. */
export function currentAssignment(problem: LbProblem): Assignment {
  const out = new Int32Array(problem.objects.length);
  for (const o of problem.objects) out[o.id] = o.pe;
  return out;
}

/** Time of every PE under `assignment` (default: the current placement). Indexed by PE id. */
export function peLoads(problem: LbProblem, assignment?: Assignment): Float64Array {
  const { objects, pes } = problem;
  const times = new Float64Array(pes.length);
  for (const pe of pes) times[pe.id] = pe.background;
  for (const o of objects) {
    const p = assignment ? assignment[o.id] : o.pe;
    times[p] += o.load / pes[p].speed;
  }
  return times;
}

/**
 * The ideal load: `(sum over available PEs of background * speed + movable work) / (sum of
 * available speeds)`, where movable work is every object load except that of non-migratable
 * objects stuck on unavailable PEs. 0 when no PE is available.
 */
export function idealLoad(problem: LbProblem): number {
  const { objects, pes } = problem;
  let work = 0;
  let speed = 0;
  for (const pe of pes) {
    if (!pe.available) continue;
    work += pe.background * pe.speed;
    speed += pe.speed;
  }
  if (speed === 0) return 0;
  for (const o of objects) {
    if (o.migratable || pes[o.pe].available) work += o.load;
  }
  return work / speed;
}

/**
 * A lower bound on the largest PE time of any valid assignment: the largest of the ideal
 * load, the time of each PE with only its background and non-migratable objects, and the
 * earliest time at which the heaviest migratable object could finish on any available PE.
 */
export function lowerBound(problem: LbProblem): number {
  const { objects, pes } = problem;
  const fixed = new Float64Array(pes.length);
  const holdsFixed = new Uint8Array(pes.length);
  for (const pe of pes) fixed[pe.id] = pe.background;
  let heaviest = -1;
  for (const o of objects) {
    if (!o.migratable) {
      fixed[o.pe] += o.load / pes[o.pe].speed;
      holdsFixed[o.pe] = 1;
    } else if (o.load > heaviest) {
      heaviest = o.load;
    }
  }
  let bound = idealLoad(problem);
  let bestFinish = Infinity;
  for (const pe of pes) {
    if (pe.available || holdsFixed[pe.id]) bound = Math.max(bound, fixed[pe.id]);
    if (pe.available && heaviest >= 0) {
      bestFinish = Math.min(bestFinish, fixed[pe.id] + heaviest / pe.speed);
    }
  }
  return bestFinish < Infinity ? Math.max(bound, bestFinish) : bound;
}

/** Number of objects that `assignment` moves off their current PE. */
export function countMigrations(problem: LbProblem, assignment: Assignment): number {
  let moved = 0;
  for (const o of problem.objects) if (assignment[o.id] !== o.pe) moved++;
  return moved;
}

/** All figures of `assignment` (default: the current placement) for `problem`. */
export function loadMetrics(problem: LbProblem, assignment?: Assignment): LoadMetrics {
  const { objects, pes } = problem;
  const times = peLoads(problem, assignment);
  const holds = new Uint8Array(pes.length);
  let migrations = 0;
  let migratedLoad = 0;
  for (const o of objects) {
    const p = assignment ? assignment[o.id] : o.pe;
    holds[p] = 1;
    if (p !== o.pe) {
      migrations++;
      migratedLoad += o.load;
    }
  }
  let maxLoad = 0;
  let minLoad = Infinity;
  for (const pe of pes) {
    if (pe.available) minLoad = Math.min(minLoad, times[pe.id]);
    if (pe.available || holds[pe.id]) maxLoad = Math.max(maxLoad, times[pe.id]);
  }
  const avgLoad = idealLoad(problem);
  const maxAvgRatio = avgLoad > 0 ? maxLoad / avgLoad : maxLoad > 0 ? Infinity : 1;
  return {
    maxLoad,
    minLoad: minLoad === Infinity ? 0 : minLoad,
    avgLoad,
    maxAvgRatio,
    lowerBound: lowerBound(problem),
    migrations,
    migratedLoad,
  };
}

/**
 * What is wrong with `assignment` as a decision for `problem`; empty when it is valid. A valid
 * assignment has one integer PE id in range per object, keeps non-migratable objects where
 * they are, and moves nothing onto an unavailable PE. Reports at most `limit` problems.
 */
export function assignmentErrors(problem: LbProblem, assignment: Assignment, limit = 10): string[] {
  const { objects, pes } = problem;
  const errors: string[] = [];
  if (assignment.length !== objects.length) {
    errors.push(`assignment has ${assignment.length} entries for ${objects.length} objects`);
    return errors;
  }
  for (const o of objects) {
    if (errors.length >= limit) break;
    const p = assignment[o.id];
    if (!Number.isInteger(p) || p < 0 || p >= pes.length) {
      errors.push(`object ${o.id} assigned to PE ${p}, outside 0..${pes.length - 1}`);
    } else if (p !== o.pe && !o.migratable) {
      errors.push(`non-migratable object ${o.id} moved from PE ${o.pe} to PE ${p}`);
    } else if (p !== o.pe && !pes[p].available) {
      errors.push(`object ${o.id} moved onto unavailable PE ${p}`);
    }
  }
  return errors;
}
