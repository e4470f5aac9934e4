/**
 * How evenly a stream of small messages flows: PE 0 sends windows of 64 calls of `--size`
 * bytes to PE 1, which acknowledges each window; each round of `--windows` windows prints one
 * JSON line with the window times' percentiles (us), their mean, the share of the round's time
 * spent in windows over four times the median (stalls: parks, wake-ups, collections), and
 * each PE's garbage collections during the round.
 *
 *     charmrun +p2 [++ppn 2 | ++transport ucx] bench/pingpong/stream-windows.ts [--rounds 20] [--windows 800] [--size 8]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { charm, ChareArray, type Future } from 'charm4ts';
import { integerList } from '../lib/integer-flag.js';
import { percentile, WINDOW } from './sizes.js';

const { values } = parseArgs({ args: process.argv.slice(2), options: { rounds: { type: 'string', default: '20' }, windows: { type: 'string', default: '800' }, size: { type: 'string', default: '8' } }, strict: false });
const [rounds] = integerList('rounds', String(values.rounds), 1);
const [windows] = integerList('windows', String(values.windows), 1);
const [size] = integerList('size', String(values.size));

/** This PE's collections since the last `take`. */
class GcTally {
  count = 0;
  ms = 0;
  constructor() {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.count++;
        this.ms += entry.duration;
      }
    }).observe({ entryTypes: ['gc'] });
  }
  take(): { count: number; ms: number } {
    const taken = { count: this.count, ms: this.ms };
    this.count = 0;
    this.ms = 0;
    return taken;
  }
}
const gc = new GcTally();

class Streamer extends ChareArray<Streamer> {
  #remaining = 0;
  #done: Future<number[]> | undefined;
  #windowStart = 0;
  #times: number[] = [];
  #received = 0;
  #data = new Uint8Array(size!).fill(7);

  /** Sends `count` windows; resolves `done` to each window's time (us). */
  stream(count: number, done: Future<number[]>): void {
    this.#remaining = count;
    this.#done = done;
    this.#times = [];
    this.#windowStart = performance.now();
    this.#sendWindow();
  }
  sink(_data: Uint8Array): void {
    if (++this.#received % WINDOW === 0) this.thisProxy.at(0).ack();
  }
  ack(): void {
    const now = performance.now();
    this.#times.push((now - this.#windowStart) * 1000);
    this.#windowStart = now;
    if (--this.#remaining > 0) this.#sendWindow();
    else this.#done!.send(this.#times);
  }
  /** This PE's collections since the last call. */
  collections(): { count: number; ms: number } {
    return gc.take();
  }
  #sendWindow(): void {
    const peer = this.thisProxy.at(1);
    for (let i = 0; i < WINDOW; i++) peer.sink(this.#data);
  }
}
charm.register(Streamer);

charm.start(async () => {
  if (charm.numPes() !== 2) {
    charm.abort('stream-windows needs exactly 2 PEs (charmrun +p2)');
    return;
  }
  const pair = charm.createArray(Streamer, 2);
  for (let round = 0; round < rounds!; round++) {
    await pair.at(0).collections.ret();
    await pair.at(1).collections.ret();
    const done = charm.createFuture<number[]>();
    pair.at(0).stream(windows!, done);
    const times = (await done).sort((a, b) => a - b);
    const total = times.reduce((a, b) => a + b, 0);
    const stalled = times.filter((x) => x > 4 * percentile(times, 0.5)).reduce((a, b) => a + b, 0);
    const gc0 = await pair.at(0).collections.ret();
    const gc1 = await pair.at(1).collections.ret();
    console.log(JSON.stringify({ bench: 'stream-windows', transport: charm.transportTo(1), size, window: WINDOW, windows, round, window_us: { p10: percentile(times, 0.1), p50: percentile(times, 0.5), p90: percentile(times, 0.9), p99: percentile(times, 0.99), max: percentile(times, 1), mean: total / times.length }, stalled_share: stalled / total, gc: [gc0, gc1] }));
  }
  charm.exit();
});
