/**
 * DummyLB: decides that nothing moves. For tests and for measuring the protocol's own cost.
 */

import { currentAssignment } from '../load-metrics.js';
import type { Assignment, LbProblem, Strategy } from '../strategy.js';

/**
 * Keeps every object where it is, including objects on unavailable PEs (the one strategy that
 * does not vacate them).
 */
export function solveDummy(problem: LbProblem): Assignment {
  return currentAssignment(problem);
}

/** DummyLB: the no-op strategy. */
export function dummyLB(): Strategy {
  return {
    name: 'DummyLB',
    description: 'moves nothing (testing aid)',
    solve: solveDummy,
  };
}
