/** Tests createTransport (src/transport/transport-factory.ts): the names ++transport accepts and what each builds. */
import t from 'tap';
import { createTransport, TRANSPORT_NAMES } from '../../../src/transport/transport-factory.js';
import type { TransportContext } from '../../../src/transport/transport.js';
import { WsTransport } from '../../../src/transport/ws/ws-transport.js';

const ctx: TransportContext = {
  pe: 0,
  numPes: 1,
  secret: 's',
  listenHost: '127.0.0.1',
  events: { onFrame: () => undefined, onPeerLost: () => undefined, onProtocolError: () => undefined },
};

t.test('every listed name builds a transport with a description', async (t) => {
  t.ok(TRANSPORT_NAMES.includes('auto'));
  t.ok(TRANSPORT_NAMES.includes('ws'));
  for (const name of TRANSPORT_NAMES) {
    const choice = createTransport(name, ctx);
    t.ok(choice.transport, name);
    t.ok(choice.description.length > 0, `${name} says what it chose`);
    await choice.transport.close();
  }
});

t.test('ws builds the WebSocket transport', async (t) => {
  const choice = createTransport('ws', ctx);
  t.ok(choice.transport instanceof WsTransport);
  t.equal(choice.transport.name, 'ws');
  t.equal(choice.description, 'ws');
});

t.test('auto says why it chose what it chose', async (t) => {
  const choice = createTransport('auto', ctx);
  t.match(choice.description, /^\w+ \(auto: .+\)$/);
});

t.test('an unknown name is a BadFlagError listing the known ones', async (t) => {
  t.throws(() => createTransport('smoke-signals', ctx), { name: 'BadFlagError', message: /unknown transport "smoke-signals" \(known: .*ws/ });
});
