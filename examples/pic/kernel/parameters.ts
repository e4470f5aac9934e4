/**
 * The inputs of the PIC kernel (PIC.md 1): their type, their validation, and the command-line
 * flags that give them (`-i T -s L -n n -k k -m m --mode MODE --init-parameters ...`, the flags of
 * the paper's Python version). Flags a program adds of its own are handed back unparsed.
 */
import { BadFlagError, InvalidArgumentError } from '../../../src/errors.js';
import { parseDistribution, validateDistribution, type DistributionSpec } from './distributions.js';

/** The kernel's inputs. */
export interface PicParameters {
  /** Timed steps T; T+1 steps run (step 0 is a warm-up). */
  readonly iterations: number;
  /** Cells per side, L (even). */
  readonly gridSize: number;
  /** Particles requested, n; the count placed differs. */
  readonly requestedParticles: number;
  /** Charge multiplier k >= 0: particles move 2k+1 cells in +x per step. */
  readonly k: number;
  /** Vertical velocity m, cells per step, -L <= m. */
  readonly m: number;
  /** Initial distribution. */
  readonly distribution: DistributionSpec;
}

/** Default k when `-k` is not given (the paper's setting). */
export const DEFAULT_K = 0;
/** Default m when `-m` is not given (the paper's setting). */
export const DEFAULT_M = 1;

/** The flag summary, for usage messages. */
export const PIC_FLAGS_USAGE =
  '-i T -s L -n n [-k k (default 0)] [-m m (default 1)] --mode GEOMETRIC|SINUSOIDAL|LINEAR|PATCH ' +
  '[--init-parameters r | alpha beta | xl xr yb yt]';

/**
 * Checks every rule of PIC.md 1 and 2.1: T >= 1, L even >= 2, n >= 1, k >= 0, m >= -L (so the
 * periodic wrap never sees a negative value), all integers, and the distribution's own rules.
 * Throws InvalidArgumentError naming the parameter and the rule.
 */
export function validatePicParameters(p: PicParameters): void {
  const integer = (name: string, value: number, min: number): void => {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${value}`);
    }
  };
  integer('time steps T (-i)', p.iterations, 1);
  integer('grid size L (-s)', p.gridSize, 2);
  integer('particle count n (-n)', p.requestedParticles, 1);
  integer('charge multiplier k (-k)', p.k, 0);
  if (!Number.isSafeInteger(p.m)) throw new InvalidArgumentError(`vertical velocity m (-m) must be an integer, got ${p.m}`);
  if (p.m < -p.gridSize) {
    throw new InvalidArgumentError(`vertical velocity m (-m) must be >= -L = ${-p.gridSize}, got ${p.m}`);
  }
  validateDistribution(p.distribution, p.gridSize, p.requestedParticles);
}

/** Flag name -> parameter it sets. Both the dashed and the Python version's underscored spellings work. */
const VALUE_FLAGS: Readonly<Record<string, 'iterations' | 'gridSize' | 'requestedParticles' | 'k' | 'm' | 'mode'>> = {
  '-i': 'iterations',
  '--iterations': 'iterations',
  '-s': 'gridSize',
  '--grid-size': 'gridSize',
  '--grid_size': 'gridSize',
  '-n': 'requestedParticles',
  '--num-particles': 'requestedParticles',
  '--num_particles': 'requestedParticles',
  '-k': 'k',
  '--charge-increment': 'k',
  '--charge_increment': 'k',
  '-m': 'm',
  '--velocity-y': 'm',
  '--velocity_y': 'm',
  '--mode': 'mode',
};

const INIT_PARAMETER_FLAGS = new Set(['--init-parameters', '--init_parameters']);

const NUMBER_TOKEN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseIntegerFlag(flag: string, text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new BadFlagError(`${flag} takes an integer, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new BadFlagError(`${flag} value ${text} is too large`);
  return value;
}

/**
 * Parses the kernel's flags out of `argv` (program arguments, without node and the script) and
 * validates them. `--init-parameters` takes every following numeric token and may repeat; a flag
 * may also be written `--flag=value`. Returns the parameters and, in order, every token this
 * parser does not know, for the caller to parse. Throws BadFlagError for malformed flags and
 * InvalidArgumentError for values that break a rule.
 */
export function parsePicArguments(argv: readonly string[]): { params: PicParameters; rest: string[] } {
  const values: Partial<Record<(typeof VALUE_FLAGS)[string], string>> = {};
  const initParameters: string[] = [];
  const rest: string[] = [];
  for (let a = 0; a < argv.length; a++) {
    const token = argv[a];
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = eq >= 0 ? token.slice(0, eq) : token;
    const inline = eq >= 0 ? token.slice(eq + 1) : undefined;
    if (INIT_PARAMETER_FLAGS.has(flag)) {
      if (inline !== undefined) initParameters.push(...inline.split(',').filter((t) => t !== ''));
      while (a + 1 < argv.length && NUMBER_TOKEN.test(argv[a + 1])) initParameters.push(argv[++a]);
      continue;
    }
    const target = VALUE_FLAGS[flag];
    if (target === undefined) {
      rest.push(token);
      continue;
    }
    const value = inline ?? argv[++a];
    if (value === undefined) throw new BadFlagError(`${flag} needs a value`);
    if (values[target] !== undefined) throw new BadFlagError(`${flag} given twice`);
    values[target] = value;
  }
  const required = (name: string, key: keyof typeof values): string => {
    const v = values[key];
    if (v === undefined) throw new BadFlagError(`missing ${name}; usage: ${PIC_FLAGS_USAGE}`);
    return v;
  };
  const params: PicParameters = {
    iterations: parseIntegerFlag('-i', required('-i T', 'iterations')),
    gridSize: parseIntegerFlag('-s', required('-s L', 'gridSize')),
    requestedParticles: parseIntegerFlag('-n', required('-n n', 'requestedParticles')),
    k: values.k === undefined ? DEFAULT_K : parseIntegerFlag('-k', values.k),
    m: values.m === undefined ? DEFAULT_M : parseIntegerFlag('-m', values.m),
    distribution: parseDistribution(required('--mode MODE', 'mode'), initParameters),
  };
  validatePicParameters(params);
  return { params, rest };
}
