/**
 * examples/pic: the chare version validates with every distribution, k > 0 and negative m, ODF
 * 1/4/8, forced tile grids, load balancing on (default and GreedyLB, short periods) and off, on
 * 1-4 PEs and on 4 PEs as 2 processes x 2 threads; the particle count N matches PIC.md 8.
 * Bad parameters are refused with exit 2 and one line (see pic-bad-input.test.ts).
 */
import t from 'tap';
import { ROOT, runCharmrun } from './harness.js';

const APP = `${ROOT}examples/pic/pic.ts`;

interface PicCase {
  readonly name: string;
  readonly pes: number;
  /** Kernel arguments, in PIC.md 8's order: T L n k m MODE params. */
  readonly kernel: string;
  /** Particles placed (PIC.md 8). */
  readonly placed: number;
  readonly args?: readonly string[];
  /** Runtime and launcher flags. */
  readonly flags?: readonly string[];
  /** Expected tile grid [px, py]. */
  readonly tiles: readonly [number, number];
  /** Whether balancing steps must show in the +stats output. */
  readonly balanced?: boolean;
  /** Migrations every balancing step must report. */
  readonly migrations?: number;
}

/** Turns `T L n k m MODE params` into the program's flags. */
function kernelFlags(spec: string): string[] {
  const [T, L, n, k, m, mode, ...params] = spec.split(' ');
  return ['-i', T!, '-s', L!, '-n', n!, '-k', k!, '-m', m!, '--mode', mode!, ...(params.length > 0 ? ['--init-parameters', ...params] : [])];
}

const CASES: readonly PicCase[] = [
  { name: 'GEOMETRIC, 1 PE', pes: 1, kernel: '10 20 1000 0 1 GEOMETRIC 0.9', placed: 998, tiles: [1, 1] },
  { name: 'GEOMETRIC, 1 PE, ODF 4 with LB', pes: 1, kernel: '10 20 1000 0 1 GEOMETRIC 0.9', placed: 998, args: ['--odf', '4', '--lb-period', '3'], flags: ['+stats'], tiles: [2, 2], balanced: true },
  { name: 'GEOMETRIC, uneven tiles (3 PEs x ODF 2)', pes: 3, kernel: '10 20 1000 0 1 GEOMETRIC 0.9', placed: 998, args: ['--odf', '2'], tiles: [2, 3] },
  { name: 'GEOMETRIC, forced 2x1 grid', pes: 2, kernel: '10 20 1000 0 1 GEOMETRIC 0.9', placed: 998, args: ['--tiles', '2x1'], tiles: [2, 1] },
  {
    name: 'GEOMETRIC k > 0, ODF 4, GreedyLB every 10 steps',
    pes: 2,
    kernel: '99 100 10000 1 2 GEOMETRIC 0.99',
    placed: 9643,
    args: ['--odf', '4', '--lb-period', '10'],
    flags: ['+balancer', 'GreedyLB', '+stats'],
    tiles: [2, 4],
    balanced: true,
  },
  { name: 'GEOMETRIC negative m, 3 PEs', pes: 3, kernel: '99 100 10000 2 -3 GEOMETRIC 0.99', placed: 9643, tiles: [1, 3] },
  {
    name: 'SINUSOIDAL, 4 PEs, default balancer every 20 steps',
    pes: 4,
    kernel: '99 100 10000 0 1 SINUSOIDAL',
    placed: 10041,
    args: ['--odf', '2', '--lb-period', '20'],
    flags: ['+stats'],
    tiles: [2, 4],
    balanced: true,
  },
  {
    name: 'LINEAR, ODF 8, default balancer every 5 steps',
    pes: 2,
    kernel: '99 100 10000 1 0 LINEAR 1.0 3.0',
    placed: 9564,
    args: ['--odf', '8', '--lb-period', '5'],
    flags: ['+stats'],
    tiles: [4, 4],
    balanced: true,
  },
  {
    name: 'PATCH, 2 processes x 2 threads, ODF 4, GreedyLB every 10 steps',
    pes: 4,
    kernel: '99 100 10000 1 1 PATCH 10 40 20 60',
    placed: 9978,
    args: ['--odf', '4', '--lb-period', '10'],
    flags: ['++ppn', '2', '+balancer', 'GreedyLB', '+stats'],
    tiles: [4, 4],
    balanced: true,
  },
  {
    name: 'RotateLB: every tile migrates at every step',
    pes: 3,
    kernel: '30 40 3000 1 2 PATCH 1 30 2 20',
    placed: -1,
    args: ['--odf', '3', '--lb-period', '1'],
    flags: ['+balancer', 'RotateLB', '+stats'],
    tiles: [3, 3],
    balanced: true,
    migrations: 9,
  },
  { name: 'ODF 8 with sync points but +LBOff', pes: 2, kernel: '20 40 2000 0 1 GEOMETRIC 0.9', placed: -1, args: ['--odf', '8', '--lb-period', '3'], flags: ['+LBOff'], tiles: [4, 4] },
  { name: '+LBPeriod alone: a sync point every step', pes: 2, kernel: '12 40 2000 0 -1 SINUSOIDAL', placed: -1, args: ['--odf', '2'], flags: ['+LBPeriod', '0.001'], tiles: [2, 2] },
];

for (const c of CASES) {
  t.test(`pic ${c.name}: ${c.kernel}`, async (t) => {
    const result = await runCharmrun(APP, { pes: c.pes, flags: c.flags ?? [], args: [...kernelFlags(c.kernel), ...(c.args ?? []), '--json'], timeoutMs: 60_000 });
    t.equal(result.timedOut, false, 'finished in time');
    t.equal(result.code, 0, `exit 0 (stderr: ${result.stderr.trim()})`);
    t.match(result.stdout, /^Solution validates$/m);
    t.match(result.stdout, /^Rate \(Mparticles_moved\/s\): \d+\.\d+$/m);
    const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    t.equal(json.validates, true);
    t.equal(json.pes, c.pes);
    t.same(json.tiles, c.tiles);
    if (c.placed >= 0) {
      t.match(result.stdout, new RegExp(`^Number of particles placed\\s+= ${c.placed}$`, 'm'));
      t.equal(json.placed, c.placed, 'N as in PIC.md 8');
    }
    const busy = json.busySeconds as number[];
    t.equal(busy.length, c.pes, 'one busy time per PE');
    if (c.balanced) {
      const named = c.flags?.indexOf('+balancer') ?? -1;
      const balancer = named >= 0 ? c.flags![named + 1]! : 'GreedyRefineLB';
      t.match(result.stdout, new RegExp(`\\[charm4ts LB\\] step 0 .*${balancer}: max/avg`), 'balancing steps ran');
      t.equal(json.balancer, balancer);
    }
    if (c.migrations !== undefined) {
      const steps = [...result.stdout.matchAll(/max\/avg [\d.]+ -> [\d.]+ \(predicted\), (\d+) migrations/g)].map((m) => Number(m[1]));
      t.equal(steps.length, Number(c.kernel.split(' ')[0]) - 1, 'a balancing step after every step but step 0 and step T');
      t.ok(steps.every((n) => n === c.migrations), `${c.migrations} migrations at every balancing step`);
    }
  });
}
