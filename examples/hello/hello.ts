/**
 * Hello across a chare array: every element greets from its PE, the array sums its indices
 * with a reduction, and main asks one element for a value.
 *
 *     npx charmrun +p4 examples/hello/hello.ts 10
 */
import { charm, ChareArray, Reducer, type Future } from 'charm4ts';

class Hello extends ChareArray<Hello> {
  greet(from: string, done: Future<number>): void {
    console.log(`element ${this.thisIndex[0]} on PE ${charm.myPe()} greets ${from}`);
    this.contribute(this.thisIndex[0]!, Reducer.sum, done);
  }
  square(x: number): number {
    return x * x;
  }
}
charm.register(Hello);

charm.start(async (args) => {
  const n = Number(args[0] ?? 8);
  const hellos = charm.createArray(Hello, n); // n elements spread over the PEs
  const done = charm.createFuture<number>();
  hellos.greet('main', done); // broadcast
  console.log(`sum of indices: ${await done}`); // a reduction's result
  console.log(`7 squared on element 3: ${await hellos.at(3 % n).square.ret(7)}`);
  charm.exit();
});
