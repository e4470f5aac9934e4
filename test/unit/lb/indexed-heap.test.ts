import fc from 'fast-check';
import t from 'tap';
import { IndexedHeap } from '../../../src/lb/strategies/indexed-heap.js';
import { PePool } from '../../../src/lb/strategies/pe-pool.js';
import type { LbPe } from '../../../src/lb/strategy.js';

t.test('pops in key order, with updates and removals in between', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('push', 'pop', 'update', 'remove'), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 5 })), {
        maxLength: 200,
      }),
      (ops) => {
        const key = new Float64Array(16);
        const heap = new IndexedHeap(16, (a, b) => key[a] - key[b] || a - b);
        const members = new Set<number>();
        const smallest = (): number => [...members].sort((a, b) => key[a] - key[b] || a - b)[0] ?? -1;
        for (const [op, id, k] of ops) {
          if (op === 'push' && !members.has(id)) {
            key[id] = k;
            heap.push(id);
            members.add(id);
          } else if (op === 'pop') {
            const expected = smallest();
            if (heap.pop() !== expected) return false;
            members.delete(expected);
          } else if (op === 'update' && members.has(id)) {
            key[id] = k;
            heap.update(id);
          } else if (op === 'remove') {
            heap.remove(id);
            members.delete(id);
          }
          if (heap.size !== members.size || heap.peek() !== smallest()) return false;
        }
        return true;
      },
    ),
    { numRuns: 300, seed: 7 },
  );
  t.pass('matches a sorted list');
});

t.test('PePool.best is the earliest finish over all PEs', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(1, 2, 3), fc.integer({ min: 0, max: 20 }), fc.boolean()), { minLength: 1, maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 30 }),
      (spec, loads) => {
        const pes: LbPe[] = spec.map(([speed, , available], id) => ({ id, speed, background: 0, available, host: 0 }));
        const times = Float64Array.from(spec.map(([, time]) => time));
        const pool = new PePool(pes, times);
        for (const load of loads) {
          let expected = -1;
          for (const pe of pes) {
            if (!pe.available) continue;
            const f = times[pe.id] + load / pe.speed;
            if (expected < 0 || f < times[expected] + load / pes[expected].speed) expected = pe.id;
          }
          const got = pool.best(load);
          if (got !== expected) return false;
          if (got >= 0) pool.add(got, load);
        }
        return true;
      },
    ),
    { numRuns: 300, seed: 11 },
  );
  t.pass('matches a linear scan, ties to the lower id');
});
