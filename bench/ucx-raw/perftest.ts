/**
 * The raw UCX reference for ping-pong.ts: runs `ucx_perftest` (Debian's ucx-utils) between two
 * processes on this host, UCP active messages, for the same sizes, with UCX_PROTO_ENABLE=y.
 *
 *   npx tsx bench/ucx-raw/perftest.ts [--sizes 8,64,...] [--reps 3]
 *
 * Prints JSON lines ({"bench":"ucx_perftest", ...}) shaped like ping-pong.ts's: latency is
 * ucx_perftest's one-way figure for ucp_am_lat (median and average), bandwidth is ucp_am_bw's
 * average converted to GB/s (10^9 bytes per second). The same for the tag API (tag_lat, tag_bw)
 * as a second reference (`"api":"tag"`): in UCX 1.13 its large-message path differs from AM's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const DEFAULT_SIZES = [8, 64, 512, 4096, 16384, 65536, 262144, 1048576, 4194304];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    reps: { type: 'string', default: '3' },
  },
});
const sizes = values.sizes ? values.sizes.split(',').map(Number) : DEFAULT_SIZES;
const reps = Number(values.reps);
const env = { ...process.env, UCX_PROTO_ENABLE: process.env.UCX_PROTO_ENABLE ?? 'y' };
let port = 14000 + Math.floor(Math.random() * 20000);

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'ucx_perftest', ...record })}\n`);
}

/** Runs one client/server pair; returns the numbers of the final line (see ucx_perftest -f). */
async function runPair(test: string, size: number, iterations: number): Promise<number[] | undefined> {
  port += 1;
  const server = spawn('ucx_perftest', ['-p', String(port)], { env, stdio: 'ignore' });
  await sleep(300);
  const client = spawnSync(
    'ucx_perftest',
    ['localhost', '-p', String(port), '-t', test, '-s', String(size), '-n', String(iterations), '-w', String(Math.max(10, iterations / 10)), '-f'],
    { env, encoding: 'utf8', timeout: 120000 },
  );
  server.kill();
  const line = client.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => /^\s*\d+\s+[\d.]+/.test(l));
  return line?.trim().split(/\s+/).map(Number);
}

if (spawnSync('ucx_perftest', ['-h'], { encoding: 'utf8' }).error) {
  emit({ skipped: 'ucx_perftest not found (apt-get install ucx-utils)' });
  process.exit(0);
}

const APIS = [
  { api: 'am', lat: 'ucp_am_lat', bw: 'ucp_am_bw' },
  { api: 'tag', lat: 'tag_lat', bw: 'tag_bw' },
];

for (const { api, lat } of APIS) {
  for (const size of sizes) {
    const iterations = size <= 4096 ? 100000 : size <= 65536 ? 20000 : size <= 1048576 ? 2000 : 500;
    let best: { median: number; average: number } | undefined;
    for (let rep = 0; rep < reps; rep++) {
      // columns: iterations, median, average, overall (us), bandwidth average, overall (MB/s), rate average, overall
      const row = await runPair(lat, size, iterations);
      if (row === undefined) continue;
      const [, median = NaN, average = NaN] = row;
      emit({ api, test: 'latency', size, iterations, rep, halfRoundTripUs: average, medianUs: median });
      if (best === undefined || median < best.median) best = { median, average };
    }
    if (best !== undefined) emit({ api, test: 'latency', size, best: true, halfRoundTripUs: best.average, medianUs: best.median });
  }
}

for (const { api, bw } of APIS) {
  for (const size of sizes) {
    const iterations = size <= 4096 ? 200000 : size <= 65536 ? 50000 : size <= 1048576 ? 5000 : 1000;
    let best = 0;
    for (let rep = 0; rep < reps; rep++) {
      const row = await runPair(bw, size, iterations);
      if (row === undefined) continue;
      const mbps = row[4] ?? NaN; // ucx_perftest's MB is 2^20 bytes
      const gbps = Math.round(((mbps * 1048576) / 1e9) * 1000) / 1000;
      emit({ api, test: 'bandwidth', size, iterations, rep, gbps });
      best = Math.max(best, gbps);
    }
    emit({ api, test: 'bandwidth', size, best: true, gbps: best });
  }
}
