/**
 * RotateLB: every migratable object moves to the next available PE. A testing aid that makes
 * every balancing step migrate everything, to shake out pack/unpack and location bugs.
 */

import type { Assignment, LbProblem, Strategy } from '../strategy.js';

/**
 * Moves each migratable object from PE `p` to the first available PE after `p`, wrapping
 * around (so with one available PE, objects on it stay). Non-migratable objects stay; with no
 * available PE nothing moves. O(n + P).
 */
export function solveRotate(problem: LbProblem): Assignment {
  const { objects, pes } = problem;
  const numPes = pes.length;
  const next = new Int32Array(numPes).fill(-1);
  // Walk twice around the ring backwards so that next[p] is the first available PE after p.
  let seen = -1;
  for (let k = 2 * numPes - 1; k >= 0; k--) {
    const p = k % numPes;
    if (k < numPes) next[p] = seen;
    if (pes[p].available) seen = p;
  }
  const out = new Int32Array(objects.length);
  for (const o of objects) {
    out[o.id] = o.migratable && next[o.pe] >= 0 ? next[o.pe] : o.pe;
  }
  return out;
}

/** RotateLB: every object to the next available PE. */
export function rotateLB(): Strategy {
  return {
    name: 'RotateLB',
    description: 'moves every object to the next available PE (testing aid for migration)',
    solve: solveRotate,
  };
}
