/** Tests SmallArrayMemory (src/runtime/small-array-memory.ts): where received small arrays are copied. */
import t from 'tap';
import { ON_HEAP_MAX_BYTES, SLAB_BYTES, SmallArrayMemory } from '../../../src/runtime/small-array-memory.js';

t.test('arrays of up to 64 bytes and above a slab get memory of their own', async (t) => {
  const memory = new SmallArrayMemory();
  for (const length of [0, 1, ON_HEAP_MAX_BYTES, SLAB_BYTES + 1]) {
    const bytes = memory.take(length);
    t.equal(bytes.length, length);
    t.equal(bytes.byteOffset, 0, `${length} bytes: at the start`);
    t.equal(bytes.buffer.byteLength, length, `${length} bytes: a buffer of its own`);
  }
});

t.test('larger ones are 8-byte aligned, zeroed, disjoint slices of shared slabs, a fresh slab once one is full', async (t) => {
  const memory = new SmallArrayMemory();
  const taken: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; total < 3 * SLAB_BYTES; i++) {
    const length = ON_HEAP_MAX_BYTES + 1 + ((i * 37) % 1000);
    const bytes = memory.take(length);
    t.equal(bytes.length, length);
    if (bytes.byteOffset % 8 !== 0) t.fail(`slice ${i} at offset ${bytes.byteOffset}`);
    if (!bytes.every((b) => b === 0)) t.fail(`slice ${i} is not zeroed`);
    bytes.fill(i & 0xff);
    taken.push(bytes);
    total += length;
  }
  t.ok(taken.every((bytes, i) => bytes.every((b) => b === (i & 0xff))), 'no slice overwrote another');
  const slabs = new Set(taken.map((bytes) => bytes.buffer));
  t.ok(slabs.size >= 3, `${slabs.size} slabs for ${total} bytes`);
  t.ok([...slabs].every((slab) => slab.byteLength === SLAB_BYTES), 'every slab has the slab size');
  t.ok(taken.filter((bytes) => bytes.buffer === taken[0]!.buffer).length > 10, 'a slab holds many arrays');
});
