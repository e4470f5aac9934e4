/**
 * Test helper: the parallel algorithm of PIC.md 6 run in one thread. Every tile places its
 * particles, ids come from the exclusive prefix sum of the tile counts, and each step every tile
 * moves its particles and hands the leavers of slot s to its s-th neighbour.
 */
import { TileDecomposition, type TileGrid } from '../../../../examples/pic/kernel/decomposition.js';
import { CellDistribution } from '../../../../examples/pic/kernel/distributions.js';
import { assignIds, placeTileParticles } from '../../../../examples/pic/kernel/init.js';
import { TileMesh } from '../../../../examples/pic/kernel/mesh.js';
import { TileMover } from '../../../../examples/pic/kernel/mover.js';
import type { PicParameters } from '../../../../examples/pic/kernel/parameters.js';
import type { ParticleStore } from '../../../../examples/pic/kernel/particles.js';
import { TileRouter } from '../../../../examples/pic/kernel/routing.js';
import { countFailures, idChecksum } from '../../../../examples/pic/kernel/verify.js';

/** One tile's state. */
export interface Tile {
  readonly decomposition: TileDecomposition;
  readonly router: TileRouter;
  readonly mover: TileMover;
  readonly store: ParticleStore;
}

/** Places the particles of every tile of `grid` with ids 1..N in tile order. */
export function placeTiles(params: PicParameters, grid: TileGrid): Tile[] {
  const decomposition = new TileDecomposition(params.gridSize, grid);
  const distribution = new CellDistribution(params.distribution, params.gridSize, params.requestedParticles);
  const tiles: Tile[] = [];
  let nextId = 1;
  for (let tile = 0; tile < decomposition.tileCount; tile++) {
    const bounds = decomposition.bounds(tile);
    const store = placeTileParticles({ distribution, k: params.k, m: params.m, bounds, firstId: 0 });
    assignIds(store, nextId);
    nextId += store.count;
    const router = new TileRouter(decomposition, tile);
    tiles.push({ decomposition, router, mover: new TileMover(new TileMesh(bounds), router, params.gridSize), store });
  }
  return tiles;
}

/** Counts the particles that are not on the tile owning their cell. */
export function misplaced(tiles: readonly Tile[]): number {
  let wrong = 0;
  for (const [index, tile] of tiles.entries()) {
    for (let i = 0; i < tile.store.count; i++) {
      if (tile.decomposition.ownerOfCell(Math.floor(tile.store.x[i]), Math.floor(tile.store.y[i])) !== index) wrong++;
    }
  }
  return wrong;
}

/** Runs T+1 steps with the exchange; returns placed count, failures and id checksum. */
export function runTiled(params: PicParameters, grid: TileGrid): { placed: number; failures: number; checksum: number; misplaced: number } {
  const tiles = placeTiles(params, grid);
  const placed = tiles.reduce((sum, tile) => sum + tile.store.count, 0);
  let wrong = 0;
  for (let step = 0; step <= params.iterations; step++) {
    const inbox: Float64Array[][] = tiles.map(() => []);
    for (const tile of tiles) {
      const outgoing = tile.mover.step(tile.store);
      outgoing.forEach((packed, slot) => inbox[tile.router.neighbours[slot]].push(packed));
    }
    tiles.forEach((tile, index) => inbox[index].forEach((packed) => tile.store.appendPacked(packed)));
    wrong += misplaced(tiles);
  }
  let failures = 0;
  let checksum = 0;
  for (const tile of tiles) {
    failures += countFailures(tile.store, params.iterations + 1, params.gridSize);
    checksum += idChecksum(tile.store);
  }
  return { placed, failures, checksum, misplaced: wrong };
}
