/**
 * Synthetic LB problems for the strategy tests and the strategy benchmark.
 */

import type { LbObject, LbPe, LbProblem } from '../../../src/lb/strategy.js';

/** Shapes of object loads. */
export type LoadShape = 'constant' | 'uniform' | 'heavy' | 'ramp' | 'geometric';

/** Where objects start. */
export type Placement = 'block' | 'roundRobin' | 'random' | 'firstPe';

/** Parameters of `syntheticProblem`. */
export interface SyntheticOptions {
  /** Number of objects. */
  readonly objects: number;
  /** Number of PEs. */
  readonly pes: number;
  /** Load shape (default uniform). */
  readonly shape?: LoadShape;
  /** Initial placement (default block: object i on PE floor(i * P / n)). */
  readonly placement?: Placement;
  /** Seed for uniform loads and random placement (default 1). */
  readonly seed?: number;
  /** When true, odd PEs have speed 2 and even PEs speed 1. */
  readonly twoSpeeds?: boolean;
  /** Number of hosts; PEs are split into that many contiguous blocks (default 1). */
  readonly hosts?: number;
  /** Every k-th object (ids 0, k, 2k, ...) is non-migratable (default none). */
  readonly fixedEvery?: number;
  /** PEs that may receive nothing. */
  readonly unavailable?: readonly number[];
  /** Background load of every PE, seconds (default 0). */
  readonly background?: number;
}

/** A 32-bit seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
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
 * Object loads of a shape. `geometric` follows the PRK PIC kernel's GEOMETRIC particle
 * distribution (r = 0.999 over 2998 columns), objects being consecutive column blocks.
 * `heavy` has one object (the middle one) as heavy as twice an average PE's share.
 */
export function syntheticLoads(shape: LoadShape, n: number, pes: number, seed = 1): Float64Array {
  const loads = new Float64Array(n);
  const rand = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    switch (shape) {
      case 'constant':
      case 'heavy':
        loads[i] = 1;
        break;
      case 'uniform':
        loads[i] = 0.5 + rand();
        break;
      case 'ramp':
        loads[i] = i + 1;
        break;
      case 'geometric':
        loads[i] = Math.pow(0.999, ((i + 0.5) * 2998) / n);
        break;
    }
  }
  if (shape === 'heavy' && n > 0) loads[n >> 1] = (2 * n) / pes;
  return loads;
}

/** A problem built from `options`; deterministic for given options. */
export function syntheticProblem(options: SyntheticOptions): LbProblem {
  const { objects: n, pes: numPes } = options;
  const loads = syntheticLoads(options.shape ?? 'uniform', n, numPes, options.seed ?? 1);
  const rand = seededRandom((options.seed ?? 1) + 7919);
  const hosts = options.hosts ?? 1;
  const unavailable = new Set(options.unavailable ?? []);
  const pes: LbPe[] = [];
  for (let p = 0; p < numPes; p++) {
    pes.push({
      id: p,
      speed: options.twoSpeeds && p % 2 === 1 ? 2 : 1,
      background: options.background ?? 0,
      available: !unavailable.has(p),
      host: Math.floor((p * hosts) / numPes),
    });
  }
  const objects: LbObject[] = [];
  for (let i = 0; i < n; i++) {
    let pe: number;
    switch (options.placement ?? 'block') {
      case 'block':
        pe = Math.floor((i * numPes) / n);
        break;
      case 'roundRobin':
        pe = i % numPes;
        break;
      case 'random':
        pe = Math.floor(rand() * numPes);
        break;
      case 'firstPe':
        pe = 0;
        break;
    }
    const fixed = options.fixedEvery !== undefined && i % options.fixedEvery === 0;
    objects.push({ id: i, load: loads[i], pe, migratable: !fixed });
  }
  return { objects, pes };
}
