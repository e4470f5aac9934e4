/**
 * Broadcast and reduction latency on 1, 2 and 3 hosts, node-aware trees against flat ones.
 * Hosts are network namespaces on this machine (root needed; see
 * test/integration/netns/hosts.ts), PEs spread over them by charmrun ++hosts.
 *
 *     npm run build && npx tsx bench/collectives/run.ts [--pes 6] [--iterations 300] [--transport ws] [--out docs/perf]
 *
 * Prints one JSON line per measurement (tagged with hosts and tree) and writes
 * <out>/collectives.svg (median latency against hosts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NETNS_SHELL, NetnsHosts, netnsUnavailable } from '../../test/integration/netns/hosts.js';
import { lineChart, type Series } from '../lib/svg-plot.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    pes: { type: 'string', default: '6' },
    iterations: { type: 'string', default: '300' },
    transport: { type: 'string', default: 'ws' },
    out: { type: 'string', default: 'docs/perf' },
  },
});
const unavailable = netnsUnavailable();
if (unavailable !== null) {
  console.error(`bench/collectives: ${unavailable}`);
  process.exit(2);
}

interface Record {
  op: string;
  hosts: number;
  tree: string;
  median: number;
}
const records: Record[] = [];
const hosts = new NetnsHosts(3, 232);
try {
  for (const count of [1, 2, 3]) {
    for (const tree of count === 1 ? ['flat'] : ['node-aware', 'flat']) {
      const argv = [
        join(ROOT, 'dist/cli/charmrun.js'),
        `+p${values.pes}`,
        '++hosts',
        hosts.addresses.slice(0, count).join(','),
        '++remote-shell',
        NETNS_SHELL,
        '++transport',
        values.transport!,
        ...(tree === 'flat' ? ['+flatTrees'] : []),
        join(ROOT, 'bench/collectives/collectives.ts'),
        '--iterations',
        values.iterations!,
      ];
      const run = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 300_000, env: { ...process.env, UCX_TLS: process.env.UCX_TLS ?? 'tcp' } });
      if (run.status !== 0) throw new Error(`${count} hosts, ${tree}: exit ${run.status}\n${run.stderr}`);
      for (const line of run.stdout.split('\n').filter((l) => l.startsWith('{'))) {
        const record = { ...(JSON.parse(line) as Record), tree, transport: values.transport };
        console.log(JSON.stringify(record));
        records.push(record);
      }
    }
  }
} finally {
  hosts.destroy();
}

const series: Series[] = [];
for (const op of ['broadcast', 'reduction']) {
  for (const tree of ['node-aware', 'flat']) {
    const points = records.filter((r) => r.op === op && (r.tree === tree || r.hosts === 1)).map((r) => [r.hosts, r.median] as const);
    series.push({ name: `${op}, ${tree}`, points });
  }
}
const out = join(ROOT, values.out!);
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'collectives.svg'),
  lineChart(series, { title: `Group broadcast and reduction, ${values.pes} PEs (${values.transport})`, xLabel: 'hosts (network namespaces)', yLabel: 'median latency (us)', formatX: (x) => String(x) }),
);
