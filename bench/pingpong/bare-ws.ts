/**
 * The baseline for bench/pingpong: the same ping-pong and windowed bandwidth over a bare `ws`
 * connection between two Node processes (default ws settings, compression off), with no
 * runtime in between. Prints JSON lines in the same format.
 *
 *     node --import tsx bench/pingpong/bare-ws.ts [--max BYTES]
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { bandwidthWindows, latencyIterations, medianBatch, messageSizes, warmupIterations, WINDOW } from './sizes.js';

if (process.argv.includes('--serve')) serve();
else void drive();

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
    });
    ws.on('close', () => process.exit(0));
  });
}

async function drive(): Promise<void> {
  const i = process.argv.indexOf('--max');
  const max = i >= 0 ? Number(process.argv[i + 1]) : 4 << 20;
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise((resolve) => ws.once('open', resolve));
  let onMessage: (data: Buffer) => void = () => undefined;
  ws.on('message', (data: Buffer) => onMessage(data));
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
    await pingPong(data, warmupIterations(size));
    const iterations = latencyIterations(size);
    const seconds = await medianBatch(() => pingPong(data, iterations));
    console.log(JSON.stringify({ bench: 'pingpong', impl: 'bare-ws', transport: 'ws', size, iterations, latency_us: (seconds / iterations / 2) * 1e6 }));
  }
  await setMode('stream');
  for (const size of messageSizes(max)) {
    const data = Buffer.alloc(size, 7);
    const windows = bandwidthWindows(size);
    await stream(data, 2);
    const seconds = await medianBatch(() => stream(data, windows));
    console.log(JSON.stringify({ bench: 'bandwidth', impl: 'bare-ws', transport: 'ws', size, window: WINDOW, windows, MBps: (size * WINDOW * windows) / seconds / 1e6 }));
  }
  ws.close();
}
