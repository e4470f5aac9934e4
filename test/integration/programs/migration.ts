/**
 * Migration stress: every step each element sends pings to three others, contributes to a
 * reduction, and hops to the next PE (mode "hop": its own migrate(); mode "lb": atSync with the
 * balancer given by +balancer, e.g. RotateLB). Broadcasts and pings must each arrive exactly
 * once wherever the element is; reductions must stay exact. In mode "lb" a step ends in
 * resumeFromSync(), as a load-balanced program's steps do.
 *
 * Arguments: mode, steps, and in mode "lb" what the balancer must do: nothing given, move every
 * element (RotateLB); "some", move at least one element (strategies such as GreedyLB need not
 * move every element); "stay", move nothing.
 */
import { charm, ChareArray, Reducer, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

const TARGETS = [1, 2, 5];

class Hopper extends ChareArray<Hopper> {
  step = 0;
  pings: number[][] = [];
  pes: number[] = [];
  hops = 0;
  mode = 'hop';
  pending: Future<number> | null = null;
  data = new Float64Array(1024).map((_v, i) => i * 0.5);

  constructor(mode: string, n: number) {
    super();
    this.mode = mode;
    this.pings = Array.from({ length: n }, () => []);
  }

  doStep(t: number, done: Future<number>): void {
    check(t === this.step, `element ${this.thisIndex[0]} got step ${t} while at step ${this.step} (a broadcast was lost or duplicated)`);
    this.step++;
    this.pes.push(charm.myPe());
    const n = this.pings.length;
    const i = this.thisIndex[0]!;
    for (const d of TARGETS) this.thisProxy.at((i + d) % n).ping(i, t, new Float64Array([t, i]));
    if (this.mode === 'hop') {
      this.contribute(1, Reducer.sum, done);
      this.migrate((charm.myPe() + 1) % charm.numPes());
    } else {
      this.pending = done;
      this.atSync();
    }
  }

  ping(from: number, t: number, payload: Float64Array): void {
    check(payload[0] === t && payload[1] === from, 'a ping arrives intact');
    this.pings[from]!.push(t);
  }

  override migrated(): void {
    this.hops++;
    check(this.data[1023] === 511.5, 'a typed-array field survives migration');
  }

  override resumeFromSync(): void {
    this.contribute(1, Reducer.sum, this.pending!);
    this.pending = null;
  }

  report(): { pings: number[][]; pes: number[]; hops: number; step: number } {
    return { pings: this.pings, pes: this.pes, hops: this.hops, step: this.step };
  }
}
charm.register(Hopper);

charm.start(async (args) => {
  const mode = args[0] ?? 'hop';
  const steps = Number(args[1] ?? 10);
  const pes = charm.numPes();
  const n = 3 * pes + 4;
  const hoppers = charm.createArray(Hopper, n, { args: [mode, n] });
  for (let t = 0; t < steps; t++) {
    const done = charm.createFuture<number>();
    hoppers.doStep(t, done);
    checkEqual(await done, n, `step ${t}: every element contributed exactly once`);
  }
  await charm.waitQD();
  let totalHops = 0;
  for (let i = 0; i < n; i++) {
    const { pings, pes: visited, hops, step } = await hoppers.at(i).report.ret();
    checkEqual(step, steps, `element ${i} saw every broadcast`);
    for (const d of TARGETS) {
      const from = (i - d + n) % n;
      checkEqual([...pings[from]!].sort((a, b) => a - b), [...Array(steps).keys()], `element ${i} got every ping from ${from} exactly once`);
    }
    if (pes > 1 && mode === 'hop') {
      checkEqual(hops, steps, `element ${i} migrated every step`);
      for (let t = 1; t < steps; t++) checkEqual(visited[t], (visited[t - 1]! + 1) % pes, `element ${i} moved to the next PE each step`);
    }
    totalHops += hops;
    // RotateLB moves every element at every sync; other strategies move some (args[2] 'some')
    if (pes > 1 && mode === 'lb' && args[2] === undefined) check(hops > 0, `element ${i} was moved by the load balancer`);
    if (args[2] === 'stay') checkEqual(hops, 0, `element ${i} was not moved`);
  }
  if (pes > 1 && args[2] === 'some') check(totalHops > 0, 'the load balancer moved some elements');
  console.log(`OK migration-${mode} on ${pes} PEs`);
  charm.exit();
});
