import t from 'tap';
import { formatLbDump, parseLbDump, type LbDumpRecord } from '../../../src/lb/lb-dump.js';
import { replayLbDump } from '../../../src/lb/lb-replay.js';
import { loadMetrics } from '../../../src/lb/load-metrics.js';
import { createBalancer, createStrategy } from '../../../src/lb/strategy-registry.js';
import type { Strategy } from '../../../src/lb/strategy.js';
import { syntheticProblem } from './synthetic.js';

const records: LbDumpRecord[] = (['uniform', 'ramp', 'geometric'] as const).map((shape, step) => ({
  step,
  time: 10 * (step + 1),
  problem: syntheticProblem({ objects: 500, pes: 16, shape }),
}));

/** A clock that advances 2 ms per reading. */
function fakeClock(): () => number {
  let now = 0;
  return () => (now += 2);
}

t.test('replays every step through a strategy read back from a dump', async (t) => {
  const dump = parseLbDump(formatLbDump(records));
  const greedy = createStrategy('GreedyLB');
  const steps = replayLbDump(dump, greedy, fakeClock());
  t.equal(steps.length, 3);
  steps.forEach((s, i) => {
    const problem = records[i].problem;
    const after = loadMetrics(problem, greedy.solve(problem));
    t.match(s, { step: i, time: 10 * (i + 1), objects: 500, pes: 16, decisionMs: 2, migrations: after.migrations });
    t.equal(s.ratioBefore, loadMetrics(problem).maxAvgRatio);
    t.equal(s.ratioAfter, after.maxAvgRatio);
    t.ok(s.ratioBound >= 1 && s.ratioBound <= s.ratioAfter);
    t.ok(s.ratioAfter < s.ratioBefore, `step ${i}: ${s.ratioBefore} -> ${s.ratioAfter}`);
  });
});

t.test('steps are independent: each starts from its recorded placement', async (t) => {
  const steps = replayLbDump(records, createStrategy('DummyLB'));
  t.ok(steps.every((s) => s.migrations === 0 && s.ratioAfter === s.ratioBefore));
  t.ok(steps.every((s) => s.decisionMs >= 0));
});

t.test('a sequence replays like any strategy', async (t) => {
  const steps = replayLbDump(records, createBalancer(['GreedyLB', 'RefineLB']), fakeClock());
  t.equal(steps.length, 3);
});

t.test('an invalid decision is reported', async (t) => {
  const broken: Strategy = { name: 'BrokenLB', description: '', solve: (p) => new Int32Array(p.objects.length).fill(99) };
  t.throws(() => replayLbDump(records, broken), { name: 'InvalidArgumentError', message: /BrokenLB gave an invalid assignment at step 0/ });
});
