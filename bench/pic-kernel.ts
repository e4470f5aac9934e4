/**
 * Benchmark of the PIC kernel's hot paths, one JSON line per measurement:
 *   - placement: cells per second of the generator and placement (untimed in the PRK);
 *   - move: ns per particle-step of `moveParticles` on one tile (the serial kernel);
 *   - move+route: ns per particle-step of `TileMover.step` on every tile of a tile grid (2x2, or
 *     `--tiles PXxPY`) in one thread, with the packing and unpacking of the particles that change
 *     tile, overall and per tile (`perTileNs`, tile index iy*PX+ix: the cost of a particle depends
 *     on how many share its column, see docs/performance.md);
 *   - c-reference: the C serial PRK on the same case, when PIC_C_REFERENCE names its binary
 *     (build SERIAL/PIC/pic.c of github.com/ParRes/Kernels with gcc -O2), and the JS/C ratio.
 *
 * Default case: the paper's setting shrunk to a few seconds (T=50, L=1000, n=100000, k=0, m=1,
 * GEOMETRIC 0.999). Any kernel flag overrides it, e.g.
 *   npx tsx bench/pic-kernel.ts -i 100 -s 2998 -n 600000 --mode GEOMETRIC --init-parameters 0.999 --tiles 4x4
 */
import { spawnSync } from 'node:child_process';
import { parseTileGrid, TileDecomposition, type TileGrid } from '../examples/pic/kernel/decomposition.js';
import { CellDistribution, distributionParameters } from '../examples/pic/kernel/distributions.js';
import { assignIds, placeTileParticles } from '../examples/pic/kernel/init.js';
import { TileMesh } from '../examples/pic/kernel/mesh.js';
import { TileMover, moveParticles } from '../examples/pic/kernel/mover.js';
import { parsePicArguments, type PicParameters } from '../examples/pic/kernel/parameters.js';
import { TileRouter } from '../examples/pic/kernel/routing.js';
import { countFailures } from '../examples/pic/kernel/verify.js';

const DEFAULT_ARGS = ['-i', '50', '-s', '1000', '-n', '100000', '-k', '0', '-m', '1', '--mode', 'GEOMETRIC', '--init-parameters', '0.999'];
const PLACEMENT_GRID = 2998;

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function emit(name: string, params: Record<string, unknown>, values: Record<string, number | string | boolean | number[]>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'pic-kernel', name, params, ...values })}\n`);
}

function describe(p: PicParameters): Record<string, unknown> {
  return { T: p.iterations, L: p.gridSize, n: p.requestedParticles, k: p.k, m: p.m, mode: p.distribution.mode, init: distributionParameters(p.distribution) };
}

function benchPlacement(): void {
  const L = PLACEMENT_GRID;
  const distribution = new CellDistribution({ mode: 'GEOMETRIC', ratio: 0.999 }, L, 600000);
  const bounds = { istart: 0, iend: L, jstart: 0, jend: L };
  let best = Infinity;
  let placed = 0;
  for (let rep = 0; rep < 3; rep++) {
    const start = process.hrtime.bigint();
    placed = placeTileParticles({ distribution, k: 0, m: 1, bounds }).count;
    best = Math.min(best, seconds(start));
  }
  emit('placement', { L, n: 600000, mode: 'GEOMETRIC', init: [0.999] }, { placed, seconds: best, mcellsPerSecond: (L * L) / best / 1e6 });
}

/** Runs step 0 untimed, then T timed steps, like the reference; returns the timed seconds. */
function timedSteps(iterations: number, step: () => void): number {
  step();
  const start = process.hrtime.bigint();
  for (let i = 1; i <= iterations; i++) step();
  return seconds(start);
}

function benchMove(p: PicParameters): number {
  const L = p.gridSize;
  const bounds = { istart: 0, iend: L, jstart: 0, jend: L };
  const distribution = new CellDistribution(p.distribution, L, p.requestedParticles);
  const store = placeTileParticles({ distribution, k: p.k, m: p.m, bounds });
  const mesh = new TileMesh(bounds);
  const time = timedSteps(p.iterations, () => moveParticles(store, mesh, L));
  const moves = store.count * p.iterations;
  const validates = countFailures(store, p.iterations + 1, L) === 0;
  emit('move', describe(p), { placed: store.count, validates, nsPerParticleStep: (time * 1e9) / moves, mparticlesPerSecond: moves / time / 1e6 });
  return (time * 1e9) / moves;
}

function benchMoveAndRoute(p: PicParameters, grid: TileGrid): void {
  const L = p.gridSize;
  const decomposition = new TileDecomposition(L, grid);
  decomposition.checkLimits(p.k, p.m);
  const distribution = new CellDistribution(p.distribution, L, p.requestedParticles);
  let nextId = 1;
  const tiles = Array.from({ length: decomposition.tileCount }, (_, tile) => {
    const bounds = decomposition.bounds(tile);
    const store = placeTileParticles({ distribution, k: p.k, m: p.m, bounds });
    assignIds(store, nextId);
    nextId += store.count;
    const router = new TileRouter(decomposition, tile);
    return { store, router, mover: new TileMover(new TileMesh(bounds), router, L), ns: 0, moves: 0 };
  });
  const placed = nextId - 1;
  const time = timedSteps(p.iterations, () => {
    const inbox: Float64Array[][] = tiles.map(() => []);
    for (const tile of tiles) {
      const start = process.hrtime.bigint();
      tile.moves += tile.store.count;
      tile.mover.step(tile.store).forEach((packed, slot) => inbox[tile.router.neighbours[slot]].push(packed));
      tile.ns += Number(process.hrtime.bigint() - start);
    }
    tiles.forEach((tile, index) => inbox[index].forEach((packed) => tile.store.appendPacked(packed)));
  });
  const validates = tiles.every((tile) => countFailures(tile.store, p.iterations + 1, L) === 0);
  const moves = placed * p.iterations;
  const perTileNs = tiles.map((tile) => Math.round((10 * tile.ns) / Math.max(1, tile.moves)) / 10);
  emit('move+route', { ...describe(p), tiles: `${grid.px}x${grid.py}` }, { placed, validates, nsPerParticleStep: (time * 1e9) / moves, mparticlesPerSecond: moves / time / 1e6, perTileNs });
  if (tiles.reduce((sum, tile) => sum + tile.moves, 0) !== placed * (p.iterations + 1)) throw new Error('particles were lost or duplicated');
}

function benchReference(p: PicParameters, jsNsPerStep: number): void {
  const binary = process.env.PIC_C_REFERENCE;
  if (binary === undefined || binary === '') return;
  const args = [p.iterations, p.gridSize, p.requestedParticles, p.k, p.m, p.distribution.mode, ...distributionParameters(p.distribution)].map(String);
  const run = spawnSync(binary, args, { encoding: 'utf8' });
  const rate = /Rate \(Mparticles_moved\/s\): ([\d.]+)/.exec(run.stdout ?? '');
  const placed = /Number of particles placed\s*=\s*(\d+)/.exec(run.stdout ?? '');
  if (run.status !== 0 || rate === null) {
    emit('c-reference', describe(p), { error: `${binary} failed: ${run.error?.message ?? run.stderr ?? run.stdout}` });
    return;
  }
  const mparticlesPerSecond = Number(rate[1]);
  const nsPerParticleStep = 1e3 / mparticlesPerSecond;
  emit('c-reference', describe(p), {
    placed: Number(placed?.[1] ?? NaN),
    validates: /Solution validates/.test(run.stdout),
    nsPerParticleStep,
    mparticlesPerSecond,
    jsOverC: jsNsPerStep / nsPerParticleStep,
  });
}

/** `--tiles PXxPY` (default 2x2), removed from `argv`. */
function takeTileGrid(argv: string[]): TileGrid {
  const at = argv.indexOf('--tiles');
  if (at < 0) return { px: 2, py: 2 };
  const [, text] = argv.splice(at, 2);
  return parseTileGrid(text);
}

const argv = process.argv.slice(2);
let grid: TileGrid;
let params: PicParameters;
try {
  grid = takeTileGrid(argv);
  params = parsePicArguments(argv.length > 0 ? argv : DEFAULT_ARGS).params;
} catch (error) {
  process.stderr.write(`pic-kernel: ${(error as Error).message}\n`);
  process.exit(2);
}
benchPlacement();
const jsNsPerStep = benchMove(params);
benchMoveAndRoute(params, grid);
benchReference(params, jsNsPerStep);
