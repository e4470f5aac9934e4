import t from 'tap';
import { TileDecomposition, defaultTileGrid, type TileGrid } from '../../../../examples/pic/kernel/decomposition.js';
import { CellDistribution, type DistributionSpec } from '../../../../examples/pic/kernel/distributions.js';
import { initialCharge, placeTileParticles } from '../../../../examples/pic/kernel/init.js';
import { TileMesh } from '../../../../examples/pic/kernel/mesh.js';
import { IndexList, TileMover, moveParticles } from '../../../../examples/pic/kernel/mover.js';
import { PACKED_PARTICLE_DOUBLES, ParticleStore } from '../../../../examples/pic/kernel/particles.js';
import { TileRouter } from '../../../../examples/pic/kernel/routing.js';
import { countFailures, expectedIdChecksum } from '../../../../examples/pic/kernel/verify.js';
import { runTiled } from './tiled-run.js';

function singleParticle(cx: number, cy: number, k: number, m: number): ParticleStore {
  const store = new ParticleStore();
  const x = cx + 0.5;
  const y = cy + 0.5;
  store.push({ x, y, vx: 0, vy: m, q: initialCharge(x, y, cx, k), x0: x, y0: y, k, m, id: 1 });
  return store;
}

const wholeGrid = (L: number): TileMesh => new TileMesh({ istart: 0, iend: L, jstart: 0, jend: L });

t.test('a single particle advances exactly 2k+1 columns per step and vx alternates', async (t) => {
  const L = 20;
  const mesh = wholeGrid(L);
  for (const [cx, cy, k, m] of [
    [0, 0, 0, 1],
    [3, 7, 1, 2],
    [8, 19, 2, -3],
    [19, 4, 3, 0],
    [5, 5, 15, 25], // more than L cells per step in x and y: the wrap's slow path
    [2, 3, 0, -20], // m = -L, the most negative m allowed
  ]) {
    const store = singleParticle(cx, cy, k, m);
    const stride = 2 * k + 1;
    let exact = true;
    for (let step = 1; step <= 45; step++) {
      moveParticles(store, mesh, L);
      const x = (cx + 0.5 + step * stride) % L;
      const y = (((cy + 0.5 + step * m) % L) + L) % L;
      const vx = step % 2 === 1 ? 2 * stride : 0;
      // positions are exact; vx may carry one rounding of the charge (k = 3: 13.999999999999998)
      if (store.x[0] !== x || store.y[0] !== y || Math.abs(store.vx[0] - vx) > 1e-12 || store.vy[0] !== m) exact = false;
    }
    t.ok(exact, `cell (${cx}, ${cy}) k=${k} m=${m}: exact positions, vx alternating ${2 * stride} and 0, for 45 steps`);
  }
});

t.test('the mover accumulates velocity (it is not reset to a*DT)', async (t) => {
  const L = 20;
  const k = 1;
  const m = 2;
  const mesh = wholeGrid(L);
  // the state after step 1 of a particle that started in cell (4, 6): moving, vx = 2(2k+1)
  const store = new ParticleStore();
  const x = 4.5 + 3;
  store.push({ x, y: 8.5, vx: 6, vy: m, q: initialCharge(4.5, 6.5, 4, k), x0: 4.5, y0: 6.5, k, m, id: 1 });
  moveParticles(store, mesh, L);
  t.equal(store.x[0], x + 3, 'moves vx + a/2 = 6 - 3 cells');
  t.equal(store.vx[0], 0, 'vx = 6 + (-6), where assigning would give -6');
  t.equal(store.vy[0], m, 'vy keeps m, where assigning would give 0');
  t.equal(store.y[0], 10.5);
});

t.test('an assign-instead-of-accumulate mover fails verification on every small case', async (t) => {
  const rows: [number, number, number, number, number, DistributionSpec][] = [
    [10, 20, 1000, 0, 1, { mode: 'GEOMETRIC', ratio: 0.9 }],
    [99, 100, 10000, 1, 2, { mode: 'GEOMETRIC', ratio: 0.99 }],
    [99, 100, 10000, 0, 1, { mode: 'SINUSOIDAL' }],
    [99, 100, 10000, 1, 1, { mode: 'PATCH', left: 10, right: 40, bottom: 20, top: 60 }],
  ];
  for (const [T, L, n, k, m, spec] of rows) {
    const distribution = new CellDistribution(spec, L, n);
    const bounds = { istart: 0, iend: L, jstart: 0, jend: L };
    const correct = placeTileParticles({ distribution, k, m, bounds });
    const broken = placeTileParticles({ distribution, k, m, bounds });
    const mesh = new TileMesh(bounds);
    for (let step = 0; step <= T; step++) {
      moveParticles(correct, mesh, L);
      const vx = broken.vx.slice(0, broken.count);
      const vy = broken.vy.slice(0, broken.count);
      moveParticles(broken, mesh, L);
      // v = a*DT: the accumulated velocity minus the old one
      for (let i = 0; i < broken.count; i++) {
        broken.vx[i] -= vx[i];
        broken.vy[i] -= vy[i];
      }
    }
    t.equal(countFailures(correct, T + 1, L), 0, `${spec.mode} L=${L}: correct mover validates`);
    t.equal(countFailures(broken, T + 1, L), broken.count, `${spec.mode} L=${L}: every particle of the broken mover fails`);
  }
});

t.test('moveParticles lists, in order, exactly the particles whose new cell the mesh does not cover', async (t) => {
  const L = 40;
  const d = new TileDecomposition(L, { px: 4, py: 4 });
  const tile = 5;
  const bounds = d.bounds(tile);
  const mesh = new TileMesh(bounds);
  const distribution = new CellDistribution({ mode: 'SINUSOIDAL' }, L, 20000);
  const store = placeTileParticles({ distribution, k: 1, m: 1, bounds });
  t.ok(store.count > 100, `particles on the tile (${store.count})`);
  const outside = new IndexList();
  outside.add(12345); // cleared by the call
  moveParticles(store, mesh, L, outside);
  const expected: number[] = [];
  for (let i = 0; i < store.count; i++) {
    const cx = Math.floor(store.x[i]!);
    const cy = Math.floor(store.y[i]!);
    if (cx < bounds.istart || cx >= bounds.iend || cy < bounds.jstart || cy >= bounds.jend) expected.push(i);
  }
  t.ok(expected.length > 0, `some particles left the tile (${expected.length})`);
  t.strictSame(Array.from(outside.values.subarray(0, outside.length)), expected);
});

t.test('TileMover sends leavers to the right slot and keeps the rest', async (t) => {
  const L = 30;
  const d = new TileDecomposition(L, { px: 3, py: 3 });
  const tile = 4; // cells [10,20) x [10,20)
  const router = new TileRouter(d, tile);
  const mover = new TileMover(new TileMesh(d.bounds(tile)), router, L);
  const store = new ParticleStore();
  const add = (cx: number, cy: number, m: number, id: number): void => {
    const x = cx + 0.5;
    const y = cy + 0.5;
    store.push({ x, y, vx: 0, vy: m, q: initialCharge(x, y, cx, 1), x0: x, y0: y, k: 1, m, id });
  };
  add(12, 12, 0, 1); // to (15, 12): stays
  add(18, 15, 0, 2); // to (21, 15): right, slot 1
  add(18, 19, 1, 3); // to (21, 20): (+1,+1), slot 5
  add(15, 10, -1, 4); // to (18, 9): (0,-1), slot 3
  add(16, 19, 2, 5); // to (19, 21): (0,+1), slot 2
  const out = mover.step(store);
  t.equal(out.length, 8);
  t.same(out.map((packed) => packed.length / PACKED_PARTICLE_DOUBLES), [0, 1, 1, 1, 0, 1, 0, 0]);
  const idOf = (slot: number): number => out[slot][PACKED_PARTICLE_DOUBLES - 1];
  t.same([idOf(1), idOf(2), idOf(3), idOf(5)], [2, 5, 4, 3]);
  t.equal(store.count, 1);
  t.equal(store.id[0], 1);
  t.equal(store.x[0], 15.5);
  t.equal(out[1][0], 21.5, 'packed x of the particle sent right');
  t.same(mover.step(new ParticleStore()).map((p) => p.length), [0, 0, 0, 0, 0, 0, 0, 0], 'empty tile');
});

t.test('TileMover rejects a particle that skips a tile', async (t) => {
  const L = 30;
  const d = new TileDecomposition(L, { px: 5, py: 1 });
  const router = new TileRouter(d, 0);
  const mover = new TileMover(new TileMesh(d.bounds(0)), router, L);
  const store = singleParticle(1, 1, 7, 0); // 15 cells per step across 6-cell tiles
  t.throws(() => mover.step(store), { code: 'CHARM_ERR_INVALID_ARGUMENT', message: /no neighbouring tile owns/ });
});

t.test('the tiled algorithm validates on every grid, losing and duplicating nothing', async (t) => {
  const cases: [number, number, number, number, number, DistributionSpec, number][] = [
    [10, 20, 1000, 0, 1, { mode: 'GEOMETRIC', ratio: 0.9 }, 998],
    [30, 100, 10000, 1, 2, { mode: 'GEOMETRIC', ratio: 0.99 }, 9643],
    [30, 100, 10000, 2, -3, { mode: 'GEOMETRIC', ratio: 0.99 }, 9643],
    [30, 100, 10000, 1, 1, { mode: 'PATCH', left: 10, right: 40, bottom: 20, top: 60 }, 9978],
  ];
  const grids: TileGrid[] = [2, 3, 4, 6, 9].map(defaultTileGrid);
  grids.push({ px: 2, py: 1 }, { px: 3, py: 2 }, { px: 4, py: 4 });
  for (const [T, L, n, k, m, spec, N] of cases) {
    for (const grid of grids) {
      new TileDecomposition(L, grid).checkLimits(k, m);
      const params = { iterations: T, gridSize: L, requestedParticles: n, k, m, distribution: spec };
      const result = runTiled(params, grid);
      t.same(
        result,
        { placed: N, failures: 0, checksum: expectedIdChecksum(N), misplaced: 0 },
        `${spec.mode} L=${L} k=${k} m=${m} grid ${grid.px}x${grid.py}`,
      );
    }
  }
});
