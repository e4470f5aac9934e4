/**
 * The fixed charges on the mesh vertices of one tile (PIC.md 3), stored as data that the force
 * routine reads: vertex (i, j) holds +Q when i is even and -Q when i is odd. A tile owning cells
 * [istart, iend) x [jstart, jend) stores vertices [istart..iend] x [jstart..jend], so
 * neighbouring tiles share a line of vertices and charges are never communicated.
 */
import { GRID_CHARGE } from './constants.js';
import type { TileBounds } from './decomposition.js';

/** The charge of vertex column i: +Q for even i, -Q for odd i (every row alike). */
export function vertexCharge(i: number): number {
  return i % 2 === 0 ? GRID_CHARGE : -GRID_CHARGE;
}

/**
 * Vertex charges of one tile, column-major: vertex (i, j) is at
 * `(i - istart) * columnStride + (j - jstart)`. Immutable after construction.
 */
export class TileMesh {
  /** First vertex column (= first owned cell column). */
  readonly istart: number;
  /** Last vertex column (= one past the last owned cell column). */
  readonly iend: number;
  /** First vertex row. */
  readonly jstart: number;
  /** Last vertex row. */
  readonly jend: number;
  /** Distance between vertex columns in {@link charges}: jend - jstart + 1. */
  readonly columnStride: number;
  /** The charges, (iend-istart+1) * (jend-jstart+1) values. */
  readonly charges: Float64Array;

  constructor(bounds: Pick<TileBounds, 'istart' | 'iend' | 'jstart' | 'jend'>) {
    this.istart = bounds.istart;
    this.iend = bounds.iend;
    this.jstart = bounds.jstart;
    this.jend = bounds.jend;
    this.columnStride = bounds.jend - bounds.jstart + 1;
    const columns = bounds.iend - bounds.istart + 1;
    this.charges = new Float64Array(columns * this.columnStride);
    for (let c = 0; c < columns; c++) {
      this.charges.fill(vertexCharge(bounds.istart + c), c * this.columnStride, (c + 1) * this.columnStride);
    }
  }

  /** The stored charge of vertex (i, j); i in [istart, iend], j in [jstart, jend]. */
  chargeAt(i: number, j: number): number {
    return this.charges[(i - this.istart) * this.columnStride + (j - this.jstart)];
  }
}
