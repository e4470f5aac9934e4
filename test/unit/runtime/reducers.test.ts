/** Tests the built-in reducers and reducerFromCombine (src/runtime/reducers.ts): element-wise arithmetic, logical reducers, gather, nop, shapes and inputs left untouched. */
import t from 'tap';
import { BadReducerError } from '../../../src/errors.js';
import { BUILTIN_REDUCERS, BuiltinReducer, reducerFromCombine, type Reducer } from '../../../src/runtime/reducers.js';

function reducer(name: string): Reducer {
  const r = BUILTIN_REDUCERS.get(name);
  if (r === undefined) throw new Error(`no reducer ${name}`);
  return r;
}

/** Reduces `values` (one per element, element i at index [i]) as a tree would: lift, combine in the given order, finalize. */
function reduce(name: string, values: readonly unknown[]): unknown {
  const r = reducer(name);
  const lifted = values.map((v, i) => r.lift(v, [i]));
  let acc = lifted[0];
  for (let i = 1; i < lifted.length; i++) acc = r.combine(acc, lifted[i]);
  return r.finalize(acc);
}

t.test('every built-in is registered under its name, and BuiltinReducer names them all', async (t) => {
  const names = ['sum', 'product', 'max', 'min', 'logical_and', 'logical_or', 'logical_xor', 'gather', 'nop'];
  t.strictSame([...BUILTIN_REDUCERS.keys()].sort(), [...names].sort());
  for (const name of names) t.equal(reducer(name).name, name, `${name} knows its name`);
  t.strictSame(Object.values(BuiltinReducer).map((r) => r.name).sort(), [...names].sort());
});

t.test('sum, product, max and min on numbers', async (t) => {
  t.equal(reduce('sum', [1, 2, 3.5]), 6.5);
  t.equal(reduce('product', [2, -3, 4]), -24);
  t.equal(reduce('max', [3, -1, 7, 2]), 7);
  t.equal(reduce('min', [3, -1, 7, 2]), -1);
  t.equal(reduce('sum', [5]), 5, 'a single contribution');
});

t.test('on bigints', async (t) => {
  t.equal(reduce('sum', [2n ** 64n, 1n]), 2n ** 64n + 1n);
  t.equal(reduce('max', [1n, 5n, 3n]), 5n);
});

t.test('element-wise on arrays, nested arrays and typed arrays', async (t) => {
  t.strictSame(reduce('sum', [[1, 2], [10, 20], [100, 200]]), [111, 222]);
  t.strictSame(reduce('max', [[1, [5, 0]], [2, [3, 9]]]), [2, [5, 9]]);
  const summed = reduce('sum', [new Float64Array([1, 2]), new Float64Array([0.5, 0.25])]) as Float64Array;
  t.ok(summed instanceof Float64Array, 'a typed array stays that type');
  t.strictSame(Array.from(summed), [1.5, 2.25]);
  const ints = reduce('min', [new Int32Array([5, -5]), new Int32Array([3, 7])]) as Int32Array;
  t.ok(ints instanceof Int32Array);
  t.strictSame(Array.from(ints), [3, -5]);
  const bigs = reduce('sum', [new BigInt64Array([1n]), new BigInt64Array([2n])]) as BigInt64Array;
  t.strictSame(Array.from(bigs), [3n]);
});

t.test('inputs are never modified', async (t) => {
  const a = new Float64Array([1, 2]);
  const b = new Float64Array([3, 4]);
  const x = [1, [2]];
  const y = [3, [4]];
  reducer('sum').combine(a, b);
  reducer('sum').combine(x, y);
  t.strictSame(Array.from(a), [1, 2]);
  t.strictSame(Array.from(b), [3, 4]);
  t.strictSame(x, [1, [2]]);
  t.strictSame(y, [3, [4]]);
});

t.test('contributions of different shapes are refused with BadReducerError', async (t) => {
  const sum = reducer('sum');
  const cases: [string, unknown, unknown][] = [
    ['arrays of different lengths', [1, 2], [1]],
    ['a number and an array', 1, [1]],
    ['an array and a number', [1], 1],
    ['typed arrays of different lengths', new Float64Array(2), new Float64Array(3)],
    ['typed arrays of different types', new Float64Array(2), new Float32Array(2)],
    ['a typed array and an array', new Float64Array(1), [1]],
  ];
  for (const [what, a, b] of cases) t.throws(() => sum.combine(a, b), BadReducerError, what);
  t.throws(() => sum.combine({ a: 1 }, { a: 2 }), BadReducerError, 'plain objects');
  t.match((() => { try { sum.combine([1, 2], [1]); } catch (e) { return (e as Error).message; } return ''; })(), /reducer sum cannot combine an array of length 2 with an array of length 1/);
});

t.test('logical reducers turn values into booleans', async (t) => {
  t.equal(reduce('logical_and', [true, 1, 'x']), true);
  t.equal(reduce('logical_and', [true, 0, true]), false);
  t.equal(reduce('logical_or', [0, null, 0]), false);
  t.equal(reduce('logical_or', [0, 2, 0]), true);
  t.equal(reduce('logical_xor', [true, true, true]), true);
  t.equal(reduce('logical_xor', [true, false, true]), false);
  t.strictSame(reduce('logical_and', [[1, 0], [1, 1]]), [true, false], 'element-wise on arrays');
  t.strictSame(reduce('logical_or', [new Uint8Array([0, 0]), new Uint8Array([0, 3])]), [false, true], 'typed arrays become boolean arrays');
});

t.test('gather orders contributions by element index', async (t) => {
  const g = reducer('gather');
  const a = g.lift('a', [2, 0]);
  const b = g.lift('b', [0, 5]);
  const c = g.lift('c', [1, 9]);
  const d = g.lift('d', [0, 1]);
  t.strictSame(g.finalize(g.combine(g.combine(a, b), g.combine(c, d))), ['d', 'b', 'c', 'a']);
  t.strictSame(g.finalize(g.combine(c, g.combine(d, g.combine(b, a)))), ['d', 'b', 'c', 'a'], 'any combine order');
  t.strictSame(reduce('gather', [{ x: 1 }, [2], null]), [{ x: 1 }, [2], null], 'any values');
});

t.test('nop carries no value', async (t) => {
  t.equal(reduce('nop', [1, 'x', [3]]), undefined);
});

t.test('built-in combines are associative and commutative on their domain', async (t) => {
  const values = [3, -7, 11, 0.5];
  for (const name of ['sum', 'product', 'max', 'min']) {
    const r = reducer(name);
    const [a, b, c, d] = values;
    const left = r.combine(r.combine(r.combine(a, b), c), d);
    const right = r.combine(d, r.combine(c, r.combine(b, a)));
    t.equal(left, right, name);
  }
});

t.test('reducerFromCombine builds a reducer with identity lift and finalize', async (t) => {
  const concat = reducerFromCombine<string>('concat', (a, b) => a + b);
  t.equal(concat.name, 'concat');
  t.equal(concat.lift('x', [0]), 'x');
  t.equal(concat.combine('a', 'b'), 'ab');
  t.equal(concat.finalize('z'), 'z');
  t.throws(() => reducerFromCombine('', (a: number) => a), BadReducerError, 'empty name');
  t.throws(() => reducerFromCombine('x', 5 as unknown as (a: number, b: number) => number), BadReducerError, 'combine not a function');
});

t.test('max and min are commutative even with NaN (the tree order is not fixed)', async (t) => {
  t.ok(Object.is(reducer('max').combine(NaN, 1), reducer('max').combine(1, NaN)), 'max');
  t.ok(Object.is(reducer('min').combine(NaN, 1), reducer('min').combine(1, NaN)), 'min');
});

t.test('values outside the documented domain are refused with BadReducerError', async (t) => {
  t.throws(() => reducer('sum').combine('a', 'b'), BadReducerError, 'strings');
  t.throws(() => reducer('sum').combine(1, 2n), BadReducerError, 'a number and a bigint');
});
