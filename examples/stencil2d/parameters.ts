/**
 * Command-line parameters of stencil2d, checked with clear messages.
 *
 *     -n ROWS [-m COLS] [--iterations I] [--warmup W] [--odf K] [--verify] [--json] [--kernel auto|wasm-simd|wasm|js]
 */
import { InvalidArgumentError } from 'charm4ts';

/** What one run computes and how. */
export interface StencilParameters {
  /** Grid rows. */
  readonly n: number;
  /** Grid columns. */
  readonly m: number;
  /** Timed iterations. */
  readonly iterations: number;
  /** Untimed iterations before the timed ones. */
  readonly warmup: number;
  /** Blocks per PE (overdecomposition factor). */
  readonly odf: number;
  /** Check the checksum against a serial computation. */
  readonly verify: boolean;
  /** Print one JSON line at the end. */
  readonly json: boolean;
  /** Kernel variant ("auto": the fastest available). */
  readonly kernel: 'auto' | 'wasm-simd' | 'wasm' | 'js';
  /** Write a checkpoint after this many timed iterations (null: never). */
  readonly checkpointAt: number | null;
  /** Where the checkpoint goes. */
  readonly checkpointDir: string;
  /** End the run right after writing the checkpoint (to resume it with +restart). */
  readonly stopAfterCheckpoint: boolean;
}

/** Usage text. */
export const STENCIL_USAGE =
  'stencil2d -n ROWS [-m COLS] [--iterations I (100)] [--warmup W (10)] [--odf K (1)] [--verify] [--json] [--kernel auto|wasm-simd|wasm|js] [--checkpoint-at K [--checkpoint-dir DIR] [--stop-after-checkpoint]]';

const KERNELS = ['auto', 'wasm-simd', 'wasm', 'js'] as const;

function integer(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new InvalidArgumentError(`${flag} needs an integer >= ${min}, got ${value === undefined ? 'nothing' : `"${value}"`} (usage: ${STENCIL_USAGE})`);
  }
  return Number(value);
}

/** Parses the program's arguments. Throws InvalidArgumentError naming the flag. */
export function parseStencilArguments(argv: readonly string[]): StencilParameters {
  let n: number | undefined;
  let m: number | undefined;
  let iterations = 100;
  let warmup = 10;
  let odf = 1;
  let verify = false;
  let json = false;
  let kernel: StencilParameters['kernel'] = 'auto';
  let checkpointAt: number | null = null;
  let checkpointDir = 'stencil2d.ckpt';
  let stopAfterCheckpoint = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = (): string | undefined => argv[++i];
    switch (arg) {
      case '-n':
        n = integer('-n', next(), 1);
        break;
      case '-m':
        m = integer('-m', next(), 1);
        break;
      case '--iterations':
      case '-i':
        iterations = integer(arg, next(), 1);
        break;
      case '--warmup':
      case '-w':
        warmup = integer(arg, next(), 0);
        break;
      case '--odf':
        odf = integer('--odf', next(), 1);
        break;
      case '--verify':
        verify = true;
        break;
      case '--json':
        json = true;
        break;
      case '--kernel': {
        const value = next();
        if (!(KERNELS as readonly (string | undefined)[]).includes(value)) throw new InvalidArgumentError(`--kernel needs one of ${KERNELS.join(', ')}, got "${value}"`);
        kernel = value as StencilParameters['kernel'];
        break;
      }
      case '--checkpoint-at':
        checkpointAt = integer('--checkpoint-at', next(), 0);
        break;
      case '--checkpoint-dir': {
        const value = next();
        if (value === undefined || value === '') throw new InvalidArgumentError('--checkpoint-dir needs a folder');
        checkpointDir = value;
        break;
      }
      case '--stop-after-checkpoint':
        stopAfterCheckpoint = true;
        break;
      default:
        throw new InvalidArgumentError(`unknown argument "${arg}" (usage: ${STENCIL_USAGE})`);
    }
  }
  if (n === undefined) throw new InvalidArgumentError(`the grid size is missing (usage: ${STENCIL_USAGE})`);
  if (checkpointAt !== null && checkpointAt > iterations) throw new InvalidArgumentError(`--checkpoint-at ${checkpointAt} is beyond --iterations ${iterations}`);
  if (stopAfterCheckpoint && checkpointAt === null) throw new InvalidArgumentError('--stop-after-checkpoint needs --checkpoint-at');
  return { n, m: m ?? n, iterations, warmup, odf, verify, json, kernel, checkpointAt, checkpointDir, stopAfterCheckpoint };
}
