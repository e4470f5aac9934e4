/** Tests the index-space helpers (src/runtime/index-space.ts): dimension checks, index checks, row-major (de)linearisation, keys and ordering. */
import t from 'tap';
import { IndexOutOfRangeError, InvalidArgumentError } from '../../../src/errors.js';
import { checkIndex, compareIndex, delinearize, elementCount, indexKey, linearize, MAX_DIMS, normalizeDims } from '../../../src/runtime/index-space.js';

t.test('normalizeDims accepts 1 to 6 positive integer dimensions', async (t) => {
  t.strictSame(normalizeDims(5), [5], 'a number is 1-D');
  t.strictSame(normalizeDims([2, 3]), [2, 3]);
  t.strictSame(normalizeDims([1, 1, 1, 1, 1, 1]), [1, 1, 1, 1, 1, 1], `${MAX_DIMS} dimensions`);
  const input = [4, 4];
  t.not(normalizeDims(input), input, 'a copy');
});

t.test('normalizeDims refuses bad dimensions with InvalidArgumentError', async (t) => {
  const bad: [string, number | number[]][] = [
    ['no dimensions', []],
    ['7 dimensions', [1, 1, 1, 1, 1, 1, 1]],
    ['zero', [0]],
    ['negative', [3, -1]],
    ['fractional', [2.5]],
    ['NaN', [NaN]],
    ['Infinity', Infinity],
    ['beyond safe integers', [2 ** 53]],
  ];
  for (const [what, dims] of bad) t.throws(() => normalizeDims(dims), InvalidArgumentError, what);
});

t.test('elementCount multiplies the dimensions', async (t) => {
  t.equal(elementCount([7]), 7);
  t.equal(elementCount([2, 3, 4]), 24);
  t.equal(elementCount([]), 1, 'no dimensions: one element (singletons)');
});

t.test('checkIndex accepts indices inside dense bounds and any non-negative sparse index', async (t) => {
  t.doesNotThrow(() => checkIndex([0, 2], [1, 3], 2, 'A'));
  t.doesNotThrow(() => checkIndex([9, 2 ** 40], null, 2, 'sparse'));
});

t.test('checkIndex refuses wrong arity, out-of-bounds and non-integer components', async (t) => {
  const bad: [string, unknown[], number[] | null, number][] = [
    ['too few components', [1], [2, 2], 2],
    ['too many components', [1, 1, 1], [2, 2], 2],
    ['at the bound', [2, 0], [2, 2], 2],
    ['negative', [-1, 0], [2, 2], 2],
    ['fractional', [0.5], [2], 1],
    ['a string', ['1'], [2], 1],
    ['NaN', [NaN], null, 1],
    ['sparse arity', [1, 2], null, 1],
    ['sparse negative', [-3], null, 1],
  ];
  for (const [what, index, dims, ndims] of bad) t.throws(() => checkIndex(index, dims, ndims, 'array of X'), IndexOutOfRangeError, what);
  const message = (() => {
    try {
      checkIndex([1, 5], [2, 3], 2, 'array of Block');
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  })();
  t.match(message, /index \[1, 5\] of array of Block: component 1 must be in 0\.\.2/);
  const arity = (() => {
    try {
      checkIndex([1], [2, 3], 2, 'array of Block');
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  })();
  t.match(arity, /array of Block has 2 dimensions, index \[1\] has 1/);
});

t.test('linearize and delinearize are row-major inverses', async (t) => {
  const dims = [3, 4, 5];
  t.equal(linearize([0, 0, 1], dims), 1, 'the last dimension varies fastest');
  t.equal(linearize([0, 1, 0], dims), 5);
  t.equal(linearize([1, 0, 0], dims), 20);
  for (let linear = 0; linear < elementCount(dims); linear++) {
    const index = delinearize(linear, dims);
    if (linearize(index, dims) !== linear) {
      t.fail(`${linear} -> [${index}] -> ${linearize(index, dims)}`);
      return;
    }
  }
  t.strictSame(delinearize(59, dims), [2, 3, 4], 'the last element');
  t.pass('inverse over the whole array');
});

t.test('indexKey is unique per index and stable', async (t) => {
  t.equal(indexKey([7]), '7');
  t.equal(indexKey([1, 23]), '1,23');
  t.not(indexKey([1, 23]), indexKey([12, 3]));
  t.equal(indexKey([]), '', 'the singleton key');
  const keys = new Set<string>();
  for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) keys.add(indexKey([i, j]));
  t.equal(keys.size, 100);
});

t.test('compareIndex orders lexicographically, shorter first on ties', async (t) => {
  const indices = [[1, 2], [0, 9], [1, 0], [0], [1, 2, 0]];
  t.strictSame([...indices].sort(compareIndex), [[0], [0, 9], [1, 0], [1, 2], [1, 2, 0]]);
  t.equal(compareIndex([3, 4], [3, 4]), 0);
});
