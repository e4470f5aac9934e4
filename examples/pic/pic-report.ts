/**
 * What the chare version of PIC prints: the PRK's lines (so that output compares with the C
 * reference and the MPI code), a summary of the run, and the `--json` line.
 */
import { distributionParameters } from './kernel/distributions.js';
import type { PicRunOptions } from './pic-options.js';

/** How the job ran (from the runtime). */
export interface PicJobInfo {
  readonly pes: number;
  /** Transport name as the runtime describes it. */
  readonly transport: string;
  /** Names of the transports PE 0 uses to reach the others, joined with "+" ("self" on one PE). */
  readonly transportsInUse: string;
  /** Balancer names joined with "+", or null when no sync point is ever reached. */
  readonly balancer: string | null;
}

/** What a run measured and checked. */
export interface PicOutcome {
  /** Particles placed, N. */
  readonly placed: number;
  /** Particles found at the end. */
  readonly found: number;
  /** Particles not where PIC.md 5 says they must be. */
  readonly failures: number;
  /** Whether the id checksum equals N(N+1)/2. */
  readonly checksumOk: boolean;
  /** Seconds of steps 1..T (from the barrier after step 0 to the last tile's step T). */
  readonly seconds: number;
  /** Busy seconds of the timed steps, per PE: the time tiles spent in their entry methods there. */
  readonly busy: readonly number[];
}

/** Whether the run validates: every particle passed, none lost or duplicated. */
export function validates(outcome: PicOutcome): boolean {
  return outcome.failures === 0 && outcome.found === outcome.placed && outcome.checksumOk;
}

/** Millions of particle moves per second over the timed steps (PIC.md 5). */
export function rate(options: PicRunOptions, outcome: PicOutcome): number {
  return (1e-6 * outcome.placed * options.params.iterations) / outcome.seconds;
}

/** The description printed before the run. */
export function describeRun(options: PicRunOptions, job: PicJobInfo): string {
  const { params, grid } = options;
  const d = params.distribution;
  const tiles = grid.px * grid.py;
  return [
    'Parallel particle-in-cell on a 2D grid (PRK PIC), charm4ts tiles',
    `Grid size                      = ${params.gridSize}`,
    `Number of particles requested  = ${params.requestedParticles}`,
    `Number of time steps           = ${params.iterations}`,
    `Initialization mode            = ${d.mode} ${distributionParameters(d).join(' ')}`.trimEnd(),
    `Particle charge semi-increment = ${params.k}`,
    `Vertical velocity              = ${params.m}`,
    `Tiles                          = ${grid.px}x${grid.py} (${tiles}${options.forcedGrid ? ', forced' : ''}) on ${job.pes} PEs, ODF ${formatOdf(options.odf)}`,
    `Load balancing                 = ${options.lbPeriod > 0 ? `atSync every ${options.lbPeriod} steps, ${job.balancer}` : 'off'}`,
    `Transport                      = ${job.transport}`,
  ].join('\n');
}

function formatOdf(odf: number): string {
  return Number.isInteger(odf) ? String(odf) : odf.toFixed(2);
}

/** The result lines: the PRK's, then time per step and load. */
export function reportRun(options: PicRunOptions, outcome: PicOutcome): string {
  const lines = [`Number of particles placed     = ${outcome.placed}`];
  if (outcome.failures > 0) lines.push(`ERROR: there are ${outcome.failures} miscalculated locations`);
  if (outcome.found !== outcome.placed) lines.push(`ERROR: ${outcome.found} particles at the end, ${outcome.placed} placed`);
  if (!outcome.checksumOk) lines.push('ERROR: Particle checksum incorrect');
  lines.push(validates(outcome) ? 'Solution validates' : 'Solution does not validate');
  lines.push(`Rate (Mparticles_moved/s): ${rate(options, outcome).toFixed(6)}`);
  const perStep = (outcome.seconds / options.params.iterations) * 1000;
  lines.push(`Time per step                  = ${perStep.toFixed(3)} ms (${options.params.iterations} timed steps, ${outcome.seconds.toFixed(3)} s)`);
  const { max, mean } = busyBalance(outcome.busy);
  lines.push(`Busy time per PE (s)           = ${outcome.busy.map((b) => b.toFixed(3)).join(' ')} (max/mean ${mean > 0 ? (max / mean).toFixed(3) : '-'})`);
  return lines.join('\n');
}

/** Largest and mean per-PE busy time. */
export function busyBalance(busy: readonly number[]): { max: number; mean: number } {
  const max = busy.length > 0 ? Math.max(...busy) : 0;
  const mean = busy.length > 0 ? busy.reduce((a, b) => a + b, 0) / busy.length : 0;
  return { max, mean };
}

/** The `--json` line. */
export function jsonLine(options: PicRunOptions, job: PicJobInfo, outcome: PicOutcome): string {
  const { params, grid } = options;
  return JSON.stringify({
    app: 'pic',
    driver: 'charm4ts',
    iterations: params.iterations,
    gridSize: params.gridSize,
    requestedParticles: params.requestedParticles,
    k: params.k,
    m: params.m,
    mode: params.distribution.mode,
    initParameters: distributionParameters(params.distribution),
    pes: job.pes,
    odf: options.odf,
    tiles: [grid.px, grid.py],
    forcedTiles: options.forcedGrid,
    transport: job.transportsInUse,
    lbPeriod: options.lbPeriod,
    balancer: job.balancer,
    steps: params.iterations,
    placed: outcome.placed,
    validates: validates(outcome),
    failures: outcome.failures,
    seconds: outcome.seconds,
    secondsPerIteration: outcome.seconds / params.iterations,
    rateMparticlesPerSecond: rate(options, outcome),
    busySeconds: outcome.busy,
  });
}
