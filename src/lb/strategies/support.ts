/**
 * Building blocks shared by the strategies: starting times, fixing non-migratable objects,
 * the heaviest-first order, and option checks. Nothing here keeps state between calls.
 */

import { InvalidArgumentError } from '../../errors.js';
import type { Assignment, LbProblem } from '../strategy.js';

/**
 * Starts a placement: returns the current assignment and the PE times with only backgrounds
 * and non-migratable objects counted. Migratable objects are still to be placed.
 */
export function startPlacement(problem: LbProblem): { assignment: Assignment; times: Float64Array } {
  const { objects, pes } = problem;
  const assignment = new Int32Array(objects.length);
  const times = new Float64Array(pes.length);
  for (const pe of pes) times[pe.id] = pe.background;
  for (const o of objects) {
    assignment[o.id] = o.pe;
    if (!o.migratable) times[o.pe] += o.load / pes[o.pe].speed;
  }
  return { assignment, times };
}

/**
 * Ids of the migratable objects, heaviest first, ties by lower id, so that every run visits
 * them in the same order.
 */
export function heaviestFirst(problem: LbProblem): Int32Array {
  const { objects } = problem;
  const loads = new Float64Array(objects.length);
  const ids: number[] = [];
  for (const o of objects) {
    loads[o.id] = o.load;
    if (o.migratable) ids.push(o.id);
  }
  // A plain array sorts with a comparator far faster than a typed array does in V8.
  ids.sort((a, b) => loads[b] - loads[a] || a - b);
  return Int32Array.from(ids);
}

/** Bounds for a numeric option. */
export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** The value must be an integer. */
  readonly integer?: boolean;
}

/**
 * Returns `value`, or `fallback` when it is undefined; throws `InvalidArgumentError` naming
 * the strategy and option when the value breaks `rule`.
 */
export function numberOption(
  strategy: string,
  option: string,
  value: number | undefined,
  fallback: number,
  rule: NumberRule,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) {
    const parts = [rule.integer ? 'an integer' : 'a finite number'];
    if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
    if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
    throw new InvalidArgumentError(`${strategy} option ${option} must be ${parts.join(' ')}, got ${String(value)}`);
  }
  return value;
}
