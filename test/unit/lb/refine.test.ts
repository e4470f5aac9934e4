import t from 'tap';
import { idealLoad, peLoads } from '../../../src/lb/load-metrics.js';
import { solveGreedy } from '../../../src/lb/strategies/greedy.js';
import { refineLB, solveRefine } from '../../../src/lb/strategies/refine.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import type { LbProblem } from '../../../src/lb/strategy.js';
import { moves, ratio } from './helpers.js';
import { syntheticProblem, type LoadShape } from './synthetic.js';

t.test('a balanced placement is left alone', async (t) => {
  const problem = syntheticProblem({ objects: 640, pes: 64, shape: 'constant', placement: 'roundRobin' });
  t.equal(moves(problem, solveRefine(problem)), 0);
});

t.test('one overloaded PE: only its objects move, and few of them', async (t) => {
  const base = syntheticProblem({ objects: 640, pes: 64, shape: 'constant', placement: 'roundRobin' });
  const extra = Array.from({ length: 40 }, (_, k) => ({ id: 640 + k, load: 1, pe: 5, migratable: true }));
  const problem: LbProblem = { objects: [...base.objects, ...extra], pes: base.pes };
  const assignment = solveRefine(problem, 1.05);
  const moved = problem.objects.filter((o) => assignment[o.id] !== o.pe);
  t.ok(moved.every((o) => o.pe === 5), 'every moved object came from PE 5');
  // PE 5 holds 50, the average is 680/64 = 10.6, so 39 or 40 must go; each receiver takes one.
  t.ok(moved.length <= 40, `${moved.length} moves`);
  t.ok(ratio(problem, assignment) <= 1.05 + 1e-12);
});

const shapes: LoadShape[] = ['uniform', 'ramp', 'geometric'];
for (const shape of shapes) {
  t.test(`${shape} loads, 2000 objects on 64 PEs`, async (t) => {
    const problem = syntheticProblem({ objects: 2000, pes: 64, shape });
    const tolerance = 1.05;
    const assignment = solveRefine(problem, tolerance);
    const after = ratio(problem, assignment);
    t.ok(after <= tolerance + 1e-12, `max/avg ${after} within the tolerance (fine-grained objects)`);
    const before = peLoads(problem);
    const threshold = idealLoad(problem) * tolerance;
    t.ok(
      problem.objects.every((o) => assignment[o.id] === o.pe || before[o.pe] > threshold),
      'objects leave only PEs that were above avg * tolerance',
    );
    const greedyMoves = moves(problem, solveGreedy(problem));
    t.ok(moves(problem, assignment) * 4 < greedyMoves, `${moves(problem, assignment)} moves vs greedy's ${greedyMoves}`);
  });
}

t.test('coarse objects: the threshold rises only as far as needed', async (t) => {
  // 10 objects per PE, the heaviest ~0.3 of an average PE: 1.05 cannot be reached.
  const problem = syntheticProblem({ objects: 640, pes: 64, shape: 'geometric' });
  const after = ratio(problem, solveRefine(problem, 1.05));
  t.ok(after < 1.2, `max/avg ${after} (from ${ratio(problem)})`);
});

t.test('two-speed PEs: fills fast PEs to the same time', async (t) => {
  const problem = syntheticProblem({ objects: 2000, pes: 64, shape: 'uniform', twoSpeeds: true });
  const after = ratio(problem, solveRefine(problem, 1.05));
  t.ok(ratio(problem) > 1.3 && after <= 1.05 + 1e-12, `max/avg ${ratio(problem)} -> ${after}`);
});

t.test('a larger tolerance moves no more objects', async (t) => {
  const problem = syntheticProblem({ objects: 2000, pes: 64, shape: 'ramp' });
  const counts = [1.0, 1.05, 1.2, 1.5].map((tol) => moves(problem, solveRefine(problem, tol)));
  for (let i = 1; i < counts.length; i++) t.ok(counts[i] <= counts[i - 1], `${counts}`);
});

t.test('the tolerance option is checked', async (t) => {
  t.throws(() => refineLB({ tolerance: 0.9 }), InvalidArgumentError);
  t.throws(() => refineLB({ tolerance: Number.NaN }), InvalidArgumentError);
  t.equal(refineLB({ tolerance: 1.2 }).name, 'RefineLB');
});
