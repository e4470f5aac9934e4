/**
 * OSU-style ping-pong between two chares on two PEs, through the runtime: half round-trip
 * latency for 1 B .. 4 MiB, then windowed bandwidth (64 messages in flight, one ack per
 * window). Prints one JSON line per measurement.
 *
 *     charmrun +p2 bench/pingpong/pingpong.ts [--min BYTES] [--max BYTES] [--only latency|bandwidth]
 *                 [--label NAME] [--keep-arrays] [--iterations N] [--batches N]
 *
 * By default the measured entry methods borrow their arguments (Charm++'s marshalled-parameter
 * semantics): a received array goes back to the transport when the call returns, and each
 * endpoint answers with a payload of its own, as OSU's latency test receives into one buffer and
 * sends from another. `--keep-arrays` measures the default semantics instead: every received
 * array is the program's own, and the ping-pong sends the received array back. `--iterations N`
 * sets the round trips per latency batch (default: fewer for larger sizes, see sizes.ts).
 * `--batches N` times N latency batches per size instead of 5 and adds their spread per hop
 * (`batch_us`: fastest, 10th, 25th, 50th and 75th percentile, and the mean), which on a shared machine tells
 * two builds apart better than any one batch: e.g. `--min 8 --max 8 --only latency --batches
 * 300 --iterations 1000`.
 */
import { charm, ChareArray, type BorrowedEntries, type Future } from 'charm4ts';
import { BATCHES, bandwidthWindows, JIT_WARMUP_ROUND_TRIPS, latencyIterations, medianBatch, messageSizes, percentile, sortedBatches, streamWarmupWindows, warmupIterations, WINDOW } from './sizes.js';

const keepArrays = process.argv.includes('--keep-arrays');

class Endpoint extends ChareArray<Endpoint> {
  static borrows: BorrowedEntries<Endpoint> = keepArrays ? [] : ['ping', 'pong', 'sink'];
  #remaining = 0;
  #done: Future<number> | undefined;
  #start = 0;
  #received = 0;
  #lastData: Uint8Array | undefined;

  /** Runs `iterations` round trips of `data` with the other endpoint; resolves to total seconds. */
  run(data: Uint8Array, iterations: number, done: Future<number>): void {
    this.#remaining = iterations;
    this.#done = done;
    this.#start = performance.now();
    this.thisProxy.at(1).pong(data);
  }
  pong(data: Uint8Array): void {
    this.thisProxy.at(0).ping(this.#reply(data));
  }
  ping(data: Uint8Array): void {
    if (--this.#remaining > 0) {
      this.thisProxy.at(1).pong(this.#reply(data));
      return;
    }
    this.#done!.send((performance.now() - this.#start) / 1000);
  }
  /** Sends `windows` windows of WINDOW messages; the receiver acks each window. */
  stream(data: Uint8Array, windows: number, done: Future<number>): void {
    this.#remaining = windows;
    this.#done = done;
    this.#start = performance.now();
    this.#sendWindow(data);
  }
  #sendWindow(data: Uint8Array): void {
    const peer = this.thisProxy.at(1);
    for (let i = 0; i < WINDOW; i++) peer.sink(data);
  }
  sink(_data: Uint8Array): void {
    if (++this.#received % WINDOW === 0) this.thisProxy.at(0).ack();
  }
  ack(): void {
    if (--this.#remaining > 0) {
      this.#sendWindow(this.#lastData!);
      return;
    }
    this.#done!.send((performance.now() - this.#start) / 1000);
  }
  /** Sets this endpoint's own payload: what later windows send, and the ping-pong's answer when arguments are borrowed. */
  remember(data: Uint8Array): void {
    this.#lastData = data;
  }
  /** What to send back for `received`: the received array itself when it is ours to keep, else our own payload. */
  #reply(received: Uint8Array): Uint8Array {
    return keepArrays ? received : this.#lastData!;
  }
}
charm.register(Endpoint);

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

charm.start(async (args) => {
  if (charm.numPes() !== 2) {
    charm.abort('the ping-pong benchmark needs exactly 2 PEs (charmrun +p2)');
    return;
  }
  const max = Number(flag(args, '--max', String(4 << 20)));
  const min = Number(flag(args, '--min', '1'));
  const only = flag(args, '--only', 'both');
  const fixedIterations = args.includes('--iterations') ? Number(flag(args, '--iterations', '')) : undefined;
  if (fixedIterations !== undefined && !(Number.isSafeInteger(fixedIterations) && fixedIterations > 0)) {
    charm.abort('--iterations takes a positive integer');
    return;
  }
  const batches = Number(flag(args, '--batches', String(BATCHES)));
  if (!(Number.isSafeInteger(batches) && batches > 0)) {
    charm.abort('--batches takes a positive integer');
    return;
  }
  if (!['both', 'latency', 'bandwidth'].includes(only)) {
    charm.abort(`--only takes latency or bandwidth, not "${only}"`);
    return;
  }
  const sizes = messageSizes(max).filter((size) => size >= min);
  const label = flag(args, '--label', 'charm4ts');
  const pair = charm.createArray(Endpoint, 2);
  const first = pair.at(0);
  const latencySizes = only === 'bandwidth' ? [] : sizes;
  /** A payload of `size` bytes, which both endpoints then answer with and stream windows send (see `Endpoint.remember`). */
  const payload = async (size: number): Promise<Uint8Array> => {
    const data = new Uint8Array(size).fill(7);
    await pair.remember.awaitable(data);
    return data;
  };
  // A first pass over every size, untimed: sizes take code paths of their own (small arrays on
  // the heap or in slabs, eager or rendezvous parts), whose first use deoptimizes code tuned on
  // the sizes before, and V8 then re-optimized it during that size's first timed batches.
  for (const size of latencySizes) {
    const data = await payload(size);
    await timed(first, data, size === sizes[0] ? JIT_WARMUP_ROUND_TRIPS : latencyIterations(size));
  }
  for (const size of latencySizes) {
    const data = await payload(size);
    const iterations = fixedIterations ?? latencyIterations(size);
    await timed(first, data, warmupIterations(size));
    const times = await sortedBatches(() => timed(first, data, iterations), batches);
    const hopUs = (p: number): number => (percentile(times, p) / iterations / 2) * 1e6;
    const meanUs = (times.reduce((sum, t) => sum + t, 0) / times.length / iterations / 2) * 1e6;
    const spread = batches === BATCHES ? {} : { batches, batch_us: { min: hopUs(0), p10: hopUs(0.1), p25: hopUs(0.25), p50: hopUs(0.5), p75: hopUs(0.75), mean: meanUs } };
    console.log(JSON.stringify({ bench: 'pingpong', impl: label, transport: charm.transportTo(1), size, iterations, latency_us: hopUs(0.5), ...spread }));
  }
  const bandwidthSizes = only === 'latency' ? [] : sizes;
  // The same untimed pass for the windowed stream, whose entry methods (sink, ack) the latency
  // pass never ran: without it the first sizes were timed in the interpreter and baseline code,
  // at a tenth of the rate of compiled code.
  for (const size of bandwidthSizes) {
    const windows = size === bandwidthSizes[0] ? streamWarmupWindows(size) : bandwidthWindows(size);
    await streamed(first, await payload(size), windows);
  }
  for (const size of bandwidthSizes) {
    const data = await payload(size);
    const windows = bandwidthWindows(size);
    await streamed(first, data, 2);
    const seconds = await medianBatch(() => streamed(first, data, windows));
    const bytes = size * WINDOW * windows;
    console.log(JSON.stringify({ bench: 'bandwidth', impl: label, transport: charm.transportTo(1), size, window: WINDOW, windows, MBps: bytes / seconds / 1e6 }));
  }
  charm.exit();
});

function timed(first: { run(data: Uint8Array, n: number, f: Future<number>): void }, data: Uint8Array, iterations: number): Future<number> {
  const done = charm.createFuture<number>();
  first.run(data, iterations, done);
  return done;
}

function streamed(first: { stream(data: Uint8Array, n: number, f: Future<number>): void }, data: Uint8Array, windows: number): Future<number> {
  const done = charm.createFuture<number>();
  first.stream(data, windows, done);
  return done;
}
