/** Tests WsTransport (src/transport/ws/ws-transport.ts) in-process on 127.0.0.1: connection, frame delivery, authentication refusals, peer loss and garbage. */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { WebSocket } from 'ws';
import { AUTH_HEADER, authToken, PE_HEADER } from '../../../src/transport/auth.js';
import { frameToMessages } from '../../../src/transport/frame-bytes.js';
import type { Frame, TransportEvents } from '../../../src/transport/transport.js';
import { DEFAULT_WS_OPTIONS, WsTransport } from '../../../src/transport/ws/ws-transport.js';
import { formatHost } from '../../../src/transport/ws/authenticated-server.js';
import { waitFor, withTimeout } from '../runtime/fakes.js';

const SECRET = randomBytes(16).toString('hex');

/** What one PE's transport reported. */
class Recorder implements TransportEvents {
  readonly frames: { from: number; frame: Frame }[] = [];
  readonly lost: { pe: number; reason: string }[] = [];
  readonly protocolErrors: string[] = [];
  onFrame(from: number, frame: Frame): void {
    this.frames.push({ from, frame });
  }
  onPeerLost(pe: number, reason: string): void {
    this.lost.push({ pe, reason });
  }
  onProtocolError(reason: string): void {
    this.protocolErrors.push(reason);
  }
}

interface Node {
  readonly pe: number;
  readonly transport: WsTransport;
  readonly events: Recorder;
  address: string;
}

/** Starts `numPes` listening transports (not connected yet); closes them when the test ends. */
async function listening(t: Test, numPes: number, options: { secret?: (pe: number) => string; connectTimeoutMs?: number } = {}): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let pe = 0; pe < numPes; pe++) {
    const events = new Recorder();
    const transport = new WsTransport(
      { pe, numPes, secret: options.secret?.(pe) ?? SECRET, listenHost: '127.0.0.1', events },
      { ...DEFAULT_WS_OPTIONS, maxMessageBytes: 64 << 20, connectTimeoutMs: options.connectTimeoutMs ?? 5000 },
    );
    nodes.push({ pe, transport, events, address: '' });
  }
  t.teardown(() => Promise.all(nodes.map((n) => n.transport.close())));
  for (const node of nodes) node.address = await withTimeout(node.transport.listen(), `PE ${node.pe} to listen`);
  return nodes;
}

/** Starts and fully connects `numPes` transports. */
async function connected(t: Test, numPes: number): Promise<Node[]> {
  const nodes = await listening(t, numPes);
  const peers = new Map(nodes.map((n) => [n.pe, n.address]));
  await withTimeout(Promise.all(nodes.map((n) => n.transport.connect(peers))), 'every PE to connect');
  return nodes;
}

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text));
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();
}

/** Opens a raw WebSocket to `address` with the given headers; resolves to the HTTP status of a refusal, or the open socket. */
function rawConnect(address: string, headers: Record<string, string>): Promise<{ status: number } | { socket: WebSocket }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const socket = new WebSocket(address, { headers, perMessageDeflate: false });
      socket.once('open', () => resolve({ socket }));
      socket.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0 });
        res.resume();
      });
      socket.once('error', (error) => reject(error));
    }),
    'a raw connection attempt',
  );
}

t.test('the address is a ws:// URL on the listen host', async (t) => {
  const [node] = await listening(t, 1);
  t.match(node!.address, /^ws:\/\/127\.0\.0\.1:\d+$/);
  t.equal(node!.transport.name, 'ws');
});

t.test('three PEs connect and exchange frames in both directions', async (t) => {
  const nodes = await connected(t, 3);
  for (const from of nodes) {
    for (const to of nodes) {
      if (from === to) continue;
      from.transport.send(to.pe, { header: bytesOf(`${from.pe}->${to.pe}`), segments: [bytesOf('seg')] });
    }
  }
  await waitFor(() => nodes.every((n) => n.events.frames.length === 2), 'two frames at every PE');
  for (const node of nodes) {
    const got = node.events.frames.map(({ from, frame }) => [from, text(frame.header), frame.segments.map(text)]).sort();
    const expected = nodes.filter((n) => n !== node).map((n) => [n.pe, `${n.pe}->${node.pe}`, ['seg']]).sort();
    t.strictSame(got, expected, `PE ${node.pe} got one frame from each peer, tagged with its sender`);
    t.strictSame(node.events.protocolErrors, []);
    t.strictSame(node.events.lost, []);
  }
});

t.test('frames arrive in order and a multi-MiB segment arrives bit for bit', async (t) => {
  const [a, b] = await connected(t, 2);
  const big = randomBytes(6 << 20);
  const bigView = new Uint8Array(big.buffer, big.byteOffset, big.byteLength);
  const count = 200;
  for (let i = 0; i < count; i++) {
    const segments = i === 100 ? [bytesOf('small'), bigView, new Uint8Array(new Float64Array([i]).buffer)] : [new Uint8Array(new Float64Array([i]).buffer)];
    b!.transport.send(0, { header: bytesOf(`frame ${i}`), segments });
  }
  await waitFor(() => a!.events.frames.length === count, `${count} frames`, 8000);
  const headers = a!.events.frames.map((f) => text(f.frame.header));
  t.strictSame(headers, Array.from({ length: count }, (_, i) => `frame ${i}`), 'in send order');
  const withBig = a!.events.frames[100]!.frame;
  t.equal(withBig.segments.length, 3);
  t.equal(text(withBig.segments[0]!), 'small');
  t.equal(withBig.segments[1]!.byteLength, big.byteLength);
  t.ok(Buffer.from(withBig.segments[1]!.buffer, withBig.segments[1]!.byteOffset, withBig.segments[1]!.byteLength).equals(big), 'the 6 MiB segment is intact');
  const last = a!.events.frames[count - 1]!.frame.segments[0]!;
  t.equal(new Float64Array(Uint8Array.from(last).buffer)[0], count - 1);
});

t.test('a connection with a wrong or missing token is refused with 401 and reported', async (t) => {
  const [node] = await listening(t, 2);
  const wrong = await rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken('not the secret', 'data:1') });
  t.strictSame(wrong, { status: 401 }, 'wrong secret');
  const missing = await rawConnect(node!.address, { [PE_HEADER]: '1' });
  t.strictSame(missing, { status: 401 }, 'no token');
  const otherPurpose = await rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'control:1') });
  t.strictSame(otherPurpose, { status: 401 }, 'a control token is not a data token');
  const otherPe = await rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'data:0') });
  t.strictSame(otherPe, { status: 401 }, "another PE's token");
  t.equal(node!.events.protocolErrors.length, 4, 'each refusal reported');
  t.match(node!.events.protocolErrors[0], /refused connection from 127\.0\.0\.1:\d+ claiming PE 1: missing or wrong job credentials/);
});

t.test('a connection claiming an impossible PE number is refused with 401 and reported', async (t) => {
  const [node] = await listening(t, 3);
  for (const claimed of ['3', '-1', 'abc', '1.5', '0']) {
    const result = await rawConnect(node!.address, { [PE_HEADER]: claimed, [AUTH_HEADER]: authToken(SECRET, `data:${claimed}`) });
    t.strictSame(result, { status: 401 }, `PE "${claimed}" (this PE is 0 of 3)`);
  }
  const none = await rawConnect(node!.address, {});
  t.strictSame(none, { status: 401 }, 'no PE header');
  t.equal(node!.events.protocolErrors.length, 6);
  t.ok(node!.events.protocolErrors.every((r) => /no valid PE number/.test(r)));
});

t.test('a second connection claiming a connected PE is refused', async (t) => {
  const nodes = await connected(t, 2);
  const result = await rawConnect(nodes[0]!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'data:1') });
  t.strictSame(result, { status: 401 });
  t.match(nodes[0]!.events.protocolErrors[0], /refused second connection from PE 1/);
  nodes[0]!.transport.send(1, { header: bytesOf('still fine'), segments: [] });
  await waitFor(() => nodes[1]!.events.frames.length === 1, 'the first connection still works');
});

t.test('a plain HTTP request is answered 426', async (t) => {
  const [node] = await listening(t, 1);
  const url = new URL(node!.address.replace('ws:', 'http:'));
  const status = await withTimeout(
    new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: '/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end();
    }),
    'the HTTP answer',
  );
  t.equal(status, 426);
});

t.test('closing one PE reports onPeerLost on the others, not on itself', async (t) => {
  const nodes = await connected(t, 3);
  await withTimeout(nodes[2]!.transport.close(), 'close');
  await waitFor(() => nodes[0]!.events.lost.length > 0 && nodes[1]!.events.lost.length > 0, 'both peers to notice');
  t.equal(nodes[0]!.events.lost[0]!.pe, 2);
  t.equal(nodes[1]!.events.lost[0]!.pe, 2);
  t.match(nodes[0]!.events.lost[0]!.reason, /connection (closed|error)/);
  t.strictSame(nodes[2]!.events.lost, [], 'the closing PE reports nothing');
  t.strictSame(nodes[0]!.events.lost.filter((l) => l.pe !== 2), [], 'PE 1 is not reported lost');
});

t.test('sending to a lost peer does not throw (remote failures go to onPeerLost)', async (t) => {
  const nodes = await connected(t, 2);
  await nodes[1]!.transport.close();
  await waitFor(() => nodes[0]!.events.lost.length > 0, 'the loss');
  t.doesNotThrow(() => nodes[0]!.transport.send(1, { header: bytesOf('late'), segments: [] }), 'send after loss');
});

t.test('send to a PE without a connection reports the peer lost once and drops the frame', async (t) => {
  const [node] = await listening(t, 2);
  t.doesNotThrow(() => node!.transport.send(1, { header: bytesOf('x'), segments: [] }));
  node!.transport.send(1, { header: bytesOf('y'), segments: [] });
  t.equal(node!.events.lost.length, 1, 'reported once');
  t.match(node!.events.lost[0]!.reason, /no connection to PE 1/);
});

t.test('garbage on an authenticated connection closes it with a protocol error', async (t) => {
  const [node] = await listening(t, 2);
  const opened = await rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'data:1') });
  if (!('socket' in opened)) throw new Error(`refused: ${JSON.stringify(opened)}`);
  const closed = new Promise<void>((resolve) => opened.socket.once('close', () => resolve()));
  opened.socket.send(Buffer.from('this is not a frame at all'), { binary: true });
  await withTimeout(closed, 'the connection to be closed');
  await waitFor(() => node!.events.protocolErrors.length > 0, 'the protocol error');
  t.match(node!.events.protocolErrors[0], /from PE 1: .*frame magic.*closing the connection/);
  t.strictSame(node!.events.frames, [], 'nothing delivered');
});

t.test('a text message on a data connection closes it with a protocol error', async (t) => {
  const [node] = await listening(t, 2);
  const opened = await rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'data:1') });
  if (!('socket' in opened)) throw new Error('refused');
  const closed = new Promise<void>((resolve) => opened.socket.once('close', () => resolve()));
  opened.socket.send('hello');
  await withTimeout(closed, 'the connection to be closed');
  await waitFor(() => node!.events.protocolErrors.length > 0, 'the protocol error');
  t.match(node!.events.protocolErrors[0], /text message on a data connection/);
});

t.test('a well-formed frame from an authenticated raw peer is delivered', async (t) => {
  const [node] = await listening(t, 2);
  const opened = await rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'data:1') });
  if (!('socket' in opened)) throw new Error('refused');
  t.teardown(() => opened.socket.terminate());
  for (const message of frameToMessages({ header: bytesOf('raw'), segments: [new Uint8Array(40000).fill(7)] })) opened.socket.send(message, { binary: true });
  await waitFor(() => node!.events.frames.length === 1, 'the frame');
  t.equal(node!.events.frames[0]!.from, 1);
  t.equal(text(node!.events.frames[0]!.frame.header), 'raw');
  t.equal(node!.events.frames[0]!.frame.segments[0]![39999], 7);
});

t.test('connect times out naming the PEs that never connected', async (t) => {
  const [node] = await listening(t, 3, { connectTimeoutMs: 150 });
  const peers = new Map([
    [0, node!.address],
    [1, 'ws://127.0.0.1:9'],
    [2, 'ws://127.0.0.1:9'],
  ]);
  await t.rejects(withTimeout(node!.transport.connect(peers), 'connect to give up'), { name: 'ProtocolError', message: /no connection from PEs 1, 2 within 150 ms/ });
});

t.test('dialing a PE of another job fails with the HTTP status', async (t) => {
  const nodes = await listening(t, 2, { secret: (pe) => (pe === 0 ? SECRET : 'another job') });
  const peers = new Map(nodes.map((n) => [n.pe, n.address]));
  await t.rejects(withTimeout(nodes[1]!.transport.connect(peers), 'the dial to fail'), { name: 'ProtocolError', message: /PE 0 refused the connection \(HTTP 401\)/ });
  t.equal(nodes[0]!.events.protocolErrors.length, 1, 'the refusing PE reported it');
});

t.test('dialing an address where nothing listens fails with ProtocolError', async (t) => {
  const [, node] = await listening(t, 2, { connectTimeoutMs: 1000 });
  const peers = new Map([
    [0, 'ws://127.0.0.1:9'],
    [1, node!.address],
  ]);
  await t.rejects(withTimeout(node!.transport.connect(peers), 'the dial to fail'), { name: 'ProtocolError', message: /cannot connect to PE 0/ });
});

t.test('close is idempotent and stops listening', async (t) => {
  const [node] = await listening(t, 2);
  const first = node!.transport.close();
  t.equal(node!.transport.close(), first, 'the same promise');
  await withTimeout(first, 'close');
  await t.rejects(rawConnect(node!.address, { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'data:1') }), 'nothing listens any more');
});

t.test('formatHost brackets IPv6 literals only', async (t) => {
  t.equal(formatHost('127.0.0.1'), '127.0.0.1');
  t.equal(formatHost('localhost'), 'localhost');
  t.equal(formatHost('::1'), '[::1]');
  t.equal(formatHost('[::1]'), '[::1]');
});
