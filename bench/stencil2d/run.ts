/**
 * Scaling of examples/stencil2d on this machine, and the paper's public mpi4py + numba stencil
 * on the same grids in the same session (where it is available: pass the folder holding
 * `stencil-mpi.py` and `kernels.py` from UIUC-PPL/charm4py-mpi4py-compare/stencil with
 * `--mpi4py DIR`; it is never copied into this repository).
 *
 *     npm run build && npx tsx bench/stencil2d/run.ts [--grids 4096,8192] [--iterations 100] [--reps 3] [--mpi4py DIR] [--out docs/perf]
 *
 * Strong scaling: each grid on 1 and 2 PEs with ODF 1, 2, 4, 8. Weak scaling: 4096 x 4096
 * points per PE (1 PE: 4096 x 4096; 2 PEs: 4096 x 8192), ODF 1 and 4. Every configuration runs
 * `--reps` times, interleaved; medians are reported. Writes <out>/stencil2d.jsonl,
 * <out>/stencil2d.md and <out>/stencil2d-strong.svg.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { lineChart, type Series } from '../lib/svg-plot.js';
import { MPI_PYTHON, MPIRUN_ENV, mpi4pyMissing } from '../lib/mpi4py.js';
import { giveContestantsPeGlibcTunables } from '../lib/contestant-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    grids: { type: 'string', default: '4096,8192' },
    iterations: { type: 'string', default: '100' },
    reps: { type: 'string', default: '3' },
    mpi4py: { type: 'string', default: process.env.STENCIL_MPI4PY_DIR ?? '/tmp/charm4py-mpi4py-compare/stencil' },
    out: { type: 'string', default: 'docs/perf' },
  },
});
const grids = values.grids!.split(',').map(Number);
const iterations = values.iterations!;
const reps = Number(values.reps);
const out = join(ROOT, values.out!);
const mpiDir = values.mpi4py!;
giveContestantsPeGlibcTunables();
const mpi4pySkipped = existsSync(join(mpiDir, 'stencil-mpi.py'))
  ? mpi4pyMissing(['numba'], ['python3-numba'])
  : `no stencil-mpi.py in ${mpiDir} (pass --mpi4py DIR: the stencil/ folder of UIUC-PPL/charm4py-mpi4py-compare)`;
const haveMpi4py = mpi4pySkipped === null;
if (!haveMpi4py) process.stderr.write(`mpi4py + numba stencil skipped: ${mpi4pySkipped}\n`);

interface Config {
  readonly kind: 'strong' | 'weak';
  readonly impl: 'charm4ts' | 'mpi4py+numba';
  readonly n: number;
  readonly m: number;
  readonly pes: number;
  readonly odf: number;
}
const configs: Config[] = [];
for (const n of grids) {
  for (const pes of [1, 2]) {
    for (const odf of [1, 2, 4, 8]) configs.push({ kind: 'strong', impl: 'charm4ts', n, m: n, pes, odf });
    if (haveMpi4py) configs.push({ kind: 'strong', impl: 'mpi4py+numba', n, m: n, pes, odf: 1 });
  }
}
for (const pes of [1, 2]) {
  for (const odf of [1, 4]) configs.push({ kind: 'weak', impl: 'charm4ts', n: 4096, m: 4096 * pes, pes, odf });
  if (haveMpi4py) configs.push({ kind: 'weak', impl: 'mpi4py+numba', n: 4096, m: 4096 * pes, pes, odf: 1 });
}

/** Runs one configuration; returns milliseconds per timed iteration (and compute/communication for charm4ts). */
function run(c: Config): { ms: number; computeMs?: number; commMs?: number } | undefined {
  if (c.impl === 'charm4ts') {
    const args = [join(ROOT, 'dist/cli/charmrun.js'), `+p${c.pes}`, join(ROOT, 'examples/stencil2d/stencil2d.ts'), '-n', String(c.n), '-m', String(c.m), '--iterations', iterations, '--odf', String(c.odf), '--json'];
    const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 900_000 });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.status !== 0 || !line.startsWith('{')) {
      process.stderr.write(`  failed: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}\n`);
      return undefined;
    }
    const json = JSON.parse(line) as { time_per_iteration_ms: number; compute_ms: number; communication_ms: number };
    return { ms: json.time_per_iteration_ms, computeMs: json.compute_ms, commMs: json.communication_ms };
  }
  const dir = mkdtempSync(join(tmpdir(), 'stencil-mpi-'));
  // The paper's code splits ranks as x by y over (rows, columns) and writes a CSV into the output folder.
  const result = spawnSync('mpirun', ['-n', String(c.pes), MPI_PYTHON, join(mpiDir, 'stencil-mpi.py'), iterations, String(c.n), String(c.m), dir], {
    cwd: mpiDir,
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, ...MPIRUN_ENV },
  });
  const elapsed = /Elapsed: ([\d.e-]+)/.exec(result.stdout)?.[1];
  if (result.status !== 0 || elapsed === undefined) {
    process.stderr.write(`  failed: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}\n`);
    return undefined;
  }
  return { ms: (Number(elapsed) * 1000) / Number(iterations) };
}

const label = (c: Config): string => `${c.kind} ${c.impl} ${c.n}x${c.m} p${c.pes} odf${c.odf}`;
mkdirSync(out, { recursive: true });
const samples = new Map<string, { config: Config; runs: { ms: number; computeMs?: number; commMs?: number }[] }>();
const loadBefore = loadavg()[0]!;
for (let rep = 0; rep < reps; rep++) {
  for (const c of configs) {
    process.stderr.write(`rep ${rep + 1}/${reps}: ${label(c)}\n`);
    const r = run(c);
    if (r === undefined) continue;
    const entry = samples.get(label(c)) ?? { config: c, runs: [] };
    entry.runs.push(r);
    samples.set(label(c), entry);
  }
}
const loadAfter = loadavg()[0]!;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rows = [...samples.values()].map(({ config, runs }) => ({
  ...config,
  ms: median(runs.map((r) => r.ms)),
  computeMs: runs[0]!.computeMs === undefined ? undefined : median(runs.map((r) => r.computeMs!)),
  commMs: runs[0]!.commMs === undefined ? undefined : median(runs.map((r) => r.commMs!)),
  runs: runs.length,
}));
writeFileSync(join(out, 'stencil2d.jsonl'), rows.map((r) => JSON.stringify({ bench: 'stencil2d', iterations: Number(iterations), ...r })).join('\n') + '\n');
const md: string[] = [`Medians of ${reps} interleaved runs, ${iterations} timed iterations after 10 warm-up ones; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`];
if (!haveMpi4py) md.push('', `mpi4py + numba stencil not run: ${mpi4pySkipped}.`);
for (const kind of ['strong', 'weak'] as const) {
  md.push('', `### ${kind === 'strong' ? 'Strong' : 'Weak'} scaling (ms per iteration)`, '', '| grid | PEs | implementation | ODF | ms / iteration | compute | communication |', '| --- | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows.filter((x) => x.kind === kind)) {
    md.push(`| ${r.n} x ${r.m} | ${r.pes} | ${r.impl} | ${r.impl === 'charm4ts' ? r.odf : ''} | ${r.ms.toFixed(2)} | ${r.computeMs?.toFixed(2) ?? ''} | ${r.commMs?.toFixed(2) ?? ''} |`);
  }
}
if (haveMpi4py) {
  md.push('', '### charm4ts against mpi4py + numba, 2 PEs (best ODF)', '', '| grid | charm4ts best (ODF) | mpi4py + numba | mpi4py / charm4ts |', '| --- | ---: | ---: | ---: |');
  for (const n of grids) {
    const ours = rows.filter((r) => r.kind === 'strong' && r.impl === 'charm4ts' && r.n === n && r.pes === 2).sort((a, b) => a.ms - b.ms)[0];
    const theirs = rows.find((r) => r.kind === 'strong' && r.impl === 'mpi4py+numba' && r.n === n && r.pes === 2);
    if (ours && theirs) md.push(`| ${n} x ${n} | ${ours.ms.toFixed(2)} ms (${ours.odf}) | ${theirs.ms.toFixed(2)} ms | ${(theirs.ms / ours.ms).toFixed(2)} |`);
  }
}
writeFileSync(join(out, 'stencil2d.md'), `${md.join('\n')}\n`);
const series: Series[] = [];
for (const n of grids) {
  for (const pes of [1, 2]) {
    series.push({ name: `charm4ts ${n}² ${pes} PE${pes > 1 ? 's' : ''}`, points: rows.filter((r) => r.kind === 'strong' && r.impl === 'charm4ts' && r.n === n && r.pes === pes).map((r) => [r.odf, r.ms] as const) });
    const mpi = rows.find((r) => r.kind === 'strong' && r.impl === 'mpi4py+numba' && r.n === n && r.pes === pes);
    if (mpi) series.push({ name: `mpi4py ${n}² ${pes} rank${pes > 1 ? 's' : ''}`, points: [1, 2, 4, 8].map((odf) => [odf, mpi.ms] as const) });
  }
}
writeFileSync(join(out, 'stencil2d-strong.svg'), lineChart(series, { title: 'stencil2d: time per iteration', xLabel: 'overdecomposition factor (blocks per PE)', yLabel: 'ms per iteration', logX: true, logY: true }));
process.stdout.write(`${md.join('\n')}\n`);
