/** Tests src/transport/transport-set.ts: transport names, composite addresses, and the symmetric choice of a transport per peer. */
import t from 'tap';
import { createShmRegion } from '../../../src/transport/shm/index.js';
import { chooseKind, parseCompositeAddress, TRANSPORT_NAMES, TransportSet } from '../../../src/transport/transport-set.js';
import type { TransportContext } from '../../../src/transport/transport.js';

const ctx: TransportContext = {
  pe: 0,
  numPes: 2,
  secret: 's',
  listenHost: '127.0.0.1',
  events: { onFrame: () => undefined, onPeerLost: () => undefined, onProtocolError: () => undefined },
};

t.test('the names ++transport accepts', async (t) => {
  t.same([...TRANSPORT_NAMES].sort(), ['auto', 'ucx', 'ws']);
  t.throws(() => new TransportSet('smoke-signals', ctx), { name: 'BadFlagError', message: /unknown transport "smoke-signals" \(known: auto, ucx, ws\)/ });
});

t.test('composite addresses', async (t) => {
  const parts = parseCompositeAddress('ucx=ucx1:h:12:AAA|ws=ws://127.0.0.1:4000');
  t.equal(parts.get('ucx'), 'ucx1:h:12:AAA');
  t.equal(parts.get('ws'), 'ws://127.0.0.1:4000');
  t.equal(parseCompositeAddress('garbage').size, 0);
});

t.test('both ends choose the same transport: the best both offer', async (t) => {
  const both = parseCompositeAddress('ucx=a|ws=b');
  const wsOnly = parseCompositeAddress('ws=c');
  const ucxOnly = parseCompositeAddress('ucx=d');
  t.equal(chooseKind(both, both), 'ucx');
  t.equal(chooseKind(both, wsOnly), 'ws');
  t.equal(chooseKind(wsOnly, both), 'ws');
  t.equal(chooseKind(ucxOnly, wsOnly), undefined);
});

t.test('shared memory only between PEs of the same region, then ucx, then ws', async (t) => {
  const a0 = parseCompositeAddress('shm=shm:aaaa:0|ucx=a|ws=b');
  const a1 = parseCompositeAddress('shm=shm:aaaa:1|ucx=c|ws=d');
  const b2 = parseCompositeAddress('shm=shm:bbbb:2|ucx=e|ws=f');
  const wsOnly = parseCompositeAddress('ws=g');
  t.equal(chooseKind(a0, a1), 'shm');
  t.equal(chooseKind(a1, a0), 'shm');
  t.equal(chooseKind(a0, b2), 'ucx', 'threads of another process');
  t.equal(chooseKind(b2, a0), 'ucx');
  t.equal(chooseKind(a0, wsOnly), 'ws');
});

t.test('auto with a region of several PEs offers shm first; forced transports and a one-PE region do not', async (t) => {
  const region = createShmRegion({ firstPe: 0, count: 2 });
  const auto = new TransportSet('auto', ctx, region);
  t.equal(auto.transports[0]!.name, 'shm');
  t.match(auto.description, /^auto: shm between threads, /);
  const address = await auto.listen();
  t.match(address, new RegExp(`^shm=shm:${region.id}:0\\|`));
  await auto.close();
  const ws = new TransportSet('ws', ctx, region);
  t.same(ws.transports.map((x) => x.name), ['ws']);
  await ws.close();
  const single = new TransportSet('auto', ctx, createShmRegion({ firstPe: 0, count: 1 }));
  t.notOk(single.transports.some((x) => x.name === 'shm'));
  await single.close();
});

t.test('ws offers only ws', async (t) => {
  const set = new TransportSet('ws', ctx);
  t.same(set.transports.map((x) => x.name), ['ws']);
  t.equal(set.description, 'ws');
  const address = await set.listen();
  t.match(address, /^ws=ws:\/\/127\.0\.0\.1:\d+$/);
  await set.close();
});

t.test('with ucx switched off, auto falls back to ws and says why; ucx forced is an error saying why', async (t) => {
  const saved = process.env.CHARM4TS_NO_UCX;
  process.env.CHARM4TS_NO_UCX = '1';
  t.teardown(() => {
    if (saved === undefined) delete process.env.CHARM4TS_NO_UCX;
    else process.env.CHARM4TS_NO_UCX = saved;
  });
  const auto = new TransportSet('auto', ctx);
  t.same(auto.transports.map((x) => x.name), ['ws']);
  t.match(auto.ucxUnavailable, /disabled by CHARM4TS_NO_UCX=1/);
  t.match(auto.description, /auto: ws \(ucx unavailable: disabled by CHARM4TS_NO_UCX=1\)/);
  t.throws(() => new TransportSet('ucx', ctx), { name: 'TransportUnavailableError', message: /\+\+transport ucx: ucx unavailable: disabled by CHARM4TS_NO_UCX=1/ });
});
