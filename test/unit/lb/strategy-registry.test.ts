import t from 'tap';
import { BadFlagError } from '../../../src/errors.js';
import { solveRefine } from '../../../src/lb/strategies/refine.js';
import {
  createBalancer,
  createStrategy,
  describeStrategies,
  parseBalancerSpec,
  strategyEntries,
  strategyNames,
} from '../../../src/lb/strategy-registry.js';
import { syntheticProblem } from './synthetic.js';

t.test('the table', async (t) => {
  t.same(strategyNames(), ['GreedyLB', 'RefineLB', 'GreedyRefineLB', 'HierarchicalLB', 'RotateLB', 'RandomLB', 'DummyLB']);
  for (const entry of strategyEntries()) t.equal(createStrategy(entry.name).name, entry.name);
  const help = describeStrategies();
  t.ok(help.some((line) => line.startsWith('RefineLB: ')));
  t.ok(help.some((line) => line.startsWith('  tolerance=number: ')));
});

t.test('parsing a +balancer value', async (t) => {
  t.same(parseBalancerSpec('GreedyLB'), { name: 'GreedyLB', options: {} });
  t.same(parseBalancerSpec('HierarchicalLB:groupSize=16, inner=RefineLB'), {
    name: 'HierarchicalLB',
    options: { groupSize: '16', inner: 'RefineLB' },
  });
  t.throws(() => parseBalancerSpec(':tolerance=1'), BadFlagError);
  t.throws(() => parseBalancerSpec('RefineLB:tolerance'), BadFlagError);
  t.throws(() => parseBalancerSpec('RefineLB:tolerance=1,tolerance=2'), BadFlagError);
});

t.test('options reach the strategy', async (t) => {
  const problem = syntheticProblem({ objects: 500, pes: 16, shape: 'ramp' });
  const viaFlag = createStrategy('RefineLB:tolerance=1.3').solve(problem);
  t.same(Array.from(viaFlag), Array.from(solveRefine(problem, 1.3)));
  t.notSame(Array.from(viaFlag), Array.from(solveRefine(problem)));
  t.same(
    Array.from(createStrategy({ name: 'RandomLB', options: { seed: 5 } }).solve(problem)),
    Array.from(createStrategy('RandomLB:seed=5').solve(problem)),
  );
  t.equal(createStrategy('HierarchicalLB:groupSize=4,inner=GreedyLB').name, 'HierarchicalLB');
});

t.test('user mistakes are BadFlagError with the choices', async (t) => {
  t.throws(() => createStrategy('GreedyLb'), { name: 'BadFlagError', code: 'CHARM_ERR_BAD_FLAG', message: /known: GreedyLB, RefineLB/ });
  t.throws(() => createStrategy('GreedyLB:tolerance=1'), { message: /GreedyLB has no option "tolerance"; it takes none/ });
  t.throws(() => createStrategy('RefineLB:tol=1'), { message: /options: tolerance/ });
  t.throws(() => createStrategy('RefineLB:tolerance=abc'), { message: /must be a number/ });
  t.throws(() => createStrategy('RefineLB:tolerance=0.5'), { name: 'BadFlagError', message: /tolerance must be a finite number >= 1/ });
  t.throws(() => createStrategy('RandomLB:seed=1.5'), { name: 'BadFlagError', message: /integer/ });
  t.throws(() => createStrategy('HierarchicalLB:inner=NoSuchLB'), { name: 'BadFlagError', message: /NoSuchLB/ });
  t.throws(() => createBalancer([]), BadFlagError);
});

t.test('a repeated +balancer gives a sequence', async (t) => {
  t.equal(createBalancer(['GreedyLB']).name, 'GreedyLB');
  t.equal(createBalancer(['GreedyLB', 'RefineLB:tolerance=1.1']).name, 'GreedyLB+RefineLB');
});
