/** Broadcasts to arrays and groups, awaitable completion, broadcasts started on other PEs. */
import { charm, ChareArray, Group, Reducer, type Future, type ArrayProxy } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Counter extends ChareArray {
  count = 0;
  add(k: number): void {
    this.count += k;
  }
  async slowAdd(k: number): Promise<void> {
    await charm.sleep(5);
    this.count += k;
  }
  total(done: Future<number>): void {
    this.contribute(this.count, Reducer.sum, done);
  }
}

class PerPe extends Group {
  seen: number[] = [];
  note(value: number): void {
    this.seen.push(value);
  }
  /** Starts a broadcast to the array from this PE and reports completion. */
  relay(array: ArrayProxy<Counter>, k: number, done: Future<void>): void {
    check(this.thisIndex === charm.myPe(), 'a group member sits on its own PE');
    array.add.awaitable(k).then(() => done.send(undefined));
  }
  report(done: Future<number[][]>): void {
    this.contribute([charm.myPe(), ...this.seen], Reducer.gather, done);
  }
}
charm.register(Counter, PerPe);

charm.start(async () => {
  const pes = charm.numPes();
  const n = 3 * pes + 1;
  const counters = charm.createArray(Counter, n);
  const group = charm.createGroup(PerPe);
  counters.add(1);
  counters.add(2);
  await counters.add.awaitable(3);
  await counters.slowAdd.awaitable(4);
  const total = charm.createFuture<number>();
  counters.total(total);
  checkEqual(await total, n * 10, 'every element got every broadcast before the awaitable one completed');
  for (let pe = 0; pe < pes; pe++) {
    const relayed = charm.createFuture<void>();
    group.at(pe).relay(counters, 100, relayed);
    await relayed;
  }
  const after = charm.createFuture<number>();
  counters.total(after);
  checkEqual(await after, n * (10 + 100 * pes), 'broadcasts started on every PE reached every element');
  group.note(7);
  await group.note.awaitable(8);
  const notes = charm.createFuture<number[][]>();
  group.report(notes);
  checkEqual(await notes, Array.from({ length: pes }, (_v, pe) => [pe, 7, 8]), 'group broadcasts reach every PE once, in order');
  console.log(`OK broadcast on ${pes} PEs`);
  charm.exit();
});
