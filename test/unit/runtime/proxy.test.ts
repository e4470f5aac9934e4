/** Tests generated proxy classes (src/runtime/proxy.ts): callers per entry method, call modes, caching, unknown names, await, and wire form. */
import t from 'tap';
import { ErrorCode, UnknownEntryMethodError } from '../../../src/errors.js';
import { FutureTable } from '../../../src/runtime/future.js';
import { CALLER_TARGET, makeProxyClass, ProxyBase, type CallMode, type CallerFunction, type ProxyHost, type ProxyTarget } from '../../../src/runtime/proxy.js';
import type { ClassInfo, EntryInfo } from '../../../src/runtime/registry.js';
import { fakeClassInfo, withTimeout } from './fakes.js';

interface Invocation {
  readonly target: ProxyTarget;
  readonly entry: string;
  readonly args: unknown[];
  readonly mode: CallMode;
}

/** A host that records calls and hands out real futures for ret/awaitable. */
function recordingHost() {
  const calls: Invocation[] = [];
  const other: string[] = [];
  const futures = new FutureTable(0, { sendFutureValue: () => undefined });
  const host: ProxyHost = {
    invoke(proxy: ProxyBase, entry: EntryInfo, args: unknown[], mode: CallMode) {
      calls.push({ target: proxy.target, entry: entry.name, args, mode });
      return mode === 'send' ? undefined : futures.create();
    },
    element(proxy: ProxyBase, index: readonly unknown[]) {
      other.push(`element ${JSON.stringify(index)}`);
      return new (proxy.constructor as new (h: ProxyHost, i: ClassInfo, t: ProxyTarget) => ProxyBase)(host, proxy.info, { ...proxy.target, index: index as number[] });
    },
    section(proxy: ProxyBase, members: unknown) {
      other.push(`section ${JSON.stringify(members)}`);
      return proxy;
    },
    insert(_proxy: ProxyBase, index: unknown, options: unknown) {
      other.push(`insert ${JSON.stringify(index)} ${JSON.stringify(options)}`);
    },
    doneInserting() {
      other.push('doneInserting');
    },
  };
  return { host, calls, other };
}

const info = fakeClassInfo('Block', 'array', ['done', 'work']);
const BlockProxy = makeProxyClass(info);
const ALL: ProxyTarget = { coll: 5, index: null, section: null };
const ONE: ProxyTarget = { coll: 5, index: [1, 2], section: null };

/** Reads a property by name as user code without static types would. */
function get(proxy: ProxyBase, name: string): unknown {
  return (proxy as unknown as Record<string, unknown>)[name];
}

t.test('the generated class is named after the chare class and extends ProxyBase', async (t) => {
  t.equal(BlockProxy.name, 'BlockProxy');
  const { host } = recordingHost();
  const proxy = new BlockProxy(host, info, ALL);
  t.ok(proxy instanceof ProxyBase);
  t.equal(proxy.info, info);
  t.strictSame(proxy.target, ALL);
});

t.test('calling an entry method sends it through the host, fire and forget', async (t) => {
  const { host, calls } = recordingHost();
  const proxy = new BlockProxy(host, info, ONE);
  const work = get(proxy, 'work') as CallerFunction;
  t.equal(work(1, 'two'), undefined, 'no return value');
  t.strictSame(calls, [{ target: ONE, entry: 'work', args: [1, 'two'], mode: 'send' }]);
});

t.test('.ret and .awaitable ask for a future', async (t) => {
  const { host, calls } = recordingHost();
  const proxy = new BlockProxy(host, info, ONE);
  const work = get(proxy, 'work') as CallerFunction;
  const ret = work.ret(3);
  const done = work.awaitable();
  t.ok(ret, 'ret returns the future');
  t.ok(done, 'awaitable returns the future');
  t.strictSame(calls.map((c) => [c.entry, c.mode, c.args]), [
    ['work', 'ret', [3]],
    ['work', 'awaitable', []],
  ]);
});

t.test('callers are made once per proxy and entry method', async (t) => {
  const { host } = recordingHost();
  const a = new BlockProxy(host, info, ONE);
  const b = new BlockProxy(host, info, ONE);
  t.equal(get(a, 'work'), get(a, 'work'), 'the same caller each time');
  t.not(get(a, 'work'), get(a, 'done'), 'one per entry method');
  t.not(get(a, 'work'), get(b, 'work'), 'one per proxy object');
});

t.test('callers carry their reduction target', async (t) => {
  const { host } = recordingHost();
  const element = get(new BlockProxy(host, info, ONE), 'done') as CallerFunction;
  t.strictSame(element[CALLER_TARGET], { t: 'element', coll: 5, index: [1, 2], ep: 0 });
  const broadcast = get(new BlockProxy(host, info, ALL), 'work') as CallerFunction;
  t.strictSame(broadcast[CALLER_TARGET], { t: 'broadcast', coll: 5, section: null, ep: 1 });
  const section = { id: -3, coll: 5, root: 0 };
  const sectionCaller = get(new BlockProxy(host, info, { coll: 5, index: null, section }), 'work') as CallerFunction;
  t.strictSame(sectionCaller[CALLER_TARGET], { t: 'broadcast', coll: 5, section, ep: 1 });
});

t.test('an unknown name throws UnknownEntryMethodError', async (t) => {
  const { host, calls } = recordingHost();
  const proxy = new BlockProxy(host, info, ALL);
  t.throws(() => get(proxy, 'wrok'), UnknownEntryMethodError);
  const error = (() => {
    try {
      get(proxy, 'nope');
    } catch (e) {
      return e as UnknownEntryMethodError;
    }
    return undefined;
  })();
  t.equal(error?.code, ErrorCode.UNKNOWN_ENTRY_METHOD);
  t.match(error?.message, /Block has no entry method "nope"/);
  t.strictSame(calls, [], 'nothing sent');
});

t.test('probes by await, JSON, inspectors and private names do not throw', async (t) => {
  const { host } = recordingHost();
  const proxy = new BlockProxy(host, info, ALL);
  for (const name of ['then', 'toJSON', 'inspect', 'nodeType', 'asymmetricMatch', '$$typeof', 'length', '_private', '@@iterator']) {
    t.equal(get(proxy, name), undefined, name);
  }
  t.equal((proxy as unknown as Record<symbol, unknown>)[Symbol.iterator], undefined, 'symbols pass through');
  t.equal(typeof get(proxy, 'hasOwnProperty'), 'function', 'Object.prototype members are still there');
  t.equal(({} as Record<string, unknown>).nope, undefined, 'the trap does not reach plain objects');
});

t.test('await proxy gives the proxy itself', async (t) => {
  const { host } = recordingHost();
  const proxy = new BlockProxy(host, info, ONE);
  const awaited = await withTimeout(Promise.resolve(proxy), 'await proxy');
  t.equal(awaited, proxy);
});

t.test('other WireRefs are not affected by the trap', async (t) => {
  const futures = new FutureTable(0, { sendFutureValue: () => undefined });
  const future = futures.create();
  t.equal((future as unknown as Record<string, unknown>).notAThing, undefined);
});

t.test('proxy operations go to the host', async (t) => {
  const { host, other } = recordingHost();
  const proxy = new BlockProxy(host, info, ALL);
  const element = proxy.at(1, 2);
  t.strictSame(element.target.index, [1, 2]);
  proxy.at([3, 4]);
  proxy.section([[0, 0]]);
  proxy.insert([5], { args: [1] });
  proxy.doneInserting();
  t.strictSame(other, ['element [1,2]', 'element [3,4]', 'section [[0,0]]', 'insert [5] {"args":[1]}', 'doneInserting'], 'at() takes numbers or one array');
});

t.test('wire form and printable form', async (t) => {
  const { host } = recordingHost();
  t.strictSame(new BlockProxy(host, info, ONE).toWireRef(), { t: 'proxy', coll: 5, cls: 'Block', index: [1, 2], section: null });
  t.equal(String(new BlockProxy(host, info, ONE)), 'Proxy<Block>[1,2]');
  t.equal(String(new BlockProxy(host, info, ALL)), 'Proxy<Block>');
  t.equal(String(new BlockProxy(host, info, { coll: 5, index: null, section: { id: -7, coll: 5, root: 0 } })), 'Proxy<Block>{section -7}');
});

t.test('entry methods are not own or enumerable properties (a proxy has no state to copy)', async (t) => {
  const { host } = recordingHost();
  const proxy = new BlockProxy(host, info, ONE);
  t.notOk(Object.keys(proxy).includes('work'));
  t.ok(Object.getOwnPropertyNames(BlockProxy.prototype).includes('work'));
});
