/**
 * Hello across a chare array: every element greets from its PE, the array sums its indices
 * with a reduction, and main prints the result and exits.
 *
 *     npx charmrun +p2 examples/hello/hello.ts
 */
import { charm, ChareArray, Reducer, type Future } from 'charm4ts';

class Hello extends ChareArray {
  greet(from: string, done: Future<number>): void {
    console.log(`Hello from element ${this.thisIndex[0]} on PE ${charm.myPe()} (asked by ${from})`);
    this.contribute(this.thisIndex[0]!, Reducer.sum, done);
  }
}
charm.register(Hello);

charm.start(async (args) => {
  const n = Number(args[0] ?? 8);
  const hellos = charm.createArray(Hello, n);
  const done = charm.createFuture<number>();
  hellos.greet('main', done);
  const sum = await done;
  console.log(`${n} elements on ${charm.numPes()} PEs; sum of indices = ${sum}`);
  charm.exit(sum === (n * (n - 1)) / 2 ? 0 : 1);
});
