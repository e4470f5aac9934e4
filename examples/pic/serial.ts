/**
 * Serial driver of the PRK particle-in-cell kernel: the whole grid on one tile, in one thread,
 * printing what the C reference prints. Exit status 0 when the solution validates, 1 when it does
 * not, 2 for bad parameters.
 *
 *   npx tsx examples/pic/serial.ts -i 10 -s 20 -n 1000 -k 0 -m 1 --mode GEOMETRIC --init-parameters 0.9 [--json]
 */
import { BadFlagError, CharmError } from '../../src/errors.js';
import { distributionParameters } from './kernel/distributions.js';
import { PIC_FLAGS_USAGE, parsePicArguments, type PicParameters } from './kernel/parameters.js';
import { runSerial, type SerialRunResult } from './kernel/serial-run.js';

const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

function describe(params: PicParameters): string {
  const d = params.distribution;
  return [
    'Serial particle-in-cell on a 2D grid (PRK PIC)',
    `Grid size                      = ${params.gridSize}`,
    `Number of particles requested  = ${params.requestedParticles}`,
    `Number of time steps           = ${params.iterations}`,
    `Initialization mode            = ${d.mode} ${distributionParameters(d).join(' ')}`.trimEnd(),
    `Particle charge semi-increment = ${params.k}`,
    `Vertical velocity              = ${params.m}`,
  ].join('\n');
}

function report(result: SerialRunResult): string {
  return [
    `Number of particles placed     = ${result.placed}`,
    result.validates ? 'Solution validates' : `Solution does not validate (${result.failures} miscalculated locations)`,
    `Rate (Mparticles_moved/s): ${result.rate.toFixed(6)}`,
  ].join('\n');
}

function jsonLine(params: PicParameters, result: SerialRunResult): string {
  return JSON.stringify({
    app: 'pic',
    driver: 'serial',
    iterations: params.iterations,
    gridSize: params.gridSize,
    requestedParticles: params.requestedParticles,
    k: params.k,
    m: params.m,
    mode: params.distribution.mode,
    initParameters: distributionParameters(params.distribution),
    pes: 1,
    tiles: 1,
    placed: result.placed,
    validates: result.validates,
    failures: result.failures,
    placementSeconds: result.placementSeconds,
    stepSeconds: result.stepSeconds,
    secondsPerIteration: result.stepSeconds / params.iterations,
    rateMparticlesPerSecond: result.rate,
  });
}

function main(argv: readonly string[]): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`usage: serial.ts ${PIC_FLAGS_USAGE} [--json]\n`);
    return 0;
  }
  let parsed: ReturnType<typeof parsePicArguments>;
  try {
    parsed = parsePicArguments(argv);
    const unknown = parsed.rest.filter((token) => token !== '--json');
    if (unknown.length > 0) throw new BadFlagError(`unknown argument(s): ${unknown.join(' ')}`);
  } catch (error) {
    if (!(error instanceof CharmError)) throw error;
    process.stderr.write(`pic: ${error.message}\nusage: serial.ts ${PIC_FLAGS_USAGE} [--json]\n`);
    return EXIT_USAGE;
  }
  const { params, rest } = parsed;
  process.stdout.write(`${describe(params)}\n`);
  const result = runSerial(params);
  process.stdout.write(`${report(result)}\n`);
  if (rest.includes('--json')) process.stdout.write(`${jsonLine(params, result)}\n`);
  return result.validates ? 0 : EXIT_INVALID;
}

process.exitCode = main(process.argv.slice(2));
