/**
 * Array index spaces: dimension checks, linearisation and the keys that identify elements.
 */
import { IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';

/** Largest number of dimensions a dense array may have. */
export const MAX_DIMS = 6;

/** An element index as the runtime stores it. */
export type Index = readonly number[];

/** Checks and normalises dense-array dimensions (a number means 1-D). */
export function normalizeDims(dims: number | readonly number[]): number[] {
  const list = typeof dims === 'number' ? [dims] : [...dims];
  if (list.length < 1 || list.length > MAX_DIMS) {
    throw new InvalidArgumentError(`an array has 1 to ${MAX_DIMS} dimensions, got ${list.length}`);
  }
  for (const d of list) {
    if (!Number.isSafeInteger(d) || d < 1) throw new InvalidArgumentError(`array dimensions must be positive integers, got [${list.join(', ')}]`);
  }
  return list;
}

/** Number of elements of a dense array. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Throws IndexOutOfRangeError unless `index` is a valid index of an array with `dims` (or of a sparse array of `ndims`). */
export function checkIndex(index: readonly unknown[], dims: readonly number[] | null, ndims: number, what: string): asserts index is Index {
  const expected = dims === null ? ndims : dims.length;
  if (index.length !== expected) {
    throw new IndexOutOfRangeError(`${what} has ${expected} dimension${expected === 1 ? '' : 's'}, index [${index.join(', ')}] has ${index.length}`);
  }
  for (let d = 0; d < index.length; d++) {
    const i = index[d];
    if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0 || (dims !== null && i >= dims[d]!)) {
      const bounds = dims === null ? 'a non-negative integer' : `in 0..${dims[d]! - 1}`;
      throw new IndexOutOfRangeError(`index [${index.join(', ')}] of ${what}: component ${d} must be ${bounds}`);
    }
  }
}

/** Row-major position of `index` in an array of `dims`. */
export function linearize(index: Index, dims: readonly number[]): number {
  let linear = 0;
  for (let d = 0; d < dims.length; d++) linear = linear * dims[d]! + index[d]!;
  return linear;
}

/** Index at row-major position `linear` in an array of `dims`. */
export function delinearize(linear: number, dims: readonly number[]): number[] {
  const index = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    index[d] = linear % dims[d]!;
    linear = Math.floor(linear / dims[d]!);
  }
  return index;
}

/** Key identifying an element within its collection (stable across PEs). */
export function indexKey(index: Index): string {
  return index.length === 1 ? String(index[0]) : index.join(',');
}

/** True when `a` and `b` name the same element. */
export function sameIndex(a: Index, b: Index): boolean {
  if (a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}

/** Orders indices lexicographically (the order of gather results). */
export function compareIndex(a: Index, b: Index): number {
  const n = Math.min(a.length, b.length);
  for (let d = 0; d < n; d++) {
    const diff = a[d]! - b[d]!;
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
