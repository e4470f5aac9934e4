/**
 * OSU-style point-to-point benchmark of UcxTransport alone, between two processes on this host:
 * half round-trip latency (ping-pong) and windowed one-way bandwidth, both busy-polling.
 *
 *   npx tsx bench/ucx-raw/ping-pong.ts [--sizes 8,64,...] [--reps 3] [--release] [--park] [--lend BYTES]
 *
 * Prints one JSON line per measurement ({"bench":"ucx-raw", ...}): per repetition the mean and
 * the median over iterations (latency) or window rounds (bandwidth), then the best repetition
 * (lowest median). A message of size 8 is a frame
 * whose 8-byte header is the payload; larger sizes are an 8-byte header plus one segment of that
 * size (how the codec sends a typed array). `--release` hands each received frame back to the
 * pool at once; without it buffers return when V8 collects them, as in a real program. `--park`
 * makes the responder park on the UCX event fd whenever it is idle instead of spinning. `--lend`
 * sets the transport's lentHeaderBytes, as the runtime does (4096): a frame without segments then
 * arrives in memory the next message reuses instead of an ArrayBuffer of its own.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadUcxAddon } from '../../src/transport/ucx/ucx-availability.js';
import { UcxTransport } from '../../src/transport/ucx/ucx-transport.js';
import type { Frame } from '../../src/transport/transport.js';
import { makeFrame } from '../lib/bench-frame.js';
import { timeWindows, windowedPlan } from '../lib/windowed-rounds.js';

const OP_PING = 1;
const OP_DATA = 2;
const OP_ACK = 3;
const DEFAULT_SIZES = [8, 64, 512, 4096, 16384, 65536, 262144, 1048576, 4194304];
const SECRET = 'ucx-raw-bench';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'driver' },
    sizes: { type: 'string' },
    reps: { type: 'string', default: '3' },
    release: { type: 'boolean', default: false },
    park: { type: 'boolean', default: false },
    'no-wakeup': { type: 'boolean', default: false },
    'error-handling': { type: 'string', default: 'auto' },
    'retain-mib': { type: 'string' },
    lend: { type: 'string', default: '0' },
  },
});
const sizes = values.sizes ? values.sizes.split(',').map(Number) : DEFAULT_SIZES;
const reps = Number(values.reps);
const release = values.release === true;

function errorMode(value: string | undefined): 'auto' | 'peer' | 'none' {
  if (value === 'auto' || value === 'peer' || value === 'none') return value;
  throw new Error(`--error-handling must be auto, peer or none (not ${value})`);
}

function startTransport(pe: number, onFrame: (from: number, frame: Frame) => void): UcxTransport {
  const availability = loadUcxAddon();
  if (!availability.available) {
    process.stdout.write(`${JSON.stringify({ bench: 'ucx-raw', skipped: availability.reason })}\n`);
    process.exit(0);
  }
  return new UcxTransport(
    {
      pe,
      numPes: 2,
      secret: SECRET,
      listenHost: '127.0.0.1',
      events: {
        onFrame,
        onPeerLost: (lost, reason) => {
          if (pe === 0) throw new Error(`PE ${lost} lost: ${reason}`);
          process.exit(0);
        },
        onProtocolError: (reason) => {
          throw new Error(reason);
        },
      },
    },
    {
      addon: availability.addon,
      wakeup: !values['no-wakeup'],
      errorHandling: errorMode(values['error-handling']),
      ...(values['retain-mib'] ? { maxRetainedBytes: Number(values['retain-mib']) * 1048576 } : {}),
      lentHeaderBytes: Number(values.lend),
    },
  );
}

/** PE 1: answers pings with a frame of the same size and acknowledges each window of data. */
async function responder(): Promise<void> {
  const replies = new Map<number, Frame>();
  let received = 0;
  const transport = startTransport(1, (from, frame) => {
    const op = frame.header[0];
    const arg = new DataView(frame.header.buffer, frame.header.byteOffset, 8).getUint32(4, true);
    const size = frame.segments.length === 0 ? 8 : frame.segments[0]!.byteLength;
    if (release) transport.release(frame);
    if (op === OP_PING) {
      let reply = replies.get(size);
      if (reply === undefined) {
        reply = makeFrame(OP_PING, size);
        replies.set(size, reply);
      }
      transport.send(from, reply);
    } else if (op === OP_DATA && ++received === arg) {
      received = 0;
      transport.send(from, makeFrame(OP_ACK, 8));
    }
  });
  const address = await transport.listen();
  process.send?.({ address });
  const peers = await new Promise<string>((resolve) => process.once('message', (m) => resolve((m as { address: string }).address)));
  await transport.connect(new Map([[0, peers]]));
  process.send?.({ ready: true });
  for (;;) {
    let events = 0;
    for (let i = 0; i < 20000; i++) events += transport.poll();
    if (values.park && events === 0) {
      await new Promise<void>((resolve) => {
        if (!transport.arm(resolve)) resolve();
      });
    } else {
      await yieldToLoop();
    }
  }
}

/** PE 0: runs the measurements and prints them. */
async function driver(): Promise<void> {
  let pongs = 0;
  let acks = 0;
  const transport = startTransport(0, (_from, frame) => {
    if (frame.header[0] === OP_PING) pongs++;
    else if (frame.header[0] === OP_ACK) acks++;
    if (release) transport.release(frame);
  });
  const script = fileURLToPath(import.meta.url);
  const args = ['--role', 'responder', ...process.argv.slice(2).filter((a) => a !== '--role')];
  const child = fork(script, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: Record<string, string | boolean>[] = [];
  child.on('message', (m) => replies.push(m as Record<string, string | boolean>));
  const waitReply = async (key: string): Promise<Record<string, string | boolean>> => {
    for (;;) {
      const index = replies.findIndex((r) => key in r);
      if (index >= 0) return replies.splice(index, 1)[0]!;
      transport.poll();
      await yieldToLoop();
    }
  };
  const address = await transport.listen();
  const peer = String((await waitReply('address')).address);
  await transport.connect(new Map([[1, peer]]));
  child.send({ address });
  await waitReply('ready');

  const spinUntil = (done: () => boolean): void => {
    while (!done()) transport.poll();
  };
  const emit = (record: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ bench: 'ucx-raw', release, park: values.park, ...record })}\n`);
  };

  for (const size of sizes) {
    const iterations = size <= 4096 ? 20000 : size <= 65536 ? 5000 : size <= 1048576 ? 500 : 200;
    const ping = makeFrame(OP_PING, size);
    const times = new Float64Array(iterations);
    let best = { median: Infinity, mean: Infinity };
    for (let rep = 0; rep < reps; rep++) {
      const warmup = Math.max(10, iterations / 10);
      for (let i = 0; i < warmup; i++) {
        const target = pongs + 1;
        transport.send(1, ping);
        spinUntil(() => pongs >= target);
      }
      for (let i = 0; i < iterations; i++) {
        const start = process.hrtime.bigint();
        const target = pongs + 1;
        transport.send(1, ping);
        spinUntil(() => pongs >= target);
        times[i] = Number(process.hrtime.bigint() - start) / 1000 / 2;
      }
      const stats = summarize(times);
      if (stats.median < best.median) best = stats;
      emit({ test: 'latency', size, iterations, rep, halfRoundTripUs: round(stats.mean), medianUs: round(stats.median) });
      await yieldToLoop();
    }
    emit({ test: 'latency', size, best: true, halfRoundTripUs: round(best.mean), medianUs: round(best.median) });
  }

  for (const size of sizes) {
    const { window, rounds } = windowedPlan(size);
    const data = makeFrame(OP_DATA, size, window);
    let best = { median: Infinity, mean: Infinity };
    for (let rep = 0; rep < reps; rep++) {
      const times = timeWindows(window, rounds, () => transport.send(1, data), () => acks, () => transport.poll());
      const stats = summarize(times);
      if (stats.median < best.median) best = stats;
      const bytes = size * window;
      emit({ test: 'bandwidth', size, window, rounds, rep, gbps: round(bytes / stats.mean / 1e9), medianGbps: round(bytes / stats.median / 1e9) });
      await yieldToLoop();
    }
    const bytes = size * window;
    emit({ test: 'bandwidth', size, best: true, gbps: round(bytes / best.mean / 1e9), medianGbps: round(bytes / best.median / 1e9), pool: transport.poolStats() });
  }

  child.kill();
  await transport.close();
}

/** Mean and median of the samples (per iteration): the median resists the stalls of a shared machine. */
function summarize(samples: Float64Array): { mean: number; median: number } {
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mean, median: sorted[sorted.length >> 1]! };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (values.role === 'responder') {
  await responder();
} else {
  await driver();
}
