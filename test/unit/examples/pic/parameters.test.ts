import t from 'tap';
import { DEFAULT_K, DEFAULT_M, parsePicArguments, validatePicParameters } from '../../../../examples/pic/kernel/parameters.js';

const badFlag = (pattern: RegExp) => ({ code: 'CHARM_ERR_BAD_FLAG', message: pattern });
const invalid = (pattern: RegExp) => ({ code: 'CHARM_ERR_INVALID_ARGUMENT', message: pattern });
const base = ['-i', '10', '-s', '20', '-n', '1000'];

t.test('parses the flags of the paper version and hands back the rest', async (t) => {
  const { params, rest } = parsePicArguments([...base, '-k', '1', '-m', '-3', '--mode', 'GEOMETRIC', '--init-parameters', '0.9', '--odf', '8', '--json']);
  t.same(params, { iterations: 10, gridSize: 20, requestedParticles: 1000, k: 1, m: -3, distribution: { mode: 'GEOMETRIC', ratio: 0.9 } });
  t.same(rest, ['--odf', '8', '--json']);
});

t.test('accepted spellings: --flag=value, underscores, repeated --init-parameters', async (t) => {
  const { params } = parsePicArguments(['--iterations=5', '--grid_size', '100', '--num-particles=10', '--mode=PATCH', '--init_parameters', '10', '--init_parameters', '40', '--init-parameters=20,60']);
  t.same(params.distribution, { mode: 'PATCH', left: 10, right: 40, bottom: 20, top: 60 });
  t.equal(params.iterations, 5);
  t.equal(params.k, DEFAULT_K);
  t.equal(params.m, DEFAULT_M);
  const linear = parsePicArguments([...base, '--mode', 'LINEAR', '--init-parameters', '-1.5', '2e0', '-k', '2']);
  t.same(linear.params.distribution, { mode: 'LINEAR', alpha: -1.5, beta: 2 });
  t.equal(linear.params.k, 2, 'a flag after the parameters is read as a flag');
});

t.test('malformed flags are BadFlagError', async (t) => {
  t.throws(() => parsePicArguments(['-s', '20', '-n', '10', '--mode', 'SINUSOIDAL']), badFlag(/missing -i T/));
  t.throws(() => parsePicArguments([...base]), badFlag(/missing --mode MODE/));
  t.throws(() => parsePicArguments([...base, '--mode', 'SINUSOIDAL', '-k']), badFlag(/-k needs a value/));
  t.throws(() => parsePicArguments([...base, '--mode', 'SINUSOIDAL', '-k', '1.5']), badFlag(/-k takes an integer, got "1.5"/));
  t.throws(() => parsePicArguments([...base, '-i', '3', '--mode', 'SINUSOIDAL']), badFlag(/-i given twice/));
  t.throws(() => parsePicArguments(['-i', '1', '-s', '20', '-n', '99999999999999999999', '--mode', 'SINUSOIDAL']), badFlag(/too large/));
});

t.test('values that break a rule are InvalidArgumentError', async (t) => {
  const run = (...extra: string[]) => () => parsePicArguments([...extra]);
  t.throws(run('-i', '0', '-s', '20', '-n', '10', '--mode', 'SINUSOIDAL'), invalid(/time steps T \(-i\) must be an integer >= 1/));
  t.throws(run('-i', '1', '-s', '21', '-n', '10', '--mode', 'SINUSOIDAL'), invalid(/L must be an even integer/));
  t.throws(run('-i', '1', '-s', '20', '-n', '0', '--mode', 'SINUSOIDAL'), invalid(/particle count n \(-n\)/));
  t.throws(run('-i', '1', '-s', '20', '-n', '10', '-k', '-1', '--mode', 'SINUSOIDAL'), invalid(/charge multiplier k \(-k\) must be an integer >= 0/));
  t.throws(run('-i', '1', '-s', '20', '-n', '10', '-m', '-21', '--mode', 'SINUSOIDAL'), invalid(/m \(-m\) must be >= -L = -20/));
  t.throws(run('-i', '1', '-s', '20', '-n', '10', '--mode', 'GEOMETRIC', '--init-parameters', '1'), invalid(/ratio r must not be 1/));
  t.throws(run('-i', '1', '-s', '20', '-n', '10', '--mode', 'PATCH', '--init-parameters', '0', '20', '0', '5'), invalid(/xr must be <= L-1 = 19/));
  t.throws(
    () => validatePicParameters({ iterations: 1, gridSize: 20, requestedParticles: 10, k: 0, m: 0.5, distribution: { mode: 'SINUSOIDAL' } }),
    invalid(/m \(-m\) must be an integer/),
  );
});
