/**
 * Checkpoint and restart. "write DIR": runs 5 steps, checkpoints into DIR and exits.
 * "resume DIR": restarts from DIR (run with +restart DIR, on any number of PEs), runs 5 more
 * steps, and checks that every value is what 10 uninterrupted steps give. "straight": 10 steps
 * without interruption.
 */
import { charm, ChareArray, Group, Reducer, type ArrayProxy, type Future, type GroupProxy } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Cell extends ChareArray<Cell> {
  value: number;
  history = new Float64Array(16);
  steps = 0;
  constructor(start: number) {
    super();
    this.value = start + this.thisIndex[0]!;
  }
  step(t: number, done: Future<number>): void {
    this.value = this.value * 2 + t;
    this.history[this.steps++] = this.value;
    this.contribute(this.value, Reducer.sum, done);
  }
  summary(): number[] {
    return [this.value, this.steps, this.history[this.steps - 1]!];
  }
}

class Tally extends Group<Tally> {
  count = 0;
  bump(done: Future<number>): void {
    this.count++;
    this.contribute(1, Reducer.sum, done);
  }
  total(done: Future<number>): void {
    this.contribute(this.count, Reducer.sum, done);
  }
}
charm.register(Cell, Tally);

interface Saved {
  readonly step: number;
  readonly cells: ArrayProxy<Cell>;
  readonly tally: GroupProxy<Tally>;
  readonly n: number;
}

async function run(cells: ArrayProxy<Cell>, tally: GroupProxy<Tally>, from: number, to: number): Promise<void> {
  for (let t = from; t < to; t++) {
    const done = charm.createFuture<number>();
    cells.step(t, done);
    await done;
    const bumped = charm.createFuture<number>();
    tally.bump(bumped);
    await bumped;
  }
}

/** Values after `steps` steps, computed directly. */
function expected(n: number, steps: number): number[] {
  return Array.from({ length: n }, (_v, i) => {
    let v = 100 + i;
    for (let t = 0; t < steps; t++) v = v * 2 + t;
    return v;
  });
}

charm.start(async (args) => {
  const [mode, dir] = args;
  if (mode === 'resume') {
    const saved = charm.restored<Saved>();
    check(saved !== undefined, 'the restarted run sees the saved state');
    checkEqual(saved!.step, 5, 'the saved step');
    await run(saved!.cells, saved!.tally, 5, 10);
    await verify(saved!.cells, saved!.tally, saved!.n, 10);
    console.log(`OK checkpoint-resume on ${charm.numPes()} PEs`);
    charm.exit();
    return;
  }
  const n = 2 * charm.numPes() + 3;
  const cells = charm.createArray(Cell, n, { args: [100] });
  const tally = charm.createGroup(Tally);
  if (mode === 'straight') {
    await run(cells, tally, 0, 10);
    await verify(cells, tally, n, 10);
    console.log(`OK checkpoint-straight on ${charm.numPes()} PEs`);
    charm.exit();
    return;
  }
  await run(cells, tally, 0, 5);
  await charm.checkpoint(dir!, { step: 5, cells, tally, n } satisfies Saved);
  console.log(`checkpoint written to ${dir} by ${charm.numPes()} PEs`);
  charm.exit();
});

async function verify(cells: ArrayProxy<Cell>, tally: GroupProxy<Tally>, n: number, steps: number): Promise<void> {
  const want = expected(n, steps);
  for (let i = 0; i < n; i++) {
    const [value, count, last] = await cells.at(i).summary.ret();
    checkEqual([value, count, last], [want[i], steps, want[i]], `element ${i} after ${steps} steps`);
  }
  const total = charm.createFuture<number>();
  tally.total(total);
  const t = await total;
  check(t >= steps, `group members counted the steps (${t})`);
}
