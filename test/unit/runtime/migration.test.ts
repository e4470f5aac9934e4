/** Tests the migration state helpers (src/runtime/migration.ts): what a chare and its runtime record carry, how they are rebuilt, and when an element is too busy to move. */
import t from 'tap';
import type { ChareServices } from '../../../src/chares/chare-services.js';
import { InvalidArgumentError, UnserializableError } from '../../../src/errors.js';
import { ChannelInbox } from '../../../src/runtime/channel.js';
import { Codec } from '../../../src/runtime/codec.js';
import { ELEMENT, ElementRecord, NextSequence } from '../../../src/runtime/element.js';
import { Kind, type InvokeMessage, type MigrateMessage } from '../../../src/runtime/message.js';
import { isBusy, packChare, packRuntime, unpackChare, unpackRuntime, type ElementRuntimeState } from '../../../src/runtime/migration.js';
import { withTimeout } from './fakes.js';

function record(index: number[] = [2]): ElementRecord {
  return new ElementRecord({} as ChareServices, { id: 5, className: 'Cell', kind: 'array' }, index, index.join(','));
}

class Cell {
  iteration = 0;
  values = new Float64Array(0);
  constructed = true;
  step(): number {
    return ++this.iteration;
  }
}

function invoke(src: number, seq: number): InvokeMessage {
  return { kind: Kind.Invoke, coll: 5, index: [2], ep: 0, args: [seq], src, seq, reply: null, ack: null, hops: 0 };
}

t.test('a chare travels as its own enumerable fields', async (t) => {
  const rec = record();
  const cell = new Cell();
  cell.iteration = 9;
  cell.values = new Float64Array([1.5]);
  Object.defineProperty(cell, ELEMENT, { value: rec, enumerable: false });
  rec.obj = cell;
  const { state, packed } = packChare(rec);
  t.equal(packed, false);
  t.strictSame(state, { iteration: 9, values: new Float64Array([1.5]), constructed: true });
  t.notOk(Object.getOwnPropertySymbols(state as object).length, 'the runtime record does not travel');
});

t.test('a field that cannot travel is named and nothing is packed', async (t) => {
  const rec = record();
  rec.obj = { ok: 1, onDone: () => 0 };
  const error = t.throws(() => packChare(rec), UnserializableError) as UnserializableError;
  t.match(error.path, /^Cell\[2\] .*\.onDone$/);
  t.match(error.message, /define pack\(\)\/unpack\(\)/, 'says how to fix it');
});

t.test('a chare with pack() travels as what pack() returns, checked', async (t) => {
  const rec = record();
  rec.obj = { big: () => 1, pack: () => ({ n: 3 }) };
  t.strictSame(packChare(rec), { state: { n: 3 }, packed: true });
  rec.obj = { pack: () => ({ cb: () => 1 }) };
  const error = t.throws(() => packChare(rec), UnserializableError) as UnserializableError;
  t.equal(error.path, 'Cell[2].pack().cb');
});

t.test('unpackChare rebuilds an instance of the class without running its constructor', async (t) => {
  const rec = record();
  const obj = unpackChare(Cell, rec, { iteration: 4, values: new Float64Array([2]) }, false) as Cell;
  t.ok(obj instanceof Cell, 'an instance of the class');
  t.equal(obj.iteration, 4);
  t.equal(obj.step(), 5, 'methods work on the restored fields');
  t.notOk('constructed' in obj, 'the constructor did not run');
  t.equal((obj as unknown as { [ELEMENT]: ElementRecord })[ELEMENT], rec, 'the new record is attached');
  t.notOk(Object.keys(obj).includes(String(ELEMENT)));
});

t.test('unpackChare hands packed state to unpack(), and refuses a class without one', async (t) => {
  class Packed {
    restored: unknown = null;
    pack(): unknown {
      return 0;
    }
    unpack(state: unknown): void {
      this.restored = state;
    }
  }
  const obj = unpackChare(Packed, record(), { n: 3 }, true) as Packed;
  t.strictSame(obj.restored, { n: 3 });
  class HalfPacked {
    pack(): unknown {
      return 0;
    }
  }
  t.throws(() => unpackChare(HalfPacked, record(), {}, true), InvalidArgumentError);
});

t.test('the runtime state of an element survives pack and unpack', async (t) => {
  const from = record();
  from.redNo.set(5, 3).set(-2, 1);
  from.nextSeq.set(0, new NextSequence(7)).set(3, new NextSequence(2));
  from.early.set(0, new Map([[9, invoke(0, 9)], [8, invoke(0, 8)]]));
  from.whenQueue.push({ ep: 1, args: ['held'], reply: null, ack: null });
  from.allreduceResults.set('5|r2', 42);
  const inbox = new ChannelInbox();
  inbox.push(1, 'second');
  inbox.push(0, 'first');
  inbox.push(3, 'fourth');
  inbox.sendSeq = 6;
  from.channels.set('9:1#0', inbox);

  const to = record();
  unpackRuntime(to, packRuntime(from));
  t.strictSame([...to.redNo], [[5, 3], [-2, 1]]);
  t.strictSame([...to.nextSeq].map(([src, counter]) => [src, counter.next]), [[0, 7], [3, 2]]);
  t.strictSame([...to.early.get(0)!.keys()].sort(), [8, 9], 'early messages keyed by their sequence numbers');
  t.equal(to.early.get(0)!.get(9)!.seq, 9);
  t.strictSame(to.whenQueue, [{ ep: 1, args: ['held'], reply: null, ack: null }]);
  t.equal(to.allreduceResults.get('5|r2'), 42);
  const moved = to.channels.get('9:1#0') as ChannelInbox;
  t.ok(moved instanceof ChannelInbox);
  t.equal(moved.sendSeq, 6, 'send numbering continues');
  t.equal(await withTimeout(moved.recv(), 'value 1'), 'first');
  t.equal(await withTimeout(moved.recv(), 'value 2'), 'second');
  moved.push(2, 'third');
  t.equal(await withTimeout(moved.recv(), 'value 3'), 'third', 'receive numbering continues');
  t.equal(await withTimeout(moved.recv(), 'value 4'), 'fourth', 'held values moved too');
});

t.test('a Migrate message survives the codec with its runtime state', async (t) => {
  const from = record();
  from.nextSeq.set(1, new NextSequence(4));
  from.early.set(1, new Map([[6, invoke(1, 6)]]));
  from.obj = { iteration: 3, grid: new Float64Array([1, 2, 3]) };
  const codec = new Codec({ resolve: () => { throw new Error('no references'); } });
  const { state, packed } = packChare(from);
  const message: MigrateMessage = { kind: Kind.Migrate, coll: 5, index: [2], state, packed, runtime: packRuntime(from), notify: -1, epoch: 1 };
  const decoded = codec.decode(codec.encode(message)) as MigrateMessage;
  const to = record();
  unpackRuntime(to, decoded.runtime as ElementRuntimeState);
  const obj = unpackChare(Cell, to, decoded.state, decoded.packed) as Cell & { grid: Float64Array };
  t.equal(obj.iteration, 3);
  t.ok(obj.grid instanceof Float64Array);
  t.strictSame(Array.from(obj.grid), [1, 2, 3]);
  t.strictSame([...to.nextSeq].map(([src, counter]) => [src, counter.next]), [[1, 4]]);
  t.equal(to.early.get(1)!.get(6)!.seq, 6);
});

t.test('a chare field holding a Map arrives as a Map', async (t) => {
  const from = record();
  from.obj = { neighbours: new Map([[1, 'left'], [2, 'right']]) };
  const codec = new Codec({ resolve: () => { throw new Error('no references'); } });
  const { state } = packChare(from);
  const message: MigrateMessage = { kind: Kind.Migrate, coll: 5, index: [2], state, packed: false, runtime: packRuntime(from), notify: -1, epoch: 1 };
  const decoded = codec.decode(codec.encode(message)) as MigrateMessage;
  const obj = unpackChare(Cell, record(), decoded.state, false) as unknown as { neighbours: unknown };
  t.ok(obj.neighbours instanceof Map, 'still a Map');
});

t.test('an element is busy while an async method runs or a channel receive waits', async (t) => {
  const rec = record();
  t.notOk(isBusy(rec), 'idle');
  rec.activeAsync = 1;
  t.ok(isBusy(rec), 'an async entry method in progress');
  rec.activeAsync = 0;
  const inbox = new ChannelInbox();
  rec.channels.set('1:0#0', inbox);
  t.notOk(isBusy(rec), 'an open channel alone is not busy');
  const pending = inbox.recv();
  t.ok(isBusy(rec), 'a recv in progress');
  inbox.push(0, 'v');
  await withTimeout(pending, 'the value');
  t.notOk(isBusy(rec), 'idle again');
});
