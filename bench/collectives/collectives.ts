/**
 * Broadcast and reduction latency over a group (one member per PE), measured on PE 0:
 * "broadcast" is an awaitable broadcast of an empty entry method (down the tree, completion
 * back up), "reduction" a broadcast that makes every member contribute 8 float64 to a sum
 * received by a future (down, then the data up). Prints one JSON line per operation: median and
 * 10th/90th percentiles in microseconds.
 *
 *     charmrun +pN [++hosts ...] bench/collectives/collectives.ts [--iterations 300] [--warmup 30]
 */
import { charm, Group, Reducer, type Future } from 'charm4ts';

class Member extends Group<Member> {
  readonly #payload = new Float64Array(8);
  noop(): void {}
  reduce(done: Future<Float64Array>): void {
    this.#payload[0] = charm.myPe();
    this.contribute(this.#payload, Reducer.sum, done);
  }
}
charm.register(Member);

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function summary(samples: number[]): { median: number; p10: number; p90: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Number(s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1));
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

charm.start(async (args) => {
  const iterations = option(args, '--iterations', 300);
  const warmup = option(args, '--warmup', 30);
  const group = charm.createGroup(Member);
  const operations: [string, () => PromiseLike<unknown>][] = [
    ['broadcast', () => group.noop.awaitable()],
    [
      'reduction',
      () => {
        const done = charm.createFuture<Float64Array>();
        group.reduce(done);
        return done;
      },
    ],
  ];
  for (const [op, run] of operations) {
    const samples: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const start = performance.now();
      await run();
      if (i >= warmup) samples.push((performance.now() - start) * 1000);
    }
    console.log(JSON.stringify({ bench: 'collectives', op, pes: charm.numPes(), hosts: charm.numHosts(), iterations, ...summary(samples) }));
  }
  charm.exit();
});
