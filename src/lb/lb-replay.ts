/**
 * Offline replay of a load dump through any strategy: how balanced each recorded step was,
 * how balanced the strategy would have made it, at what cost in migrations and decision time.
 */

import { performance } from 'node:perf_hooks';
import { InvalidArgumentError } from '../errors.js';
import type { LbDumpRecord } from './lb-dump.js';
import { assignmentErrors, loadMetrics } from './load-metrics.js';
import type { Strategy } from './strategy.js';

/** The result of one replayed step. */
export interface ReplayStep {
  /** Step number from the dump. */
  readonly step: number;
  /** Time of the step from the dump, seconds since the job started. */
  readonly time: number;
  /** Number of objects in the step. */
  readonly objects: number;
  /** Number of PEs in the step. */
  readonly pes: number;
  /** Max/avg load ratio of the recorded placement. */
  readonly ratioBefore: number;
  /** Max/avg load ratio of the strategy's assignment. */
  readonly ratioAfter: number;
  /** Lower bound on the max/avg ratio that any assignment could reach. */
  readonly ratioBound: number;
  /** Objects the strategy moves. */
  readonly migrations: number;
  /** Wall-clock milliseconds `strategy.solve` took. */
  readonly decisionMs: number;
}

/**
 * Runs `strategy` on every record, in order, each step on its recorded placement (steps are
 * independent measurements; one step's decision is not carried into the next). Checks each
 * decision and throws `InvalidArgumentError` when a strategy returns an invalid assignment.
 * `clock` (milliseconds) defaults to `performance.now`.
 */
export function replayLbDump(
  records: readonly LbDumpRecord[],
  strategy: Strategy,
  clock: () => number = () => performance.now(),
): ReplayStep[] {
  return records.map(({ step, time, problem }) => {
    const started = clock();
    const assignment = strategy.solve(problem);
    const decisionMs = clock() - started;
    const errors = assignmentErrors(problem, assignment);
    if (errors.length > 0) {
      throw new InvalidArgumentError(`${strategy.name} gave an invalid assignment at step ${step}: ${errors.join('; ')}`);
    }
    const before = loadMetrics(problem);
    const after = loadMetrics(problem, assignment);
    return {
      step,
      time,
      objects: problem.objects.length,
      pes: problem.pes.length,
      ratioBefore: before.maxAvgRatio,
      ratioAfter: after.maxAvgRatio,
      ratioBound: before.avgLoad > 0 ? before.lowerBound / before.avgLoad : 1,
      migrations: after.migrations,
      decisionMs,
    };
  });
}
