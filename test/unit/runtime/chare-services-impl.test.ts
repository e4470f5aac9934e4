/** Tests RuntimeChareServices and toCallbackTarget (src/runtime/chare-services-impl.ts): reduction numbering per scope, targets, sections, allreduce futures, migrate requests and proxies. */
import t from 'tap';
import { BadPeError, BadReducerError, InvalidArgumentError, UnserializableError } from '../../../src/errors.js';
import { RuntimeChareServices, toCallbackTarget } from '../../../src/runtime/chare-services-impl.js';
import type { Collection } from '../../../src/runtime/collection.js';
import type { CollectionManager } from '../../../src/runtime/collection-manager.js';
import { FutureTable } from '../../../src/runtime/future.js';
import { LentBuffers } from '../../../src/runtime/lent-buffers.js';
import { CALLER_TARGET, type CallerFunction, type ProxyHost } from '../../../src/runtime/proxy.js';
import { ReductionManager } from '../../../src/runtime/reduction-manager.js';
import { BUILTIN_REDUCERS } from '../../../src/runtime/reducers.js';
import { FakePeContext, fakeCollection, fakeElement, withTimeout } from './fakes.js';

function setup(myPe = 1) {
  const ctx = new FakePeContext(myPe, 4);
  const coll = fakeCollection({ numPes: 4, dims: [8], id: 7 });
  const other = fakeCollection({ numPes: 4, dims: [8], id: 9 });
  const known = new Map<number, Collection>([
    [7, coll],
    [9, other],
  ]);
  const reductions = new ReductionManager(ctx, (name) => BUILTIN_REDUCERS.get(name), { deliver: () => undefined });
  const futures = new FutureTable(myPe, { sendFutureValue: () => undefined });
  const syncs: string[] = [];
  const host = {} as ProxyHost;
  const lent = new LentBuffers(() => undefined);
  const services = new RuntimeChareServices({
    ctx,
    atSync: (record) => void syncs.push(record.label),
    collections: () => ({ get: (id: number) => known.get(id) }) as unknown as CollectionManager,
    reductions,
    futures,
    host: () => host,
    lent,
  });
  const element = fakeElement(coll, [2]); // homed on PE 1
  return { ctx, coll, other, reductions, futures, services, element, syncs, host, lent };
}

t.test('contributions are numbered per scope: r0, r1, ... sent to the element\'s home', async (t) => {
  const { ctx, coll, services, element } = setup(3);
  const future = new FutureTable(0, { sendFutureValue: () => undefined }).create();
  services.contribute(element, 1, 'sum', future, undefined);
  services.contribute(element, 2, { name: 'max' }, future, undefined);
  const sent = ctx.take();
  t.strictSame(sent.map((s) => s.pe), [1, 1], 'to the home (PE 1)');
  t.match(sent[0]!.message, { kind: 6, scope: 7, tag: 'r0', reducer: 'sum', value: 1, count: 1, target: { t: 'future', pe: 0, id: future.id } });
  t.match(sent[1]!.message, { tag: 'r1', reducer: 'max', value: 2 });
  t.strictSame([...element.redNo], [[coll.id, 2]]);
});

t.test('a contribution holding a lent array carries a copy of it', async (t) => {
  const { ctx, services, element, lent } = setup(3);
  const future = new FutureTable(0, { sendFutureValue: () => undefined }).create();
  const data = new Float64Array([1, 2]);
  const received = { from: 0, frame: { header: new Uint8Array(8), segments: [new Uint8Array(data.buffer)] } };
  lent.lend(received);
  services.contribute(element, data, 'sum', future, undefined);
  lent.settle(received);
  const value = (ctx.take()[0]!.message as { value: Float64Array }).value;
  t.not(value.buffer, data.buffer);
  t.strictSame([...value], [1, 2]);
});

t.test('a section has its own numbering', async (t) => {
  const { ctx, coll, services, element } = setup(3);
  const section = { id: -5, coll: 7, root: 0 };
  const sectionProxy = coll.sectionProxy({} as ProxyHost, section);
  const target = new FutureTable(0, { sendFutureValue: () => undefined }).create();
  services.contribute(element, 1, 'sum', target, undefined);
  services.contribute(element, 1, 'sum', target, sectionProxy);
  services.contribute(element, 1, 'sum', target, sectionProxy);
  t.strictSame(ctx.take().map((s) => [(s.message as { scope: number }).scope, (s.message as { tag: string }).tag]), [
    [7, 'r0'],
    [-5, 'r0'],
    [-5, 'r1'],
  ]);
});

t.test('the section argument must be a section proxy of the same collection', async (t) => {
  const { coll, other, services, element } = setup();
  const target = new FutureTable(0, { sendFutureValue: () => undefined }).create();
  t.throws(() => services.contribute(element, 1, 'sum', target, coll.proxy({} as ProxyHost, null)), { name: 'InvalidArgumentError', message: /must be a section proxy/ });
  t.throws(() => services.contribute(element, 1, 'sum', target, { id: -1 }), InvalidArgumentError);
  t.throws(() => services.contribute(element, 1, 'sum', target, other.sectionProxy({} as ProxyHost, { id: -2, coll: 9, root: 0 })), { name: 'InvalidArgumentError', message: /section of another collection/ });
});

t.test('bad reducers, targets and values are refused', async (t) => {
  const { services, element } = setup();
  const target = new FutureTable(0, { sendFutureValue: () => undefined }).create();
  t.throws(() => services.contribute(element, 1, 42 as never, target, undefined), { name: 'InvalidArgumentError', message: /contribute: the reducer must be/ });
  t.throws(() => services.contribute(element, 1, 'sum', 'not a target', undefined), { name: 'InvalidArgumentError', message: /a reduction target must be a future or an entry method/ });
  t.throws(() => services.contribute(element, () => 1, 'sum', target, undefined), UnserializableError);
  t.throws(() => services.contribute(element, 1, 'nonesuch', target, undefined), BadReducerError);
});

t.test('a refused contribution does not use up a reduction number', async (t) => {
  const { ctx, services, element } = setup(3);
  const target = new FutureTable(0, { sendFutureValue: () => undefined }).create();
  t.throws(() => services.contribute(element, 1, 'nonesuch', target, undefined), BadReducerError);
  services.contribute(element, 1, 'sum', target, undefined);
  t.equal((ctx.take()[0]!.message as { tag: string }).tag, 'r0', 'the next contribution is still r0');
});

t.test('toCallbackTarget accepts futures and entry-method callers only', async (t) => {
  const future = new FutureTable(2, { sendFutureValue: () => undefined }).create();
  t.strictSame(toCallbackTarget(future), { t: 'future', pe: 2, id: future.id });
  const caller = Object.assign(() => undefined, { [CALLER_TARGET]: { t: 'element', coll: 1, index: [0], ep: 3 } }) as unknown as CallerFunction;
  t.strictSame(toCallbackTarget(caller), { t: 'element', coll: 1, index: [0], ep: 3 });
  for (const bad of [null, undefined, 5, {}, () => 1, { t: 'future', pe: 0, id: 1 }]) t.throws(() => toCallbackTarget(bad), InvalidArgumentError);
});

t.test('allreduce returns a local future settled by the result, even one that arrived first', async (t) => {
  const { services, element, futures } = setup();
  const pending = services.allreduce(element, 1, 'sum', undefined);
  t.equal(pending.pe, 1, 'owned by this PE');
  const waiter = element.allreduceWaiters.get('7|r0');
  t.ok(waiter, 'waits under its scope and tag');
  waiter!.resolve(10);
  t.equal(await withTimeout(Promise.resolve(pending), 'the result'), 10);
  element.allreduceResults.set('7|r1', 20);
  const early = services.allreduce(element, 1, 'sum', undefined);
  t.equal(await withTimeout(Promise.resolve(early), 'the early result'), 20);
  t.notOk(element.allreduceResults.has('7|r1'), 'consumed');
  t.equal(futures.pendingCount, 0);
});

t.test('migrate records a pending move to a valid other PE', async (t) => {
  const { services, element } = setup(1);
  services.migrate(element, 1);
  t.equal(element.pendingMove, null, 'to this PE: nothing to do');
  services.migrate(element, 3);
  t.strictSame(element.pendingMove, { pe: 3, notify: -1 });
  for (const bad of [4, -1, 1.5, NaN]) t.throws(() => services.migrate(element, bad), BadPeError, `PE ${bad}`);
});

t.test('atSync goes to the load balancer', async (t) => {
  const { services, element, syncs } = setup();
  services.atSync(element);
  t.strictSame(syncs, ['Thing[2]']);
});

t.test('proxies: the collection proxy is cached, the element proxy names the element', async (t) => {
  const { services, element, host } = setup();
  const collection = services.collectionProxy(element) as { target: unknown; host: unknown };
  t.equal(services.collectionProxy(element), collection, 'one collection proxy per element');
  t.strictSame(collection.target, { coll: 7, index: null, section: null });
  t.equal(collection.host, host);
  t.strictSame((services.elementProxy(element) as { target: unknown }).target, { coll: 7, index: [2], section: null });
  t.equal(services.myPe(), 1);
});
