import t from 'tap';
import { InvalidArgumentError } from '../../../src/errors.js';
import { solveGreedy, greedyLB } from '../../../src/lb/strategies/greedy.js';
import { refineLB, solveRefine } from '../../../src/lb/strategies/refine.js';
import { rotateLB } from '../../../src/lb/strategies/rotate.js';
import { placedAs, strategyForStep, strategySequence } from '../../../src/lb/strategy-sequence.js';
import { frozenCopy } from './helpers.js';
import { syntheticProblem } from './synthetic.js';

const problem = syntheticProblem({ objects: 300, pes: 8, shape: 'geometric', fixedEvery: 10 });

t.test('each strategy sees the previous result', async (t) => {
  const seq = strategySequence([greedyLB(), refineLB({ tolerance: 1.01 })]);
  t.equal(seq.name, 'GreedyLB+RefineLB');
  const expected = solveRefine(placedAs(problem, solveGreedy(problem)), 1.01);
  t.same(Array.from(seq.solve(frozenCopy(problem))), Array.from(expected));
});

t.test('rotating twice moves every migratable object two PEs on', async (t) => {
  const twice = strategySequence([rotateLB(), rotateLB()]).solve(problem);
  t.ok(problem.objects.every((o) => twice[o.id] === (o.migratable ? (o.pe + 2) % 8 : o.pe)));
});

t.test('placedAs copies; the input stays', async (t) => {
  const moved = placedAs(problem, new Int32Array(300).fill(3));
  t.ok(moved.objects.every((o) => o.pe === 3));
  t.equal(problem.objects[299].pe, 7);
});

t.test('one strategy is itself; none is an error', async (t) => {
  const greedy = greedyLB();
  t.equal(strategySequence([greedy]), greedy);
  t.throws(() => strategySequence([]), InvalidArgumentError);
});

t.test("Charm++'s per-step reading", async (t) => {
  const list = [greedyLB(), refineLB()];
  t.equal(strategyForStep(list, 0).name, 'GreedyLB');
  t.equal(strategyForStep(list, 1).name, 'RefineLB');
  t.equal(strategyForStep(list, 9).name, 'RefineLB');
  t.throws(() => strategyForStep(list, -1), InvalidArgumentError);
  t.throws(() => strategyForStep([], 0), InvalidArgumentError);
});
