/**
 * Small typed arrays (which travel inside the call's header) arrive intact and stay the
 * program's own: every element sends arrays of several classes and sizes up to 1 KiB to the
 * element on the next PE, which keeps them (an ordinary entry method) or only reads them (a
 * borrowing one); after many more messages have gone through every transport's receive memory,
 * every kept array must still hold what was sent.
 */
import { charm, ChareArray, Reducer, type BorrowedEntries, type Future } from 'charm4ts';
import { check } from './check.js';

const ROUNDS = 40;

/** The arrays element `from` sends in `round`: several classes, 1 to 1024 bytes. */
function payload(from: number, round: number): [Float64Array, Uint8Array, Int32Array, Buffer] {
  const seed = from * 1000 + round;
  return [
    new Float64Array(128).map((_, i) => seed + i / 8),
    new Uint8Array(1 + (round % 7)).map((_, i) => (seed + i) & 0xff),
    new Int32Array(3).map((_, i) => -seed - i),
    Buffer.from(`from ${from} round ${round}`),
  ];
}

function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength || a.constructor !== b.constructor) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

class Keeper extends ChareArray<Keeper> {
  static borrows: BorrowedEntries<Keeper> = ['look'];
  readonly count: number;
  kept: { from: number; round: number; arrays: ArrayBufferView[] }[] = [];

  constructor(count: number) {
    super();
    this.count = count;
  }

  /** Sends round `round` to the next element, once to keep and once to look at. */
  fire(round: number): void {
    const next = this.thisProxy.at((this.thisIndex[0]! + 1) % this.count);
    const me = this.thisIndex[0]!;
    next.keep(me, round, ...payload(me, round));
    next.look(me, round, ...payload(me, round));
  }

  keep(from: number, round: number, ...arrays: ArrayBufferView[]): void {
    this.kept.push({ from, round, arrays });
  }

  look(from: number, round: number, ...arrays: ArrayBufferView[]): void {
    const sent = payload(from, round);
    check(arrays.every((a, i) => same(a, sent[i]!)), `borrowed small arrays of element ${from}, round ${round}, intact during the call`);
  }

  /** Checks every kept array; resolves `done` with how many were checked. */
  verify(done: Future<number>): void {
    for (const { from, round, arrays } of this.kept) {
      const sent = payload(from, round);
      check(arrays.length === sent.length && arrays.every((a, i) => same(a, sent[i]!)), `kept small arrays of element ${from}, round ${round}, intact at element ${this.thisIndex[0]}`);
    }
    this.contribute(this.kept.length, Reducer.sum, done);
  }
}
charm.register(Keeper);

charm.start(async () => {
  const n = 2 * charm.numPes();
  const keepers = charm.createArray(Keeper, n, { args: [n] });
  for (let round = 0; round < ROUNDS; round++) {
    keepers.fire(round);
    if (round % 10 === 9) await charm.waitQD();
  }
  await charm.waitQD();
  const done = charm.createFuture<number>();
  keepers.verify(done);
  const checked = await done;
  check(checked === n * ROUNDS, `every kept call was checked (${checked} of ${n * ROUNDS})`);
  console.log(`OK small-arrays (${checked} kept calls intact)`);
  charm.exit();
});
