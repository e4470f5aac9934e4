/**
 * Checks that a value can travel between PEs before it is encoded, so that a mistake fails at
 * the sender with a path to the offending value instead of arriving silently changed.
 *
 * Allowed: null, undefined, booleans, numbers, strings, bigints, plain objects (prototype
 * Object.prototype or null), arrays, typed arrays, DataView, ArrayBuffer, Buffer, Map, Set,
 * Date, and {@link WireRef}s (proxies, futures, callbacks). Everything else (functions,
 * symbols, promises, class instances, cycles) is refused.
 */
import { UnserializableError } from '../errors.js';
import { WireRef } from './wire-ref.js';

/** Deepest nesting accepted; deeper values are reported (they are usually cycles). */
export const MAX_DEPTH = 512;

/**
 * Throws {@link UnserializableError} naming the first value under `root` that cannot be sent;
 * its path starts with `rootPath` followed by `rootSuffix` (two parts, so that a hot caller can
 * pass constant strings and build none).
 */
export function assertSerializable(root: unknown, rootPath: string, rootSuffix = ''): void {
  try {
    check(root, 0);
  } catch (error) {
    if (error instanceof Refused) throw new UnserializableError(rootPath + rootSuffix + error.steps.reverse().join(''), error.what);
    throw error;
  }
}

/**
 * {@link assertSerializable} for the arguments of a call, `args`: arguments that are primitives
 * or binary views (the common case) are accepted without the walk.
 */
export function assertSerializableArguments(args: readonly unknown[], rootPath: string, rootSuffix = ''): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const type = typeof arg;
    if (type === 'object' ? arg !== null && !ArrayBuffer.isView(arg) : type === 'function' || type === 'symbol') {
      assertSerializable(args, rootPath, rootSuffix);
      return;
    }
  }
}

/**
 * What the walk found, thrown up to {@link assertSerializable}. The path to it is collected while
 * unwinding (innermost step first), so that a value that can be sent costs no path strings.
 */
class Refused {
  readonly steps: string[] = [];
  constructor(readonly what: string) {}
}

/**
 * Checks `value`, a member of a container, at `depth`. A Refused from inside gains the step to
 * the member, `step(a, b)`, formatted only then (the formatters are module constants, so a
 * member that can be sent costs neither a string nor a closure).
 */
function checkMember<A, B>(value: unknown, depth: number, step: (a: A, b: B) => string, a: A, b: B): void {
  try {
    check(value, depth);
  } catch (error) {
    if (error instanceof Refused) error.steps.push(step(a, b));
    throw error;
  }
}

const indexStep = (i: number): string => `[${i}]`;
const keyStep = (i: number): string => `.<key ${i}>`;
const valueStep = (key: unknown, i: number): string => `.get(${typeof key === 'string' ? JSON.stringify(key) : i})`;
const elementStep = (i: number): string => `.<element ${i}>`;
const fieldStep = (key: string): string => `.${key}`;

function check(value: unknown, depth: number): void {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return;
    case 'function':
      throw new Refused(`a function (${describeFunction(value)})`);
    case 'symbol':
      throw new Refused(`a symbol (${String(value)})`);
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH) {
    throw new Refused(`a value nested deeper than ${MAX_DEPTH} levels (is it cyclic?)`);
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof WireRef || value instanceof Date) {
    return;
  }
  if (Array.isArray(value)) {
    // The inherited constructor first: Object.getPrototypeOf is a runtime call for some arrays (rest parameters).
    if (value.constructor !== Array && Object.getPrototypeOf(value) !== Array.prototype) {
      throw new Refused(`an instance of ${className(value)} (an Array subclass)`);
    }
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (typeof element === 'object' || typeof element === 'function' || typeof element === 'symbol') {
        checkMember(element, depth + 1, indexStep, i, undefined);
      }
    }
    return;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      checkMember(k, depth + 1, keyStep, i, undefined);
      checkMember(v, depth + 1, valueStep, k, i);
      i++;
    }
    return;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) checkMember(v, depth + 1, elementStep, i++, undefined);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new Refused(
      `an instance of ${className(value)} (only plain objects, arrays, typed arrays, Map, Set, Date, proxies and futures can be sent; send its fields as a plain object)`,
    );
  }
  for (const key of Object.keys(value as object)) checkMember((value as Record<string, unknown>)[key], depth + 1, fieldStep, key, undefined);
}

function className(value: unknown): string {
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'an anonymous class';
}

function describeFunction(fn: Function): string {
  return fn.name ? `"${fn.name}"` : 'anonymous';
}
