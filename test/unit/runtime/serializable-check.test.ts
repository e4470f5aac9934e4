/** Tests assertSerializable (src/runtime/serializable-check.ts): which values may travel between PEs, and the path named when one may not. */
import t from 'tap';
import { CharmError, ErrorCode, UnserializableError } from '../../../src/errors.js';
import { assertSerializable, MAX_DEPTH } from '../../../src/runtime/serializable-check.js';
import { WireRef, type WireRefData } from '../../../src/runtime/wire-ref.js';

class Ref extends WireRef {
  toWireRef(): WireRefData {
    return { t: 'future', pe: 0, id: 1 };
  }
}

/** Runs the check and returns the error it threw (failing the test when it threw none or another kind). */
function refusal(t: { fail(message: string): void }, value: unknown, root = 'args'): UnserializableError | undefined {
  try {
    assertSerializable(value, root);
  } catch (error) {
    if (error instanceof UnserializableError) return error;
    t.fail(`threw ${String(error)} instead of UnserializableError`);
    return undefined;
  }
  t.fail('was accepted');
  return undefined;
}

/** Nests `leaf` `depth` levels deep in single-key objects. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { x: value };
  return value;
}

t.test('accepts every kind of value the codec carries', async (t) => {
  const accepted: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['booleans', [true, false]],
    ['numbers', [0, -1.5, NaN, Infinity]],
    ['strings', ['', 'text']],
    ['bigints', [0n, 2n ** 80n]],
    ['plain objects', { a: 1, b: { c: [1, 2] } }],
    ['null-prototype objects', Object.assign(Object.create(null) as object, { a: 1 })],
    ['arrays, nested and sparse', [[1, [2]], [], new Array(3)]],
    ['every typed array', [new Int8Array(1), new Uint8Array(1), new Uint8ClampedArray(1), new Int16Array(1), new Uint16Array(1), new Int32Array(1), new Uint32Array(1), new Float32Array(1), new Float64Array(1), new BigInt64Array(1), new BigUint64Array(1)]],
    ['Buffer', Buffer.from('x')],
    ['DataView', new DataView(new ArrayBuffer(8))],
    ['ArrayBuffer', new ArrayBuffer(8)],
    ['Map with object keys and values', new Map<unknown, unknown>([[{ k: 1 }, [1]], ['s', new Float64Array(2)]])],
    ['Set', new Set([1, { a: 2 }])],
    ['Date', new Date(0)],
    ['WireRef (proxy, future)', [new Ref(), { ref: new Ref() }]],
    ['a shared (acyclic) sub-object', (() => {
      const shared = { v: 1 };
      return [shared, shared, { shared }];
    })()],
  ];
  for (const [what, value] of accepted) t.doesNotThrow(() => assertSerializable(value, 'args'), what);
});

t.test('refuses functions, naming them and their path', async (t) => {
  function namedFn(): void {}
  const error = refusal(t, [1, { callback: namedFn }]);
  t.ok(error instanceof CharmError, 'a CharmError');
  t.equal(error?.code, ErrorCode.UNSERIALIZABLE);
  t.equal(error?.path, 'args[1].callback');
  t.match(error?.message, /function \("namedFn"\)/);
  t.match(refusal(t, { f: () => 1 })?.message ?? '', /function|anonymous|"f"/, 'an arrow function is refused too');
  t.equal(refusal(t, () => 1, 'root')?.path, 'root', 'a function at the root');
});

t.test('refuses symbols', async (t) => {
  const error = refusal(t, { tag: Symbol('marker') });
  t.equal(error?.path, 'args.tag');
  t.match(error?.message, /symbol \(Symbol\(marker\)\)/);
  t.equal(refusal(t, [Symbol.iterator])?.path, 'args[0]', 'inside an array');
});

t.test('refuses class instances, naming the class', async (t) => {
  class Particle {
    x = 1;
  }
  const error = refusal(t, { p: new Particle() });
  t.equal(error?.path, 'args.p');
  t.match(error?.message, /instance of Particle/);
  t.match(error?.message, /plain object/, 'says what to send instead');
  const anonymous = new (class {})();
  t.match(refusal(t, anonymous)?.message ?? '', /anonymous class/);
  for (const [what, value] of [
    ['Promise', Promise.resolve(1)],
    ['Error', new Error('x')],
    ['RegExp', /x/],
    ['WeakMap', new WeakMap()],
    ['boxed Number', Object(1)],
    ['SharedArrayBuffer', new SharedArrayBuffer(8)],
  ] as [string, unknown][]) {
    t.ok(refusal(t, value), `${what} is refused`);
  }
});

t.test('refuses Array subclasses', async (t) => {
  class Stack extends Array<number> {}
  const stack = new Stack();
  stack.push(1);
  const error = refusal(t, { s: stack });
  t.equal(error?.path, 'args.s');
  t.match(error?.message, /Stack \(an Array subclass\)/);
});

t.test('refuses cycles through the depth limit', async (t) => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  const error = refusal(t, a);
  t.match(error?.message, /deeper than 512 levels \(is it cyclic\?\)/);
  t.match(error?.path, /^args\.self\.self\.self/, 'the path follows the cycle');
  const list: unknown[] = [];
  list.push(list);
  t.ok(refusal(t, list), 'a cyclic array');
  const map = new Map<string, unknown>();
  map.set('m', map);
  t.ok(refusal(t, map), 'a cyclic Map');
});

t.test('accepts nesting up to the limit and refuses beyond it', async (t) => {
  t.equal(MAX_DEPTH, 512);
  t.doesNotThrow(() => assertSerializable(nested(MAX_DEPTH - 1, 1), 'v'), `${MAX_DEPTH - 1} object levels above a number`);
  t.doesNotThrow(() => assertSerializable(nested(MAX_DEPTH - 1, {}), 'v'), `${MAX_DEPTH} object levels`);
  t.ok(refusal(t, nested(MAX_DEPTH, {})), `${MAX_DEPTH + 1} object levels`);
});

t.test('checks Map keys and values with distinct paths', async (t) => {
  const badKey = refusal(t, { m: new Map([[() => 1, 'v']]) });
  t.equal(badKey?.path, 'args.m.<key 0>');
  const badValue = refusal(t, { m: new Map<string, unknown>([['ok', 1], ['cb', () => 2]]) });
  t.equal(badValue?.path, 'args.m.get("cb")', 'string keys are named');
  const numericKey = refusal(t, new Map<number, unknown>([[5, 1], [9, Symbol('s')]]));
  t.equal(numericKey?.path, 'args.get(1)', 'other keys are named by position');
});

t.test('checks Set elements', async (t) => {
  const error = refusal(t, new Set([1, 2, () => 3]));
  t.equal(error?.path, 'args.<element 2>');
});

t.test('reports the first offending value in array order', async (t) => {
  const error = refusal(t, [1, 'ok', { deep: [0, { bad: Symbol('first') }] }, () => 'second']);
  t.equal(error?.path, 'args[2].deep[1].bad');
});

t.test('the root path is used as given', async (t) => {
  t.equal(refusal(t, [() => 1], 'Block.work(...) arguments')?.path, 'Block.work(...) arguments[0]');
});
