import t from 'tap';
import { InvalidArgumentError } from '../../../../src/errors.js';
import {
  CellDistribution,
  distributionParameters,
  parseDistribution,
  validateDistribution,
  type DistributionSpec,
} from '../../../../examples/pic/kernel/distributions.js';

const invalid = (pattern: RegExp) => ({ name: 'InvalidArgumentError', code: 'CHARM_ERR_INVALID_ARGUMENT', message: pattern });

t.test('parseDistribution reads each mode', async (t) => {
  t.same(parseDistribution('GEOMETRIC', ['0.999']), { mode: 'GEOMETRIC', ratio: 0.999 });
  t.same(parseDistribution('geometric', ['0.5']), { mode: 'GEOMETRIC', ratio: 0.5 }, 'case-insensitive');
  t.same(parseDistribution('SINUSOIDAL', []), { mode: 'SINUSOIDAL' });
  t.same(parseDistribution('LINEAR', ['1.0', '3.0']), { mode: 'LINEAR', alpha: 1, beta: 3 });
  t.same(parseDistribution('PATCH', ['10', '40', '20', '60']), { mode: 'PATCH', left: 10, right: 40, bottom: 20, top: 60 });
  const spec: DistributionSpec = { mode: 'PATCH', left: 1, right: 2, bottom: 3, top: 4 };
  t.same(distributionParameters(spec), [1, 2, 3, 4]);
});

t.test('parseDistribution rejects bad modes and parameters', async (t) => {
  t.throws(() => parseDistribution('UNIFORM', []), invalid(/unknown mode "UNIFORM"/));
  t.throws(() => parseDistribution('GEOMETRIC', []), invalid(/GEOMETRIC takes 1 parameter\(s\): r; got 0/));
  t.throws(() => parseDistribution('SINUSOIDAL', ['1']), invalid(/SINUSOIDAL takes no parameters; got 1/));
  t.throws(() => parseDistribution('LINEAR', ['1']), invalid(/alpha beta/));
  t.throws(() => parseDistribution('GEOMETRIC', ['abc']), invalid(/parameter r must be a finite number/));
  t.throws(() => parseDistribution('PATCH', ['1.5', '4', '0', '3']), invalid(/xl must be a non-negative integer/));
  t.throws(() => parseDistribution('PATCH', ['-1', '4', '0', '3']), invalid(/xl must be a non-negative integer/));
});

t.test('validateDistribution enforces the rules of PIC.md 2.1', async (t) => {
  const geometric = (ratio: number): DistributionSpec => ({ mode: 'GEOMETRIC', ratio });
  t.doesNotThrow(() => validateDistribution(geometric(0.999), 2998, 600000));
  t.throws(() => validateDistribution(geometric(0.9), 21, 100), invalid(/L must be an even integer >= 2/));
  t.throws(() => validateDistribution(geometric(0.9), 0, 100), invalid(/grid size L/));
  t.throws(() => validateDistribution(geometric(0.9), 20, 0), invalid(/particle count n must be an integer >= 1/));
  t.throws(() => validateDistribution(geometric(1), 20, 100), invalid(/ratio r must not be 1/));
  t.throws(() => validateDistribution(geometric(0), 20, 100), invalid(/ratio r must be > 0/));
  t.throws(() => validateDistribution(geometric(-0.5), 20, 100), invalid(/ratio r must be > 0/));
  t.throws(() => validateDistribution(geometric(1e10), 1000, 100), invalid(/overflows/));
  t.doesNotThrow(() => validateDistribution(geometric(1.01), 100, 100), 'r > 1 is a valid (rising) profile');
  const linear = (alpha: number, beta: number): DistributionSpec => ({ mode: 'LINEAR', alpha, beta });
  t.doesNotThrow(() => validateDistribution(linear(1, 3), 100, 100));
  t.throws(() => validateDistribution(linear(1, -1), 100, 100), invalid(/beta must be >= 0/));
  t.throws(() => validateDistribution(linear(4, 3), 100, 100), invalid(/beta \(3\) must be >= slope alpha \(4\)/));
  t.throws(() => validateDistribution(linear(0, 0), 100, 100), invalid(/must not both be 0/));
  const patch = (left: number, right: number, bottom: number, top: number): DistributionSpec => ({ mode: 'PATCH', left, right, bottom, top });
  t.doesNotThrow(() => validateDistribution(patch(0, 99, 0, 99), 100, 100));
  t.throws(() => validateDistribution(patch(5, 5, 0, 3), 100, 100), invalid(/xl < xr/));
  t.throws(() => validateDistribution(patch(0, 3, 7, 2), 100, 100), invalid(/yb < yt/));
  t.throws(() => validateDistribution(patch(0, 100, 0, 3), 100, 100), invalid(/xr must be <= L-1 = 99/));
  t.throws(() => validateDistribution(patch(0, 3, 0, 101), 100, 100), invalid(/yt must be <= L-1 = 99/));
  t.ok(new InvalidArgumentError('x') instanceof Error);
});

t.test('expected counts follow the formulas and orders of PIC.md 2.1', async (t) => {
  const L = 100;
  const n = 10000;
  const g = new CellDistribution({ mode: 'GEOMETRIC', ratio: 0.99 }, L, n);
  const A = (n * ((1 - 0.99) / (1 - Math.pow(0.99, L)))) / L;
  t.equal(g.drawMean(0), A * 1);
  t.equal(g.drawMean(37), A * Math.pow(0.99, 37));
  t.equal(g.expectedCount(37, 5), g.drawMean(37));
  const s = new CellDistribution({ mode: 'SINUSOIDAL' }, L, n);
  const c = Math.cos(13 * (Math.PI / L));
  t.equal(s.drawMean(13), (2 * c * c * n) / (L * L));
  t.ok(s.drawMean(L / 2) < 1e-20, 'nearly empty in the middle');
  const lin = new CellDistribution({ mode: 'LINEAR', alpha: 1, beta: 3 }, L, n);
  const W = 3 * L - 1 * 0.5 * (1 / L) * L * (L - 1);
  t.equal(lin.drawMean(10), (n * ((3 - 1 * (1 / L) * 10) / W)) / L);
  const p = new CellDistribution({ mode: 'PATCH', left: 10, right: 40, bottom: 20, top: 60 }, L, n);
  t.equal(p.drawMean(0), n / (31 * 41), 'the draw mean is the same everywhere');
  t.equal(p.expectedCount(0, 30), 0);
  t.equal(p.expectedCount(10, 20), n / (31 * 41));
  t.equal(p.expectedCount(40, 61), 0);
  t.equal(p.firstKeptRow(5), L, 'no kept rows outside the box columns');
  t.equal(p.endKeptRow(5), L);
  t.equal(p.firstKeptRow(10), 20);
  t.equal(p.endKeptRow(10), 61);
  t.equal(g.firstKeptRow(3), 0);
  t.equal(g.endKeptRow(3), L);
});

t.test('expected counts sum to n in every mode', async (t) => {
  const L = 200;
  const n = 50000;
  const specs: DistributionSpec[] = [
    { mode: 'GEOMETRIC', ratio: 0.999 },
    { mode: 'GEOMETRIC', ratio: 1.003 },
    { mode: 'SINUSOIDAL' },
    { mode: 'LINEAR', alpha: 1, beta: 3 },
    { mode: 'LINEAR', alpha: -2, beta: 0 },
    { mode: 'PATCH', left: 3, right: 150, bottom: 0, top: 199 },
  ];
  for (const spec of specs) {
    const d = new CellDistribution(spec, L, n);
    let sum = 0;
    for (let x = 0; x < L; x++) for (let y = 0; y < L; y++) sum += d.expectedCount(x, y);
    t.ok(Math.abs(sum - n) < 1e-6 * n, `${spec.mode} ${distributionParameters(spec).join(' ')}: ${sum}`);
  }
});
