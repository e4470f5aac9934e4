/**
 * Initial placement of the particles of one tile (PIC.md 2 and 3), identical to the serial
 * reference for every decomposition: cell (x, y) uses generator draws 2(xL+y)+1 and 2(xL+y)+2
 * counted from the reset value, and the tile jumps over the draws of cells it does not own.
 */
import { CELL_OFFSET, DT, GRID_CHARGE } from './constants.js';
import type { TileBounds } from './decomposition.js';
import type { CellDistribution } from './distributions.js';
import { vertexCharge } from './mesh.js';
import { ParticleStore } from './particles.js';
import { RandomDraw, lcgJump, type LcgJump } from './random-draw.js';

/** Generator steps consumed by one cell. */
const DRAWS_PER_CELL = 2;

/** What a tile needs to place its particles. */
export interface PlacementOptions {
  /** Expected counts per cell (carries L and n). */
  readonly distribution: CellDistribution;
  /** Charge multiplier k: particles move 2k+1 cells in +x per step. */
  readonly k: number;
  /** Vertical velocity m, in cells per step. */
  readonly m: number;
  /** The cells of the tile. */
  readonly bounds: Pick<TileBounds, 'istart' | 'iend' | 'jstart' | 'jend'>;
  /** Id of the tile's first particle; the next ones follow in placement order. Default 1. */
  readonly firstId?: number;
}

/**
 * The charge of a particle at (x, y) in cell column cx, computed as the reference does: the
 * charge that makes the particle's x-acceleration at its start exactly +(2k+1)*2 (PIC.md 3).
 */
export function initialCharge(x: number, y: number, cx: number, k: number): number {
  const rx = x % 1;
  const ry = y % 1;
  const r1 = ry * ry + rx * rx;
  const r2 = ry * ry + (1 - rx) * (1 - rx);
  const cosTheta = rx / Math.sqrt(r1);
  const cosPhi = (1 - rx) / Math.sqrt(r2);
  const base = 1 / (DT * DT * GRID_CHARGE * (cosTheta / r1 + cosPhi / r2));
  const multiple = 2 * k + 1;
  return vertexCharge(cx) > 0 ? multiple * base : -1 * multiple * base;
}

/**
 * Places the particles of the tile's cells [istart, iend) x [jstart, jend) in placement order
 * (column by column, rows upward within a column), each at its cell centre at rest in x, with
 * velocity m in y, ids counting up from `firstId`. The count of each cell is exactly the serial
 * reference's, whatever the decomposition.
 */
export function placeTileParticles(options: PlacementOptions): ParticleStore {
  const { distribution, k, m, bounds } = options;
  const L = distribution.gridSize;
  const store = new ParticleStore();
  const rng = new RandomDraw();
  const jumps = new Map<number, LcgJump>();
  const counts = new Int32Array(Math.max(0, bounds.jend - bounds.jstart));
  let position = 0;
  let nextId = options.firstId ?? 1;
  const vy = m / DT;
  for (let cx = bounds.istart; cx < bounds.iend; cx++) {
    const rowStart = Math.max(bounds.jstart, distribution.firstKeptRow(cx));
    const rowEnd = Math.min(bounds.jend, distribution.endKeptRow(cx));
    if (rowStart >= rowEnd) continue;
    const distance = DRAWS_PER_CELL * (cx * L + rowStart) - position;
    let jump = jumps.get(distance);
    if (jump === undefined) {
      jump = lcgJump(distance);
      jumps.set(distance, jump);
    }
    rng.applyJump(jump);
    position = DRAWS_PER_CELL * (cx * L + rowEnd);
    const placed = rng.drawCounts(distribution.drawMean(cx), rowEnd - rowStart, counts);
    if (placed === 0) continue;
    store.ensureCapacity(store.count + placed);
    const x = cx + CELL_OFFSET;
    for (let row = 0; row < rowEnd - rowStart; row++) {
      const count = counts[row];
      if (count === 0) continue;
      const y = rowStart + row + CELL_OFFSET;
      const q = initialCharge(x, y, cx, k);
      for (let p = 0; p < count; p++) {
        const i = store.count++;
        store.x[i] = x;
        store.y[i] = y;
        store.vx[i] = 0;
        store.vy[i] = vy;
        store.q[i] = q;
        store.x0[i] = x;
        store.y0[i] = y;
        store.k[i] = k;
        store.m[i] = m;
        store.id[i] = nextId++;
      }
    }
  }
  return store;
}

/**
 * Gives the particles ids firstId, firstId+1, ... in index order. A parallel program places its
 * tiles, takes the exclusive prefix sum of their counts in tile order, and calls this with the
 * sum + 1, so that ids are 1..N over all tiles.
 */
export function assignIds(store: ParticleStore, firstId: number): void {
  const ids = store.id;
  for (let i = 0; i < store.count; i++) ids[i] = firstId + i;
}
