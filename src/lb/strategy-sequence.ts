/**
 * Several strategies as one: for a repeated `+balancer`, and for combinations such as a
 * greedy pass followed by a refine pass.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Assignment, LbProblem, Strategy } from './strategy.js';

/**
 * The problem with every object placed as `assignment` says; PEs and loads unchanged.
 * A new problem; `problem` is not touched.
 */
export function placedAs(problem: LbProblem, assignment: Assignment): LbProblem {
  return {
    objects: problem.objects.map((o) => ({ id: o.id, load: o.load, pe: assignment[o.id], migratable: o.migratable })),
    pes: problem.pes,
  };
}

/**
 * A strategy that runs `strategies` in order within one balancing step: the first sees the
 * problem as measured, each later one sees the objects placed where the previous one put
 * them, and the last one's assignment is the decision. Migrations therefore count from the
 * measured placement. A single strategy is returned as it is. Its name joins the names with
 * "+". Throws `InvalidArgumentError` for an empty list.
 */
export function strategySequence(strategies: readonly Strategy[]): Strategy {
  if (strategies.length === 0) throw new InvalidArgumentError('a strategy sequence needs at least one strategy');
  if (strategies.length === 1) return strategies[0];
  const steps = [...strategies];
  return {
    name: steps.map((s) => s.name).join('+'),
    description: `runs ${steps.map((s) => s.name).join(', then ')} in one step, each from the previous result`,
    solve(problem: LbProblem): Assignment {
      let assignment = steps[0].solve(problem);
      for (let i = 1; i < steps.length; i++) assignment = steps[i].solve(placedAs(problem, assignment));
      return assignment;
    },
  };
}

/**
 * Charm++'s other reading of a repeated `+balancer` (`+balancer GreedyLB +balancer RefineLB`):
 * the i-th strategy runs at balancing step i (0-based) and the last one at every later step.
 * Throws `InvalidArgumentError` for an empty list or a negative or fractional step.
 */
export function strategyForStep(strategies: readonly Strategy[], step: number): Strategy {
  if (strategies.length === 0) throw new InvalidArgumentError('no strategy to choose from');
  if (!Number.isInteger(step) || step < 0) throw new InvalidArgumentError(`step must be an integer >= 0, got ${step}`);
  return strategies[Math.min(step, strategies.length - 1)];
}
