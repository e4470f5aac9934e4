/**
 * Runs every ping-pong in one session, interleaved over repetitions so that they share the
 * machine's conditions, and writes the medians: charm4ts between two processes over ws and
 * over UCX, charm4ts between two threads of one process, a bare ws ping-pong (blocking between
 * messages, and spinning its event loop 100 us after each as a charm4ts PE does), raw
 * ucx_perftest (UCP active messages), the shared-memory ring alone (bench/shm, receive buffers
 * handed back to its pool, as ucx_perftest reuses its buffers) and mpi4py (buffer Send/Recv).
 * Loading the addon first puts the runtime's UCX settings (REQUIRED_UCX_ENV and, where unset,
 * DEFAULT_UCX_ENV) in this process's environment, so every contestant that uses UCX
 * (ucx_perftest, Open MPI's UCX layer) runs with the same ones, and every contestant gets the
 * glibc settings charmrun gives PEs (bench/lib/contestant-env.ts). "charm4ts ucx"
 * is UCX as it chooses between two processes on one host (shared memory); "charm4ts ucx tcp"
 * forces its TCP transport (UCX_TLS=tcp,self), as between hosts.
 *
 *     npm run build && npx tsx bench/pingpong/run.ts [--reps 3] [--max BYTES] [--out docs/perf]
 *
 * Writes <out>/pingpong.jsonl (every line every run printed, tagged with its repetition),
 * <out>/pingpong.md (tables of medians and the ratios the targets are stated in) and
 * <out>/pingpong-latency.svg, <out>/pingpong-bandwidth.svg.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadUcxAddon } from '../../src/transport/ucx/index.js';
import { lineChart, type Series } from '../lib/svg-plot.js';
import { MPI_PYTHON, MPIRUN_ENV, mpi4pyMissing } from '../lib/mpi4py.js';
import { giveContestantsPeGlibcTunables } from '../lib/contestant-env.js';
import { messageSizes } from './sizes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, max: { type: 'string', default: String(4 << 20) }, out: { type: 'string', default: 'docs/perf' } } });
const reps = Number(values.reps);
const max = values.max!;
const out = join(ROOT, values.out!);

interface Contestant {
  readonly impl: string;
  readonly command: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Turns one output line into a record, or undefined to skip it. */
  readonly parse?: (record: Record<string, unknown>) => Record<string, unknown> | undefined;
}

const node = process.execPath;
const charmrun = join(ROOT, 'dist/cli/charmrun.js');
const app = join(ROOT, 'bench/pingpong/pingpong.ts');
const contestants: Contestant[] = [
  { impl: 'bare ws', command: [node, '--import', 'tsx', join(ROOT, 'bench/pingpong/bare-ws.ts'), '--max', max] },
  { impl: 'bare ws spin', command: [node, '--import', 'tsx', join(ROOT, 'bench/pingpong/bare-ws.ts'), '--max', max, '--spin', '100'] },
  { impl: 'charm4ts ws', command: [node, charmrun, '+p2', '++transport', 'ws', app, '--max', max, '--label', 'charm4ts ws'] },
];
const skipped: string[] = [];
giveContestantsPeGlibcTunables();
const ucx = loadUcxAddon();
if (ucx.available) {
  contestants.push({ impl: 'charm4ts ucx', command: [node, charmrun, '+p2', '++transport', 'ucx', app, '--max', max, '--label', 'charm4ts ucx'] });
  contestants.push({ impl: 'charm4ts ucx tcp', command: [node, charmrun, '+p2', '++transport', 'ucx', app, '--max', max, '--label', 'charm4ts ucx tcp'], env: { UCX_TLS: 'tcp,self' } });
} else skipped.push(`charm4ts ucx: ${ucx.reason}`);
contestants.push({ impl: 'charm4ts threads', command: [node, charmrun, '+p2', '++ppn', '2', app, '--max', max, '--label', 'charm4ts threads'] });
/** A best-of-repetitions line of a transport-only benchmark (bench/shm, bench/ucx-raw/perftest) as a ping-pong record. */
function rawTransportRecord(r: Record<string, unknown>): Record<string, unknown> | undefined {
  if (r.best !== true || (r.test !== 'latency' && r.test !== 'bandwidth')) return undefined;
  return r.test === 'latency' ? { bench: 'pingpong', size: r.size, latency_us: r.halfRoundTripUs } : { bench: 'bandwidth', size: r.size, MBps: (r.gbps as number) * 1000 };
}
const rawSizes = messageSizes(Number(max)).filter((s) => s === 8 || s === 64 || s === 512 || s === 4096 || s >= 16384).join(',');
contestants.push({
  impl: 'raw shm ring',
  command: [node, '--import', 'tsx', join(ROOT, 'bench/shm/ping-pong.ts'), '--sizes', rawSizes, '--reps', '1', '--release', '--quick'],
  parse: rawTransportRecord,
});
if (spawnSync('ucx_perftest', ['-h']).error === undefined) {
  contestants.push({
    impl: 'ucx_perftest',
    command: [node, '--import', 'tsx', join(ROOT, 'bench/ucx-raw/perftest.ts'), '--sizes', rawSizes, '--reps', '1'],
    parse: (r) => (r.api === 'am' ? rawTransportRecord(r) : undefined),
  });
} else skipped.push('ucx_perftest: not installed (apt-get install ucx-utils)');
const mpi4pySkipped = mpi4pyMissing(['numpy'], ['python3-numpy']);
if (mpi4pySkipped === null) {
  contestants.push({
    impl: 'mpi4py',
    command: ['mpirun', '-n', '2', MPI_PYTHON, join(ROOT, 'bench/pingpong/mpi4py_pingpong.py'), '--max', max],
    env: MPIRUN_ENV,
  });
} else skipped.push(`mpi4py: ${mpi4pySkipped}`);

mkdirSync(out, { recursive: true });
const raw: Record<string, unknown>[] = [];
const loadBefore = loadavg()[0]!;
for (let rep = 0; rep < reps; rep++) {
  for (const c of contestants) {
    process.stderr.write(`rep ${rep + 1}/${reps}: ${c.impl}\n`);
    const run = spawnSync(c.command[0]!, c.command.slice(1), { cwd: ROOT, env: { ...process.env, ...c.env }, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    if (run.status !== 0) {
      process.stderr.write(`  ${c.impl} failed (${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
      continue;
    }
    for (const line of run.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const record = c.parse ? c.parse(parsed) : parsed;
      if (record !== undefined) raw.push({ ...record, impl: c.impl, rep });
    }
  }
}
const loadAfter = loadavg()[0]!;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const impls = contestants.map((c) => c.impl);
const sizes = messageSizes(Number(max));
function table(bench: 'pingpong' | 'bandwidth', field: 'latency_us' | 'MBps'): Map<string, Map<number, number>> {
  const result = new Map<string, Map<number, number>>();
  for (const impl of impls) {
    const bySize = new Map<number, number>();
    for (const size of sizes) {
      const values = raw.filter((r) => r.impl === impl && r.bench === bench && r.size === size).map((r) => r[field] as number);
      if (values.length > 0) bySize.set(size, median(values));
    }
    result.set(impl, bySize);
  }
  return result;
}
const latency = table('pingpong', 'latency_us');
const bandwidth = table('bandwidth', 'MBps');
const fmt = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
const sizeLabel = (s: number): string => (s >= 1 << 20 ? `${s / (1 << 20)} MiB` : s >= 1024 ? `${s / 1024} KiB` : `${s} B`);
const ratio = (a: string, b: string, m: Map<string, Map<number, number>>, size: number): string => {
  const x = m.get(a)?.get(size);
  const y = m.get(b)?.get(size);
  return x !== undefined && y !== undefined ? (x / y).toFixed(2) : '';
};

const md: string[] = [];
md.push(`Medians of ${reps} interleaved repetitions; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`);
if (skipped.length > 0) md.push('', `Not run: ${skipped.join('; ')}.`);
md.push('', '### Half round-trip latency (us)', '', `| size | ${impls.join(' | ')} | ws: charm4ts / bare | ws: charm4ts / bare spin | ucx: charm4ts / raw | ucx: charm4ts / mpi4py | threads: charm4ts / raw ring |`, `| ---: | ${impls.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: |`);
for (const size of sizes) {
  md.push(`| ${sizeLabel(size)} | ${impls.map((i) => fmt(latency.get(i)?.get(size), 2)).join(' | ')} | ${ratio('charm4ts ws', 'bare ws', latency, size)} | ${ratio('charm4ts ws', 'bare ws spin', latency, size)} | ${ratio('charm4ts ucx', 'ucx_perftest', latency, size)} | ${ratio('charm4ts ucx', 'mpi4py', latency, size)} | ${ratio('charm4ts threads', 'raw shm ring', latency, size)} |`);
}
md.push('', '### Bandwidth (MB/s, window of 64 messages)', '', `| size | ${impls.join(' | ')} | ws: charm4ts / bare | ws: charm4ts / bare spin | ucx: charm4ts / raw | ucx: charm4ts / mpi4py | threads: charm4ts / raw ring |`, `| ---: | ${impls.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: |`);
for (const size of sizes) {
  md.push(`| ${sizeLabel(size)} | ${impls.map((i) => fmt(bandwidth.get(i)?.get(size), 0)).join(' | ')} | ${ratio('charm4ts ws', 'bare ws', bandwidth, size)} | ${ratio('charm4ts ws', 'bare ws spin', bandwidth, size)} | ${ratio('charm4ts ucx', 'ucx_perftest', bandwidth, size)} | ${ratio('charm4ts ucx', 'mpi4py', bandwidth, size)} | ${ratio('charm4ts threads', 'raw shm ring', bandwidth, size)} |`);
}
writeFileSync(join(out, 'pingpong.md'), `${md.join('\n')}\n`);
writeFileSync(join(out, 'pingpong.jsonl'), raw.map((r) => JSON.stringify(r)).join('\n') + '\n');
const seriesOf = (m: Map<string, Map<number, number>>): Series[] => impls.map((impl) => ({ name: impl, points: [...(m.get(impl) ?? new Map()).entries()] }));
writeFileSync(join(out, 'pingpong-latency.svg'), lineChart(seriesOf(latency), { title: 'Ping-pong half round trip, 2 PEs', xLabel: 'message size (bytes)', yLabel: 'microseconds', logX: true, logY: true }));
writeFileSync(join(out, 'pingpong-bandwidth.svg'), lineChart(seriesOf(bandwidth), { title: 'Streaming bandwidth, 2 PEs', xLabel: 'message size (bytes)', yLabel: 'MB/s', logX: true, logY: true }));
process.stdout.write(`${md.join('\n')}\n`);
