/** Tests ControlClient (src/control/control-client.ts) against a scripted controller: what it sends, what it awaits, shutdown, loss of the controller and refusal. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { WebSocket, WebSocketServer } from 'ws';
import { ControlClient } from '../../../src/control/control-client.js';
import { AUTH_HEADER, PE_HEADER, verifyAuthToken } from '../../../src/transport/auth.js';
import { waitFor, withTimeout } from '../runtime/fakes.js';

const SECRET = randomBytes(16).toString('hex');

/** A controller that accepts one PE's control connection and records what it says. */
async function scriptedController(t: Test) {
  const received: unknown[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  let socket: WebSocket | undefined;
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws, req) => {
    headers.push(req.headers);
    socket = ws;
    ws.on('message', (data) => received.push(JSON.parse(data.toString())));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const close = async (): Promise<void> => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  t.teardown(close);
  return {
    url,
    received,
    headers,
    send: (message: unknown) => socket!.send(JSON.stringify(message)),
    sendBinary: (bytes: Uint8Array) => socket!.send(bytes, { binary: true }),
    dropConnection: () => socket!.terminate(),
    close,
  };
}

async function connect(t: Test, url: string, pe: number) {
  const client = await withTimeout(ControlClient.connect(url, SECRET, pe, 2000), 'the client to connect');
  t.teardown(() => client.close());
  const shutdowns: number[] = [];
  const losses: string[] = [];
  client.setEvents({ onShutdown: (code) => shutdowns.push(code), onLost: (reason) => losses.push(reason) });
  return { client, shutdowns, losses };
}

t.test('the client proves membership with a control token for its PE', async (t) => {
  const controller = await scriptedController(t);
  await connect(t, controller.url, 3);
  await waitFor(() => controller.headers.length === 1, 'the connection');
  t.equal(controller.headers[0]![PE_HEADER], '3');
  t.ok(verifyAuthToken(SECRET, 'control:3', controller.headers[0]![AUTH_HEADER]), 'a valid control token');
  t.notOk(verifyAuthToken(SECRET, 'data:3', controller.headers[0]![AUTH_HEADER]), 'not a data token');
});

t.test('hello sends the address and resolves with the peers table', async (t) => {
  const controller = await scriptedController(t);
  const { client } = await connect(t, controller.url, 1);
  const answer = client.hello({ pid: 42, host: 'h', address: 'ws://x', fingerprint: 'abc' });
  await waitFor(() => controller.received.length === 1, 'the hello');
  t.strictSame(controller.received[0], { t: 'hello', pe: 1, pid: 42, host: 'h', address: 'ws://x', fingerprint: 'abc' });
  controller.send({ t: 'peers', addresses: ['a0', 'a1'], hosts: ['h', 'h'] });
  t.strictSame(await withTimeout(answer, 'the peers table'), { t: 'peers', addresses: ['a0', 'a1'], hosts: ['h', 'h'] });
});

t.test('ready sends ready and resolves on go', async (t) => {
  const controller = await scriptedController(t);
  const { client } = await connect(t, controller.url, 0);
  let done = false;
  const answer = client.ready().then(() => (done = true));
  await waitFor(() => controller.received.length === 1, 'ready');
  t.strictSame(controller.received[0], { t: 'ready', pe: 0 });
  controller.send({ t: 'peers', addresses: [], hosts: [] });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.notOk(done, 'a message of another type does not resolve it');
  controller.send({ t: 'go' });
  await withTimeout(answer, 'go');
  t.ok(done);
});

t.test('exit, abort and peerLost are sent as typed messages', async (t) => {
  const controller = await scriptedController(t);
  const { client } = await connect(t, controller.url, 2);
  client.exit(4);
  client.abort('why');
  client.peerLost(0, 'reset');
  await waitFor(() => controller.received.length === 3, 'three messages');
  t.strictSame(controller.received, [
    { t: 'exit', pe: 2, code: 4 },
    { t: 'abort', pe: 2, message: 'why' },
    { t: 'peerLost', pe: 2, peer: 0, reason: 'reset' },
  ]);
});

t.test('malformed controller messages are ignored', async (t) => {
  const controller = await scriptedController(t);
  const { client, shutdowns, losses } = await connect(t, controller.url, 0);
  const answer = client.ready();
  controller.sendBinary(new Uint8Array([1, 2, 3]));
  controller.send({ t: 'shutdown', code: 'soon' });
  controller.send({ t: 'nonsense' });
  controller.send({ t: 'go' });
  await withTimeout(answer, 'go after the junk');
  t.strictSame(shutdowns, [], 'a shutdown without an integer code is not a shutdown');
  t.strictSame(losses, []);
});

t.test('shutdown is reported, and the close that follows is not a loss', async (t) => {
  const controller = await scriptedController(t);
  const { shutdowns, losses } = await connect(t, controller.url, 0);
  controller.send({ t: 'shutdown', code: 3 });
  await waitFor(() => shutdowns.length === 1, 'the shutdown');
  t.strictSame(shutdowns, [3]);
  controller.dropConnection();
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.strictSame(losses, []);
});

t.test('the client is told when the controller disappears', async (t) => {
  const controller = await scriptedController(t);
  const { losses } = await connect(t, controller.url, 0);
  await controller.close();
  await waitFor(() => losses.length === 1, 'the loss');
  t.match(losses[0], /control connection to charmrun closed/);
});

t.test('a pending hello settles when the controller disappears', async (t) => {
  const controller = await scriptedController(t);
  const { client } = await connect(t, controller.url, 0);
  const answer = client.hello({ pid: 1, host: 'h', address: 'a', fingerprint: 'f' });
  await waitFor(() => controller.received.length === 1, 'the hello');
  await controller.close();
  let settled = false;
  void answer.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(settled, 'hello() rejects once the connection is gone');
});

t.test('closing the client is not reported as a loss', async (t) => {
  const controller = await scriptedController(t);
  const { client, losses } = await connect(t, controller.url, 0);
  client.close();
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.strictSame(losses, []);
  client.exit(0);
  t.pass('sending after close is a no-op, not an error');
});

t.test('connecting to a controller that refuses, or to nothing, rejects with ProtocolError', async (t) => {
  const http = createServer();
  http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await t.rejects(withTimeout(ControlClient.connect(url, SECRET, 0, 2000), 'the refusal'), { name: 'ProtocolError', message: /refused PE 0 \(HTTP 401\)/ });
  await t.rejects(withTimeout(ControlClient.connect('ws://127.0.0.1:9', SECRET, 1, 2000), 'the failure'), { name: 'ProtocolError', message: /PE 1 cannot reach the controller/ });
});

t.test('heartbeat: a controller silent for longer than the limit counts as lost', async (t) => {
  const controller = await scriptedController(t);
  const client = await withTimeout(ControlClient.connect(controller.url, SECRET, 0, 3000), 'connect');
  t.teardown(() => client.close());
  const lost: string[] = [];
  client.setEvents({ onShutdown: () => undefined, onLost: (reason) => void lost.push(reason) });
  client.watchHeartbeat(200);
  await waitFor(() => lost.length > 0, 'the loss to be reported');
  t.strictSame(lost, ['nothing heard from charmrun for 0.2 s (its host is unreachable)']);
});
