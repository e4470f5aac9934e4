/** The shared-memory region: sizes, layout, and what attaching checks. */
import t from 'tap';
import { InvalidArgumentError, ProtocolError } from '../../../src/errors.js';
import { attachShmRegion, createShmRegion, defaultRingBytes, LINE_WORDS, ringCount, Word } from '../../../src/transport/shm/shm-region.js';

t.test('default ring sizes keep a process within 64 MiB of rings', async (t) => {
  t.equal(defaultRingBytes(2), 1 << 20);
  t.equal(defaultRingBytes(8), 1 << 20);
  t.equal(defaultRingBytes(16), 256 << 10);
  t.equal(defaultRingBytes(64), 64 << 10, 'never below 64 KiB');
  for (const count of [1, 2, 3, 4, 8, 9, 16, 32]) {
    t.ok(ringCount(count) * defaultRingBytes(count) <= 64 << 20, `${count} PEs: ${(ringCount(count) * defaultRingBytes(count)) >> 20} MiB`);
  }
});

t.test('every ring and every control word has a place of its own', async (t) => {
  const region = attachShmRegion(createShmRegion({ firstPe: 8, count: 4 }));
  const rings = new Set<number>();
  const lines = new Set<number>();
  for (let pe = 0; pe < 4; pe++) lines.add(region.peWord(pe, 0) / LINE_WORDS);
  for (let from = 0; from < 4; from++) {
    for (let to = 0; to < 4; to++) {
      if (from === to) continue;
      const ring = region.ringIndex(from, to);
      rings.add(ring);
      lines.add(region.producerWord(ring, 0) / LINE_WORDS);
      lines.add(region.consumerWord(ring, 0) / LINE_WORDS);
    }
  }
  t.same([...rings].sort((a, b) => a - b), [...Array(12).keys()], 'rings 0..11, one per ordered pair');
  t.equal(lines.size, 4 + 24, 'no two PEs or ring ends share a control line');
  t.notOk(lines.has(0), 'the header line is nobody else’s');
  t.ok(Math.max(...lines) * LINE_WORDS + LINE_WORDS <= region.control.length);
  t.equal(region.data.byteLength, 12 * region.ringBytes);
  t.ok(region.has(8) && region.has(11) && !region.has(7) && !region.has(12));
});

t.test('a description survives structured cloning and shares its memory', async (t) => {
  const description = createShmRegion({ firstPe: 0, count: 2, ringBytes: 1 << 16 });
  const clone = structuredClone(description);
  const a = attachShmRegion(description);
  const b = attachShmRegion(clone);
  Atomics.store(a.control, a.peWord(1, Word.Doorbell), 42);
  t.equal(Atomics.load(b.control, b.peWord(1, Word.Doorbell)), 42);
  t.equal(b.id, a.id);
});

t.test('bad options and bad descriptions are refused', async (t) => {
  t.throws(() => createShmRegion({ firstPe: -1, count: 2 }), InvalidArgumentError);
  t.throws(() => createShmRegion({ firstPe: 0, count: 0 }), InvalidArgumentError);
  t.throws(() => createShmRegion({ firstPe: 0, count: 2, ringBytes: 100_000 }), InvalidArgumentError, 'not a power of two');
  t.throws(() => createShmRegion({ firstPe: 0, count: 2, ringBytes: 1024 }), InvalidArgumentError, 'too small');
  t.throws(() => attachShmRegion(null), ProtocolError);
  t.throws(() => attachShmRegion({ kind: 'other' }), ProtocolError);
  const good = createShmRegion({ firstPe: 0, count: 2 });
  t.throws(() => attachShmRegion({ ...good, version: 99 }), ProtocolError);
  t.throws(() => attachShmRegion({ ...good, count: 3 }), ProtocolError);
  t.throws(() => attachShmRegion({ ...good, data: new SharedArrayBuffer(8) }), ProtocolError);
  t.throws(() => attachShmRegion({ ...good, firstPe: 1 }), ProtocolError);
  t.ok(attachShmRegion(good));
});
