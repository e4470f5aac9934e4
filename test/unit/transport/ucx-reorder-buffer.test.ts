import t from 'tap';
import { ReorderBuffer } from '../../../src/transport/ucx/reorder-buffer.js';

t.test('in-order messages are emitted at once', (t) => {
  const buffer = new ReorderBuffer<string>();
  const out: string[] = [];
  for (let i = 0; i < 5; i++) t.ok(buffer.accept(i, `m${i}`, (m) => out.push(m)));
  t.same(out, ['m0', 'm1', 'm2', 'm3', 'm4']);
  t.equal(buffer.held, 0);
  t.end();
});

t.test('a late message releases the ones that overtook it, in order', (t) => {
  const buffer = new ReorderBuffer<number>();
  const out: number[] = [];
  const emit = (m: number): void => {
    out.push(m);
  };
  buffer.accept(2, 2, emit);
  buffer.accept(1, 1, emit);
  buffer.accept(4, 4, emit);
  t.same(out, []);
  t.equal(buffer.held, 3);
  buffer.accept(0, 0, emit);
  t.same(out, [0, 1, 2]);
  buffer.accept(3, 3, emit);
  t.same(out, [0, 1, 2, 3, 4]);
  t.equal(buffer.next, 5);
  t.end();
});

t.test('duplicates are refused', (t) => {
  const buffer = new ReorderBuffer<number>();
  const out: number[] = [];
  const emit = (m: number): void => {
    out.push(m);
  };
  buffer.accept(0, 0, emit);
  t.notOk(buffer.accept(0, 0, emit), 'already delivered');
  buffer.accept(2, 2, emit);
  t.notOk(buffer.accept(2, 2, emit), 'already held');
  t.same(out, [0]);
  t.end();
});

t.test('sequence numbers wrap at 2^32', (t) => {
  const buffer = new ReorderBuffer<number>(0xfffffffe);
  const out: number[] = [];
  const emit = (m: number): void => {
    out.push(m);
  };
  t.ok(buffer.accept(0, 0, emit), 'after the wrap: held');
  t.ok(buffer.accept(0xffffffff, 0xffffffff, emit), 'held');
  t.same(out, []);
  buffer.accept(0xfffffffe, 0xfffffffe, emit);
  t.same(out, [0xfffffffe, 0xffffffff, 0]);
  t.equal(buffer.next, 1);
  t.notOk(buffer.accept(0xfffffffe, 0, emit), 'a number just behind is a duplicate, not far ahead');
  t.end();
});

t.test('a reentrant accept from inside emit keeps the order of calls', (t) => {
  const buffer = new ReorderBuffer<number>();
  const out: number[] = [];
  const emit = (m: number): void => {
    out.push(m);
    if (m === 0) buffer.accept(1, 1, emit);
  };
  buffer.accept(0, 0, emit);
  buffer.accept(2, 2, emit);
  t.same(out, [0, 1, 2]);
  t.end();
});
