/**
 * How stencil2d cuts the grid: PEs x ODF blocks as a br x bc grid of equal blocks, br dividing
 * the rows and bc the columns, with blocks as close to square as such a split allows (on a tie,
 * more block rows: their north/south halos are contiguous rows, cheaper than packed columns).
 */
import { InvalidArgumentError } from 'charm4ts';

/** A split of an n x m grid into br x bc equal blocks. */
export interface BlockGrid {
  /** Blocks along the rows (first array index). */
  readonly br: number;
  /** Blocks along the columns (second array index). */
  readonly bc: number;
  /** Interior rows of each block. */
  readonly rows: number;
  /** Interior columns of each block. */
  readonly cols: number;
}

/** Chooses the split of an n x m grid into `blocks` equal blocks; throws InvalidArgumentError when none exists. */
export function chooseBlockGrid(n: number, m: number, blocks: number): BlockGrid {
  let best: BlockGrid | undefined;
  let bestShape = Infinity;
  for (let br = 1; br <= blocks; br++) {
    if (blocks % br !== 0) continue;
    const bc = blocks / br;
    if (n % br !== 0 || m % bc !== 0) continue;
    const rows = n / br;
    const cols = m / bc;
    const shape = Math.max(rows / cols, cols / rows);
    if (shape <= bestShape) {
      bestShape = shape;
      best = { br, bc, rows, cols };
    }
  }
  if (best === undefined) {
    throw new InvalidArgumentError(
      `cannot cut a ${n} x ${m} grid into ${blocks} equal blocks: ${blocks} must be br x bc with br dividing ${n} and bc dividing ${m} (change the grid size, the PE count or --odf)`,
    );
  }
  return best;
}
