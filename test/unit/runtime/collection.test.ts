/** Tests Collection (src/runtime/collection.ts): home PEs by kind and map, index checks, homed indices and counts, sequence numbers, proxies. */
import t from 'tap';
import { IndexOutOfRangeError, InvalidArgumentError } from '../../../src/errors.js';
import { roundRobinMap } from '../../../src/runtime/array-maps.js';
import type { ProxyHost } from '../../../src/runtime/proxy.js';
import { fakeCollection } from './fakes.js';

t.test('home PEs: a singleton on its PE, a group member on its own PE, an array element by its map', async (t) => {
  t.equal(fakeCollection({ numPes: 4, kind: 'chare', dims: [], pe: 2 }).homeOf([]), 2);
  t.equal(fakeCollection({ numPes: 4, kind: 'group', dims: [] }).homeOf([3]), 3);
  const block = fakeCollection({ numPes: 4, dims: [8] });
  t.strictSame([0, 1, 2, 3, 4, 5, 6, 7].map((i) => block.homeOf([i])), [0, 0, 1, 1, 2, 2, 3, 3]);
  const rr = fakeCollection({ numPes: 3, dims: [5], map: roundRobinMap });
  t.strictSame([0, 1, 2, 3, 4].map((i) => rr.homeOf([i])), [0, 1, 2, 0, 1]);
});

t.test('a map that places an element outside the job is an InvalidArgumentError', async (t) => {
  for (const pe of [4, -1, 1.5, NaN]) {
    const coll = fakeCollection({ numPes: 4, dims: [2], map: () => pe });
    t.throws(() => coll.homeOf([0]), { name: 'InvalidArgumentError', message: /placed \[0\] on PE .*, not in 0\.\.3/ }, `PE ${pe}`);
  }
});

t.test('checkIndex by kind', async (t) => {
  const single = fakeCollection({ numPes: 2, kind: 'chare', dims: [] });
  t.strictSame(single.checkIndex([]), []);
  t.throws(() => single.checkIndex([0]), InvalidArgumentError, 'a singleton takes no index');
  const group = fakeCollection({ numPes: 2, kind: 'group', dims: [] });
  t.strictSame(group.checkIndex([1]), [1]);
  t.throws(() => group.checkIndex([2]), IndexOutOfRangeError, 'a PE outside the job');
  const grid = fakeCollection({ numPes: 2, dims: [2, 3] });
  t.strictSame(grid.checkIndex([1, 2]), [1, 2]);
  t.throws(() => grid.checkIndex([2, 0]), IndexOutOfRangeError);
  const sparse = fakeCollection({ numPes: 2, dims: null, ndims: 2 });
  t.strictSame(sparse.checkIndex([100, 5]), [100, 5]);
  t.throws(() => sparse.checkIndex([1]), IndexOutOfRangeError);
});

t.test('indicesHomedOn and homeCounts agree with homeOf', async (t) => {
  const grid = fakeCollection({ numPes: 3, dims: [4, 5] });
  const counts = grid.homeCounts();
  let total = 0;
  for (let pe = 0; pe < 3; pe++) {
    const homed = grid.indicesHomedOn(pe);
    t.equal(homed.length, counts[pe], `PE ${pe} count`);
    t.ok(homed.every((index) => grid.homeOf(index) === pe), `PE ${pe} indices are homed there`);
    total += homed.length;
  }
  t.equal(total, 20, 'every element is homed exactly once');
  const group = fakeCollection({ numPes: 3, kind: 'group', dims: [] });
  t.strictSame(group.indicesHomedOn(2), [[2]]);
  t.strictSame(Array.from(group.homeCounts()), [1, 1, 1]);
  const single = fakeCollection({ numPes: 3, kind: 'chare', dims: [], pe: 1 });
  t.strictSame(single.indicesHomedOn(1), [[]]);
  t.strictSame(single.indicesHomedOn(0), []);
  t.strictSame(Array.from(single.homeCounts()), [0, 1, 0]);
  const sparse = fakeCollection({ numPes: 3, dims: null });
  t.strictSame(sparse.indicesHomedOn(0), [], 'a sparse array starts empty');
  t.strictSame(Array.from(sparse.homeCounts()), [0, 0, 0]);
});

t.test('sparse arrays take insertions; dense ones and other kinds do not', async (t) => {
  const sparse = fakeCollection({ numPes: 2, dims: null });
  t.ok(sparse.sparse);
  t.notOk(sparse.insertionClosed, 'open until doneInserting');
  const dense = fakeCollection({ numPes: 2, dims: [3] });
  t.notOk(dense.sparse);
  t.ok(dense.insertionClosed);
  t.notOk(fakeCollection({ numPes: 2, kind: 'group', dims: [] }).sparse);
});

t.test('an element has one address per PE: its key, its home, and sequence numbers counted from 0', async (t) => {
  const coll = fakeCollection({ numPes: 2, dims: [4] });
  const one = coll.address([1]);
  t.equal(coll.address([1]), one, 'the same address for the same element, however its index is spelled');
  t.equal(one.key, '1');
  t.equal(one.home, coll.homeOf([1]));
  t.equal(coll.address([3]).home, coll.homeOf([3]));
  t.strictSame([one.nextSeq++, one.nextSeq++, coll.address([2]).nextSeq++, coll.address([1]).nextSeq++], [0, 1, 0, 2]);
});

t.test('keys and labels', async (t) => {
  const coll = fakeCollection({ numPes: 2, dims: [4, 4], id: 12 });
  t.equal(coll.key([1, 3]), '1,3');
  t.equal(coll.key([13]), '13');
  t.equal(coll.label, 'array 12 of Thing');
});

t.test('proxies name the collection, one element or a section', async (t) => {
  const coll = fakeCollection({ numPes: 2, dims: [4], id: 3 });
  const host = {} as ProxyHost;
  t.strictSame(coll.proxy(host, null).target, { coll: 3, index: null, section: null });
  t.strictSame(coll.proxy(host, [2]).target, { coll: 3, index: [2], section: null });
  const section = { id: -1, coll: 3, root: 0 };
  t.strictSame(coll.sectionProxy(host, section).target, { coll: 3, index: null, section });
  t.equal(coll.proxy(host, null).info, coll.info);
});
