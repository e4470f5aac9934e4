/** Every reducer over numbers, arrays and typed arrays; targets future, one element, broadcast; allreduce; a group. */
import { charm, ChareArray, Group, Reducer, type Future, type ReducerRef } from 'charm4ts';
import { check, checkEqual } from './check.js';

let concatMax: ReducerRef;

class Member extends ChareArray<Member> {
  results: unknown[] = [];
  all(futures: Record<string, Future<unknown>>): void {
    const i = this.thisIndex[0]!;
    this.contribute(i + 1, Reducer.sum, futures.sum!);
    this.contribute(i + 1, Reducer.product, futures.product!);
    this.contribute([i, -i], Reducer.max, futures.max!);
    this.contribute(new Float64Array([i, -i, 0.5]), Reducer.min, futures.min!);
    this.contribute(i >= 0, Reducer.logical_and, futures.and!);
    this.contribute(i === 1, Reducer.logical_or, futures.or!);
    this.contribute(i === 0, Reducer.logical_xor, futures.xor!);
    this.contribute({ i, pe: charm.myPe() }, Reducer.gather, futures.gather!);
    this.contribute(new Int32Array([i, 2 * i]), Reducer.sum, futures.typed!);
    this.contribute([i], concatMax, futures.custom!);
    this.contribute(null, Reducer.nop, futures.nop!);
  }
  toElement(): void {
    this.contribute(this.thisIndex[0]!, Reducer.sum, this.thisProxy.at(0).receive);
  }
  toAll(): void {
    this.contribute(1, Reducer.sum, this.thisProxy.receive);
  }
  receive(value: number): void {
    this.results.push(value);
  }
  async viaAllreduce(): Promise<number> {
    const first = await this.allreduce<number>(this.thisIndex[0]!, Reducer.sum);
    const second = await this.allreduce<number>(first + 1, Reducer.max);
    return second;
  }
  collected(): unknown[] {
    return this.results;
  }
}

class PerPe extends Group {
  count(done: Future<number>): void {
    this.contribute(charm.myPe(), Reducer.sum, done);
  }
}

charm.register(Member, PerPe);
concatMax = charm.registerReducer<number[]>('concatSorted', (a, b) => [...a, ...b].sort((x, y) => x - y));

charm.start(async () => {
  const pes = charm.numPes();
  const n = 2 * pes + 1;
  const members = charm.createArray(Member, n);
  const names = ['sum', 'product', 'max', 'min', 'and', 'or', 'xor', 'gather', 'typed', 'custom', 'nop'];
  const futures = Object.fromEntries(names.map((name) => [name, charm.createFuture<unknown>()]));
  members.all(futures);
  const values = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await futures[name]] as const)));
  const idx = [...Array(n).keys()];
  checkEqual(values.sum, (n * (n + 1)) / 2, 'sum');
  checkEqual(values.product, idx.reduce((a, i) => a * (i + 1), 1), 'product');
  checkEqual(values.max, [n - 1, 0], 'element-wise max of arrays');
  checkEqual(values.min, [0, -(n - 1), 0.5], 'element-wise min of typed arrays');
  check(values.min instanceof Float64Array, 'a typed-array reduction gives the same typed array kind');
  checkEqual(values.and, true, 'logical and');
  checkEqual(values.or, true, 'logical or');
  checkEqual(values.xor, true, 'logical xor');
  checkEqual((values.gather as { i: number }[]).map((v) => v.i), idx, 'gather is ordered by index');
  checkEqual(values.typed, [(n * (n - 1)) / 2, n * (n - 1)], 'sum of Int32Arrays');
  checkEqual(values.custom, idx, 'user reducer');
  checkEqual(values.nop, undefined, 'nop is a barrier without a value');
  members.toElement();
  members.toAll();
  await charm.waitQD();
  const atZero = await members.at(0).collected.ret();
  checkEqual([...atZero].sort((a, b) => (a as number) - (b as number)), [n, (n * (n - 1)) / 2].sort((a, b) => a - b), 'element 0 received the element-targeted result and the broadcast one');
  checkEqual(await members.at(n - 1).collected.ret(), [n], 'every element received the broadcast result');
  const allreduced = await Promise.all(idx.map((i) => members.at(i).viaAllreduce.ret()));
  checkEqual(allreduced, idx.map(() => (n * (n - 1)) / 2 + 1), 'allreduce returns the result to every contributor, twice in a row');
  const group = charm.createGroup(PerPe);
  const peSum = charm.createFuture<number>();
  group.count(peSum);
  checkEqual(await peSum, (pes * (pes - 1)) / 2, 'reduction over a group');
  for (let round = 0; round < 20; round++) {
    const f = charm.createFuture<number>();
    members.all(Object.fromEntries(names.map((name) => [name, name === 'sum' ? f : charm.createFuture<unknown>()])));
    checkEqual(await f, (n * (n + 1)) / 2, `repeated reductions (round ${round})`);
  }
  console.log(`OK reductions on ${pes} PEs`);
  charm.exit();
});
