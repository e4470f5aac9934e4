/**
 * The block decomposition of the L x L cell grid into a Px x Py grid of tiles (PIC.md 6.1-6.3,
 * 6.5): the default tile grid for a tile count, tile bounds, the owner of a cell, the eight
 * periodic neighbour slots of a tile, and the limits that keep every particle within one tile of
 * its last owner.
 */
import { InvalidArgumentError } from '../../../src/errors.js';

/** A Px x Py grid of tiles. Tile index = iy*px + ix. */
export interface TileGrid {
  /** Tiles along x (columns of tiles). */
  readonly px: number;
  /** Tiles along y (rows of tiles). */
  readonly py: number;
}

/** The cells a tile owns: [istart, iend) x [jstart, jend). It stores vertices [istart..iend] x [jstart..jend]. */
export interface TileBounds {
  /** Tile index, iy*px + ix. */
  readonly tile: number;
  /** Tile column. */
  readonly ix: number;
  /** Tile row. */
  readonly iy: number;
  /** First owned cell column. */
  readonly istart: number;
  /** One past the last owned cell column. */
  readonly iend: number;
  /** First owned cell row. */
  readonly jstart: number;
  /** One past the last owned cell row. */
  readonly jend: number;
}

/**
 * Tile offsets (dx, dy) of the eight neighbour slots, in the MPI1 reference's order:
 * left, right, +y, -y, then the diagonals (-1,+1), (+1,+1), (-1,-1), (+1,-1).
 */
export const NEIGHBOUR_OFFSETS: readonly (readonly [dx: number, dy: number])[] = [
  [-1, 0],
  [1, 0],
  [0, 1],
  [0, -1],
  [-1, 1],
  [1, 1],
  [-1, -1],
  [1, -1],
];

/** Number of neighbour slots of every tile. */
export const NEIGHBOUR_SLOT_COUNT = 8;

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be an integer >= 1, got ${value}`);
  }
}

/**
 * The reference's tile grid for `tiles` tiles: Px is the largest divisor of `tiles` not above
 * floor(sqrt(tiles + 1)), Py = tiles / Px. So 2 -> 1x2, 4 -> 2x2, 6 -> 2x3, 8 -> 2x4, 9 -> 3x3.
 */
export function defaultTileGrid(tiles: number): TileGrid {
  requirePositiveInteger('tile count', tiles);
  let px = Math.floor(Math.sqrt(tiles + 1));
  while (tiles % px !== 0) px--;
  return { px, py: tiles / px };
}

/**
 * Parses a forced tile grid written `PXxPY` (e.g. "2x1"), the value of the `--tiles` flag;
 * undefined (the flag came last, without its value) is refused as a missing value.
 */
export function parseTileGrid(text: string | undefined): TileGrid {
  if (text === undefined) throw new InvalidArgumentError('--tiles needs a tile grid PXxPY (e.g. 2x1)');
  const match = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(text);
  if (match === null) throw new InvalidArgumentError(`tile grid must be written PXxPY (e.g. 2x1), got "${text}"`);
  const grid = { px: Number(match[1]), py: Number(match[2]) };
  requirePositiveInteger('tile grid Px', grid.px);
  requirePositiveInteger('tile grid Py', grid.py);
  return grid;
}

/** Start of block `index` when `cells` cells are split into `blocks` blocks, the first `cells mod blocks` one cell wider. */
function blockStart(cells: number, blocks: number, index: number): number {
  const width = Math.floor(cells / blocks);
  const wide = cells % blocks;
  return index < wide ? (width + 1) * index : (width + 1) * wide + width * (index - wide);
}

/** Index of the block holding cell `cell` under the split of {@link blockStart}. */
function blockOf(cells: number, blocks: number, cell: number): number {
  const width = Math.floor(cells / blocks);
  const wideCells = (width + 1) * (cells % blocks);
  return cell < wideCells ? Math.floor(cell / (width + 1)) : cells % blocks + Math.floor((cell - wideCells) / width);
}

/**
 * An L x L cell grid split into a {@link TileGrid}. Immutable. The constructor rejects grids with
 * more tiles than cells along an axis; {@link checkLimits} checks k and m against the tile sizes.
 */
export class TileDecomposition {
  /** Cells per side, L. */
  readonly gridSize: number;
  /** Tiles along x. */
  readonly px: number;
  /** Tiles along y. */
  readonly py: number;

  constructor(gridSize: number, grid: TileGrid) {
    requirePositiveInteger('grid size L', gridSize);
    requirePositiveInteger('tile grid Px', grid.px);
    requirePositiveInteger('tile grid Py', grid.py);
    if (grid.px > gridSize || grid.py > gridSize) {
      throw new InvalidArgumentError(`tile grid ${grid.px}x${grid.py} has more tiles than cells along an axis (L = ${gridSize})`);
    }
    this.gridSize = gridSize;
    this.px = grid.px;
    this.py = grid.py;
  }

  /** Number of tiles, Px*Py. */
  get tileCount(): number {
    return this.px * this.py;
  }

  /** Tile index of tile column ix and row iy (taken periodically). */
  tileAt(ix: number, iy: number): number {
    const x = ((ix % this.px) + this.px) % this.px;
    const y = ((iy % this.py) + this.py) % this.py;
    return y * this.px + x;
  }

  /** The cells owned by tile `tile` (0 <= tile < Px*Py). */
  bounds(tile: number): TileBounds {
    if (!Number.isSafeInteger(tile) || tile < 0 || tile >= this.tileCount) {
      throw new InvalidArgumentError(`tile ${tile} does not exist (tiles 0..${this.tileCount - 1})`);
    }
    const ix = tile % this.px;
    const iy = Math.floor(tile / this.px);
    const L = this.gridSize;
    return {
      tile,
      ix,
      iy,
      istart: blockStart(L, this.px, ix),
      iend: blockStart(L, this.px, ix + 1),
      jstart: blockStart(L, this.py, iy),
      jend: blockStart(L, this.py, iy + 1),
    };
  }

  /** Tile column owning cell column c (0 <= c < L). */
  ownerColumn(c: number): number {
    return blockOf(this.gridSize, this.px, c);
  }

  /** Tile row owning cell row r (0 <= r < L). */
  ownerRow(r: number): number {
    return blockOf(this.gridSize, this.py, r);
  }

  /** Tile owning cell (cx, cy). */
  ownerOfCell(cx: number, cy: number): number {
    return this.ownerRow(cy) * this.px + this.ownerColumn(cx);
  }

  /**
   * The tiles in the eight neighbour slots of `tile`, in {@link NEIGHBOUR_OFFSETS} order,
   * periodic. With Px or Py <= 2 a tile appears in several slots, and with Px = 1 or Py = 1 a
   * tile is its own neighbour.
   */
  neighbourSlots(tile: number): number[] {
    const { ix, iy } = this.bounds(tile);
    return NEIGHBOUR_OFFSETS.map(([dx, dy]) => this.tileAt(ix + dx, iy + dy));
  }

  /**
   * The first neighbour slot of `tile` holding `owner`, or -1 when `owner` is none of the eight
   * neighbours (the caller decides whether that is an error; `owner === tile` may still match a
   * slot when the tile is its own neighbour).
   */
  slotOf(tile: number, owner: number): number {
    return this.neighbourSlots(tile).indexOf(owner);
  }

  /**
   * Checks PIC.md 6.5: a particle moves 2k+1 cells in x and |m| cells in y per step and may only
   * reach a neighbouring tile, so 2k+1 <= floor(L/Px) and |m| <= floor(L/Py).
   */
  checkLimits(k: number, m: number): void {
    const width = Math.floor(this.gridSize / this.px);
    const height = Math.floor(this.gridSize / this.py);
    const grid = `${this.px}x${this.py}`;
    if (2 * k + 1 > width) {
      throw new InvalidArgumentError(
        `k = ${k} is too large for tile grid ${grid} on L = ${this.gridSize}: a particle moves 2k+1 = ${2 * k + 1} cells per step, which must be <= floor(L/Px) = ${width}`,
      );
    }
    if (Math.abs(m) > height) {
      throw new InvalidArgumentError(
        `m = ${m} is too large for tile grid ${grid} on L = ${this.gridSize}: |m| must be <= floor(L/Py) = ${height}`,
      );
    }
  }
}
