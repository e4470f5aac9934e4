/** Tests Fifo (src/runtime/fifo.ts): first-in first-out order through wrap-around and growth. */
import t from 'tap';
import { Fifo } from '../../../src/runtime/fifo.js';

t.test('items come out in the order they went in, across wrap-around and growth', async (t) => {
  const fifo = new Fifo<number>();
  const expected: number[] = [];
  let next = 0;
  // Interleave bursts of pushes and shifts so that the head wraps and the ring grows while wrapped.
  for (const [pushes, shifts] of [[10, 7], [12, 3], [40, 20], [5, 37], [100, 100]] as const) {
    for (let i = 0; i < pushes; i++) {
      fifo.push(next);
      expected.push(next++);
    }
    t.equal(fifo.size, expected.length, `size after ${pushes} pushes`);
    for (let i = 0; i < shifts; i++) t.equal(fifo.shift(), expected.shift());
  }
  t.equal(fifo.size, 0);
  t.equal(fifo.shift(), undefined, 'empty: undefined');
});

t.test('clear drops everything and the queue stays usable', async (t) => {
  const fifo = new Fifo<string>();
  for (let i = 0; i < 40; i++) fifo.push(`x${i}`);
  fifo.clear();
  t.equal(fifo.size, 0);
  t.equal(fifo.shift(), undefined);
  fifo.push('a');
  fifo.push('b');
  t.same([fifo.shift(), fifo.shift(), fifo.size], ['a', 'b', 0]);
});
