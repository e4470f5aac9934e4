/** Tests the figures of bench/pic (bench/pic/lb-figures.ts): medians over repeated runs, the bound, the gains. */
import t, { type Test } from 'tap';
import { markdownReport, maxOverMean, median, summarise, type BenchRun, type RunLine } from '../../../../bench/pic/lb-figures.js';

/** Asserts `actual` equals `expected` up to rounding. */
function near(t: Test, actual: number | null | undefined, expected: number, what: string): void {
  t.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ~ ${expected}`);
}

function run(setup: string, rep: number, msPerStep: number, busySeconds: number[], ratio = 0.99): BenchRun {
  const line: RunLine = {
    driver: setup.startsWith('mpi4py') ? 'mpi4py' : 'charm4ts',
    tiles: [2, 1],
    placed: 1000,
    validates: true,
    secondsPerIteration: msPerStep / 1000,
    rateMparticlesPerSecond: 1,
    busySeconds,
  };
  return { setup, ratio, rep, line };
}

t.test('median of odd and even counts, and of nothing', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.ok(Number.isNaN(median([])));
});

t.test('summarise takes the median run of each set-up and the median ODF-1 bound', async (t) => {
  const runs = [
    run('odf1-2x1', 0, 30, [2, 0]), // bound 2
    run('odf8', 0, 40, [1, 1]),
    run('odf8-lb', 0, 25, [1, 1]),
    run('odf1-2x1', 1, 20, [3, 1]), // bound 1.5
    run('odf8', 1, 30, [1, 1]),
    run('odf8-lb', 1, 15, [1, 1]),
    run('odf1-2x1', 2, 26, [1.8, 0.2]), // bound 1.8
    run('odf8', 2, 32, [1, 1]),
    run('odf8-lb', 2, 20, [1, 1]),
    run('static-1x2', 0, 16, [1, 1]),
    run('static-1x2', 1, 18, [1, 1]),
    run('static-1x2', 2, 13, [1, 1]),
    run('mpi4py-2x1', 0, 100, [2, 1]),
    run('odf8-lb', 0, 1, [1, 1], 0.999), // another ratio: ignored
  ];
  const summary = summarise(runs, 0.99);
  t.ok(summary !== null);
  t.equal(summary!.reps, 3);
  t.equal(summary!.bound, 1.8, 'median of the ODF-1 bounds 2, 1.5, 1.8');
  near(t, summary!.gainOverOdf1, 26 / 20, 'median ODF 1 (26 ms) over median ODF 8 + LB (20 ms)');
  near(t, summary!.gainOverOdf8, 32 / 20, 'median ODF 8 (32 ms) over 20 ms');
  near(t, summary!.recovered, (26 / 20 - 1) / (1.8 - 1), 'share of the bound');
  near(t, summary!.gainOverMpi4py, 100 / 20, 'mpi4py over ODF 8 + LB');
  near(t, summary!.machineGain, 26 / 16, 'median ODF 1 over the median balanced split (16 ms)');
  near(t, summary!.recoveredOfMachine, (26 / 20 - 1) / (26 / 16 - 1), 'share of what the balanced split gains');
  t.equal(maxOverMean([1.8, 0.2]), 1.8);
});

t.test('summarise is null while a charm4ts set-up has no run, and has no mpi4py gain without mpi4py', async (t) => {
  t.equal(summarise([run('odf1-2x1', 0, 30, [2, 0]), run('odf8', 0, 40, [1, 1])], 0.99), null);
  const summary = summarise([run('odf1-2x1', 0, 30, [1, 1]), run('odf8', 0, 40, [1, 1]), run('odf8-lb', 0, 25, [1, 1])], 0.99);
  t.equal(summary!.recovered, null, 'no gain is possible when the ODF-1 run is balanced');
  t.equal(summary!.gainOverMpi4py, null);
  t.equal(summary!.machineGain, null, 'no balanced split ran');
  t.equal(summary!.recoveredOfMachine, null);
});

t.test('the share of the balanced split is null when the split gains nothing', async (t) => {
  const runs = [run('odf1-2x1', 0, 30, [2, 0]), run('odf8', 0, 40, [1, 1]), run('odf8-lb', 0, 25, [1, 1]), run('static-1x2', 0, 31, [1, 1])];
  const summary = summarise(runs, 0.99);
  near(t, summary!.machineGain, 30 / 31, 'the split ran slower than ODF 1');
  t.equal(summary!.recoveredOfMachine, null);
});

t.test('the report lists every run and a summary row per ratio', async (t) => {
  const runs = [run('odf1-2x1', 0, 30, [2, 0]), run('odf8', 0, 40, [1, 1]), run('odf8-lb', 0, 20, [1, 1]), run('static-1x2', 0, 15, [1, 1])];
  const report = markdownReport(['# title'], runs, [summarise(runs, 0.99)!]);
  t.match(report, /\| 0\.99 \| static-1x2 \| 1 \| 2x1 \| off \| 15\.00 \|/);
  t.match(report, /\| 0\.99 \| 1 \| 2\.000 \| 1\.500 \| 2\.000 \| 50% \| 2\.000 \| 50% \| - \|/);
});
