import t from 'tap';
import { TileDecomposition, defaultTileGrid, type TileGrid } from '../../../../examples/pic/kernel/decomposition.js';
import { CellDistribution, type DistributionSpec } from '../../../../examples/pic/kernel/distributions.js';
import { assignIds, initialCharge, placeTileParticles } from '../../../../examples/pic/kernel/init.js';
import type { ParticleStore } from '../../../../examples/pic/kernel/particles.js';
import { RandomDraw } from '../../../../examples/pic/kernel/random-draw.js';
import { placeTiles } from './tiled-run.js';

function cellCounts(stores: readonly ParticleStore[], L: number): Int32Array {
  const counts = new Int32Array(L * L);
  for (const store of stores) for (let i = 0; i < store.count; i++) counts[Math.floor(store.x0[i]) * L + Math.floor(store.y0[i])]++;
  return counts;
}

t.test('initialCharge gives (2k+1)/(2 sqrt 2) with the sign of the column', async (t) => {
  const base = 1 / (2 * Math.SQRT2);
  t.ok(Math.abs(initialCharge(4.5, 7.5, 4, 0) - base) < 1e-15);
  t.ok(Math.abs(initialCharge(5.5, 7.5, 5, 0) + base) < 1e-15);
  t.ok(Math.abs(initialCharge(0.5, 0.5, 0, 3) - 7 * base) < 1e-14);
});

t.test('serial placement: one sequential draw per cell, column by column', async (t) => {
  const L = 20;
  const distribution = new CellDistribution({ mode: 'GEOMETRIC', ratio: 0.9 }, L, 1000);
  const store = placeTileParticles({ distribution, k: 1, m: -2, bounds: { istart: 0, iend: L, jstart: 0, jend: L } });
  t.equal(store.count, 998, 'N of PIC.md 8');
  const rng = new RandomDraw();
  const expected = new Int32Array(L * L);
  for (let x = 0; x < L; x++) for (let y = 0; y < L; y++) expected[x * L + y] = rng.draw(distribution.drawMean(x));
  t.same(cellCounts([store], L), expected);
  let fieldsOk = true;
  for (let i = 0; i < store.count; i++) {
    const cx = Math.floor(store.x0[i]);
    if (store.x[i] !== cx + 0.5 || store.x0[i] !== store.x[i] || store.y0[i] !== store.y[i] || store.y[i] % 1 !== 0.5) fieldsOk = false;
    if (store.vx[i] !== 0 || store.vy[i] !== -2 || store.k[i] !== 1 || store.m[i] !== -2) fieldsOk = false;
    if (store.q[i] !== initialCharge(store.x[i], store.y[i], cx, 1)) fieldsOk = false;
    if (store.id[i] !== i + 1) fieldsOk = false;
    if (i > 0 && store.x0[i] * L + store.y0[i] < store.x0[i - 1] * L + store.y0[i - 1]) fieldsOk = false;
  }
  t.ok(fieldsOk, 'cell centres, rest in x, vy = m, reference charge, ids 1..N in placement order');
});

t.test('every decomposition places the serial particles, ids 1..N in tile order', async (t) => {
  const cases: { L: number; n: number; spec: DistributionSpec }[] = [
    { L: 20, n: 1000, spec: { mode: 'GEOMETRIC', ratio: 0.9 } },
    { L: 100, n: 10000, spec: { mode: 'PATCH', left: 10, right: 40, bottom: 20, top: 60 } },
    { L: 100, n: 10000, spec: { mode: 'SINUSOIDAL' } },
    { L: 100, n: 10000, spec: { mode: 'LINEAR', alpha: 1, beta: 3 } },
  ];
  const grids: TileGrid[] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(defaultTileGrid);
  grids.push({ px: 2, py: 1 }, { px: 3, py: 1 }, { px: 4, py: 3 }, { px: 7, py: 2 });
  for (const { L, n, spec } of cases) {
    const params = { iterations: 1, gridSize: L, requestedParticles: n, k: 0, m: 1, distribution: spec };
    const serial = placeTiles(params, { px: 1, py: 1 });
    const serialCounts = cellCounts([serial[0].store], L);
    const N = serial[0].store.count;
    for (const grid of grids) {
      const tiles = placeTiles(params, grid);
      const stores = tiles.map((tile) => tile.store);
      const label = `${spec.mode} L=${L} grid ${grid.px}x${grid.py}`;
      t.same(cellCounts(stores, L), serialCounts, `${label}: same per-cell counts`);
      const d = new TileDecomposition(L, grid);
      let ok = true;
      let nextId = 1;
      for (const [tile, store] of stores.entries()) {
        const b = d.bounds(tile);
        for (let i = 0; i < store.count; i++) {
          if (store.id[i] !== nextId++) ok = false;
          const cx = Math.floor(store.x0[i]);
          const cy = Math.floor(store.y0[i]);
          if (cx < b.istart || cx >= b.iend || cy < b.jstart || cy >= b.jend) ok = false;
        }
      }
      t.ok(ok && nextId === N + 1, `${label}: ids 1..${N} by tile then placement order, particles inside their tile`);
    }
  }
});

t.test('firstId and assignIds number the particles', async (t) => {
  const distribution = new CellDistribution({ mode: 'GEOMETRIC', ratio: 0.9 }, 20, 1000);
  const store = placeTileParticles({ distribution, k: 0, m: 1, bounds: { istart: 5, iend: 9, jstart: 0, jend: 20 }, firstId: 42 });
  t.equal(store.id[0], 42);
  t.equal(store.id[store.count - 1], 42 + store.count - 1);
  assignIds(store, 7);
  t.same(Array.from(store.id.subarray(0, 3)), [7, 8, 9]);
  const empty = placeTileParticles({ distribution, k: 0, m: 1, bounds: { istart: 3, iend: 3, jstart: 0, jend: 20 } });
  t.equal(empty.count, 0, 'a tile without cells places nothing');
});
