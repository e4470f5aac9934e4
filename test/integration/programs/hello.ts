/** Hello across a 1-D array: every element answers from the PE the block map put it on. */
import { charm, ChareArray, Reducer, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Hello extends ChareArray {
  sayHi(done: Future<number[][]>): void {
    console.log(`hello from [${this.thisIndex.join(',')}] on PE ${charm.myPe()}`);
    this.contribute([this.thisIndex[0]!, charm.myPe()], Reducer.gather, done);
  }
}
charm.register(Hello);

charm.start(async (args) => {
  const n = Number(args[0] ?? 10);
  const p = charm.numPes();
  const hellos = charm.createArray(Hello, n);
  const done = charm.createFuture<number[][]>();
  hellos.sayHi(done);
  const placement = await done;
  checkEqual(placement.length, n, 'every element answered');
  placement.forEach(([index, pe], i) => {
    check(index === i, `gather is ordered by index (position ${i} holds ${index})`);
    check(pe === Math.floor((i * p) / n), `element ${i} lives on PE ${pe}, block map says ${Math.floor((i * p) / n)}`);
  });
  const transports = Array.from({ length: p }, (_, pe) => charm.transportTo(pe));
  checkEqual(transports[0], 'self', 'PE 0 reaches itself without a transport');
  let refused = '';
  try {
    charm.transportTo(p);
  } catch (error) {
    refused = (error as { code?: string }).code ?? String(error);
  }
  checkEqual(refused, 'CHARM_ERR_BAD_PE', 'transportTo a PE outside the job');
  const inUse = [...new Set(transports.slice(1))].sort();
  checkEqual(JSON.stringify(charm.transportsInUse()), JSON.stringify(inUse), 'transportsInUse lists each transport to the other PEs once');
  console.log(`transports from PE 0: ${transports.join(',')}`);
  console.log(`OK hello ${n} elements on ${p} PEs`);
  charm.exit();
});
