import t from 'tap';
import type { LbProblem } from '../../../src/lb/strategy.js';
import { allStrategies, frozenCopy, problemsOf, vacatesUnavailable } from './helpers.js';
import { syntheticProblem } from './synthetic.js';

const problems: Record<string, LbProblem> = {
  'uniform, fixed objects, unavailable PEs, 4 hosts': syntheticProblem({
    objects: 500,
    pes: 32,
    shape: 'uniform',
    fixedEvery: 5,
    unavailable: [0, 7, 8],
    hosts: 4,
  }),
  'geometric, two speeds, background': syntheticProblem({
    objects: 400,
    pes: 16,
    shape: 'geometric',
    twoSpeeds: true,
    background: 0.5,
    placement: 'random',
  }),
  'everything on one unavailable PE': syntheticProblem({ objects: 100, pes: 8, shape: 'ramp', placement: 'firstPe', unavailable: [0] }),
  'no objects': { objects: [], pes: syntheticProblem({ objects: 0, pes: 4 }).pes },
  'one PE': syntheticProblem({ objects: 20, pes: 1, shape: 'ramp' }),
  'no PE available': syntheticProblem({ objects: 20, pes: 3, unavailable: [0, 1, 2] }),
  'zero loads': {
    objects: Array.from({ length: 30 }, (_, id) => ({ id, load: 0, pe: id % 3, migratable: true })),
    pes: syntheticProblem({ objects: 0, pes: 5 }).pes,
  },
  'only non-migratable objects': syntheticProblem({ objects: 50, pes: 4, fixedEvery: 1, placement: 'firstPe' }),
};

for (const strategy of allStrategies()) {
  t.test(strategy.name, async (t) => {
    for (const [label, problem] of Object.entries(problems)) {
      const input = frozenCopy(problem);
      const before = JSON.stringify(input);
      const first = strategy.solve(input);
      t.equal(first.length, problem.objects.length, `${label}: one entry per object`);
      t.same(problemsOf(problem, first), [], `${label}: valid (PEs in range, fixed objects stay, nothing onto unavailable PEs)`);
      if (strategy.name !== 'DummyLB') {
        t.ok(vacatesUnavailable(problem, first), `${label}: unavailable PEs keep no migratable object`);
      }
      t.equal(JSON.stringify(input), before, `${label}: input unchanged`);
      const again = strategy.solve(frozenCopy(problem));
      t.same(Array.from(again), Array.from(first), `${label}: same decision for the same problem`);
    }
  });
}
