/**
 * ShmTransport across real worker threads, driven by the runtime's Scheduler (poll, spin, arm):
 * 2 and 4 PEs exchanging frames all-to-all (complete, bitwise intact including a 4 MiB segment,
 * in per-sender order with large and small interleaved, through rings smaller than the frames),
 * a parked PE woken by a send, an idle parked process using (almost) no CPU, and close.
 *
 * This file is also the worker threads' program: in a worker it runs a scripted PE instead of
 * tests (tap is only loaded on the main thread).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler } from '../../../src/runtime/scheduler.js';
import { attachShmRegion, createShmRegion, ShmTransport, type ShmRegionDescription } from '../../../src/transport/shm/index.js';
import type { Frame, TransportEvents } from '../../../src/transport/transport.js';

interface PeData {
  readonly region: ShmRegionDescription;
  readonly pe: number;
  readonly numPes: number;
  readonly frames: number;
  /** The scheduler's spin before parking (default 100 us; 0: park whenever idle). */
  readonly spinMicros?: number;
}

interface Delivery {
  readonly from: number;
  readonly frame: Frame;
}

/** Segment sizes of frame `seq`: empty, tiny, odd, large (own buffer), and one 4 MiB segment. */
function plan(seq: number, frames: number): number[] {
  if (seq === frames >> 1) return [5, 4 << 20, 3];
  return [[], [3], [8, 17], [70_000], [1, 300_001], [4096], [33, 0, 65]][seq % 7]!;
}

const byteOf = (from: number, seq: number, k: number, j: number): number => (from * 7 + seq * 13 + k * 29 + j) & 0xff;

function makeFrame(from: number, seq: number, sizes: readonly number[]): Frame {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint32(0, from, true);
  view.setUint32(4, seq, true);
  view.setUint32(8, sizes.length, true);
  const segments = sizes.map((size, k) => {
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) bytes[j] = byteOf(from, seq, k, j);
    return bytes;
  });
  return { header, segments };
}

/** Null when `frame` is frame `seq` from `from`, else what is wrong. */
function checkFrame(frame: Frame, from: number, seq: number, frames: number): string | null {
  const view = new DataView(frame.header.buffer, frame.header.byteOffset, frame.header.byteLength);
  if (view.getUint32(0, true) !== from || view.getUint32(4, true) !== seq) return `expected frame ${seq} from ${from}, got ${view.getUint32(4, true)} from ${view.getUint32(0, true)}`;
  const sizes = plan(seq, frames);
  if (frame.segments.length !== sizes.length) return `frame ${seq} from ${from}: ${frame.segments.length} segments`;
  for (let k = 0; k < sizes.length; k++) {
    const segment = frame.segments[k]!;
    if (segment.byteLength !== sizes[k]) return `frame ${seq} from ${from}: segment ${k} has ${segment.byteLength} bytes`;
    if (segment.byteOffset % 8 !== 0) return `frame ${seq} from ${from}: segment ${k} misaligned`;
    for (let j = 0; j < segment.byteLength; j++) if (segment[j] !== byteOf(from, seq, k, j)) return `frame ${seq} from ${from}: segment ${k} byte ${j} differs`;
  }
  return null;
}

/** A PE: its transport polled by a Scheduler, as the runtime does. */
function startPe(data: PeData, handle: (delivery: Delivery) => void, lost?: (pe: number) => void) {
  const scheduler = new Scheduler<Delivery>(handle, { ...DEFAULT_SCHEDULER_OPTIONS, spinMicros: data.spinMicros ?? 50 });
  const events: TransportEvents = {
    onFrame: (from, frame) => scheduler.enqueue({ from, frame }, true),
    onPeerLost: (pe) => lost?.(pe),
    onProtocolError: (reason) => {
      throw new Error(reason);
    },
  };
  const transport = new ShmTransport({ pe: data.pe, numPes: data.numPes, secret: '', listenHost: '', events }, attachShmRegion(data.region));
  scheduler.addPollSource(transport);
  return { scheduler, transport };
}

/** The worker side: all-to-all exchange on "go", echo of anything else, close on "close". */
function runPeer(data: PeData): void {
  const port = parentPort!;
  const expected = new Map<number, number>();
  const problems: string[] = [];
  let complete = false;
  const { scheduler, transport } = startPe(data, ({ from, frame }) => {
    if (frame.header.byteLength !== 12) {
      transport.send(from, frame);
      return;
    }
    const seq = expected.get(from) ?? 0;
    const problem = checkFrame(frame, from, seq, data.frames);
    if (problem !== null && problems.length < 5) problems.push(problem);
    expected.set(from, seq + 1);
    const done = [...Array(data.numPes).keys()].every((pe) => pe === data.pe || expected.get(pe) === data.frames);
    if (done && !complete) {
      complete = true;
      port.postMessage({ done: data.pe, problems });
    }
  });
  port.on('message', (message: { cmd: string; to?: number; count?: number }) => {
    if (message.cmd === 'go') {
      for (let seq = 0; seq < data.frames; seq++) {
        for (let pe = 0; pe < data.numPes; pe++) if (pe !== data.pe) transport.send(pe, makeFrame(data.pe, seq, plan(seq, data.frames)));
      }
    } else if (message.cmd === 'send-and-close') {
      for (let i = 0; i < message.count!; i++) transport.send(message.to!, { header: new Uint8Array([i]), segments: [] });
      void transport.close().then(() => port.postMessage({ closed: data.pe }));
    } else if (message.cmd === 'exit') {
      scheduler.stop();
      void transport.close().then(() => port.close());
    }
  });
  port.postMessage({ ready: data.pe });
}

/** Starts PE `pe` of `region` as a worker thread running this file (through tsx, as PE threads do). */
function startWorker(data: PeData): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

/** Resolves with the first message from `worker` that has `key`; rejects on error, exit or after `ms`. */
function next<T>(worker: Worker, key: string, ms = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${key}" from the worker within ${ms} ms`)), ms);
    const onMessage = (message: Record<string, unknown>): void => {
      if (key in message) finish(undefined, message as T);
    };
    const onError = (error: Error): void => finish(error);
    const onExit = (code: number): void => finish(new Error(`worker exited (${code}) before "${key}"`));
    function finish(error?: Error, value?: T): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

async function stopAll(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 5000);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.postMessage({ cmd: 'exit' });
        }),
    ),
  );
}

async function tests(): Promise<void> {
  const { default: t } = await import('tap');
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  for (const { count, ringBytes } of [
    { count: 2, ringBytes: 1 << 16 },
    { count: 4, ringBytes: undefined },
  ]) {
    t.test(`${count} PEs exchange frames all-to-all, complete, intact and in order`, { timeout: 90_000 }, async (t) => {
      const region = createShmRegion({ firstPe: 0, count, ...(ringBytes ? { ringBytes } : {}) });
      const frames = 21;
      const workers = [...Array(count).keys()].map((pe) => startWorker({ region, pe, numPes: count, frames }));
      t.teardown(() => stopAll(workers));
      await Promise.all(workers.map((w) => next(w, 'ready')));
      const done = workers.map((w) => next<{ done: number; problems: string[] }>(w, 'done', 60_000));
      for (const worker of workers) worker.postMessage({ cmd: 'go' });
      for (const result of await Promise.all(done)) t.same(result.problems, [], `PE ${result.done} received every frame intact and in order`);
    });
  }

  t.test('a parked PE wakes on a send; an idle parked process uses no CPU', { timeout: 30_000 }, async (t) => {
    const region = createShmRegion({ firstPe: 0, count: 2 });
    const worker = startWorker({ region, pe: 1, numPes: 2, frames: 0 });
    t.teardown(() => stopAll([worker]));
    await next(worker, 'ready');
    const replies: Frame[] = [];
    const { scheduler, transport } = startPe({ region, pe: 0, numPes: 2, frames: 0 }, ({ frame }) => replies.push(frame));
    t.teardown(async () => {
      scheduler.stop();
      await transport.close();
    });
    const roundTrip = async (): Promise<number> => {
      const before = replies.length;
      const started = performance.now();
      transport.send(1, { header: new Uint8Array([1, 2, 3]), segments: [] });
      while (replies.length === before) {
        if (performance.now() - started > 5000) throw new Error('no reply within 5 s');
        await sleep(1);
      }
      return performance.now() - started;
    };
    await roundTrip();
    await sleep(200);
    const cpu = process.cpuUsage();
    const elu = worker.performance.eventLoopUtilization();
    await sleep(1000);
    const used = process.cpuUsage(cpu);
    const workerElu = worker.performance.eventLoopUtilization(elu);
    const cpuMs = (used.user + used.system) / 1000;
    t.ok(cpuMs < 100, `process CPU over 1 s of idling: ${cpuMs.toFixed(1)} ms`);
    t.ok(workerElu.utilization < 0.05, `worker event loop utilization while parked: ${workerElu.utilization.toFixed(4)}`);
    const ms = await roundTrip();
    t.ok(ms < 1000, `the parked worker woke and replied in ${ms.toFixed(2)} ms`);
    t.same([...replies.at(-1)!.header], [1, 2, 3]);
  });

  t.test('no lost wake-up: 3000 round trips with both PEs parking whenever idle', { timeout: 60_000 }, async (t) => {
    const region = createShmRegion({ firstPe: 0, count: 2 });
    const worker = startWorker({ region, pe: 1, numPes: 2, frames: 0, spinMicros: 0 });
    t.teardown(() => stopAll([worker]));
    await next(worker, 'ready');
    const trips = 3000;
    let count = 0;
    let finished: () => void = () => {};
    const all = new Promise<void>((resolve) => (finished = resolve));
    const ping = (i: number): Frame => ({ header: new Uint8Array([i & 0xff, 7]), segments: i % 5 === 0 ? [new Uint8Array(40_000)] : [] });
    const { scheduler, transport } = startPe({ region, pe: 0, numPes: 2, frames: 0, spinMicros: 0 }, ({ frame }) => {
      if (frame.header[0] !== (count & 0xff)) t.fail(`reply ${frame.header[0]} out of order (expected ${count & 0xff})`);
      if (++count === trips) finished();
      else transport.send(1, ping(count));
    });
    t.teardown(async () => {
      scheduler.stop();
      await transport.close();
    });
    const started = performance.now();
    transport.send(1, ping(0));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 45_000)));
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    const ms = performance.now() - started;
    t.equal(count, trips, `every round trip completed (${((ms * 1000) / trips / 2).toFixed(1)} us per parked hop)`);
  });

  t.test('close: what was sent arrives, then the peer is reported lost once', { timeout: 30_000 }, async (t) => {
    const region = createShmRegion({ firstPe: 0, count: 2 });
    const worker = startWorker({ region, pe: 1, numPes: 2, frames: 0 });
    t.teardown(() => stopAll([worker]));
    await next(worker, 'ready');
    const got: number[] = [];
    const lost: number[] = [];
    // Frames handed on by the transport when the loss was reported: handled, or still queued.
    let handedOnBeforeLoss = -1;
    const pe = startPe(
      { region, pe: 0, numPes: 2, frames: 0 },
      ({ frame }) => got.push(frame.header[0]!),
      (from) => {
        handedOnBeforeLoss = got.length + pe.scheduler.queued;
        lost.push(from);
      },
    );
    const { scheduler, transport } = pe;
    t.teardown(async () => {
      scheduler.stop();
      await transport.close();
    });
    worker.postMessage({ cmd: 'send-and-close', to: 0, count: 200 });
    await next(worker, 'closed');
    for (let waited = 0; (lost.length === 0 || got.length < 200) && waited < 5000; waited += 5) await sleep(5);
    t.same(got, [...Array(200).keys()].map((i) => i & 0xff), 'every frame sent before closing, in order');
    t.same(lost, [1], 'reported lost once');
    t.equal(handedOnBeforeLoss, 200, 'the loss was reported after every frame was handed on');
    transport.send(1, { header: new Uint8Array(1), segments: [] });
    await sleep(10);
    t.same(lost, [1], 'a send to the closed peer is dropped without a second report');
  });
}

if (isMainThread) await tests();
else runPeer(workerData as PeData);
