/**
 * Command line of the chare version of PIC: the kernel's flags (parsed by
 * `kernel/parameters.ts`) plus the program's own, and the tile grid they lead to.
 *
 *     -i T -s L -n n [-k k] [-m m] --mode MODE [--init-parameters ...]
 *     [--odf N] [--tiles PXxPY] [--lb-period ITERS] [--json]
 *
 * Every rule is checked before anything is created: a bad value, a tile grid that does not fit
 * the grid, or k and m beyond the limits of PIC.md 6.5 for that grid.
 */
import { InvalidArgumentError } from 'charm4ts';
import { defaultTileGrid, parseTileGrid, TileDecomposition, type TileGrid } from './kernel/decomposition.js';
import { PIC_FLAGS_USAGE, parsePicArguments, type PicParameters } from './kernel/parameters.js';

/** Usage line of examples/pic/pic.ts. */
export const PIC_USAGE = `pic.ts ${PIC_FLAGS_USAGE} [--odf N (1)] [--tiles PXxPY] [--lb-period ITERS (0: off)] [--json] [--checkpoint-at STEP [--checkpoint-dir DIR] [--stop-after-checkpoint]]`;

/** Everything one run of the chare program needs to know. */
export interface PicRunOptions {
  /** The kernel's inputs. */
  readonly params: PicParameters;
  /** Tiles per PE (with --tiles: tiles / PEs, possibly fractional). */
  readonly odf: number;
  /** The tile grid (PIC.md 6.1 on ODF x PEs tiles, or --tiles). */
  readonly grid: TileGrid;
  /** True when the grid came from --tiles. */
  readonly forcedGrid: boolean;
  /** Steps between sync points (atSync); 0: none. */
  readonly lbPeriod: number;
  /** Print one JSON line at the end. */
  readonly json: boolean;
  /** Write a checkpoint after this step (0: never). */
  readonly checkpointAt: number;
  /** Where the checkpoint goes. */
  readonly checkpointDir: string;
  /** End the run right after writing the checkpoint (to resume it with +restart). */
  readonly stopAfterCheckpoint: boolean;
}

function count(flag: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new InvalidArgumentError(`${flag} needs an integer >= ${min}, got ${text === undefined ? 'nothing' : `"${text}"`}`);
  }
  return Number(text);
}

/**
 * Parses the program's arguments for a job of `pes` PEs. `syncEveryStep` (true when `+LBPeriod`
 * was given without `--lb-period`) makes every step a sync point, as Charm++ programs that call
 * AtSync each iteration do. Throws a CharmError (InvalidArgumentError or BadFlagError) whose
 * message is fit to print as it is.
 */
export function parsePicRunOptions(argv: readonly string[], pes: number, syncEveryStep = false): PicRunOptions {
  const { params, rest } = parsePicArguments(argv);
  let odf: number | undefined;
  let forced: TileGrid | undefined;
  let lbPeriod: number | undefined;
  let json = false;
  let checkpointAt = 0;
  let checkpointDir = 'pic.ckpt';
  let stopAfterCheckpoint = false;
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = eq >= 0 ? token.slice(0, eq) : token;
    const value = (): string | undefined => (eq >= 0 ? token.slice(eq + 1) : rest[++i]);
    switch (flag) {
      case '--odf':
        odf = count('--odf', value(), 1);
        break;
      case '--tiles':
        forced = parseTileGrid(value());
        break;
      case '--lb-period':
        lbPeriod = count('--lb-period', value(), 0);
        break;
      case '--json':
        json = true;
        break;
      case '--checkpoint-at':
        checkpointAt = count('--checkpoint-at', value(), 1);
        break;
      case '--checkpoint-dir': {
        const text = value();
        if (text === undefined || text === '') throw new InvalidArgumentError('--checkpoint-dir needs a folder');
        checkpointDir = text;
        break;
      }
      case '--stop-after-checkpoint':
        stopAfterCheckpoint = true;
        break;
      default:
        throw new InvalidArgumentError(`unknown argument "${token}" (usage: ${PIC_USAGE})`);
    }
  }
  let grid: TileGrid;
  if (forced !== undefined) {
    const tiles = forced.px * forced.py;
    if (odf !== undefined && odf * pes !== tiles) {
      throw new InvalidArgumentError(`--tiles ${forced.px}x${forced.py} makes ${tiles} tiles, but --odf ${odf} on ${pes} PEs asks for ${odf * pes}`);
    }
    grid = forced;
  } else {
    grid = defaultTileGrid((odf ?? 1) * pes);
  }
  const decomposition = new TileDecomposition(params.gridSize, grid);
  decomposition.checkLimits(params.k, params.m);
  if (checkpointAt >= params.iterations) throw new InvalidArgumentError(`--checkpoint-at ${checkpointAt} must be a step before the last (-i ${params.iterations})`);
  if (stopAfterCheckpoint && checkpointAt === 0) throw new InvalidArgumentError('--stop-after-checkpoint needs --checkpoint-at');
  return {
    params,
    odf: odf ?? (grid.px * grid.py) / pes,
    grid,
    forcedGrid: forced !== undefined,
    lbPeriod: lbPeriod ?? (syncEveryStep ? 1 : 0),
    json,
    checkpointAt,
    checkpointDir,
    stopAfterCheckpoint,
  };
}
