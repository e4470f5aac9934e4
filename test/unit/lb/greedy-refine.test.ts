import t from 'tap';
import { InvalidArgumentError } from '../../../src/errors.js';
import { loadMetrics } from '../../../src/lb/load-metrics.js';
import { greedyRefineLB, solveGreedyRefine } from '../../../src/lb/strategies/greedy-refine.js';
import { greedyPlacement, solveGreedy } from '../../../src/lb/strategies/greedy.js';
import type { LbProblem } from '../../../src/lb/strategy.js';
import { moves } from './helpers.js';
import { syntheticProblem, type SyntheticOptions } from './synthetic.js';

/** Greedy's largest time over available PEs. */
function greedyMax(problem: LbProblem): number {
  const { times } = greedyPlacement(problem);
  return Math.max(...problem.pes.filter((p) => p.available).map((p) => times[p.id]));
}

const cases: Record<string, SyntheticOptions> = {
  uniform: { objects: 2000, pes: 64, shape: 'uniform' },
  ramp: { objects: 2000, pes: 64, shape: 'ramp' },
  geometric: { objects: 2000, pes: 64, shape: 'geometric' },
  'geometric, 10 per PE': { objects: 640, pes: 64, shape: 'geometric' },
  'two speeds': { objects: 2000, pes: 64, shape: 'uniform', twoSpeeds: true, placement: 'random' },
  'fixed objects and unavailable PEs': { objects: 2000, pes: 64, shape: 'uniform', fixedEvery: 9, unavailable: [1, 2] },
};

for (const [label, options] of Object.entries(cases)) {
  t.test(`${label}: within tolerance of greedy, with far fewer moves`, async (t) => {
    const problem = syntheticProblem(options);
    const limit = greedyMax(problem);
    const greedyMoves = moves(problem, solveGreedy(problem));
    for (const tolerance of [1, 1.02, 1.1]) {
      const assignment = solveGreedyRefine(problem, tolerance);
      const { maxLoad, migrations } = loadMetrics(problem, assignment);
      t.ok(maxLoad <= limit * tolerance * (1 + 1e-12), `tolerance ${tolerance}: max ${maxLoad} <= ${limit * tolerance}`);
      if (tolerance >= 1.02) t.ok(migrations * 2 < greedyMoves, `tolerance ${tolerance}: ${migrations} moves vs greedy's ${greedyMoves}`);
    }
  });
}

t.test('a balanced placement is left alone', async (t) => {
  const problem = syntheticProblem({ objects: 640, pes: 64, shape: 'constant', placement: 'roundRobin' });
  t.equal(moves(problem, solveGreedyRefine(problem)), 0);
});

t.test('one heavy object: it stays, the rest balance around it', async (t) => {
  const problem = syntheticProblem({ objects: 1000, pes: 64, shape: 'heavy' });
  const assignment = solveGreedyRefine(problem);
  const m = loadMetrics(problem, assignment);
  t.equal(assignment[500], problem.objects[500].pe, 'the heavy object stays');
  t.equal(m.maxLoad, m.lowerBound);
  t.ok(m.migrations < 100, `${m.migrations} moves`);
});

t.test('the tolerance option is checked', async (t) => {
  t.throws(() => greedyRefineLB({ tolerance: 0.5 }), InvalidArgumentError);
  t.equal(greedyRefineLB().name, 'GreedyRefineLB');
});
