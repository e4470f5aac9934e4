import t from 'tap';
import { InvalidArgumentError } from '../../../src/errors.js';
import { randomLB, solveRandom } from '../../../src/lb/strategies/random.js';
import { syntheticProblem } from './synthetic.js';

const problem = syntheticProblem({ objects: 64_000, pes: 64, unavailable: [3], fixedEvery: 100 });

/** Element-wise equality (tap's deep comparison is slow on 64k entries). */
const equal = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

t.test('the same seed gives the same decision; another seed another', async (t) => {
  t.ok(equal(solveRandom(problem, 7), solveRandom(problem, 7)));
  t.notOk(equal(solveRandom(problem, 7), solveRandom(problem, 8)));
  t.ok(equal(randomLB({ seed: 7 }).solve(problem), solveRandom(problem, 7)));
});

t.test('uniform over the available PEs', async (t) => {
  const assignment = solveRandom(problem, 1);
  const counts = new Array<number>(64).fill(0);
  for (const o of problem.objects) if (o.migratable) counts[assignment[o.id]]++;
  t.equal(counts[3], 0, 'the unavailable PE gets nothing');
  const expected = problem.objects.filter((o) => o.migratable).length / 63;
  const others = counts.filter((_, pe) => pe !== 3);
  // About 1000 per PE: a standard deviation of ~32; 15% is beyond 4.5 of them.
  t.ok(
    others.every((c) => Math.abs(c - expected) < 0.15 * expected),
    `counts from ${Math.min(...others)} to ${Math.max(...others)}, expected ${expected}`,
  );
});

t.test('the seed option is checked', async (t) => {
  t.throws(() => randomLB({ seed: -1 }), InvalidArgumentError);
  t.throws(() => randomLB({ seed: 1.5 }), InvalidArgumentError);
  t.throws(() => randomLB({ seed: 2 ** 32 }), InvalidArgumentError);
});
