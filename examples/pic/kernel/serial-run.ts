/**
 * The whole PIC kernel on one tile, as the serial reference runs it: place the particles, run
 * T+1 steps with the clock started after step 0, verify. The serial driver and the tests use it.
 */
import { CellDistribution } from './distributions.js';
import { placeTileParticles } from './init.js';
import { TileMesh } from './mesh.js';
import { moveParticles } from './mover.js';
import type { PicParameters } from './parameters.js';
import { countFailures, expectedIdChecksum, idChecksum } from './verify.js';

/** What a serial run measured and checked. */
export interface SerialRunResult {
  /** Particles placed, N. */
  readonly placed: number;
  /** Particles that failed the final position check. */
  readonly failures: number;
  /** Whether every particle passed and the id checksum is N(N+1)/2. */
  readonly validates: boolean;
  /** Seconds spent placing particles (untimed in the reference). */
  readonly placementSeconds: number;
  /** Seconds of the timed steps 1..T. */
  readonly stepSeconds: number;
  /** Millions of particle moves per second over the timed steps: 1e-6 * N * T / stepSeconds. */
  readonly rate: number;
}

/** Runs the kernel serially. The parameters must have passed `validatePicParameters`. */
export function runSerial(params: PicParameters): SerialRunResult {
  const L = params.gridSize;
  const bounds = { istart: 0, iend: L, jstart: 0, jend: L };
  const placementStart = process.hrtime.bigint();
  const distribution = new CellDistribution(params.distribution, L, params.requestedParticles);
  const store = placeTileParticles({ distribution, k: params.k, m: params.m, bounds, firstId: 1 });
  const mesh = new TileMesh(bounds);
  const placementSeconds = Number(process.hrtime.bigint() - placementStart) / 1e9;
  let clock = 0n;
  for (let step = 0; step <= params.iterations; step++) {
    if (step === 1) clock = process.hrtime.bigint();
    moveParticles(store, mesh, L);
  }
  const stepSeconds = Number(process.hrtime.bigint() - clock) / 1e9;
  const placed = store.count;
  const failures = countFailures(store, params.iterations + 1, L);
  return {
    placed,
    failures,
    validates: failures === 0 && idChecksum(store) === expectedIdChecksum(placed),
    placementSeconds,
    stepSeconds,
    rate: stepSeconds > 0 ? (1e-6 * placed * params.iterations) / stepSeconds : Infinity,
  };
}
