import t from 'tap';
import { PACKED_PARTICLE_DOUBLES, PARTICLE_FIELDS, ParticleStore, type Particle } from '../../../../examples/pic/kernel/particles.js';

function particle(id: number): Particle {
  return { x: id + 0.5, y: id + 0.25, vx: -id, vy: 2 * id, q: id / 7, x0: id - 0.5, y0: id - 0.25, k: id % 3, m: -(id % 5), id };
}

function ids(store: ParticleStore): number[] {
  return Array.from(store.id.subarray(0, store.count));
}

t.test('packed layout is 10 doubles in the documented order', async (t) => {
  t.equal(PACKED_PARTICLE_DOUBLES, 10);
  t.same(PARTICLE_FIELDS, ['x', 'y', 'vx', 'vy', 'q', 'x0', 'y0', 'k', 'm', 'id']);
  const store = new ParticleStore();
  store.push(particle(3));
  const packed = store.packAll();
  t.same(Array.from(packed), PARTICLE_FIELDS.map((f) => particle(3)[f]));
});

t.test('push grows the arrays and keeps every field', async (t) => {
  const store = new ParticleStore(2);
  for (let i = 1; i <= 1000; i++) store.push(particle(i));
  t.equal(store.count, 1000);
  t.ok(store.capacity >= 1000);
  t.same(store.get(0), particle(1));
  t.same(store.get(999), particle(1000));
  store.ensureCapacity(5000);
  t.ok(store.capacity >= 5000);
  t.same(store.get(500), particle(501), 'contents survive an explicit grow');
});

t.test('removeAt fills the gap with the last particle', async (t) => {
  const store = new ParticleStore();
  for (let i = 1; i <= 5; i++) store.push(particle(i));
  store.removeAt(1);
  t.same(ids(store), [1, 5, 3, 4]);
  store.removeAt(3);
  t.same(ids(store), [1, 5, 3]);
  t.same(store.get(1), particle(5));
});

t.test('removeSorted removes exactly the listed particles', async (t) => {
  const store = new ParticleStore();
  for (let i = 0; i < 20; i++) store.push(particle(i));
  const remove = Int32Array.from([0, 3, 4, 17, 18, 19]);
  store.removeSorted(remove, remove.length);
  t.equal(store.count, 14);
  t.same(ids(store).sort((a, b) => a - b), [1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  for (let i = 0; i < store.count; i++) t.same(store.get(i), particle(store.id[i]));
});

t.test('orderByCell sorts by column, then by row, stably within a cell, moves every field along, and counts displacement from zero', async (t) => {
  const store = new ParticleStore();
  const at = (id: number, x: number, y: number): Particle => ({ ...particle(id), x, y, vx: id });
  const cells: [number, number, number][] = [[1, 12.5, 3.5], [2, 10.1, 4.2], [3, 12.9, 3.1], [4, 11.0, 5.0], [5, 10.9, 3.9], [6, 12.0, 2.2], [7, 10.5, 4.8]];
  for (const [id, x, y] of cells) store.push(at(id, x, y));
  t.equal(store.displaced, 7, 'every push displaces');
  store.orderByCell(10, 3, 2, 4);
  t.same(ids(store), [5, 2, 7, 4, 6, 1, 3], 'column 10, then 11, then 12; within a column by row; within a cell the earlier order is kept');
  t.equal(store.displaced, 0);
  for (let i = 0; i < store.count; i++) t.equal(store.vx[i], store.id[i], 'every field moved with its particle');
  store.removeSorted(Int32Array.from([0, 6]), 2);
  t.equal(store.displaced, 1, 'filling the gap at 0 displaced one particle; removing the last none');
  t.throws(() => store.orderByCell(11, 2, 2, 4), RangeError, 'a particle left of the columns');
  t.throws(() => store.orderByCell(10, 3, 4, 3), RangeError, 'a particle below the rows');
  t.equal(store.count, 5, 'nothing changed by a refused ordering');
});

t.test('pack and appendPacked round-trip a selection', async (t) => {
  const source = new ParticleStore();
  for (let i = 0; i < 50; i++) source.push(particle(i));
  const selection = [49, 7, 0, 23];
  const packed = source.pack(selection);
  t.equal(packed.length, selection.length * PACKED_PARTICLE_DOUBLES);
  const target = new ParticleStore();
  target.push(particle(100));
  target.appendPacked(packed);
  target.appendPacked(new Float64Array(0));
  t.same(ids(target), [100, 49, 7, 0, 23]);
  for (let i = 1; i < target.count; i++) t.same(target.get(i), particle(selection[i - 1]));
  t.same(Array.from(source.pack(Int32Array.from([5, 6, 99]), 2)), Array.from(source.pack([5, 6])), 'length bounds the selection');
});

t.test('packAll and fromPacked move a whole tile', async (t) => {
  const store = new ParticleStore();
  for (let i = 0; i < 300; i++) store.push(particle(i));
  const copy = ParticleStore.fromPacked(store.packAll());
  t.equal(copy.count, 300);
  for (const i of [0, 150, 299]) t.same(copy.get(i), store.get(i));
  t.equal(ParticleStore.fromPacked(new Float64Array(0)).count, 0);
  t.throws(() => store.appendPacked(new Float64Array(15)), RangeError);
});
