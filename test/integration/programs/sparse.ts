/** Sparse arrays: insertion (on the home PE or a chosen one), messages, doneInserting, reductions. */
import { charm, ChareArray, Reducer, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Sparse extends ChareArray {
  readonly label: string;
  constructor(label: string) {
    super();
    this.label = label;
  }
  whoAmI(): [string, readonly number[], number] {
    return [this.label, this.thisIndex, charm.myPe()];
  }
  count(done: Future<number>): void {
    this.contribute(1, Reducer.sum, done);
  }
}
charm.register(Sparse);

charm.start(async () => {
  const pes = charm.numPes();
  const sparse = charm.createSparseArray(Sparse, 2);
  const placed: [number, number, number][] = [];
  for (let i = 0; i < 5; i++) {
    const pe = (i * 3) % pes;
    sparse.insert([i * 100, i], { args: [`e${i}`], onPe: pe });
    placed.push([i * 100, i, pe]);
  }
  sparse.insert([7, 7], { args: ['home'] });
  const early = sparse.at(1000, 1000).whoAmI.ret();
  sparse.insert([1000, 1000], { args: ['late'], onPe: pes - 1 });
  for (const [a, b, pe] of placed) {
    const [label, index, where] = await sparse.at(a, b).whoAmI.ret();
    checkEqual([label, index, where], [`e${b}`, [a, b], pe], `element [${a},${b}] was created on the chosen PE`);
  }
  checkEqual((await early)[0], 'late', 'a message sent before the insertion waits for the element');
  sparse.doneInserting();
  const counted = charm.createFuture<number>();
  sparse.count(counted);
  checkEqual(await counted, 7, 'a reduction over a sparse array counts every inserted element');
  let closed = '';
  try {
    await charm.sleep(20);
    sparse.insert([9, 9]);
  } catch (error) {
    closed = (error as { code?: string }).code ?? '';
  }
  checkEqual(closed, 'CHARM_ERR_INVALID_ARGUMENT', 'insertion after doneInserting is refused');
  check(true, 'ok');
  console.log(`OK sparse on ${pes} PEs`);
  charm.exit();
});
