/**
 * One rectangular block of the Jacobi grid: its interior points, a one-cell ghost frame, two
 * grids (the current one and the next), and the operations a chare needs each iteration: copy
 * out its edges, write received halos into the ghost frame, step, and sum.
 */

import { gridLayout } from './grid-layout.js';
import { createJacobiKernel, type GridPair, type JacobiKernel, type KernelVariant } from './kernel.js';

/** A side of a block. North is towards row 0 of the grid, west towards column 0. */
export type Side = 'north' | 'south' | 'west' | 'east';

/** The four sides, in the order north, south, west, east. */
export const SIDES: readonly Side[] = Object.freeze(['north', 'south', 'west', 'east'] as const);

/** The side facing `side`: a block's north halo is its northern neighbour's south edge. */
export function opposite(side: Side): Side {
  switch (side) {
    case 'north':
      return 'south';
    case 'south':
      return 'north';
    case 'west':
      return 'east';
    case 'east':
      return 'west';
  }
}

/** Fixed boundary values: the row above and the column left of the grid. */
export const HOT_BOUNDARY = 255.0;
/** Fixed boundary values: the row below and the column right of the grid; also the start value. */
export const COLD_BOUNDARY = 1.0;

/** Where a block sits in the global n x m grid (all counts of points, 0-based positions). */
export interface BlockGeometry {
  /** Global row of the block's first interior row. */
  readonly row0: number;
  /** Global column of the block's first interior column. */
  readonly col0: number;
  /** Interior rows of the block (at least 1). */
  readonly rows: number;
  /** Interior columns of the block (at least 1). */
  readonly cols: number;
  /** Rows of the global grid. */
  readonly n: number;
  /** Columns of the global grid. */
  readonly m: number;
}

function checkGeometry(g: BlockGeometry): void {
  const values = [g.row0, g.col0, g.rows, g.cols, g.n, g.m];
  const ok =
    values.every(Number.isSafeInteger) &&
    g.row0 >= 0 &&
    g.col0 >= 0 &&
    g.rows >= 1 &&
    g.cols >= 1 &&
    g.row0 + g.rows <= g.n &&
    g.col0 + g.cols <= g.m;
  if (!ok) throw new RangeError(`block geometry ${JSON.stringify(g)} does not lie inside its grid`);
}

/**
 * A block of `rows` x `cols` interior points with a ghost frame, double-buffered.
 *
 * Each iteration: send `edge(side)` for every side with a neighbour, `setHalo(side, values)`
 * for every halo received, then `step()`. Sides on the grid's edge hold the fixed boundary
 * values in their ghost cells in both grids from construction on, and take no halos. Ghost
 * cells that face a neighbour start as NaN, so a missed first exchange shows in the checksum.
 * All values are read and written in the current grid, which `step()` replaces by the next.
 */
export class Block {
  /** Where this block sits in the grid (a frozen copy of the constructor's argument). */
  readonly geometry: BlockGeometry;
  readonly #pair: GridPair;
  readonly #stride: number;
  #current: 0 | 1 = 0;

  /**
   * Creates the block with its interior at the start value 1.0 (or at `interior`, row-major
   * rows x cols, which is copied; the caller keeps it). `kernel` runs the steps; pass one
   * kernel to every block of a PE, since creating one compiles its WebAssembly module.
   */
  constructor(geometry: BlockGeometry, kernel: JacobiKernel = createJacobiKernel(), interior?: Float64Array) {
    checkGeometry(geometry);
    const { row0, col0, rows, cols, n, m } = geometry;
    if (interior !== undefined && interior.length !== rows * cols) {
      throw new RangeError(`interior has ${interior.length} values, the block ${rows * cols}`);
    }
    this.geometry = Object.freeze({ row0, col0, rows, cols, n, m });
    this.#pair = kernel.allocate(gridLayout(rows, cols));
    this.#stride = this.#pair.layout.stride;
    for (const grid of this.#pair.grids) {
      grid.fill(Number.NaN);
      for (let i = 1; i <= rows; i++) {
        const start = i * this.#stride + 1;
        if (interior === undefined) grid.fill(COLD_BOUNDARY, start, start + cols);
        else grid.set(interior.subarray((i - 1) * cols, i * cols), start);
      }
      if (row0 === 0) this.#writeGhost(grid, 'north', HOT_BOUNDARY);
      if (col0 === 0) this.#writeGhost(grid, 'west', HOT_BOUNDARY);
      if (row0 + rows === n) this.#writeGhost(grid, 'south', COLD_BOUNDARY);
      if (col0 + cols === m) this.#writeGhost(grid, 'east', COLD_BOUNDARY);
    }
  }

  /** The kernel variant that runs this block's steps. */
  get variant(): KernelVariant {
    return this.#pair.variant;
  }

  /** Whether `side` lies on the grid's fixed boundary (then no halo is sent or received there). */
  onBoundary(side: Side): boolean {
    const { row0, col0, rows, cols, n, m } = this.geometry;
    switch (side) {
      case 'north':
        return row0 === 0;
      case 'south':
        return row0 + rows === n;
      case 'west':
        return col0 === 0;
      case 'east':
        return col0 + cols === m;
    }
  }

  /** Values along `side`: `cols` for north and south, `rows` for west and east. */
  haloLength(side: Side): number {
    return side === 'north' || side === 'south' ? this.geometry.cols : this.geometry.rows;
  }

  /**
   * A copy of the outermost interior row or column on `side`, for the neighbour there: west to
   * east along rows, north to south along columns (columns packed contiguously). The array is
   * fresh and owned by the caller, who may hand it to the network without copying.
   */
  edge(side: Side): Float64Array {
    const { rows, cols } = this.geometry;
    const grid = this.#pair.grids[this.#current];
    const s = this.#stride;
    switch (side) {
      case 'north':
        return grid.slice(s + 1, s + 1 + cols);
      case 'south':
        return grid.slice(rows * s + 1, rows * s + 1 + cols);
      case 'west':
      case 'east': {
        const out = new Float64Array(rows);
        const col = side === 'west' ? 1 : cols;
        for (let i = 0; i < rows; i++) out[i] = grid[(i + 1) * s + col];
        return out;
      }
    }
  }

  /**
   * Writes a halo received from the neighbour on `side` into the ghost frame of the current
   * grid, in the order `edge` produces. The values are copied before this returns, so the
   * caller keeps `halo` (it may be a view on a pooled receive buffer). Throws a RangeError if
   * the length is wrong or `side` lies on the grid's boundary.
   */
  setHalo(side: Side, halo: Float64Array): void {
    if (this.onBoundary(side)) throw new RangeError(`the ${side} side lies on the grid's boundary and takes no halo`);
    if (halo.length !== this.haloLength(side)) {
      throw new RangeError(`a ${side} halo needs ${this.haloLength(side)} values, got ${halo.length}`);
    }
    this.#writeGhost(this.#pair.grids[this.#current], side, halo);
  }

  /**
   * One Jacobi step: every interior point becomes `((((up + down) + left) + right) + self) * 0.2`
   * of the current grid; the result becomes the current grid. The halos must have been set.
   */
  step(): void {
    this.#pair.step(this.#current);
    this.#current = this.#current === 0 ? 1 : 0;
  }

  /** The sum of the current interior, row by row from the north-west corner. */
  interiorSum(): number {
    const { rows, cols } = this.geometry;
    const grid = this.#pair.grids[this.#current];
    let sum = 0;
    for (let i = 1; i <= rows; i++) {
      const start = i * this.#stride + 1;
      for (let j = start; j < start + cols; j++) sum += grid[j];
    }
    return sum;
  }

  /**
   * A copy of the current interior, row-major rows x cols: what a migration must carry (with
   * `geometry`) to rebuild the block with `new Block(geometry, kernel, interior)`. Fresh and
   * owned by the caller.
   */
  interior(): Float64Array {
    const { rows, cols } = this.geometry;
    const grid = this.#pair.grids[this.#current];
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const start = (i + 1) * this.#stride + 1;
      out.set(grid.subarray(start, start + cols), i * cols);
    }
    return out;
  }

  /** Fills the ghost cells on `side` (not the corners) with one value or a halo's values. */
  #writeGhost(grid: Float64Array, side: Side, values: number | Float64Array): void {
    const { rows, cols } = this.geometry;
    const s = this.#stride;
    if (side === 'north' || side === 'south') {
      const start = (side === 'north' ? 0 : (rows + 1) * s) + 1;
      if (typeof values === 'number') grid.fill(values, start, start + cols);
      else grid.set(values, start);
      return;
    }
    const col = side === 'west' ? 0 : cols + 1;
    for (let i = 0; i < rows; i++) grid[(i + 1) * s + col] = typeof values === 'number' ? values : values[i];
  }
}
