/**
 * A message reaches its target while its sender is still busy: PE 0 sends PE 1 mid-size typed
 * arrays (4 KiB to 48 KiB) and then computes for a second without returning to its scheduler.
 * PE 1 must have received every array long before that second is over. Over UCX this holds
 * because messages under 64 KiB go eagerly (a rendezvous would wait for PE 0 to poll its worker,
 * that is for the end of the second); the rings and ws carry them without the sender's help.
 *
 * A warm-up round sends the same arrays first while PE 0 is idle: UCX sets up the protocol of
 * each message size on its first use, and that first message waits for the sender's progress.
 */
import { charm, Group } from 'charm4ts';
import { check } from './check.js';

const SIZES = [4 << 10, 16 << 10, 48 << 10];
const BUSY_MS = 1000;

/** Wall-clock milliseconds comparable between the PEs of one host (processes or threads). */
function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

class Member extends Group<Member> {
  arrivals: number[] = [];

  /** On PE 0: sends the arrays to PE 1. */
  send(): void {
    for (const bytes of SIZES) this.thisProxy.at(1).take(new Float64Array(bytes / 8).fill(bytes));
  }

  /** On PE 0: sends the arrays, then computes for BUSY_MS; returns [busy start, busy end]. */
  sendThenCompute(): [number, number] {
    this.send();
    const start = wallClock();
    let x = 0;
    while (wallClock() - start < BUSY_MS) x += Math.sqrt(x + 1);
    check(x > 0, 'the busy loop ran');
    return [start, wallClock()];
  }

  take(data: Float64Array): void {
    const bytes = data.length * 8;
    check(data[0] === bytes && data[data.length - 1] === bytes, `a ${bytes}-byte array arrives intact`);
    this.arrivals.push(wallClock());
  }

  /** On PE 1: the arrival times since the last call (resolves once `count` arrays are in). */
  async takeArrivals(count: number): Promise<number[]> {
    while (this.arrivals.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
    const arrivals = this.arrivals;
    this.arrivals = [];
    return arrivals;
  }
}

charm.register(Member);

charm.start(async () => {
  if (charm.numPes() < 2) {
    console.log('OK busy-sender (one PE: nothing travels)');
    charm.exit();
    return;
  }
  const group = charm.createGroup(Member);
  await group.at(0).send.ret();
  await group.at(1).takeArrivals.ret(SIZES.length);
  const [start, end] = await group.at(0).sendThenCompute.ret();
  const arrivals = await group.at(1).takeArrivals.ret(SIZES.length);
  const last = Math.max(...arrivals);
  check(end - start >= BUSY_MS, 'the sender was busy for the whole second');
  const via = charm.transportTo(1);
  check(last < start + BUSY_MS / 2, `PE 1 had the last array ${(last - start).toFixed(1)} ms into PE 0's ${BUSY_MS} ms of work (via ${via}; at most ${BUSY_MS / 2} allowed)`);
  console.log(`OK busy-sender (last array in ${(last - start).toFixed(1)} ms, via ${via})`);
  charm.exit();
});
