/**
 * Checks shared by the LB strategy tests.
 */

import { assignmentErrors, loadMetrics } from '../../../src/lb/load-metrics.js';
import type { Assignment, LbProblem, Strategy } from '../../../src/lb/strategy.js';
import { createStrategy, strategyNames } from '../../../src/lb/strategy-registry.js';

/** Every registered strategy with default options. */
export function allStrategies(): Strategy[] {
  return strategyNames().map((name) => createStrategy(name));
}

/** A frozen deep copy of `problem`: a strategy that writes into its input throws. */
export function frozenCopy(problem: LbProblem): LbProblem {
  return Object.freeze({
    objects: Object.freeze(problem.objects.map((o) => Object.freeze({ ...o }))),
    pes: Object.freeze(problem.pes.map((p) => Object.freeze({ ...p }))),
  });
}

/** Problems of validity, as text; empty when the assignment is valid. */
export function problemsOf(problem: LbProblem, assignment: Assignment): string[] {
  return assignmentErrors(problem, assignment);
}

/** True when no migratable object is left on an unavailable PE (given one PE is available). */
export function vacatesUnavailable(problem: LbProblem, assignment: Assignment): boolean {
  if (!problem.pes.some((p) => p.available)) return true;
  return problem.objects.every((o) => !o.migratable || problem.pes[assignment[o.id]].available);
}

/** Max/avg load ratio of `assignment` (default: current placement). */
export function ratio(problem: LbProblem, assignment?: Assignment): number {
  return loadMetrics(problem, assignment).maxAvgRatio;
}

/** Objects moved by `assignment`. */
export function moves(problem: LbProblem, assignment: Assignment): number {
  return loadMetrics(problem, assignment).migrations;
}
