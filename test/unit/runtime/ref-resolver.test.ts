/** Tests RuntimeRefResolver (src/runtime/ref-resolver.ts): futures and proxies rebuilt on the receiving PE, malformed references refused with ProtocolError. */
import t from 'tap';
import { ChareArray } from '../../../src/chares/chare-array.js';
import { ProtocolError } from '../../../src/errors.js';
import type { CollectionManager } from '../../../src/runtime/collection-manager.js';
import { Future, FutureTable } from '../../../src/runtime/future.js';
import { makeProxyClass, ProxyBase, type ProxyHost } from '../../../src/runtime/proxy.js';
import { RuntimeRefResolver } from '../../../src/runtime/ref-resolver.js';
import { Registry, type ClassInfo } from '../../../src/runtime/registry.js';
import type { WireRefData } from '../../../src/runtime/wire-ref.js';

class Block extends ChareArray {
  work(): void {}
}

function setup() {
  const registry = new Registry();
  registry.registerClasses([Block]);
  registry.freeze();
  const futures = new FutureTable(2, { sendFutureValue: () => undefined });
  const host = {} as ProxyHost;
  const classes = new Map<ClassInfo, ReturnType<typeof makeProxyClass>>();
  const collections = {
    proxyClass(info: ClassInfo) {
      if (!classes.has(info)) classes.set(info, makeProxyClass(info));
      return classes.get(info)!;
    },
  } as unknown as CollectionManager;
  return { resolver: new RuntimeRefResolver(registry, () => collections, futures, host), futures, host, registry };
}

t.test('a future reference becomes a future of its owner PE, not awaitable here', async (t) => {
  const { resolver, futures } = setup();
  const future = resolver.resolve({ t: 'future', pe: 0, id: 9 });
  t.ok(future instanceof Future);
  t.equal((future as Future).pe, 0);
  t.equal((future as Future).id, 9);
  t.equal(futures.pendingCount, 0);
  await t.rejects(Promise.resolve(future as Future), { code: 'CHARM_ERR_FUTURE_NOT_LOCAL' });
});

t.test('a proxy reference becomes a proxy of the registered class, bound to this PE', async (t) => {
  const { resolver, host, registry } = setup();
  const section = { id: -2, coll: 4, root: 1 };
  const element = resolver.resolve({ t: 'proxy', coll: 4, cls: 'Block', index: [3], section: null }) as ProxyBase;
  t.ok(element instanceof ProxyBase);
  t.equal(element.host, host);
  t.equal(element.info, registry.classInfo(Block));
  t.strictSame(element.target, { coll: 4, index: [3], section: null });
  t.equal(typeof (element as unknown as { work: unknown }).work, 'function', 'with the class entry methods');
  const whole = resolver.resolve({ t: 'proxy', coll: 4, cls: 'Block', index: null, section }) as ProxyBase;
  t.strictSame(whole.target, { coll: 4, index: null, section });
  t.equal(Object.getPrototypeOf(whole), Object.getPrototypeOf(element), 'one proxy class per chare class');
});

t.test('malformed references are ProtocolErrors', async (t) => {
  const { resolver } = setup();
  const bad: [string, unknown][] = [
    ['a future with a string id', { t: 'future', pe: 0, id: '9' }],
    ['a future with a fractional pe', { t: 'future', pe: 0.5, id: 1 }],
    ['a future without pe', { t: 'future', id: 1 }],
    ['a proxy to an unregistered class', { t: 'proxy', coll: 1, cls: 'Nope', index: null, section: null }],
    ['a proxy with a string collection', { t: 'proxy', coll: 'x', cls: 'Block', index: null, section: null }],
    ['an unknown kind', { t: 'callback' }],
    ['no kind', {}],
  ];
  for (const [what, data] of bad) t.throws(() => resolver.resolve(data as WireRefData), ProtocolError, what);
});
