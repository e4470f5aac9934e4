/**
 * pic: the Parallel Research Kernels particle-in-cell kernel (PIC.md) as a chare program. The
 * L x L grid is cut into a Px x Py grid of tiles, a 2-D chare array of {@link PicTile}s (ODF x
 * PEs of them, or --tiles); particles move between neighbouring tiles every step; with
 * --lb-period the tiles meet at atSync() and the load balancer may move them between PEs.
 *
 *     npx charmrun +p2 examples/pic/pic.ts -i 100 -s 1000 -n 100000 -k 0 -m 1 --mode GEOMETRIC \
 *         --init-parameters 0.999 [--odf 8] [--tiles 2x1] [--lb-period 20] [--json] [+balancer GreedyLB] [+stats]
 *
 * Exit status 0 when the solution validates, 1 when it does not, 2 for bad parameters.
 */
import { charm, type ArrayProxy, type Future } from 'charm4ts';
import { parsePicRunOptions, PIC_USAGE, type PicRunOptions } from './pic-options.js';
import { describeRun, jsonLine, reportRun, validates, type PicJobInfo, type PicOutcome } from './pic-report.js';
import { PicTile, type BusyResult, type VerifyResult } from './pic-tile.js';
import type { TileConfig } from './tile-state.js';

/** The balancer used when no +balancer flag is given (the runtime's default). */
const DEFAULT_BALANCER = 'GreedyRefineLB';

charm.register(PicTile);

/** The job facts the report prints. */
function jobInfo(options: PicRunOptions): PicJobInfo {
  const balancers = charm.options.balancers.length > 0 ? charm.options.balancers.join('+') : DEFAULT_BALANCER;
  return {
    pes: charm.numPes(),
    transport: charm.transport,
    transportsInUse: charm.transportsInUse().join('+') || 'self',
    balancer: options.lbPeriod === 0 ? null : charm.options.lbOff ? 'off (+LBOff)' : balancers,
  };
}

/** True for the runtime's and the kernel's user errors (they carry a CHARM_ERR_ code). */
function isUserError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('CHARM_ERR_');
}

/** What a checkpoint of pic saves besides the tiles themselves. */
interface SavedRun {
  readonly options: PicRunOptions;
  readonly tiles: ArrayProxy<PicTile>;
  /** Particles placed. */
  readonly total: number;
  /** Seconds of timed steps before the checkpoint. */
  readonly seconds: number;
}

/** Places the particles, numbers them, runs step 0, then the timed steps 1..T (pausing for a checkpoint if asked), then verifies. */
async function run(options: PicRunOptions): Promise<PicOutcome | null> {
  const { params, grid, lbPeriod } = options;
  const config: TileConfig = {
    gridSize: params.gridSize,
    px: grid.px,
    py: grid.py,
    iterations: params.iterations,
    requestedParticles: params.requestedParticles,
    k: params.k,
    m: params.m,
    distribution: params.distribution,
    lbPeriod,
    pes: charm.numPes(),
    checkpointAt: options.checkpointAt,
  };
  const placed = charm.createFuture<[number, number][]>();
  const tiles = charm.createArray(PicTile, [grid.px, grid.py], { args: [config, placed] });
  const counts = new Array<number>(grid.px * grid.py).fill(0);
  for (const [tile, count] of await placed) counts[tile] = count;
  const warm = charm.createFuture<void>();
  let firstId = 1;
  counts.forEach((count, tile) => {
    tiles.at(tile % grid.px, Math.floor(tile / grid.px)).start(firstId, warm);
    firstId += count;
  });
  const total = firstId - 1;
  await warm;
  let started = performance.now();
  let done = charm.createFuture<BusyResult>();
  let before = 0;
  if (options.checkpointAt > 0) {
    const pause = charm.createFuture<void>();
    tiles.go(done, pause);
    await pause;
    before = (performance.now() - started) / 1000;
    await charm.checkpoint(options.checkpointDir, { options, tiles, total, seconds: before } satisfies SavedRun);
    if (options.stopAfterCheckpoint) return null;
    started = performance.now();
    done = charm.createFuture<BusyResult>();
  }
  return finish(tiles, total, done, started, before);
}

/** Runs (or continues) the timed steps to T, then verifies. */
async function finish(tiles: ArrayProxy<PicTile>, total: number, done: Future<BusyResult>, started: number, before: number): Promise<PicOutcome> {
  tiles.go(done, null);
  const busy = await done;
  const seconds = before + (performance.now() - started) / 1000;
  const verified = charm.createFuture<VerifyResult>();
  tiles.verify(verified);
  const [failures, checksum, found] = await verified;
  return {
    placed: total,
    found: found!,
    failures: failures!,
    checksumOk: checksum === (total * (total + 1)) / 2,
    seconds,
    busy: [...busy],
  };
}

charm.start(async (args) => {
  const saved = charm.restored<SavedRun>();
  if (saved !== undefined) {
    console.log(`pic: restarted from a checkpoint after step ${saved.options.checkpointAt}`);
    const options = { ...saved.options, json: saved.options.json || args.includes('--json') };
    const outcome = await finish(saved.tiles, saved.total, charm.createFuture<BusyResult>(), performance.now(), saved.seconds);
    console.log(reportRun(options, outcome));
    if (options.json) console.log(jsonLine(options, jobInfo(options), outcome));
    charm.exit(validates(outcome) ? 0 : 1);
    return;
  }
  if (args.includes('-h') || args.includes('--help')) {
    console.log(`usage: ${PIC_USAGE}`);
    charm.exit(0);
    return;
  }
  let options: PicRunOptions;
  try {
    options = parsePicRunOptions(args, charm.numPes(), charm.options.lbPeriod !== null);
  } catch (error) {
    if (!isUserError(error)) throw error;
    console.error(`pic: ${error.message}`);
    charm.exit(2);
    return;
  }
  const job = jobInfo(options);
  console.log(describeRun(options, job));
  const outcome = await run(options);
  if (outcome === null) {
    console.log(`pic: checkpoint written to ${options.checkpointDir} after step ${options.checkpointAt}; resume with +restart ${options.checkpointDir}`);
    charm.exit(0);
    return;
  }
  console.log(reportRun(options, outcome));
  if (options.json) console.log(jsonLine(options, job, outcome));
  charm.exit(validates(outcome) ? 0 : 1);
});
