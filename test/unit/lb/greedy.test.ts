import fc from 'fast-check';
import t from 'tap';
import { loadMetrics } from '../../../src/lb/load-metrics.js';
import { greedyPlacement, solveGreedy } from '../../../src/lb/strategies/greedy.js';
import type { LbProblem } from '../../../src/lb/strategy.js';
import { ratio } from './helpers.js';
import { syntheticProblem, type LoadShape } from './synthetic.js';

/** Identical PEs without background, objects on PE 0. */
function simple(loads: readonly number[], numPes: number): LbProblem {
  return {
    objects: loads.map((load, id) => ({ id, load, pe: 0, migratable: true })),
    pes: Array.from({ length: numPes }, (_, id) => ({ id, speed: 1, background: 0, available: true, host: 0 })),
  };
}

/** Smallest possible largest PE load, by trying every assignment. */
function optimum(loads: readonly number[], numPes: number): number {
  const bins = new Array<number>(numPes).fill(0);
  let best = Infinity;
  const visit = (i: number, used: number): void => {
    if (i === loads.length) {
      best = Math.min(best, Math.max(...bins));
      return;
    }
    // PEs are interchangeable: never open more than one new empty PE per level.
    for (let p = 0; p < Math.min(used + 1, numPes); p++) {
      bins[p] += loads[i];
      if (bins[p] < best) visit(i + 1, Math.max(used, p + 1));
      bins[p] -= loads[i];
    }
  };
  visit(0, 0);
  return best;
}

t.test("Graham's bound: at most (4/3 - 1/(3P)) times the optimum on identical PEs", async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 2, max: 4 }), (loads, numPes) => {
      const problem = simple(loads, numPes);
      const max = loadMetrics(problem, solveGreedy(problem)).maxLoad;
      return max <= (4 / 3 - 1 / (3 * numPes)) * optimum(loads, numPes) + 1e-9;
    }),
    { numRuns: 300, seed: 42 },
  );
  // The classic tight case: 2P+1 jobs 2P-1, 2P-1, 2P-2, 2P-2, ..., P+1, P+1, P, P, P.
  const loads = [5, 5, 4, 4, 3, 3, 3];
  t.equal(loadMetrics(simple(loads, 3), solveGreedy(simple(loads, 3))).maxLoad, 11, 'greedy gets 11 where 9 is optimal');
  t.equal(optimum(loads, 3), 9);
});

t.test('constant loads, 1000 objects on 64 PEs: the optimum, 16 per PE at most', async (t) => {
  const problem = syntheticProblem({ objects: 1000, pes: 64, shape: 'constant' });
  t.equal(loadMetrics(problem, solveGreedy(problem)).maxLoad, 16);
});

const shapes: LoadShape[] = ['uniform', 'ramp', 'geometric'];
for (const shape of shapes) {
  t.test(`${shape} loads, 1000 objects on 64 PEs: max/avg <= 1.02`, async (t) => {
    const problem = syntheticProblem({ objects: 1000, pes: 64, shape });
    t.ok(ratio(problem, solveGreedy(problem)) <= 1.02, `ratio ${ratio(problem, solveGreedy(problem))}`);
  });
}

t.test('one heavy object: it sits alone and the rest balance around it', async (t) => {
  const problem = syntheticProblem({ objects: 1000, pes: 64, shape: 'heavy' });
  const assignment = solveGreedy(problem);
  const m = loadMetrics(problem, assignment);
  t.equal(m.maxLoad, m.lowerBound, 'max equals the heavy object, the lower bound');
  const heavyPe = assignment[500];
  t.equal(Array.from(assignment).filter((pe) => pe === heavyPe).length, 1, 'no other object on its PE');
  t.ok(m.maxLoad <= (4 / 3) * Math.max(m.lowerBound, m.avgLoad));
});

t.test('two-speed PEs: fast PEs take twice the work', async (t) => {
  const problem = syntheticProblem({ objects: 1200, pes: 64, shape: 'uniform', twoSpeeds: true });
  const assignment = solveGreedy(problem);
  t.ok(ratio(problem, assignment) <= 1.03, `ratio ${ratio(problem, assignment)}`);
  const work = [0, 0];
  for (const o of problem.objects) work[problem.pes[assignment[o.id]].speed === 2 ? 1 : 0] += o.load;
  t.ok(Math.abs(work[1] / work[0] - 2) < 0.1, `fast/slow work ${work[1] / work[0]}`);
});

t.test('background counts: a busy PE receives less', async (t) => {
  const problem: LbProblem = {
    objects: Array.from({ length: 10 }, (_, id) => ({ id, load: 1, pe: 0, migratable: true })),
    pes: [
      { id: 0, speed: 1, background: 5, available: true, host: 0 },
      { id: 1, speed: 1, background: 0, available: true, host: 0 },
    ],
  };
  const { times } = greedyPlacement(problem);
  // PE 1 fills to 5; then ties go to PE 0 first: 6, 6, 7, 7, 8.
  t.same(Array.from(times), [8, 7]);
});

t.test('ties: lower PE id first, heavier object first, then lower object id', async (t) => {
  const problem = simple([1, 1, 1, 1, 2], 3);
  // Object 4 (load 2) to PE 0; objects 0, 1 to PEs 1, 2; object 2 to PE 1 (tie with PE 2); object 3 to PE 2.
  t.same(Array.from(solveGreedy(problem)), [1, 2, 1, 2, 0]);
});

t.test('ignores the current placement', async (t) => {
  const a = syntheticProblem({ objects: 300, pes: 16, shape: 'uniform', placement: 'block' });
  const b = syntheticProblem({ objects: 300, pes: 16, shape: 'uniform', placement: 'random' });
  t.same(Array.from(solveGreedy(a)), Array.from(solveGreedy(b)));
});
