/**
 * Load-balancing strategies: decision time and quality on synthetic loads.
 *
 *     npx tsx bench/lb-strategies.ts [--strategies GreedyLB,RefineLB] [--shapes geometric] [--repeat 3]
 *
 * For each strategy, size (1k objects / 64 PEs, 10k / 1k, 100k / 1k) and load shape, prints one
 * JSON line: strategy, shape, objects, pes, decisionMs (median of --repeat runs after one
 * warm-up), ratioBefore and ratioAfter (max/avg PE load), ratioBound (lower bound on any
 * assignment's max/avg), migrations.
 *
 * Shapes: `geometric` is the PRK PIC GEOMETRIC distribution (r = 0.999) over objects placed in
 * blocks, as a column-block decomposition starts; `uniform` draws loads in [0.5, 1.5) and
 * places objects at random; `twoSpeed` is `uniform` on PEs of speed 1 and 2 in 16 hosts.
 */

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadMetrics } from '../src/lb/load-metrics.js';
import type { LbProblem } from '../src/lb/strategy.js';
import { createStrategy, strategyNames } from '../src/lb/strategy-registry.js';
import { syntheticProblem } from '../test/unit/lb/synthetic.js';

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [1_000, 64],
  [10_000, 1_000],
  [100_000, 1_000],
];

const SHAPES: Record<string, (objects: number, pes: number) => LbProblem> = {
  geometric: (objects, pes) => syntheticProblem({ objects, pes, shape: 'geometric', placement: 'block' }),
  uniform: (objects, pes) => syntheticProblem({ objects, pes, shape: 'uniform', placement: 'random' }),
  twoSpeed: (objects, pes) => syntheticProblem({ objects, pes, shape: 'uniform', placement: 'random', twoSpeeds: true, hosts: 16 }),
};

const { values } = parseArgs({
  options: {
    strategies: { type: 'string', default: strategyNames().join(',') },
    shapes: { type: 'string', default: Object.keys(SHAPES).join(',') },
    repeat: { type: 'string', default: '3' },
  },
});
const repeat = Math.max(1, Number(values.repeat));

for (const shape of values.shapes.split(',')) {
  const make = SHAPES[shape];
  if (!make) throw new Error(`unknown shape ${shape}; known: ${Object.keys(SHAPES).join(', ')}`);
  for (const [objects, pes] of SIZES) {
    const problem = make(objects, pes);
    const before = loadMetrics(problem);
    for (const name of values.strategies.split(',')) {
      const strategy = createStrategy(name);
      let assignment = strategy.solve(problem);
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const started = performance.now();
        assignment = strategy.solve(problem);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const after = loadMetrics(problem, assignment);
      const line = {
        bench: 'lb-strategies',
        strategy: name,
        shape,
        objects,
        pes,
        decisionMs: Number(times[times.length >> 1].toFixed(2)),
        ratioBefore: Number(before.maxAvgRatio.toFixed(4)),
        ratioAfter: Number(after.maxAvgRatio.toFixed(4)),
        ratioBound: Number((before.lowerBound / before.avgLoad).toFixed(4)),
        migrations: after.migrations,
      };
      process.stdout.write(JSON.stringify(line) + '\n');
    }
  }
}
