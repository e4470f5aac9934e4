/**
 * The baseline for bench/pingpong: the same ping-pong and windowed bandwidth over a bare `ws`
 * connection between two Node processes (default ws settings, compression off), with no
 * runtime in between. Prints JSON lines in the same format.
 *
 *     node --import tsx bench/pingpong/bare-ws.ts [--max BYTES] [--spin US]
 *
 * By default each side blocks in the event loop between messages, as a plain ws program does.
 * `--spin US` keeps both event loops polling without blocking for US microseconds after each
 * message (`setImmediate` turns, as a charm4ts PE on ws does for `+spinMicros`): the floor of a
 * ping-pong over ws sockets on this machine, without wake-ups.
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { bandwidthWindows, JIT_WARMUP_ROUND_TRIPS, latencyIterations, medianBatch, messageSizes, warmupIterations, WINDOW } from './sizes.js';

const spinMicros = numberFlag('--spin', 0);
if (process.argv.includes('--serve')) serve();
else void drive();

function numberFlag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

let spinSince = 0;
let spinning = false;
/** Keeps the event loop polling without blocking for `spinMicros` from now (nothing when 0). */
function spinAfterMessage(): void {
  spinSince = performance.now();
  if (spinning || spinMicros === 0) return;
  spinning = true;
  const turn = (): void => {
    if (performance.now() - spinSince >= spinMicros / 1000) spinning = false;
    else setImmediate(turn);
  };
  setImmediate(turn);
}

/** The echo side (second process): echoes ping-pong messages, acks every WINDOW stream messages. */
function serve(): void {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1 << 30 });
  server.on('listening', () => process.send!({ port: (server.address() as AddressInfo).port }));
  server.on('connection', (ws) => {
    let mode = 'echo';
    let count = 0;
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        mode = data.toString();
        count = 0;
        ws.send('ok');
        return;
      }
      if (mode === 'echo') ws.send(data, { binary: true });
      else if (++count % WINDOW === 0) ws.send(Buffer.alloc(1), { binary: true });
      spinAfterMessage();
    });
    ws.on('close', () => process.exit(0));
  });
}

async function drive(): Promise<void> {
  const max = numberFlag('--max', 4 << 20);
  const impl = spinMicros > 0 ? `bare-ws spin ${spinMicros}` : 'bare-ws';
  const child = fork(new URL(import.meta.url).pathname, ['--serve', '--spin', String(spinMicros)], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((resolve) => ws.once('open', resolve));
  let onMessage: (data: Buffer) => void = () => undefined;
  ws.on('message', (data: Buffer) => {
    onMessage(data);
    spinAfterMessage();
  });
  const setMode = (mode: string): Promise<void> =>
    new Promise((resolve) => {
      onMessage = () => resolve();
      ws.send(mode);
    });
  const pingPong = (data: Buffer, iterations: number): Promise<number> =>
    new Promise((resolve) => {
      let left = iterations;
      const start = performance.now();
      onMessage = (reply) => {
        if (--left > 0) ws.send(reply, { binary: true });
        else resolve((performance.now() - start) / 1000);
      };
      ws.send(data, { binary: true });
    });
  const stream = (data: Buffer, windows: number): Promise<number> =>
    new Promise((resolve) => {
      let left = windows;
      const start = performance.now();
      const sendWindow = (): void => {
        for (let k = 0; k < WINDOW; k++) ws.send(data, { binary: true });
      };
      onMessage = () => {
        if (--left > 0) sendWindow();
        else resolve((performance.now() - start) / 1000);
      };
      sendWindow();
    });
  await setMode('echo');
  for (const size of messageSizes(max)) {
    const data = Buffer.alloc(size, 7);
    await pingPong(data, size === 1 ? JIT_WARMUP_ROUND_TRIPS : warmupIterations(size));
    const iterations = latencyIterations(size);
    const seconds = await medianBatch(() => pingPong(data, iterations));
    console.log(JSON.stringify({ bench: 'pingpong', impl, transport: 'ws', size, iterations, latency_us: (seconds / iterations / 2) * 1e6 }));
  }
  await setMode('stream');
  for (const size of messageSizes(max)) {
    const data = Buffer.alloc(size, 7);
    const windows = bandwidthWindows(size);
    await stream(data, 2);
    const seconds = await medianBatch(() => stream(data, windows));
    console.log(JSON.stringify({ bench: 'bandwidth', impl, transport: 'ws', size, window: WINDOW, windows, MBps: (size * WINDOW * windows) / seconds / 1e6 }));
  }
  ws.close();
}
