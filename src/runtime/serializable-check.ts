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

/** Throws {@link UnserializableError} naming the first value under `root` that cannot be sent. */
export function assertSerializable(root: unknown, rootPath: string): void {
  check(root, rootPath, 0);
}

function check(value: unknown, path: string, depth: number): void {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return;
    case 'function':
      throw new UnserializableError(path, `a function (${describeFunction(value)})`);
    case 'symbol':
      throw new UnserializableError(path, `a symbol (${String(value)})`);
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH) {
    throw new UnserializableError(path, `a value nested deeper than ${MAX_DEPTH} levels (is it cyclic?)`);
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof WireRef || value instanceof Date) {
    return;
  }
  if (Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Array.prototype) throw new UnserializableError(path, `an instance of ${className(value)} (an Array subclass)`);
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (typeof element === 'object' || typeof element === 'function' || typeof element === 'symbol') {
        check(element, `${path}[${i}]`, depth + 1);
      }
    }
    return;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      check(k, `${path}.<key ${i}>`, depth + 1);
      check(v, `${path}.get(${typeof k === 'string' ? JSON.stringify(k) : i})`, depth + 1);
      i++;
    }
    return;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) check(v, `${path}.<element ${i++}>`, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new UnserializableError(
      path,
      `an instance of ${className(value)} (only plain objects, arrays, typed arrays, Map, Set, Date, proxies and futures can be sent; send its fields as a plain object)`,
    );
  }
  for (const key of Object.keys(value as object)) {
    check((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
  }
}

function className(value: unknown): string {
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'an anonymous class';
}

function describeFunction(fn: Function): string {
  return fn.name ? `"${fn.name}"` : 'anonymous';
}
