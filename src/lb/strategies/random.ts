/**
 * RandomLB: every migratable object to a uniformly random available PE, from a seeded
 * generator, so a seed always gives the same decision. A baseline and a testing aid.
 */

import type { Assignment, LbProblem, Strategy } from '../strategy.js';
import { numberOption } from './support.js';

/** Options of RandomLB. */
export interface RandomOptions {
  /** Seed of the generator, an integer in 0..2^32-1 (default 0). */
  readonly seed?: number;
}

/**
 * A small 32-bit generator (mulberry32) returning floats in [0, 1). Local to each call, so
 * decisions depend on the seed alone.
 */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws, in object id order, one available PE uniformly for each migratable object.
 * Non-migratable objects stay; with no available PE nothing moves. O(n + P).
 */
export function solveRandom(problem: LbProblem, seed = 0): Assignment {
  const { objects, pes } = problem;
  const available = pes.filter((pe) => pe.available).map((pe) => pe.id);
  const next = generator(seed);
  const out = new Int32Array(objects.length);
  for (const o of objects) {
    out[o.id] = o.migratable && available.length > 0 ? available[Math.floor(next() * available.length)] : o.pe;
  }
  return out;
}

/** RandomLB with a fixed seed. Throws `InvalidArgumentError` for a bad seed. */
export function randomLB(options: RandomOptions = {}): Strategy {
  const seed = numberOption('RandomLB', 'seed', options.seed, 0, { min: 0, max: 0xffffffff, integer: true });
  return {
    name: 'RandomLB',
    description: 'each object to a uniformly random available PE (seeded)',
    solve: (problem) => solveRandom(problem, seed),
  };
}
