/**
 * Reducers: how contributions combine. Built-ins work element-wise on numbers, arrays of
 * numbers and typed arrays (all contributions of one reduction must have the same shape);
 * gather collects values ordered by element index. Users register their own.
 *
 * A reducer never modifies its inputs (a contribution may be a chare's own array, passed by
 * reference on its PE); it returns new values.
 */
import { BadReducerError } from '../errors.js';
import { compareIndex, type Index } from './index-space.js';

/**
 * A reducer. `lift` turns one element's contribution into a partial result, `combine` merges
 * two partials (associative and commutative: the tree's order is not fixed), `finalize` turns
 * the root's partial into the result the target receives.
 */
export interface Reducer<In = unknown, Partial = unknown, Out = unknown> {
  readonly name: string;
  lift(value: In, index: Index): Partial;
  combine(a: Partial, b: Partial): Partial;
  finalize(partial: Partial): Out;
}

type Numeric = number | boolean | bigint;
type Op = (a: any, b: any) => any;

/** Scalar kinds an element-wise reducer accepts ("boolean" only for the logical ones). */
type ScalarKind = 'number' | 'bigint' | 'boolean';

function elementwise(name: string, op: Op, accepts: readonly ScalarKind[]): Reducer {
  const combine = (a: unknown, b: unknown): unknown => {
    if (typeof a !== 'object' || a === null) {
      if (!accepts.includes(typeof a as ScalarKind)) throw new BadReducerError(`reducer ${name} combines ${accepts.join('s, ')}s, arrays and typed arrays, not ${describe(a)}`);
      if (typeof b !== typeof a) throw shapeError(name, a, b);
      return op(a as Numeric, b as Numeric);
    }
    if (ArrayBuffer.isView(a) && !(a instanceof DataView)) {
      const x = a as unknown as ArrayLike<number>;
      const y = b as ArrayLike<number>;
      if (!ArrayBuffer.isView(b) || y.length !== x.length || (b as object).constructor !== (a as object).constructor) throw shapeError(name, a, b);
      const out = Buffer.isBuffer(a) ? Buffer.alloc(x.length) : new (a.constructor as new (n: number) => Float64Array)(x.length);
      for (let i = 0; i < x.length; i++) out[i] = op(x[i], y[i]);
      return out;
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) throw shapeError(name, a, b);
      return a.map((v, i) => combine(v, b[i]));
    }
    throw new BadReducerError(`reducer ${name} combines numbers, booleans, arrays and typed arrays, not ${describe(a)}`);
  };
  return { name, lift: (v) => v, combine, finalize: (p) => p };
}

function logical(name: string, op: (a: boolean, b: boolean) => boolean): Reducer {
  const toBool = (v: unknown): unknown => (Array.isArray(v) ? v.map(toBool) : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>, Boolean) : Boolean(v));
  const inner = elementwise(name, op, ['boolean']);
  return { name, lift: (v) => toBool(v), combine: inner.combine, finalize: (p) => p };
}

function shapeError(name: string, a: unknown, b: unknown): BadReducerError {
  return new BadReducerError(`reducer ${name} cannot combine ${describe(a)} with ${describe(b)} (contributions must have the same shape)`);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length}`;
  return v === null ? 'null' : typeof v === 'object' ? `an object` : `a ${typeof v}`;
}

/** Gather: the contributions as an array ordered by element index. */
const gather: Reducer<unknown, [Index, unknown][], unknown[]> = {
  name: 'gather',
  lift: (value, index) => [[index, value]],
  combine: (a, b) => a.concat(b),
  finalize: (pairs) => pairs.sort((x, y) => compareIndex(x[0], y[0])).map((pair) => pair[1]),
};

/** Nop: no value, only completion (a barrier). */
const nop: Reducer<unknown, null, undefined> = { name: 'nop', lift: () => null, combine: () => null, finalize: () => undefined };

/** Scalars the arithmetic reducers take (NaN propagates, as with Math.max, whatever the tree order). */
const NUMERIC: readonly ScalarKind[] = ['number', 'bigint'];

/** The built-in reducers by name. */
export const BUILTIN_REDUCERS: ReadonlyMap<string, Reducer> = new Map<string, Reducer>([
  ['sum', elementwise('sum', (a, b) => a + b, NUMERIC)],
  ['product', elementwise('product', (a, b) => a * b, NUMERIC)],
  ['max', elementwise('max', (a, b) => (typeof a === 'number' ? Math.max(a, b) : a >= b ? a : b), NUMERIC)],
  ['min', elementwise('min', (a, b) => (typeof a === 'number' ? Math.min(a, b) : a <= b ? a : b), NUMERIC)],
  ['logical_and', logical('logical_and', (a, b) => a && b)],
  ['logical_or', logical('logical_or', (a, b) => a || b)],
  ['logical_xor', logical('logical_xor', (a, b) => a !== b)],
  ['gather', gather as Reducer],
  ['nop', nop as Reducer],
]);

/** Names of the built-in reducers, as objects to pass to `contribute` (e.g. `Reducer.sum`). */
export const BuiltinReducer = {
  sum: { name: 'sum' },
  product: { name: 'product' },
  max: { name: 'max' },
  min: { name: 'min' },
  logical_and: { name: 'logical_and' },
  logical_or: { name: 'logical_or' },
  logical_xor: { name: 'logical_xor' },
  gather: { name: 'gather' },
  nop: { name: 'nop' },
} as const;

/** Makes a reducer from a binary combine function (lift and finalize are identities). */
export function reducerFromCombine<T>(name: string, combine: (a: T, b: T) => T): Reducer<T, T, T> {
  if (typeof name !== 'string' || name.length === 0) throw new BadReducerError('a reducer needs a non-empty name');
  if (typeof combine !== 'function') throw new BadReducerError(`reducer ${name}: combine must be a function (a, b) => value`);
  return { name, lift: (v) => v, combine, finalize: (p) => p };
}
