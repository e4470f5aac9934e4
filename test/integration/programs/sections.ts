/** Sections of arrays and groups: multicast to the members only, reduce over them, awaitable multicast. */
import { charm, ChareArray, Group, Reducer, type Future, type SectionProxy } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Tile extends ChareArray {
  hits = 0;
  hit(): void {
    this.hits++;
  }
  report(done: Future<number[]>): void {
    this.contribute([this.hits], Reducer.gather, done);
  }
  sumOver(section: SectionProxy<Tile>, done: Future<number>): void {
    this.contribute(this.thisIndex[0]! * 10 + this.thisIndex[1]!, Reducer.sum, done, section);
  }
}
class Node extends Group {
  marks = 0;
  mark(): void {
    this.marks++;
  }
  report(done: Future<number[]>): void {
    this.contribute(this.marks, Reducer.gather, done);
  }
  count(section: SectionProxy<Node>, done: Future<number>): void {
    this.contribute(1, Reducer.sum, done, section);
  }
}
charm.register(Tile, Node);

charm.start(async () => {
  const pes = charm.numPes();
  const rows = 3;
  const cols = pes + 2;
  const tiles = charm.createArray(Tile, [rows, cols]);
  const diagonal = tiles.section([[0, 0], [1, 1], [2, 2]]);
  const stripe = tiles.section({ ranges: [[1, 2], [0, cols, 2]] });
  diagonal.hit();
  await diagonal.hit.awaitable();
  stripe.hit();
  const hits = charm.createFuture<number[][]>();
  tiles.report(hits as unknown as Future<number[]>);
  const flat = (await hits).flat();
  const expected: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) expected.push((r === c ? 2 : 0) + (r === 1 && c % 2 === 0 ? 1 : 0));
  }
  checkEqual(flat, expected, 'multicasts reach exactly the section members');
  const diagonalSum = charm.createFuture<number>();
  diagonal.sumOver(diagonal, diagonalSum);
  checkEqual(await diagonalSum, 0 + 11 + 22, 'reduction over a section');
  const stripeSum = charm.createFuture<number>();
  stripe.sumOver(stripe, stripeSum);
  let want = 0;
  for (let c = 0; c < cols; c += 2) want += 10 + c;
  checkEqual(await stripeSum, want, 'reduction over a sliced section');
  const nodes = charm.createGroup(Node);
  const odd = [...Array(pes).keys()].filter((pe) => pe % 2 === 1);
  if (odd.length > 0) {
    const oddNodes = nodes.section(odd);
    await oddNodes.mark.awaitable();
    const marks = charm.createFuture<number[]>();
    nodes.report(marks);
    checkEqual(await marks, [...Array(pes).keys()].map((pe) => pe % 2), 'group section multicast');
    const counted = charm.createFuture<number>();
    oddNodes.count(oddNodes, counted);
    checkEqual(await counted, odd.length, 'group section reduction');
  }
  let duplicate = '';
  try {
    tiles.section([[0, 0], [0, 0]]);
  } catch (error) {
    duplicate = (error as { code?: string }).code ?? '';
  }
  checkEqual(duplicate, 'CHARM_ERR_INVALID_ARGUMENT', 'a section listing a member twice is refused');
  check(true, 'done');
  console.log(`OK sections on ${pes} PEs`);
  charm.exit();
});
