/**
 * PIC load-balancing benchmark on 2 PEs, all set-ups in one session so that they compare:
 *
 *   odf1-2x1   examples/pic, one tile per PE, forced 2x1 tile grid (the imbalanced split), no LB
 *   odf8       ODF 8 (4x4 tiles, whole tile columns per PE under the block map), no LB
 *   odf8-lb    ODF 8 with atSync every --period steps (+balancer as given, +stats, +LBDump)
 *   static-1x2 one tile per PE, split by rows: GEOMETRIC depends on x only, so each PE holds
 *              half the particles; what a perfect balance gains on this machine, no LB needed
 *   mpi4py-2x1, mpi4py-1x2   bench/pic/pic_mpi4py.py on 2 ranks, when mpi4py and numpy exist
 *
 * for each GEOMETRIC ratio (default 0.999 and 0.99; L = 1000, n = 100000 as in PIC.md 6.6).
 * From the ODF-1 run's per-PE busy times it takes the bound on the gain (slowest PE over the
 * mean), and reports the gain of ODF 8 with LB, the share of the bound it recovers, and the
 * share of what the balanced static split gains in the same session (two busy PEs share the
 * machine's memory bandwidth, so the bound from busy times is more than any split reaches). Writes
 * into --out: pic-lb.jsonl (every run's JSON line with set-up, ratio and load average, then one
 * summary line per ratio), pic-lb.md (tables) and pic-lb-r<ratio>.svg (each balancing step's
 * max/mean load before and after). With --reps N the four charm4ts set-ups run N times, taking
 * turns, and the summary uses the medians (mpi4py runs once).
 *
 *     npm run build && npx tsx bench/pic/lb-bench.ts [--steps 100] [--period 20] [--ratios 0.999,0.99]
 *         [--grid 1000] [--particles 100000] [--balancer GreedyRefineLB] [--full] [--reps N] [--no-mpi] [--out DIR]
 *
 * --full is the ESPM2 setting: T = 1000, L = 2998, n = 600000, LB every 80 steps.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readLbDump } from '../../src/lb/lb-dump.js';
import { markdownReport, summarise, type BenchRun, type LbSummary, type RunLine } from './lb-figures.js';
import { lbPlotSvg, stepRatios } from './lb-plot.js';
import { MPI_PYTHON, MPIRUN_ENV, mpi4pyMissing } from '../lib/mpi4py.js';
import { giveContestantsPeGlibcTunables } from '../lib/contestant-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHARMRUN = join(ROOT, 'dist/cli/charmrun.js');
const PIC = join(ROOT, 'examples/pic/pic.ts');
const MPI_PIC = join(ROOT, 'bench/pic/pic_mpi4py.py');
const JOB_TIMEOUT_MS = 20 * 60_000;

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string' },
    period: { type: 'string' },
    ratios: { type: 'string', default: '0.999,0.99' },
    grid: { type: 'string' },
    particles: { type: 'string' },
    balancer: { type: 'string' },
    full: { type: 'boolean', default: false },
    reps: { type: 'string', default: '1' },
    'no-mpi': { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench/pic/results') },
  },
});
const steps = flags.steps ?? (flags.full ? '1000' : '100');
const period = flags.period ?? (flags.full ? '80' : '20');
const grid = flags.grid ?? (flags.full ? '2998' : '1000');
const particles = flags.particles ?? (flags.full ? '600000' : '100000');
const ratios = flags.ratios.split(',').map(Number);
const out = flags.out;
const reps = Number(flags.reps);
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`--reps must be a positive integer, not '${flags.reps}'`);
  process.exit(2);
}

/** Output of one job. */
interface Job {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runJob(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Job> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), JOB_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last JSON line of a job's output; throws with the job's output when there is none. */
function lastJson(job: Job, what: string): RunLine {
  const line = job.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined || job.code !== 0) throw new Error(`${what} failed (exit ${job.code}):\n${job.stdout}\n${job.stderr}`);
  return JSON.parse(line) as RunLine;
}

const kernelArgs = (ratio: number): string[] => ['-i', steps, '-s', grid, '-n', particles, '-k', '0', '-m', '1', '--mode', 'GEOMETRIC', '--init-parameters', String(ratio)];

function record(run: BenchRun | Record<string, unknown>): void {
  const line = JSON.stringify({ ...run, loadavg: loadavg().map((l) => Number(l.toFixed(2))) });
  appendFileSync(join(out, 'pic-lb.jsonl'), `${line}\n`);
  console.log(line);
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  rmSync(join(out, 'pic-lb.jsonl'), { force: true });
  giveContestantsPeGlibcTunables();
  const mpiMissing = flags['no-mpi'] ? 'skipped (--no-mpi)' : mpi4pyMissing(['numpy'], ['python3-numpy']);
  if (mpiMissing !== null) console.error(`mpi4py runs: ${mpiMissing}`);
  const balancer = flags.balancer === undefined ? [] : ['+balancer', flags.balancer];
  const runs: BenchRun[] = [];
  const summaries: LbSummary[] = [];
  const loadBefore = loadavg();
  for (const ratio of ratios) {
    const args = kernelArgs(ratio);
    const charm = async (setup: string, rep: number, extra: readonly string[], runtime: readonly string[] = []): Promise<Job> => {
      console.error(`running ${setup}, r = ${ratio}${reps > 1 ? `, run ${rep + 1} of ${reps}` : ''} ...`);
      const job = await runJob(process.execPath, [CHARMRUN, '+p2', ...runtime, PIC, ...args, ...extra, '--json']);
      const run = { setup, ratio, rep, line: lastJson(job, `${setup} r=${ratio}`) };
      runs.push(run);
      record(run);
      return job;
    };
    const dump = join(out, `pic-lb-r${ratio}.lbdump`);
    let lbJob: Job | undefined;
    // the set-ups take turns, so that a slow spell of the machine lands on all of them
    for (let rep = 0; rep < reps; rep++) {
      await charm('odf1-2x1', rep, ['--tiles', '2x1']);
      await charm('odf8', rep, ['--odf', '8']);
      rmSync(dump, { force: true });
      lbJob = await charm('odf8-lb', rep, ['--odf', '8', '--lb-period', period], [...balancer, '+stats', '+LBDump', dump]);
      await charm('static-1x2', rep, ['--tiles', '1x2']);
    }
    if (mpiMissing === null) {
      for (const tiles of ['2x1', '1x2']) {
        console.error(`running mpi4py-${tiles}, r = ${ratio} ...`);
        const job = await runJob('mpirun', ['-n', '2', MPI_PYTHON, MPI_PIC, ...args, '--grid', tiles, '--json'], MPIRUN_ENV);
        const run = { setup: `mpi4py-${tiles}`, ratio, rep: 0, line: lastJson(job, `mpi4py ${tiles} r=${ratio}`) };
        runs.push(run);
        record(run);
      }
    }
    const summary = summarise(runs, ratio);
    if (summary !== null) {
      summaries.push(summary);
      record({ summary: true, ...summary });
    }
    const ratiosPerStep = stepRatios(await readLbDump(dump).catch(() => []), lbJob?.stdout ?? '');
    const title = `PIC r = ${ratio}, L = ${grid}, n = ${particles}, 2 PEs, ODF 8, LB every ${period} steps`;
    writeFileSync(join(out, `pic-lb-r${ratio}.svg`), lbPlotSvg(title, ratiosPerStep));
  }
  const header = [
    `# PIC load balancing on 2 PEs: T = ${steps}, L = ${grid}, n = ${particles}, k = 0, m = 1, GEOMETRIC`,
    '',
    `LB every ${period} steps with ${flags.balancer ?? 'the default balancer (GreedyRefineLB)'}. ${reps > 1 ? `Each charm4ts set-up ran ${reps} times, taking turns; the summary uses medians (plot and dump: the last run). mpi4py ran once. ` : ''}Load average (1, 5, 15 min) before: ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after: ${loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
    `Busy max/mean: the slowest PE's busy time over the mean, timed steps only. mpi4py: ${mpiMissing ?? 'run'}.`,
  ];
  writeFileSync(join(out, 'pic-lb.md'), markdownReport(header, runs, summaries));
  console.error(`wrote ${join(out, 'pic-lb.jsonl')}, pic-lb.md and the SVG plots`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
