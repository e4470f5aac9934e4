/** Arrays of 1 to 6 dimensions: indices, placement by the block map and by a user map, element addressing. */
import { charm, ChareArray, Reducer, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Cell extends ChareArray {
  readonly created: number;
  constructor(tag: string) {
    super();
    check(tag === 'made', 'constructor arguments arrive');
    this.created = charm.myPe();
  }
  where(): { index: readonly number[]; pe: number } {
    return { index: this.thisIndex, pe: charm.myPe() };
  }
  report(done: Future<unknown>): void {
    this.contribute(1, Reducer.sum, done);
  }
}
/** Last dimension decides the PE: exercises a registered user map. */
const byLastDim = (index: readonly number[], _dims: readonly number[] | null, numPes: number): number => index[index.length - 1]! % numPes;
charm.register(Cell);
charm.registerMap('byLastDim', byLastDim);

function blockPe(index: number[], dims: number[], pes: number): number {
  let linear = 0;
  let total = 1;
  for (let d = 0; d < dims.length; d++) {
    linear = linear * dims[d]! + index[d]!;
    total *= dims[d]!;
  }
  return Math.floor((linear * pes) / total);
}

charm.start(async () => {
  const pes = charm.numPes();
  const shapes = [[7], [3, 4], [2, 3, 2], [2, 2, 2, 2], [1, 2, 1, 2, 1, 2], [2, 1, 2, 1, 2, 1]];
  for (const dims of shapes) {
    const array = charm.createArray(Cell, dims, { args: ['made'] });
    const total = dims.reduce((a, b) => a * b, 1);
    const counted = charm.createFuture<number>();
    array.report(counted);
    checkEqual(await counted, total, `all ${total} elements of a ${dims.join('x')} array exist`);
    const last = dims.map((d) => d - 1);
    const answer = await array.at(...last).where.ret();
    checkEqual(answer.index, last, `at(${last}) reaches that element`);
    check(answer.pe === blockPe(last, dims, pes), `element ${last} placed by the block map`);
  }
  const mapped = charm.createArray(Cell, [3, 5], { args: ['made'], map: byLastDim });
  for (let j = 0; j < 5; j++) {
    const { pe } = await mapped.at(2, j).where.ret();
    checkEqual(pe, j % pes, `user map places [2,${j}]`);
  }
  let threw = false;
  try {
    charm.createArray(Cell, [1, 2, 3, 4, 5, 6, 7]);
  } catch (error) {
    threw = (error as { code?: string }).code === 'CHARM_ERR_INVALID_ARGUMENT';
  }
  check(threw, 'a 7-D array is refused with CHARM_ERR_INVALID_ARGUMENT');
  let outOfRange = '';
  try {
    mapped.at(3, 0);
  } catch (error) {
    outOfRange = (error as { code?: string }).code ?? '';
  }
  checkEqual(outOfRange, 'CHARM_ERR_INDEX_OUT_OF_RANGE', 'an index outside the array is refused');
  console.log(`OK nd-arrays on ${pes} PEs`);
  charm.exit();
});
