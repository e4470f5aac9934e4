/**
 * Borrowed arguments (`static borrows`): large typed arrays lent to entry methods arrive intact,
 * go back to the transport after the call (a view kept past it reads as empty when the transport
 * pools receive memory, and is left alone otherwise), and stay intact when the method forwards
 * them, contributes them, sends them to a future, returns them or awaits before reading them.
 */
import { charm, ChareArray, Reducer, type BorrowedEntries, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

/** Doubles per message: 512 KiB, well above every transport's small-message size. */
const LENGTH = 1 << 16;
const ROUNDS = 6;

/** The array element `from` sends in `round`. */
function pattern(from: number, round: number): Float64Array {
  const data = new Float64Array(LENGTH);
  for (let i = 0; i < LENGTH; i++) data[i] = from * 1e6 + round * 1e3 + (i % 997);
  return data;
}

function matches(data: Float64Array, from: number, round: number): boolean {
  if (data.length !== LENGTH) return false;
  for (let i = 0; i < LENGTH; i += 61) if (data[i] !== from * 1e6 + round * 1e3 + (i % 997)) return false;
  return data[LENGTH - 1] === from * 1e6 + round * 1e3 + ((LENGTH - 1) % 997);
}

/** Transports whose received memory goes back to a pool when a borrowing call ends. */
const POOLED = new Set(['ucx', 'shm']);

class Holder extends ChareArray<Holder> {
  static borrows: BorrowedEntries<Holder> = ['take', 'relay', 'later', 'echo'];
  readonly count: number;
  kept: Float64Array | null = null;
  keptFrom = -1;
  keptRound = -1;
  /** Whether the kept view came from another PE over a pooled transport. */
  keptPooled = false;
  detached = 0;
  intact = 0;

  constructor(count: number) {
    super();
    this.count = count;
  }

  #next(): number {
    return (this.thisIndex[0]! + 1) % this.count;
  }

  /** Sends this element's array of `round` to the next element. */
  fire(round: number, done: Future<Float64Array>): void {
    this.thisProxy.at(this.#next()).take(pattern(this.thisIndex[0]!, round), this.thisIndex[0]!, charm.myPe(), round, done);
  }

  /** Checks the array, and the one kept from the previous call: empty when its memory went back to a pool, else intact. */
  take(data: Float64Array, from: number, pe: number, round: number, done: Future<Float64Array>): void {
    check(matches(data, from, round), `element ${this.thisIndex[0]} got the array of element ${from}, round ${round}, intact`);
    if (this.kept !== null) {
      if (this.keptPooled) {
        check(this.kept.length === 0, `a kept view of a borrowed array from a pooled transport reads as empty (length ${this.kept.length})`);
        this.detached++;
      } else {
        check(matches(this.kept, this.keptFrom, this.keptRound), 'a kept view of an array nobody took back is intact');
        this.intact++;
      }
    }
    this.kept = data;
    this.keptFrom = from;
    this.keptRound = round;
    this.keptPooled = pe !== charm.myPe() && POOLED.has(charm.transportTo(pe));
    this.contribute(data, Reducer.sum, done);
  }

  /** Forwards the borrowed array `hops` more times, then sends it to `done`. */
  relay(data: Float64Array, origin: number, round: number, hops: number, done: Future<Float64Array>): void {
    check(matches(data, origin, round), `relayed array of element ${origin} intact at element ${this.thisIndex[0]}`);
    if (hops > 0) this.thisProxy.at(this.#next()).relay(data, origin, round, hops - 1, done);
    else done.send(data);
  }

  /** Reads the borrowed array after other messages have run. */
  async later(data: Float64Array, from: number, round: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return matches(data, from, round);
  }

  /** Returns the borrowed array itself. */
  echo(data: Float64Array): Float64Array {
    return data;
  }

  /** Contributes [views found empty, views found intact]. */
  report(done: Future<Float64Array>): void {
    this.contribute(new Float64Array([this.detached, this.intact]), Reducer.sum, done);
  }
}
charm.register(Holder);

charm.start(async () => {
  const pes = charm.numPes();
  const n = 2 * pes;
  const holders = charm.createArray(Holder, n, { args: [n] });
  for (let round = 0; round < ROUNDS; round++) {
    const done = charm.createFuture<Float64Array>();
    holders.fire(round, done);
    const sum = await done;
    const expected = new Float64Array(LENGTH);
    for (let from = 0; from < n; from++) pattern(from, round).forEach((v, i) => (expected[i]! += v));
    check(sum.length === LENGTH && sum.every((v, i) => v === expected[i]), `round ${round}: the contributed arrays sum up`);
  }
  const [detached, intact] = await (() => {
    const done = charm.createFuture<Float64Array>();
    holders.report(done);
    return done;
  })();
  checkEqual(detached! + intact!, n * (ROUNDS - 1), 'every kept view was checked');
  const pooled = [...Array(pes).keys()].some((pe) => pe !== 0 && POOLED.has(charm.transportTo(pe)));
  check(!pooled || detached! > 0, 'arrays from pooled transports went back to the pool');

  // Each element relays its array around the ring while the other relays reuse the memory.
  const relays = [...Array(n).keys()].map((origin) => {
    const done = charm.createFuture<Float64Array>();
    holders.at(origin).relay(pattern(origin, 99), origin, 99, n - 1, done);
    return done;
  });
  const arrived = await charm.waitAll(relays);
  arrived.forEach((data, origin) => check(matches(data, origin, 99), `the array relayed around the ring from element ${origin} arrives intact`));

  const late = await charm.waitAll([...Array(n).keys()].map((i) => holders.at(i).later.ret(pattern(i, 7), i, 7)));
  checkEqual(late, Array(n).fill(true), 'an async borrowing method reads its arrays intact after awaiting');

  const echoes = await charm.waitAll([...Array(n).keys()].map((i) => holders.at(i).echo.ret(pattern(i, 8))));
  echoes.forEach((echo, i) => check(matches(echo, i, 8), `the array returned by element ${i} arrives intact`));

  console.log(`OK borrowed on ${pes} PEs (${detached} views handed back, ${intact} kept intact)`);
  charm.exit();
});
