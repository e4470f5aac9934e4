/** Tests ControlServer (src/control/control-server.ts) with in-process fake PEs: rendezvous, peers table, start, fingerprint check, timeout, relayed requests and refused connections. */
import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { WebSocket } from 'ws';
import { ControlClient } from '../../../src/control/control-client.js';
import { ControlServer, type ControlServerEvents } from '../../../src/control/control-server.js';
import type { HelloMessage, PeersMessage } from '../../../src/control/protocol.js';
import { AUTH_HEADER, authToken, PE_HEADER } from '../../../src/transport/auth.js';
import { waitFor, withTimeout } from '../runtime/fakes.js';

const SECRET = randomBytes(16).toString('hex');

/** Everything the server told its launcher. */
class LauncherLog implements ControlServerEvents {
  readonly exits: [number, number][] = [];
  readonly aborts: [number | null, string][] = [];
  readonly peerLost: [number, number, string][] = [];
  readonly disconnects: number[] = [];
  readonly started: (readonly HelloMessage[])[] = [];
  readonly refused: string[] = [];
  onExit(pe: number, code: number): void {
    this.exits.push([pe, code]);
  }
  onAbort(pe: number | null, message: string): void {
    this.aborts.push([pe, message]);
  }
  onPeerLost(pe: number, peer: number, reason: string): void {
    this.peerLost.push([pe, peer, reason]);
  }
  onDisconnect(pe: number): void {
    this.disconnects.push(pe);
  }
  onStarted(hellos: readonly HelloMessage[]): void {
    this.started.push(hellos);
  }
  onRefused(reason: string): void {
    this.refused.push(reason);
  }
}

async function startServer(t: Test, numPes: number, rendezvousTimeoutMs = 10_000) {
  const log = new LauncherLog();
  const server = new ControlServer({ numPes, secret: SECRET, host: '127.0.0.1', rendezvousTimeoutMs, events: log });
  t.teardown(() => server.close());
  const url = await withTimeout(server.listen(), 'the server to listen');
  return { server, url, log };
}

async function clients(t: Test, url: string, pes: readonly number[]): Promise<ControlClient[]> {
  const list = await withTimeout(Promise.all(pes.map((pe) => ControlClient.connect(url, SECRET, pe, 3000))), 'the clients to connect');
  t.teardown(() => list.forEach((c) => c.close()));
  for (const client of list) client.setEvents({ onShutdown: () => undefined, onLost: () => undefined });
  return list;
}

function hello(pe: number, fingerprint = 'fp'): Omit<HelloMessage, 't' | 'pe'> {
  return { pid: 1000 + pe, host: `host${pe % 2}`, address: `addr-${pe}`, fingerprint };
}

/** Raw control connection, for messages the client class would never send. */
function rawSocket(url: string, pe: number, secret = SECRET): Promise<WebSocket | number> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { [PE_HEADER]: String(pe), [AUTH_HEADER]: authToken(secret, `control:${pe}`) } });
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      socket.once('error', reject);
    }),
    'a raw control connection',
  );
}

t.test('the server listens on a ws:// URL', async (t) => {
  const { url } = await startServer(t, 1);
  t.match(url, /^ws:\/\/127\.0\.0\.1:\d+$/);
});

t.test('rendezvous: once every PE says hello, every PE gets the peers table in PE order', async (t) => {
  const { server, url, log } = await startServer(t, 3);
  const [c0, c1, c2] = await clients(t, url, [0, 1, 2]);
  t.strictSame(server.missing(), [0, 1, 2], 'no hello yet');
  const p2 = c2!.hello(hello(2));
  const p0 = c0!.hello(hello(0));
  await waitFor(() => server.missing().length === 1, 'two hellos');
  t.strictSame(server.missing(), [1]);
  t.match(server.hello(2), { t: 'hello', pe: 2, address: 'addr-2', host: 'host0', pid: 1002 });
  const p1 = c1!.hello(hello(1));
  const tables = await withTimeout(Promise.all([p0, p1, p2]), 'the peers tables');
  const expected: PeersMessage = { t: 'peers', addresses: ['addr-0', 'addr-1', 'addr-2'], hosts: ['host0', 'host1', 'host0'] };
  for (const table of tables) t.strictSame(table, expected);
  t.strictSame(log.aborts, []);
  t.strictSame(log.started, [], 'not started before everyone is ready');
});

t.test('go comes only after every PE is ready, and the launcher learns the job started', async (t) => {
  const { url, log } = await startServer(t, 3);
  const list = await clients(t, url, [0, 1, 2]);
  await withTimeout(Promise.all(list.map((c, pe) => c.hello(hello(pe)))), 'peers');
  let went = 0;
  const ready0 = list[0]!.ready().then(() => went++);
  const ready1 = list[1]!.ready().then(() => went++);
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.equal(went, 0, 'two of three ready: no go yet');
  t.strictSame(log.started, []);
  await withTimeout(Promise.all([ready0, ready1, list[2]!.ready()]), 'go');
  t.equal(went, 2);
  await waitFor(() => log.started.length === 1, 'onStarted');
  t.strictSame(log.started[0]!.map((h) => h.pe), [0, 1, 2], 'the hellos, in PE order');
});

t.test('a fingerprint mismatch aborts the job naming the differing PEs', async (t) => {
  const { url, log } = await startServer(t, 3);
  const list = await clients(t, url, [0, 1, 2]);
  let gotPeers = false;
  list.forEach((c, pe) => void c.hello(hello(pe, pe === 2 ? 'other' : 'fp')).then(() => (gotPeers = true), () => undefined));
  await waitFor(() => log.aborts.length === 1, 'the abort');
  t.equal(log.aborts[0]![0], null, 'not one PE\'s request');
  t.match(log.aborts[0]![1], /PEs? 2 registered different chare classes/);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.notOk(gotPeers, 'no peers table was handed out');
});

t.test('the rendezvous times out naming the PEs that never arrived', async (t) => {
  const { server, url, log } = await startServer(t, 4, 1500);
  const list = await clients(t, url, [0, 2]);
  void list[0]!.hello(hello(0)).catch(() => undefined);
  void list[1]!.hello(hello(2)).catch(() => undefined);
  await waitFor(() => server.missing().length === 2, 'two hellos');
  await waitFor(() => log.aborts.length === 1, 'the timeout', 4000);
  t.equal(log.aborts[0]![0], null);
  t.match(log.aborts[0]![1], /rendezvous timed out after [\d.]+ s: PEs 1, 3 never arrived/);
});

t.test('a sub-second rendezvous timeout is reported with its duration', async (t) => {
  const { log } = await startServer(t, 2, 100);
  await waitFor(() => log.aborts.length === 1, 'the timeout', 3000);
  t.match(log.aborts[0]![1], /rendezvous timed out after 100 ms: PEs 0, 1 never arrived/);
  t.notMatch(log.aborts[0]![1], /after 0 s/, 'not reported as "0 s"');
});

t.test('PEs arriving after the rendezvous timed out are not started', async (t) => {
  const { url, log } = await startServer(t, 1, 50);
  await waitFor(() => log.aborts.length === 1, 'the timeout', 3000);
  const [late] = await clients(t, url, [0]);
  let table: unknown;
  void late!.hello(hello(0)).then((peers) => (table = peers), () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(table, undefined, 'no peers table after the job was aborted');
});

t.test('the rendezvous times out naming PEs that arrived but never got ready', async (t) => {
  const { url, log } = await startServer(t, 2, 1000);
  const list = await clients(t, url, [0, 1]);
  await withTimeout(Promise.all(list.map((c, pe) => c.hello(hello(pe)))), 'peers');
  void list[0]!.ready().catch(() => undefined);
  await waitFor(() => log.aborts.length === 1, 'the timeout', 3000);
  t.match(log.aborts[0]![1], /PE 1 could not connect to their peers/);
});

t.test('no timeout once the job has started', async (t) => {
  const { url, log } = await startServer(t, 1, 400);
  const [client] = await clients(t, url, [0]);
  await withTimeout(client!.hello(hello(0)), 'peers');
  await withTimeout(client!.ready(), 'go');
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.strictSame(log.aborts, []);
});

t.test('exit, abort and peerLost requests are relayed to the launcher', async (t) => {
  const { url, log } = await startServer(t, 3);
  const [c0, c1, c2] = await clients(t, url, [0, 1, 2]);
  c1!.exit(3);
  c2!.abort('something broke');
  c0!.peerLost(2, 'connection reset');
  await waitFor(() => log.exits.length === 1 && log.aborts.length === 1 && log.peerLost.length === 1, 'the three requests');
  t.strictSame(log.exits, [[1, 3]]);
  t.strictSame(log.aborts, [[2, 'something broke']]);
  t.strictSame(log.peerLost, [[0, 2, 'connection reset']]);
});

t.test('connections without valid credentials are refused and reported', async (t) => {
  const { url, log } = await startServer(t, 2);
  t.equal(await rawSocket(url, 1, 'wrong secret'), 401, 'wrong secret');
  t.equal(await rawSocket(url, 5), 401, 'a PE outside the job');
  const dataToken = await withTimeout(
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { [PE_HEADER]: '0', [AUTH_HEADER]: authToken(SECRET, 'data:0') } });
      socket.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      socket.once('open', () => resolve(200));
      socket.once('error', reject);
    }),
    'a data token',
  );
  t.equal(dataToken, 401, 'a data-connection token is not a control token');
  await t.rejects(ControlClient.connect(url, 'wrong', 0, 2000), { name: 'ProtocolError', message: /refused PE 0 \(HTTP 401\)/ });
  t.equal(log.refused.length, 4);
  t.match(log.refused[0], /claiming PE 1: missing or wrong job credentials/);
  t.match(log.refused[1], /no valid PE number/);
});

t.test('a second control connection for one PE is refused', async (t) => {
  const { url, log } = await startServer(t, 2);
  await clients(t, url, [1]);
  t.equal(await rawSocket(url, 1), 401);
  t.match(log.refused[0], /second control connection for PE 1/);
});

t.test('a malformed control message closes that PE\'s connection', async (t) => {
  const { url, log } = await startServer(t, 2);
  for (const payload of ['not json', JSON.stringify({ t: 'hello', pe: 0 }), JSON.stringify({ t: 'exit', pe: 1, code: 0 }), JSON.stringify({ t: 'dance', pe: 0 })]) {
    const socket = await rawSocket(url, 0);
    if (typeof socket === 'number') throw new Error(`refused ${socket}`);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.send(payload);
    await withTimeout(closed, `closing after ${payload}`);
    await waitFor(() => log.disconnects.length > 0, 'the disconnect');
    log.disconnects.length = 0;
  }
  t.equal(log.refused.length, 4);
  t.ok(log.refused.every((r) => /PE 0 sent a malformed control message/.test(r)));
  t.strictSame(log.exits, [], 'the message claiming another PE was not relayed');
});

t.test('shutdown reaches every connected client', async (t) => {
  const { server, url } = await startServer(t, 2);
  const list = await clients(t, url, [0, 1]);
  const codes: number[] = [];
  const lost: string[] = [];
  for (const client of list) client.setEvents({ onShutdown: (code) => codes.push(code), onLost: (why) => lost.push(why) });
  server.shutdown(7);
  await waitFor(() => codes.length === 2, 'both shutdowns');
  t.strictSame(codes, [7, 7]);
  await server.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.strictSame(lost, [], 'a close after shutdown is not a loss');
});

t.test('a client that goes away is reported as disconnected', async (t) => {
  const { url, log } = await startServer(t, 2);
  const [c0] = await clients(t, url, [0]);
  c0!.close();
  await waitFor(() => log.disconnects.length === 1, 'the disconnect');
  t.strictSame(log.disconnects, [0]);
});

t.test('close is idempotent and reports no disconnects of its own', async (t) => {
  const { server, url, log } = await startServer(t, 1);
  await clients(t, url, [0]);
  await withTimeout(Promise.all([server.close(), server.close()]), 'close');
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.strictSame(log.disconnects, []);
});

t.test('heartbeat: a PE that stops answering pings is reported once; one that answers is not', async (t) => {
  const silent: [readonly number[], number][] = [];
  const log = new LauncherLog();
  const server = new ControlServer({
    numPes: 2,
    secret: SECRET,
    host: '127.0.0.1',
    rendezvousTimeoutMs: 10_000,
    heartbeatMs: 200,
    events: Object.assign(log, { onUnresponsive: (pes: readonly number[], ms: number) => void silent.push([pes, ms]) }),
  });
  t.teardown(() => server.close());
  const url = await withTimeout(server.listen(), 'the server to listen');
  await clients(t, url, [0]);
  const mute = await withTimeout(
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url, { autoPong: false, headers: { [PE_HEADER]: '1', [AUTH_HEADER]: authToken(SECRET, 'control:1') } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    }),
    'a PE that never answers pings',
  );
  t.teardown(() => mute.terminate());
  await waitFor(() => silent.length > 0, 'the silent PE to be reported');
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.strictSame(silent, [[[1], 200]], 'PE 1 only, reported once');
});
