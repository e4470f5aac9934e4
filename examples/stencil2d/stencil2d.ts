/**
 * stencil2d: Jacobi iteration on an n x m grid of float64 (5-point stencil, fixed boundary),
 * the grid cut into a 2-D chare array of blocks (PEs x --odf of them) exchanging halos every
 * iteration. Warm-up iterations, then timed ones; prints the time per iteration (total,
 * compute, communication) and the checksum (sum of the final interior), which `--verify`
 * checks against a serial computation.
 *
 *     npx charmrun +p2 examples/stencil2d/stencil2d.ts -n 4096 --iterations 100 [--odf 4] [--verify] [--json]
 */
import { charm, type ArrayProxy } from 'charm4ts';
import { chooseBlockGrid, type BlockGrid } from './decomposition.js';
import { serialJacobi } from './kernel/index.js';
import { parseStencilArguments, type StencilParameters } from './parameters.js';
import { StencilBlock, type PhaseResult } from './stencil-block.js';

/** Largest grid (points) that --verify recomputes serially. */
export const VERIFY_MAX_POINTS = 4096 * 4096;

charm.register(StencilBlock);

/** What a checkpoint of stencil2d saves besides the blocks themselves. */
interface SavedRun {
  readonly params: StencilParameters;
  readonly grid: BlockGrid;
  readonly blocks: ArrayProxy<StencilBlock>;
  /** Iterations done (warm-up included) when the checkpoint was written. */
  readonly done: number;
}

/** Parses and checks the arguments; prints the problem and returns null when they are wrong. */
function setUp(args: string[]): { params: StencilParameters; grid: BlockGrid } | null {
  try {
    const params = parseStencilArguments(args);
    const grid = chooseBlockGrid(params.n, params.m, charm.numPes() * params.odf);
    if (params.verify && params.n * params.m > VERIFY_MAX_POINTS) {
      throw new Error(`--verify recomputes the grid serially and is limited to ${VERIFY_MAX_POINTS} points (4096 x 4096); this grid has ${params.n * params.m}`);
    }
    return { params, grid };
  } catch (error) {
    console.error(`stencil2d: ${(error as Error).message}`);
    return null;
  }
}

/** Runs the blocks until `until` iterations in all; resolves to the phase result. */
async function runTo(blocks: ArrayProxy<StencilBlock>, until: number): Promise<PhaseResult> {
  const done = charm.createFuture<PhaseResult>();
  blocks.run(until, done);
  return done;
}

charm.start(async (args) => {
  const saved = charm.restored<SavedRun>();
  let run: SavedRun;
  if (saved !== undefined) {
    // Output flags may be given again on the restart's command line.
    run = { ...saved, params: { ...saved.params, verify: saved.params.verify || args.includes('--verify'), json: saved.params.json || args.includes('--json') } };
  } else {
    const ready = setUp(args);
    if (ready === null) {
      charm.exit(2);
      return;
    }
    const { params, grid } = ready;
    const { n, m } = params;
    const blocks = charm.createArray(StencilBlock, [grid.br, grid.bc], { args: [{ n, m, br: grid.br, bc: grid.bc, kernel: params.kernel }] });
    await runTo(blocks, params.warmup);
    run = { params, grid, blocks, done: params.warmup };
  }
  const { params, grid, blocks } = run;
  const { n, m, warmup, iterations } = params;
  const variant = await blocks.at(0, 0).variant.ret();
  const start = performance.now();
  const timedFrom = run.done;
  if (params.checkpointAt !== null && run.done < warmup + params.checkpointAt) {
    await runTo(blocks, warmup + params.checkpointAt);
    await charm.checkpoint(params.checkpointDir, { ...run, done: warmup + params.checkpointAt } satisfies SavedRun);
    if (params.stopAfterCheckpoint) {
      console.log(`stencil2d: checkpoint written to ${params.checkpointDir} after ${params.checkpointAt} timed iterations; resume with +restart ${params.checkpointDir}`);
      charm.exit(0);
      return;
    }
  }
  const result = await runTo(blocks, warmup + iterations);
  const seconds = (performance.now() - start) / 1000;
  const timedIterations = warmup + iterations - timedFrom;
  const checksum = result[0]!;
  const perIteration = seconds / timedIterations;
  const compute = Math.max(...result.subarray(1)) / timedIterations;
  const communication = Math.max(0, perIteration - compute);
  let verified: boolean | null = null;
  let reference: number | null = null;
  if (params.verify) {
    reference = serialJacobi(n, m, warmup + iterations).checksum;
    verified = Math.abs(checksum - reference) <= 1e-12 * Math.abs(reference);
  }
  const ms = (s: number): string => (s * 1000).toFixed(3);
  console.log(`stencil2d: ${n} x ${m} grid, ${grid.br} x ${grid.bc} blocks of ${grid.rows} x ${grid.cols}, ${charm.numPes()} PEs, ODF ${params.odf}`);
  console.log(`  transport ${charm.transport}, kernel ${variant}`);
  console.log(`  ${warmup} warm-up + ${iterations} timed iterations${saved !== undefined ? ` (restarted after ${saved.done - warmup}; ${timedIterations} timed in this run)` : ''}`);
  console.log(`  time per iteration ${ms(perIteration)} ms (compute ${ms(compute)} ms, communication ${ms(communication)} ms)`);
  console.log(`  checksum ${checksum.toPrecision(17)}`);
  if (verified !== null) console.log(`  verification against the serial computation: ${verified ? 'PASSED' : `FAILED (serial checksum ${reference!.toPrecision(17)})`}`);
  if (params.json) {
    console.log(
      JSON.stringify({
        app: 'stencil2d',
        n,
        m,
        pes: charm.numPes(),
        odf: params.odf,
        blocks: [grid.br, grid.bc],
        block: [grid.rows, grid.cols],
        transport: charm.transportsInUse().join('+') || 'self',
        kernel: variant,
        warmup,
        iterations,
        time_per_iteration_ms: perIteration * 1000,
        compute_ms: compute * 1000,
        communication_ms: communication * 1000,
        checksum,
        verified,
      }),
    );
  }
  charm.exit(verified === false ? 1 : 0);
});
