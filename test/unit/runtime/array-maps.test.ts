/** Tests the built-in array maps (src/runtime/array-maps.ts): block balance and contiguity, round-robin, hash determinism and range. */
import t from 'tap';
import { BUILTIN_MAPS, blockMap, DEFAULT_MAP, hashMap, roundRobinMap, type ArrayMapFn } from '../../../src/runtime/array-maps.js';
import { delinearize, elementCount } from '../../../src/runtime/index-space.js';

/** PE of every element of a dense array, in row-major order. */
function placement(map: ArrayMapFn, dims: readonly number[], numPes: number): number[] {
  return Array.from({ length: elementCount(dims) }, (_, linear) => map(delinearize(linear, dims), dims, numPes));
}

const SHAPES: readonly (readonly number[])[] = [[1], [7], [8], [100], [3, 5], [4, 4], [2, 3, 7], [10, 10, 10]];
const PE_COUNTS = [1, 2, 3, 4, 7, 16, 33];

t.test('the default map is block, and every built-in is registered', async (t) => {
  t.equal(DEFAULT_MAP, 'block');
  t.equal(BUILTIN_MAPS.get('block'), blockMap);
  t.equal(BUILTIN_MAPS.get('roundRobin'), roundRobinMap);
  t.equal(BUILTIN_MAPS.get('hash'), hashMap);
});

t.test('block map: balanced within one element, contiguous and non-decreasing', async (t) => {
  for (const dims of SHAPES) {
    for (const numPes of PE_COUNTS) {
      const pes = placement(blockMap, dims, numPes);
      const counts = new Array<number>(numPes).fill(0);
      for (const pe of pes) {
        if (!Number.isInteger(pe) || pe < 0 || pe >= numPes) {
          t.fail(`[${dims}] on ${numPes}: PE ${pe} out of range`);
          return;
        }
        counts[pe]!++;
      }
      const n = elementCount(dims);
      const spread = Math.max(...counts) - Math.min(...counts);
      if (spread > 1) t.fail(`[${dims}] on ${numPes} PEs: counts ${counts.join(',')}`);
      if (pes.some((pe, i) => i > 0 && pe < pes[i - 1]!)) t.fail(`[${dims}] on ${numPes} PEs: not contiguous runs`);
      if (n >= numPes && counts.some((c) => c === 0)) t.fail(`[${dims}] on ${numPes} PEs: an idle PE`);
    }
  }
  t.pass('balanced');
});

t.test('block map examples', async (t) => {
  t.strictSame(placement(blockMap, [8], 4), [0, 0, 1, 1, 2, 2, 3, 3]);
  t.strictSame(placement(blockMap, [2, 2], 2), [0, 0, 1, 1], 'row-major');
  t.strictSame(placement(blockMap, [3], 5), [0, 1, 3], 'fewer elements than PEs');
});

t.test('round-robin map deals elements in turn', async (t) => {
  t.strictSame(placement(roundRobinMap, [7], 3), [0, 1, 2, 0, 1, 2, 0]);
  t.strictSame(placement(roundRobinMap, [2, 3], 4), [0, 1, 2, 3, 0, 1]);
});

t.test('hash map: deterministic, in range, and spreads sparse indices', async (t) => {
  const counts = new Array<number>(8).fill(0);
  for (let i = 0; i < 4000; i++) {
    const index = [i, (i * 7919) % 1000, i >> 3];
    const pe = hashMap(index, null, 8);
    if (pe !== hashMap([...index], null, 8)) {
      t.fail(`[${index}] not deterministic`);
      return;
    }
    counts[pe]!++;
  }
  t.ok(Math.min(...counts) > 300, `every PE gets a fair share (counts ${counts.join(',')})`);
  t.equal(hashMap([1, 2], null, 1), 0, 'one PE');
  t.ok(hashMap([2 ** 31 + 5], null, 5) >= 0, 'large components stay in range');
  // Pinned values: every PE (and every release a job mixes) must compute the same placement.
  t.strictSame([hashMap([0], null, 1000), hashMap([1, 2, 3], null, 1000), hashMap([65537], null, 1000)], [781, 157, 79]);
  t.strictSame([hashMap([0], null, 2 ** 31), hashMap([1, 2, 3], null, 2 ** 31)], [292984781, 2104988509]);
  t.not(hashMap([1, 0], null, 1 << 30), hashMap([0, 1], null, 1 << 30), 'component order matters');
});

t.test('maps on sparse arrays use the hash', async (t) => {
  for (const index of [[0], [5, 6], [123, 4, 5]]) {
    t.equal(blockMap(index, null, 7), hashMap(index, null, 7), `block [${index}]`);
    t.equal(roundRobinMap(index, null, 7), hashMap(index, null, 7), `roundRobin [${index}]`);
  }
});
