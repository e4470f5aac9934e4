/** Tests RuntimeProxyHost (src/runtime/proxy-host.ts): checks at the sender, reply futures, broadcasts and acknowledgements, element/section/insert validation. */
import t from 'tap';
import { BadPeError, IndexOutOfRangeError, InvalidArgumentError, UnserializableError } from '../../../src/errors.js';
import type { Broadcaster } from '../../../src/runtime/broadcaster.js';
import type { Collection, ElementAddress } from '../../../src/runtime/collection.js';
import type { CollectionManager } from '../../../src/runtime/collection-manager.js';
import { Future, FutureTable } from '../../../src/runtime/future.js';
import type { LocationManager } from '../../../src/runtime/location-manager.js';
import type { AckRequest, FutureRef, SectionAddress } from '../../../src/runtime/message.js';
import { makeProxyClass, type CallerFunction, type ProxyBase } from '../../../src/runtime/proxy.js';
import { RuntimeProxyHost } from '../../../src/runtime/proxy-host.js';
import type { ClassInfo, EntryInfo } from '../../../src/runtime/registry.js';
import type { SectionManager } from '../../../src/runtime/section-manager.js';
import { FakePeContext, fakeCollection } from './fakes.js';

function setup(myPe = 1) {
  const ctx = new FakePeContext(myPe, 4);
  const collections = new Map<number, Collection>();
  const waiting = new Map<number, (() => void)[]>();
  const sends: { coll: number; index: readonly number[]; ep: number; args: unknown[]; reply: FutureRef | null }[] = [];
  const broadcasts: { coll: number; section: SectionAddress | null; ep: number; args: unknown[]; ack: AckRequest | null }[] = [];
  const inserts: { coll: number; index: number[]; args: unknown[]; onPe: number }[] = [];
  const proxyClasses = new Map<ClassInfo, ReturnType<typeof makeProxyClass>>();
  const manager = {
    get: (id: number) => collections.get(id),
    whenKnown: (id: number, action: () => void) => {
      if (collections.has(id)) action();
      else waiting.set(id, [...(waiting.get(id) ?? []), action]);
    },
    proxyClass: (info: ClassInfo) => {
      if (!proxyClasses.has(info)) proxyClasses.set(info, makeProxyClass(info));
      return proxyClasses.get(info)!;
    },
    insert: (coll: Collection, index: number[], args: unknown[], onPe: number) => void inserts.push({ coll: coll.id, index, args, onPe }),
    doneInserting: () => undefined,
  } as unknown as CollectionManager;
  const location = {
    sendTo: (coll: Collection, address: ElementAddress, ep: number, args: unknown[], reply: FutureRef | null) => void sends.push({ coll: coll.id, index: address.index, ep, args, reply }),
  } as unknown as LocationManager;
  const broadcaster = {
    start: (coll: Collection, section: SectionAddress | null, ep: number, args: unknown[], ack: AckRequest | null) => void broadcasts.push({ coll: coll.id, section, ep, args, ack }),
  } as unknown as Broadcaster;
  let sectionSeq = 0;
  const sections = { create: (coll: Collection) => ({ id: -(++sectionSeq), coll: coll.id, root: myPe }) } as unknown as SectionManager;
  const futures = new FutureTable(myPe, { sendFutureValue: () => undefined });
  const host = new RuntimeProxyHost({ ctx, collections: manager, location, broadcaster, sections, futures });
  /** Makes collection `coll` known on this PE (running held work). */
  const add = (coll: Collection): void => {
    collections.set(coll.id, coll);
    for (const action of waiting.get(coll.id) ?? []) action();
    waiting.delete(coll.id);
  };
  const proxyOf = (coll: Collection, index: readonly number[] | null = null, section: SectionAddress | null = null): ProxyBase =>
    new (manager.proxyClass(coll.info))(host, coll.info, { coll: coll.id, index, section });
  return { ctx, host, futures, sends, broadcasts, inserts, add, proxyOf };
}

/** An array of 8 elements with entries `work(a, b)` (id 0) and `ping()` (id 1). */
function blockArray(id = 7, dims: readonly number[] | null = [8]): Collection {
  const coll = fakeCollection({ numPes: 4, dims, id, entries: ['work', 'ping'] });
  const entries = coll.info.entries as EntryInfo[];
  entries[0] = { ...entries[0]!, minArgs: 2 };
  return coll;
}

function caller(proxy: ProxyBase, name: string): CallerFunction {
  return (proxy as unknown as Record<string, CallerFunction>)[name]!;
}

t.test('too few arguments are refused at the sender', async (t) => {
  const { add, proxyOf, sends } = setup();
  const coll = blockArray();
  add(coll);
  t.throws(() => caller(proxyOf(coll, [1]), 'work')(1), { name: 'BadArgumentsError', message: /Thing\.work takes at least 2 arguments, got 1/ });
  t.strictSame(sends, []);
});

t.test('arguments that cannot travel are refused at the sender, with their path', async (t) => {
  const { add, proxyOf, sends, broadcasts } = setup();
  const coll = blockArray();
  add(coll);
  const error = t.throws(() => caller(proxyOf(coll, [1]), 'work')(1, { cb: () => 1 })) as UnserializableError;
  t.ok(error instanceof UnserializableError);
  t.equal(error.path, 'Thing.work(...) arguments[1].cb');
  t.throws(() => caller(proxyOf(coll), 'ping')(Symbol('s')), UnserializableError, 'broadcasts too');
  t.strictSame(sends, []);
  t.strictSame(broadcasts, []);
});

t.test('a call to one element goes to the location manager, fire and forget', async (t) => {
  const { add, proxyOf, sends } = setup();
  const coll = blockArray();
  add(coll);
  t.equal(caller(proxyOf(coll, [3]), 'work')('a', 'b'), undefined);
  t.strictSame(sends, [{ coll: 7, index: [3], ep: 0, args: ['a', 'b'], reply: null }]);
});

t.test('.ret creates a future on this PE and asks for the reply there', async (t) => {
  const { add, proxyOf, sends, futures } = setup(2);
  const coll = blockArray();
  add(coll);
  const future = caller(proxyOf(coll, [3]), 'ping').ret();
  t.ok(future instanceof Future);
  t.equal(future!.pe, 2);
  t.strictSame(sends[0]!.reply, { pe: 2, id: future!.id });
  t.equal(futures.pendingCount, 1);
  const done = caller(proxyOf(coll, [3]), 'ping').awaitable();
  t.strictSame(sends[1]!.reply, { pe: 2, id: done!.id }, 'awaitable on one element is a reply too');
});

t.test('a call on a collection proxy is a broadcast', async (t) => {
  const { add, proxyOf, broadcasts } = setup();
  const coll = blockArray();
  add(coll);
  caller(proxyOf(coll), 'ping')();
  t.strictSame(broadcasts, [{ coll: 7, section: null, ep: 1, args: [], ack: null }]);
});

t.test('awaitable broadcasts carry an acknowledgement request with a fresh tag', async (t) => {
  const { add, proxyOf, broadcasts } = setup(3);
  const coll = blockArray();
  add(coll);
  const a = caller(proxyOf(coll), 'ping').awaitable();
  const b = caller(proxyOf(coll), 'ping').awaitable();
  const section: SectionAddress = { id: -4, coll: 7, root: 0 };
  const c = caller(proxyOf(coll, null, section), 'ping').awaitable();
  t.strictSame(broadcasts.map((x) => x.ack), [
    { scope: 7, tag: 'a3.0', pe: 3, id: a!.id },
    { scope: 7, tag: 'a3.1', pe: 3, id: b!.id },
    { scope: -4, tag: 'a3.2', pe: 3, id: c!.id },
  ]);
  t.equal(broadcasts[2]!.section, section);
});

t.test('.ret on a broadcast is refused', async (t) => {
  const { add, proxyOf, broadcasts, futures } = setup();
  const coll = blockArray();
  add(coll);
  t.throws(() => caller(proxyOf(coll), 'ping').ret(), { name: 'InvalidArgumentError', message: /Thing\.ping\.ret: a broadcast has no single return value; use \.awaitable/ });
  t.strictSame(broadcasts, []);
  t.equal(futures.pendingCount, 0, 'no future is left pending');
});

t.test('calls for a collection not created here yet wait for it', async (t) => {
  const { add, proxyOf, sends, broadcasts } = setup();
  const coll = blockArray(11);
  caller(proxyOf(coll, [2]), 'ping')();
  caller(proxyOf(coll), 'ping')();
  t.strictSame(sends, []);
  t.strictSame(broadcasts, []);
  add(coll);
  t.equal(sends.length, 1, 'the element call went out once the collection existed');
  t.equal(broadcasts.length, 1);
});

t.test('a held call to an index outside the array is fatal once the collection is known', async (t) => {
  const { add, proxyOf, sends, ctx } = setup();
  const coll = blockArray(12);
  caller(proxyOf(coll, [99]), 'ping')();
  add(coll);
  t.strictSame(sends, []);
  t.match(ctx.fatals[0], /call to Thing\.ping: .*component 0 must be in 0\.\.7/);
});

t.test('at() validates the index against the collection when it is known', async (t) => {
  const { add, proxyOf, host } = setup();
  const coll = blockArray();
  add(coll);
  const element = host.element(proxyOf(coll), [5]);
  t.strictSame(element.target, { coll: 7, index: [5], section: null });
  t.throws(() => host.element(proxyOf(coll), [8]), IndexOutOfRangeError);
  t.throws(() => host.element(proxyOf(coll), [1, 1]), IndexOutOfRangeError);
  t.throws(() => host.element(proxyOf(coll, [1]), [2]), { name: 'InvalidArgumentError', message: /already names one chare/ });
  t.throws(() => host.element(proxyOf(coll, null, { id: -1, coll: 7, root: 0 }), [2]), { name: 'InvalidArgumentError', message: /section proxy/ });
});

t.test('at() on a group names a PE', async (t) => {
  const { add, proxyOf, host } = setup();
  const group = fakeCollection({ numPes: 4, kind: 'group', dims: [], id: 3 });
  add(group);
  t.strictSame(host.element(proxyOf(group), [3]).target.index, [3]);
  t.throws(() => host.element(proxyOf(group), [4]), BadPeError);
  t.throws(() => host.element(proxyOf(group), [-1]), BadPeError);
  t.throws(() => host.element(proxyOf(group), [1.5]), BadPeError);
});

t.test('at() before the collection is known checks only the form of the index', async (t) => {
  const { proxyOf, host } = setup();
  const coll = blockArray(20);
  t.strictSame(host.element(proxyOf(coll), [3, 4]).target.index, [3, 4]);
  t.throws(() => host.element(proxyOf(coll), [-1]), InvalidArgumentError);
  t.throws(() => host.element(proxyOf(coll), ['1']), InvalidArgumentError);
});

t.test('section() needs the collection proxy of a known, non-singleton collection', async (t) => {
  const { add, proxyOf, host } = setup();
  const coll = blockArray();
  add(coll);
  const section = host.section(proxyOf(coll), [[1], [2]]);
  t.match(section.target, { coll: 7, index: null, section: { coll: 7 } });
  t.ok(section.target.section!.id < 0);
  const single = fakeCollection({ numPes: 4, kind: 'chare', dims: [], id: 8 });
  add(single);
  t.throws(() => host.section(proxyOf(single), [[]]), { name: 'InvalidArgumentError', message: /singleton chare and has no sections/ });
  t.throws(() => host.section(proxyOf(coll, [1]), [[1]]), { name: 'InvalidArgumentError', message: /use the collection's proxy/ });
  t.throws(() => host.section(proxyOf(blockArray(30)), [[1]]), { name: 'InvalidArgumentError', message: /before the collection's creation has reached it/ });
});

t.test('insert() validates the index, options and arguments before inserting', async (t) => {
  const { add, proxyOf, host, inserts } = setup();
  const sparse = blockArray(9, null);
  add(sparse);
  host.insert(proxyOf(sparse), 4, undefined);
  host.insert(proxyOf(sparse), [6], { args: ['x'], onPe: 2 });
  t.strictSame(inserts, [
    { coll: 9, index: [4], args: [], onPe: -1 },
    { coll: 9, index: [6], args: ['x'], onPe: 2 },
  ]);
  t.throws(() => host.insert(proxyOf(sparse), -1, undefined), IndexOutOfRangeError);
  t.throws(() => host.insert(proxyOf(sparse), 'k', undefined), InvalidArgumentError);
  t.throws(() => host.insert(proxyOf(sparse), 1, { args: 'x' }), InvalidArgumentError);
  t.throws(() => host.insert(proxyOf(sparse), 1, { onPe: 4 }), BadPeError);
  t.throws(() => host.insert(proxyOf(sparse), 1, { args: [() => 1] }), UnserializableError);
  const dense = blockArray(10);
  add(dense);
  t.throws(() => host.insert(proxyOf(dense), 1, undefined), { name: 'InvalidArgumentError', message: /dense array/ });
  sparse.insertionClosed = true;
  t.throws(() => host.insert(proxyOf(sparse), 1, undefined), { name: 'InvalidArgumentError', message: /insertion is closed/ });
  t.equal(inserts.length, 2, 'nothing else was inserted');
});
