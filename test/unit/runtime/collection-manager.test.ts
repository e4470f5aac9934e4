/** Tests CollectionManager (src/runtime/collection-manager.ts) over simulated PEs: creation along the tree, element placement, sparse insertion and its closing count, and reduction scopes. */
import t from 'tap';
import type { ChareServices } from '../../../src/chares/chare-services.js';
import { Chare } from '../../../src/chares/chare.js';
import { ChareArray } from '../../../src/chares/chare-array.js';
import { Group } from '../../../src/chares/group.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { CollectionManager } from '../../../src/runtime/collection-manager.js';
import { LocationManager } from '../../../src/runtime/location-manager.js';
import { Kind, type CollectionSpec, type Message } from '../../../src/runtime/message.js';
import { ReductionManager } from '../../../src/runtime/reduction-manager.js';
import { Registry } from '../../../src/runtime/registry.js';
import { FakePeContext } from './fakes.js';

/** Constructions seen, as "Class[index](args)". */
let built: string[] = [];

class Cell extends ChareArray {
  constructor(...args: unknown[]) {
    super();
    built.push(`Cell[${this.thisIndex.join(',')}](${JSON.stringify(args)})`);
  }
  work(): void {}
}

class Member extends Group {
  constructor() {
    super();
    built.push(`Member[${this.thisIndex}]`);
  }
}

class Solo extends Chare {
  constructor() {
    super();
    built.push('Solo');
  }
}

class Exploding extends ChareArray {
  constructor() {
    super();
    if (this.thisIndex[0] === 1) throw new Error('cannot build element 1');
  }
}

function job(numPes: number) {
  built = [];
  const registry = new Registry();
  registry.registerClasses([Cell, Member, Solo, Exploding]);
  registry.freeze();
  const nodes = Array.from({ length: numPes }, (_, pe) => {
    const ctx = new FakePeContext(pe, numPes);
    const location = new LocationManager(ctx, () => undefined);
    const reductions = new ReductionManager(ctx, () => undefined, { deliver: () => undefined });
    const collections = new CollectionManager(ctx, registry, {} as ChareServices, location, reductions);
    return { ctx, location, reductions, collections };
  });
  const handle = (pe: number, message: Message): void => {
    const node = nodes[pe]!;
    const replay = (m: Message): void => handle(pe, m);
    switch (message.kind) {
      case Kind.Create:
        node.collections.receiveCreate(message);
        return;
      case Kind.Insert: {
        const coll = node.collections.getOrHold(message.coll, message, replay);
        if (coll) node.collections.receiveInsert(coll, message);
        return;
      }
      case Kind.DoneInserting: {
        const coll = node.collections.getOrHold(message.coll, message, replay);
        if (coll) node.collections.receiveDoneInserting(coll, message);
        return;
      }
      case Kind.Invoke: {
        const coll = node.collections.getOrHold(message.coll, message, replay);
        if (coll) node.location.receive(coll, message);
        return;
      }
      default:
        throw new Error(`unexpected kind ${message.kind}`);
    }
  };
  /** Delivers messages until none is in flight; `order` picks which goes next. */
  const run = (order: 'fifo' | 'lifo' = 'fifo'): void => {
    const queue: { pe: number; message: Message }[] = [];
    for (let steps = 0; steps < 100000; steps++) {
      for (const node of nodes) queue.push(...node.ctx.take());
      if (queue.length === 0) return;
      const next = order === 'fifo' ? queue.shift()! : queue.pop()!;
      handle(next.pe, next.message);
    }
    throw new Error('messages kept flowing');
  };
  return { nodes, registry, run };
}

const arraySpec = (dims: number[] | null, ndims = 1, cls = 'Cell'): CollectionSpec => ({ kind: 'array', cls, dims, ndims, map: 'block', pe: 0 });

function fatals(nodes: readonly { ctx: FakePeContext }[]): string[] {
  return nodes.flatMap((n) => n.ctx.fatals);
}

t.test('a dense array is created on every PE, each element once on its home PE', async (t) => {
  const { nodes, run } = job(4);
  const id = nodes[2]!.collections.create(arraySpec([3, 4]), ['arg']);
  t.ok(nodes[2]!.collections.get(id), 'exists on the creating PE when create returns');
  run();
  for (const [pe, node] of nodes.entries()) {
    const coll = node.collections.get(id);
    t.ok(coll, `known on PE ${pe}`);
    for (const key of coll!.local.keys()) t.equal(coll!.homeOf(coll!.local.get(key)!.index), pe, `[${key}] lives at its home`);
  }
  t.equal(built.length, 12, 'twelve constructions');
  t.equal(new Set(built).size, 12, 'no element built twice');
  t.ok(built.every((b) => b.endsWith('(["arg"])')), 'constructor arguments reach every element');
  t.strictSame(fatals(nodes), []);
});

t.test('collection ids are distinct across creating PEs', async (t) => {
  const { nodes, run } = job(3);
  const ids = [nodes[0]!.collections.create(arraySpec([2]), []), nodes[1]!.collections.create(arraySpec([2]), []), nodes[0]!.collections.create(arraySpec([2]), [])];
  run();
  t.equal(new Set(ids).size, 3);
});

t.test('each PE learns the reduction scope of the collection, summing to every element at the root', async (t) => {
  const { nodes, run } = job(5);
  const id = nodes[3]!.collections.create(arraySpec([11]), []);
  run();
  const root = nodes[0]!.reductions.scope(id)!;
  t.equal(root.parent, -1, 'rooted at PE 0');
  t.equal(root.subtreeCount, 11, 'the root expects every element');
  for (const node of nodes.slice(1)) t.ok(node.reductions.scope(id)!.parent >= 0);
});

t.test('a group has one member per PE; a singleton lives on its PE only', async (t) => {
  const { nodes, run } = job(3);
  const group = nodes[1]!.collections.create({ kind: 'group', cls: 'Member', dims: [], ndims: 0, map: 'block', pe: 0 }, []);
  run();
  t.strictSame([...built].sort(), ['Member[0]', 'Member[1]', 'Member[2]']);
  t.equal(nodes[0]!.reductions.scope(group)!.subtreeCount, 3);
  built = [];
  const solo = nodes[0]!.collections.create({ kind: 'chare', cls: 'Solo', dims: [], ndims: 0, map: 'block', pe: 2 }, []);
  run();
  t.strictSame(built, ['Solo']);
  t.ok(nodes[2]!.collections.get(solo)!.local.has(''), 'on PE 2');
  t.strictSame(nodes[2]!.reductions.scope(solo), { id: solo, coll: solo, section: null, parent: -1, subtreeCount: 1 }, 'its own one-member scope');
  t.equal(nodes[0]!.reductions.scope(solo), undefined, 'no scope elsewhere');
});

t.test('work for a collection not created here yet runs once it is', async (t) => {
  const { nodes, run } = job(2);
  const ran: string[] = [];
  const id = 1 * 2 + 0; // the second collection PE 0 will create
  nodes[1]!.collections.whenKnown(id, () => ran.push('after'));
  nodes[0]!.collections.create(arraySpec([2]), []);
  run();
  t.strictSame(ran, []);
  nodes[0]!.collections.create(arraySpec([2]), []);
  run();
  t.strictSame(ran, ['after']);
});

t.test('a creation naming an unregistered class or map is fatal on that PE', async (t) => {
  const { nodes } = job(2);
  nodes[1]!.collections.receiveCreate({ kind: Kind.Create, coll: 0, spec: arraySpec([2], 1, 'Unknown'), args: [], root: 1 });
  nodes[1]!.collections.receiveCreate({ kind: Kind.Create, coll: 2, spec: { ...arraySpec([2]), map: 'nomap' }, args: [], root: 1 });
  t.equal(nodes[1]!.ctx.fatals.length, 2);
  t.match(nodes[1]!.ctx.fatals[0], /PE 1 cannot create array of "Unknown" with map "block": not registered on this PE/);
});

t.test('a constructor that throws is fatal, naming the element and PE', async (t) => {
  const { nodes, run } = job(2);
  nodes[0]!.collections.create(arraySpec([2], 1, 'Exploding'), []);
  run();
  const all = fatals(nodes);
  t.equal(all.length, 1);
  t.match(all[0], /the constructor of Exploding\[1\] threw on PE 1:\nError: cannot build element 1/);
});

t.test('sparse arrays: each inserted element is built once, where asked', async (t) => {
  const { nodes, run } = job(4);
  const id = nodes[0]!.collections.create(arraySpec(null, 2), []);
  run();
  t.strictSame(built, [], 'empty at first');
  const proxyColl = (pe: number) => nodes[pe]!.collections.get(id)!;
  nodes[1]!.collections.insert(proxyColl(1), [5, 5], ['a'], -1);
  nodes[2]!.collections.insert(proxyColl(2), [7, 1], ['b'], 3);
  nodes[3]!.collections.insert(proxyColl(3), [0, 9], [], 0);
  run();
  t.equal(built.length, 3);
  const where = (index: number[]): number => nodes.findIndex((n) => n.collections.get(id)!.local.has(index.join(',')));
  t.equal(where([5, 5]), proxyColl(0).homeOf([5, 5]), 'by default on its home');
  t.equal(where([7, 1]), 3, 'on the PE asked for');
  t.equal(where([0, 9]), 0);
  const homeOf71 = proxyColl(0).homeOf([7, 1]);
  t.equal(nodes[homeOf71]!.collections.get(id)!.homes.get('7,1')!.pe, 3, 'the home knows where it lives');
  t.strictSame(fatals(nodes), []);
});

t.test('sparse arrays: a call that races the insertion waits at the home', async (t) => {
  const { nodes, run } = job(3);
  const id = nodes[0]!.collections.create(arraySpec(null), []);
  run();
  const coll0 = nodes[0]!.collections.get(id)!;
  nodes[0]!.location.send(coll0, [4], 0, [], null, null);
  run();
  t.ok(nodes[coll0.homeOf([4])]!.collections.get(id)!.waiting.has('4'), 'held at the home');
  nodes[0]!.collections.insert(coll0, [4], [], 2);
  run('lifo');
  t.notOk(nodes[coll0.homeOf([4])]!.collections.get(id)!.waiting.has('4'), 'released');
});

t.test('sparse arrays: inserting twice, or after doneInserting, is fatal', async (t) => {
  const { nodes, run } = job(2);
  const id = nodes[0]!.collections.create(arraySpec(null), []);
  run();
  const coll = nodes[0]!.collections.get(id)!;
  nodes[0]!.collections.insert(coll, [3], [], -1);
  nodes[1]!.collections.insert(nodes[1]!.collections.get(id)!, [3], [], -1);
  run();
  t.match(fatals(nodes)[0], /element \[3\] of array .* was inserted twice/);
  nodes[0]!.collections.doneInserting(coll);
  run();
  nodes[1]!.collections.insert(nodes[1]!.collections.get(id)!, [8], [], -1);
  run();
  t.match(fatals(nodes)[1], /element \[8\] of array .* was inserted after doneInserting/);
});

t.test('doneInserting counts the inserted elements up the tree into the reduction scopes', async (t) => {
  for (const numPes of [1, 2, 5, 9]) {
    const { nodes, run } = job(numPes);
    const id = nodes[0]!.collections.create(arraySpec(null), []);
    run();
    const total = 23;
    for (let i = 0; i < total; i++) {
      const from = nodes[(i * 7) % numPes]!;
      from.collections.insert(from.collections.get(id)!, [i * 13], [], i % 3 === 0 ? (i % numPes) : -1);
    }
    run();
    t.equal(nodes[0]!.reductions.scope(id), undefined, `P=${numPes}: no scope before doneInserting`);
    nodes[numPes - 1]!.collections.doneInserting(nodes[numPes - 1]!.collections.get(id)!);
    run('lifo');
    const root = nodes[0]!.reductions.scope(id);
    t.equal(root?.subtreeCount, total, `P=${numPes}: the root expects all ${total} elements`);
    t.ok(nodes.every((n) => n.reductions.scope(id) !== undefined && n.collections.get(id)!.insertionClosed), `P=${numPes}: every PE closed insertion and knows its count`);
  }
});

t.test('doneInserting on a dense array is an InvalidArgumentError', async (t) => {
  const { nodes, run } = job(2);
  const id = nodes[0]!.collections.create(arraySpec([2]), []);
  run();
  t.throws(() => nodes[0]!.collections.doneInserting(nodes[0]!.collections.get(id)!), InvalidArgumentError);
});

t.test('one proxy class per chare class', async (t) => {
  const { nodes, registry } = job(1);
  const info = registry.classInfo(Cell);
  t.equal(nodes[0]!.collections.proxyClass(info), nodes[0]!.collections.proxyClass(info));
  t.equal(nodes[0]!.collections.proxyClass(info).name, 'CellProxy');
});
