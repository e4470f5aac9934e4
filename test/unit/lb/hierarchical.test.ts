import t from 'tap';
import { InvalidArgumentError } from '../../../src/errors.js';
import { solveGreedy, greedyLB } from '../../../src/lb/strategies/greedy.js';
import { hierarchicalLB, peGroups, solveHierarchical } from '../../../src/lb/strategies/hierarchical.js';
import type { Assignment, LbProblem } from '../../../src/lb/strategy.js';
import { moves, problemsOf, ratio, vacatesUnavailable } from './helpers.js';
import { syntheticProblem } from './synthetic.js';

/** Objects whose group changes. */
function crossGroup(problem: LbProblem, assignment: Assignment, groups: Int32Array): number {
  return problem.objects.filter((o) => groups[o.pe] !== groups[assignment[o.id]]).length;
}

t.test('groups: by host, by size, or sqrt(P) PEs', async (t) => {
  const pes = syntheticProblem({ objects: 0, pes: 10, hosts: 3 }).pes;
  t.same(Array.from(peGroups(pes)), [0, 0, 0, 0, 1, 1, 1, 2, 2, 2], 'by host');
  t.same(Array.from(peGroups(pes, 4)), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2], 'by size');
  const one = syntheticProblem({ objects: 0, pes: 10 }).pes;
  t.same(Array.from(peGroups(one)), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2], 'one host: ceil(sqrt(10)) = 4 per group');
});

// A group keeps only its own share of the objects, so a host left with coarse objects alone
// (geometric loads placed in blocks) ends up to one object above its share: the bound is looser
// than greedy's.
t.test('fine-grained loads: close to greedy, few objects change group', async (t) => {
  for (const shape of ['uniform', 'geometric'] as const) {
    const problem = syntheticProblem({ objects: 20_000, pes: 256, shape, hosts: 16 });
    const groups = peGroups(problem.pes);
    const assignment = solveHierarchical(problem);
    t.same(problemsOf(problem, assignment), []);
    t.ok(ratio(problem, assignment) <= 1.08, `${shape}: max/avg ${ratio(problem)} -> ${ratio(problem, assignment)}`);
    const greedy = solveGreedy(problem);
    t.ok(
      crossGroup(problem, assignment, groups) * 3 < crossGroup(problem, greedy, groups),
      `${shape}: ${crossGroup(problem, assignment, groups)} objects change host, greedy ${crossGroup(problem, greedy, groups)}`,
    );
    t.ok(moves(problem, assignment) * 2 < moves(problem, greedy), `${shape}: ${moves(problem, assignment)} moves`);
  }
});

t.test('two-speed PEs and backgrounds', async (t) => {
  const problem = syntheticProblem({ objects: 8000, pes: 128, shape: 'uniform', twoSpeeds: true, background: 1, hosts: 8 });
  const after = ratio(problem, solveHierarchical(problem));
  t.ok(ratio(problem) > 1.2 && after <= 1.06, `max/avg ${ratio(problem)} -> ${after}`);
});

t.test('a host with no available PE is emptied onto the others', async (t) => {
  const problem = syntheticProblem({ objects: 1000, pes: 32, hosts: 4, unavailable: [0, 1, 2, 3, 4, 5, 6, 7], fixedEvery: 50 });
  const assignment = solveHierarchical(problem);
  t.same(problemsOf(problem, assignment), []);
  t.ok(vacatesUnavailable(problem, assignment));
  t.ok(ratio(problem, assignment) <= 1.1, `max/avg ${ratio(problem, assignment)}`);
});

t.test('options: group size and inner strategy', async (t) => {
  const problem = syntheticProblem({ objects: 4000, pes: 64, shape: 'ramp' });
  const withGreedy = hierarchicalLB({ groupSize: 16, inner: greedyLB() }).solve(problem);
  t.same(problemsOf(problem, withGreedy), []);
  t.ok(ratio(problem, withGreedy) <= 1.05, `max/avg ${ratio(problem, withGreedy)}`);
  t.throws(() => hierarchicalLB({ groupSize: 0 }), InvalidArgumentError);
  t.throws(() => hierarchicalLB({ groupSize: 2.5 }), InvalidArgumentError);
  t.throws(() => hierarchicalLB({ groupTolerance: 0.99 }), InvalidArgumentError);
});
