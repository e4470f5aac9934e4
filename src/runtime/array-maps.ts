/**
 * Array maps: where each element of an array is created (its home PE). A map is a pure
 * function registered by name on every PE, so every PE computes the same placement.
 */
import { linearize, type Index } from './index-space.js';

/**
 * Places element `index` of an array with `dims` (null for sparse arrays) on a PE in
 * 0..numPes-1. Must be deterministic and the same on every PE.
 */
export type ArrayMapFn = (index: Index, dims: readonly number[] | null, numPes: number) => number;

/** Name of the default map. */
export const DEFAULT_MAP = 'block';

/**
 * Block map: dense arrays are cut, in row-major order, into numPes contiguous runs whose sizes
 * differ by at most one; sparse arrays are spread by a hash of the index.
 */
export const blockMap: ArrayMapFn = (index, dims, numPes) => {
  if (dims === null) return hashMap(index, null, numPes);
  let total = 1;
  for (const d of dims) total *= d;
  return Math.floor((linearize(index, dims) * numPes) / total);
};

/** Round-robin map: consecutive elements (row-major) on consecutive PEs; sparse arrays by hash. */
export const roundRobinMap: ArrayMapFn = (index, dims, numPes) =>
  dims === null ? hashMap(index, null, numPes) : linearize(index, dims) % numPes;

/** Hash map: a deterministic integer hash of the index components, modulo numPes. */
export const hashMap: ArrayMapFn = (index, _dims, numPes) => {
  let h = 0x811c9dc5;
  for (const i of index) {
    h = Math.imul(h ^ (i & 0xffff), 0x01000193);
    h = Math.imul(h ^ (i >>> 16), 0x01000193);
  }
  return (h >>> 0) % numPes;
};

/** The maps every program has. */
export const BUILTIN_MAPS: ReadonlyMap<string, ArrayMapFn> = new Map([
  [DEFAULT_MAP, blockMap],
  ['roundRobin', roundRobinMap],
  ['hash', hashMap],
]);
