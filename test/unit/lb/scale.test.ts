import t from 'tap';
import { loadMetrics } from '../../../src/lb/load-metrics.js';
import { greedyPlacement } from '../../../src/lb/strategies/greedy.js';
import type { LbProblem } from '../../../src/lb/strategy.js';
import { allStrategies, problemsOf, vacatesUnavailable } from './helpers.js';
import { syntheticProblem } from './synthetic.js';

// 10,000 objects on 1,000 PEs (10 hosts), PRK-geometric loads placed in blocks (max/avg about
// 3.1), every 50th object fixed, two PEs unavailable. Quality is asserted, not time; tap's
// timeout bounds the run.
const problem: LbProblem = syntheticProblem({
  objects: 10_000,
  pes: 1_000,
  shape: 'geometric',
  hosts: 10,
  fixedEvery: 50,
  unavailable: [0, 500],
});
const before = loadMetrics(problem);
const { times } = greedyPlacement(problem);
const greedyMax = Math.max(...problem.pes.filter((p) => p.available).map((p) => times[p.id]));

/** Largest acceptable max/avg per strategy, or a check of its own. */
const quality: Record<string, (a: Int32Array) => [boolean, string]> = {
  GreedyLB: (a) => [loadMetrics(problem, a).maxAvgRatio <= 1.01, 'max/avg <= 1.01'],
  GreedyRefineLB: (a) => [loadMetrics(problem, a).maxLoad <= greedyMax * 1.02 * (1 + 1e-12), 'within 2% of greedy'],
  RefineLB: (a) => [loadMetrics(problem, a).maxAvgRatio <= 1.2, 'max/avg <= 1.2 (coarse objects)'],
  HierarchicalLB: (a) => [loadMetrics(problem, a).maxAvgRatio <= 1.3, 'max/avg <= 1.3 (coarse objects, per-host split)'],
  RandomLB: (a) => {
    const used = new Set(a);
    return [used.size >= 990, `${used.size} PEs receive objects`];
  },
  RotateLB: (a) => [
    problem.objects.every((o) => !o.migratable || a[o.id] !== o.pe),
    'every migratable object moves',
  ],
  DummyLB: (a) => [loadMetrics(problem, a).migrations === 0, 'nothing moves'],
};

for (const strategy of allStrategies()) {
  t.test(`${strategy.name} on 10,000 objects / 1,000 PEs`, async (t) => {
    const assignment = strategy.solve(problem);
    t.same(problemsOf(problem, assignment), [], 'valid');
    if (strategy.name !== 'DummyLB') t.ok(vacatesUnavailable(problem, assignment), 'unavailable PEs vacated');
    const m = loadMetrics(problem, assignment);
    const [ok, what] = quality[strategy.name](assignment);
    t.ok(ok, `${what}: max/avg ${before.maxAvgRatio.toFixed(3)} -> ${m.maxAvgRatio.toFixed(3)}, ${m.migrations} moves`);
  });
}

t.test('hierarchical on fine-grained loads with two-speed PEs: 100 objects per PE', async (t) => {
  const fine = syntheticProblem({ objects: 100_000, pes: 1_000, shape: 'uniform', hosts: 16, twoSpeeds: true, placement: 'random' });
  const strategy = allStrategies().find((s) => s.name === 'HierarchicalLB');
  const m = loadMetrics(fine, strategy?.solve(fine));
  t.ok(m.maxAvgRatio <= 1.05, `max/avg ${loadMetrics(fine).maxAvgRatio.toFixed(3)} -> ${m.maxAvgRatio.toFixed(3)}`);
});
