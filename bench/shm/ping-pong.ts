/**
 * OSU-style point-to-point benchmark of ShmTransport alone, between two worker threads of this
 * process (the main thread is PE 0, a worker is PE 1): half round-trip latency (ping-pong,
 * busy-polling), windowed one-way bandwidth (busy-polling), and the half round trip when the
 * responder parks between messages (it pays a thread wake-up each time).
 *
 *   npx tsx bench/shm/ping-pong.ts [--sizes 8,64,...] [--reps 5] [--ring BYTES] [--chunk BYTES] [--release] [--quick]
 *
 * Prints one JSON line per measurement ({"bench":"shm", ...}) and one per size with
 * `"best": true` (the best repetition; on a shared machine the best is the honest figure).
 * Latency is timed over batches of iterations (no clock read per message) and the median
 * batch is reported. A message of size 8 is a frame whose 8-byte header is the payload; larger
 * sizes are an 8-byte header plus one segment of that size (how the codec sends a typed array).
 * `--release` hands every received frame back to the receive pool (ShmTransport.release), as a
 * runtime can when it knows the payload is no longer used; without it every large segment is
 * received into fresh memory, as for a program that keeps what it receives.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { attachShmRegion, createShmRegion, ShmTransport, type ShmRegionDescription } from '../../src/transport/shm/index.js';
import type { Frame } from '../../src/transport/transport.js';
import { makeFrame } from '../lib/bench-frame.js';
import { timeWindows, windowedPlan } from '../lib/windowed-rounds.js';

const OP_PING = 1;
const OP_DATA = 2;
const OP_ACK = 3;
const OP_PARK = 4;
const OP_SPIN = 5;
const OP_STOP = 6;
const DEFAULT_SIZES = [8, 64, 512, 4096, 16384, 65536, 262144, 1048576, 4194304];

interface ThreadData {
  readonly region: ShmRegionDescription;
  readonly chunk: number;
  readonly release: boolean;
}

function startTransport(pe: number, data: ThreadData, onFrame: (frame: Frame) => void): ShmTransport {
  const fail = (why: string): never => {
    throw new Error(why);
  };
  return new ShmTransport(
    { pe, numPes: 2, secret: '', listenHost: '', events: { onFrame: (_from, frame) => onFrame(frame), onPeerLost: () => {}, onProtocolError: fail } },
    attachShmRegion(data.region),
    { chunkBytes: data.chunk },
  );
}

/** PE 1: echoes pings, acknowledges each window of data; spins, or parks between messages after OP_PARK. */
async function responder(data: ThreadData): Promise<void> {
  let received = 0;
  let park = false;
  let stop = false;
  const replies = new Map<number, Frame>();
  const transport = startTransport(1, data, (frame) => {
    const op = frame.header[0];
    const arg = new DataView(frame.header.buffer, frame.header.byteOffset, 8).getUint32(4, true);
    const size = frame.segments.length === 0 ? 8 : frame.segments[0]!.byteLength;
    if (data.release) transport.release(frame);
    if (op === OP_PING) {
      let reply = replies.get(size);
      if (reply === undefined) replies.set(size, (reply = makeFrame(OP_PING, size)));
      transport.send(0, reply);
    } else if (op === OP_DATA && ++received === arg) {
      received = 0;
      transport.send(0, makeFrame(OP_ACK, 8));
    } else if (op === OP_PARK || op === OP_SPIN) {
      park = op === OP_PARK;
      transport.send(0, makeFrame(OP_ACK, 8));
    } else if (op === OP_STOP) {
      stop = true;
    }
  });
  parentPort!.postMessage('ready');
  while (!stop) {
    const events = transport.poll();
    if (park && events === 0) {
      await new Promise<void>((resolve) => {
        if (!transport.arm(resolve)) resolve();
      });
    } else if (!park) {
      for (let i = 0; i < 4096 && !stop && !park; i++) transport.poll();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  await transport.close();
}

/** PE 0: runs the measurements and prints them. */
async function driver(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      reps: { type: 'string', default: '5' },
      ring: { type: 'string' },
      chunk: { type: 'string', default: String(64 * 1024) },
      release: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes ? values.sizes.split(',').map(Number) : DEFAULT_SIZES;
  const reps = Number(values.reps);
  const scale = values.quick ? 0.2 : 1;
  const region = createShmRegion({ firstPe: 0, count: 2, ...(values.ring ? { ringBytes: Number(values.ring) } : {}) });
  const data: ThreadData = { region, chunk: Number(values.chunk), release: values.release === true };
  let pongs = 0;
  let acks = 0;
  const transport = startTransport(0, data, (frame) => {
    if (frame.header[0] === OP_PING) pongs++;
    else if (frame.header[0] === OP_ACK) acks++;
    if (data.release) transport.release(frame);
  });
  const worker = await startWorker(data);
  const spinUntil = (done: () => boolean): void => {
    while (!done()) transport.poll();
  };
  const emit = (record: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ bench: 'shm', ringBytes: region.ringBytes, chunkBytes: data.chunk, release: data.release, ...record })}\n`);
  };
  const control = (op: number): void => {
    const target = acks + 1;
    transport.send(1, makeFrame(op, 8));
    spinUntil(() => acks >= target);
  };
  const latency = async (size: number, test: string, iterations: number, batch: number): Promise<void> => {
    const ping = makeFrame(OP_PING, size);
    const roundTrip = (): void => {
      const target = pongs + 1;
      transport.send(1, ping);
      spinUntil(() => pongs >= target);
    };
    const batches = Math.max(5, Math.floor(iterations / batch));
    const times = new Float64Array(batches);
    let best = Infinity;
    for (let rep = 0; rep < reps; rep++) {
      for (let i = 0; i < Math.max(10, batch); i++) roundTrip();
      for (let b = 0; b < batches; b++) {
        const start = performance.now();
        for (let i = 0; i < batch; i++) roundTrip();
        times[b] = ((performance.now() - start) * 1000) / batch / 2;
      }
      const median = Float64Array.from(times).sort()[batches >> 1]!;
      best = Math.min(best, median);
      emit({ test, size, iterations: batches * batch, rep, halfRoundTripUs: round(median) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    emit({ test, size, best: true, halfRoundTripUs: round(best) });
  };

  for (const size of sizes) {
    const iterations = Math.ceil((size <= 4096 ? 50000 : size <= 65536 ? 10000 : size <= 1048576 ? 1000 : 300) * scale);
    await latency(size, 'latency', iterations, size <= 4096 ? 1000 : size <= 65536 ? 200 : 20);
  }

  for (const size of sizes) {
    const { window, rounds } = windowedPlan(size, scale);
    const frame = makeFrame(OP_DATA, size, window);
    let best = 0;
    for (let rep = 0; rep < reps; rep++) {
      const times = timeWindows(window, rounds, () => transport.send(1, frame), () => acks, () => transport.poll());
      const median = Float64Array.from(times).sort()[rounds >> 1]!;
      const gbps = (size * window) / median / 1e9;
      best = Math.max(best, gbps);
      emit({ test: 'bandwidth', size, window, rounds, rep, gbps: round(gbps) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    emit({ test: 'bandwidth', size, best: true, gbps: round(best) });
  }

  control(OP_PARK);
  await latency(8, 'latency-parked-responder', Math.ceil(2000 * scale), 20);
  control(OP_SPIN);
  transport.send(1, makeFrame(OP_STOP, 8));
  transport.poll();
  await new Promise((resolve) => worker.once('exit', resolve));
  await transport.close();
}

/** Starts PE 1 as a worker thread running this file (through tsx, as the main thread does). */
async function startWorker(data: ThreadData): Promise<Worker> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
  worker.on('error', (error) => {
    process.stderr.write(`responder failed: ${error.stack ?? String(error)}\n`);
    process.exit(1);
  });
  worker.on('exit', (code) => process.stderr.write(`responder exited ${code}\n`));
  await new Promise((resolve) => worker.once('message', resolve));
  worker.once('exit', (code) => {
    if (code !== 0) process.exit(1);
  });
  return worker;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (isMainThread) await driver();
else await responder(workerData as ThreadData);
