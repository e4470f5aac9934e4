/**
 * The load-balancing strategy interface: a pure function from measured objects and PEs to
 * an assignment. A strategy never sends a message, waits or reads a clock for its decision;
 * the LB protocol (lb-manager) gathers the inputs and carries out the result.
 */

/** One migratable object as the strategy sees it. */
export interface LbObject {
  /** Dense id, 0..objects.length-1, the position of this object in the input array. */
  readonly id: number;
  /** Measured load (seconds of entry-method time over the last period). */
  readonly load: number;
  /** PE the object is on now. */
  readonly pe: number;
  /** False for objects that must stay where they are (non-migratable). */
  readonly migratable: boolean;
}

/** One PE as the strategy sees it. */
export interface LbPe {
  /** PE rank, 0..pes.length-1, the position of this PE in the input array. */
  readonly id: number;
  /** Relative speed (1 = nominal). A PE of speed 2 does the same work in half the time. */
  readonly speed: number;
  /** Load not attributable to migratable objects (runtime work, other jobs). Seconds. */
  readonly background: number;
  /** False when the PE must receive no objects. */
  readonly available: boolean;
  /** Host index of the PE, for host-aware strategies. */
  readonly host: number;
}

/** The input of one balancing step. */
export interface LbProblem {
  readonly objects: readonly LbObject[];
  readonly pes: readonly LbPe[];
}

/** `assignment[objectId]` is the PE the object should be on after the step. */
export type Assignment = Int32Array;

/** A strategy: pure, deterministic for a given problem and options (Random takes a seed). */
export interface Strategy {
  /** Name as given to `+balancer` (e.g. "GreedyLB"). */
  readonly name: string;
  /** One-line description for `charmrun ++help`. */
  readonly description: string;
  /** Computes the new assignment. Must not mutate `problem`. */
  solve(problem: LbProblem): Assignment;
}
