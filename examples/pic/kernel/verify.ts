/**
 * The PRK's final check (PIC.md 5): after T+1 steps every particle must sit, within 1e-6, at its
 * start moved (T+1)*(2k+1) cells in +x and (T+1)*m cells in y, on the periodic grid; and (in
 * parallel) the ids must sum to N(N+1)/2, so that no particle was lost or duplicated.
 */
import type { ParticleStore } from './particles.js';

/** Largest position error a particle may have and still pass. */
export const POSITION_TOLERANCE = 1e-6;

/**
 * Number of particles of `store` that are not where they must be after `stepsRun` = T+1 steps
 * on an L x L grid. Uses the serial reference's periodic reduction:
 * `fmod(x0 + s*(2k+1) + s*(2k+1)*L, L)` and `fmod(y0 + s*m + s*|m|*L, L)` with s = T+1. The
 * displacement is taken as +x for every particle (by construction of the charges), so a charge
 * with the wrong sign is counted as a failure rather than excused.
 */
export function countFailures(store: ParticleStore, stepsRun: number, gridSize: number): number {
  const L = gridSize;
  const s = stepsRun;
  let failures = 0;
  for (let i = 0; i < store.count; i++) {
    const k = store.k[i];
    const m = store.m[i];
    const xFinal = store.x0[i] + s * (2 * k + 1);
    const yFinal = store.y0[i] + m * s;
    const xExpected = (xFinal + s * (2 * k + 1) * L) % L;
    const yExpected = (yFinal + s * Math.abs(m) * L) % L;
    if (Math.abs(store.x[i] - xExpected) > POSITION_TOLERANCE || Math.abs(store.y[i] - yExpected) > POSITION_TOLERANCE) {
      failures++;
    }
  }
  return failures;
}

/** Sum of the ids of the particles of `store` (exact while the total stays below 2^53). */
export function idChecksum(store: ParticleStore): number {
  let sum = 0;
  for (let i = 0; i < store.count; i++) sum += store.id[i];
  return sum;
}

/** The id checksum of particles 1..N: N(N+1)/2. */
export function expectedIdChecksum(particleCount: number): number {
  return (particleCount * (particleCount + 1)) / 2;
}
