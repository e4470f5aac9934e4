/** Tests ReductionManager (src/runtime/reduction-manager.ts) against recording PeContexts: counting, combining up a spanning tree, delivery at the root, early contributions and reported misuse. */
import t from 'tap';
import { BadReducerError } from '../../../src/errors.js';
import { Kind, type CallbackTarget, type ContributeMessage } from '../../../src/runtime/message.js';
import { ACK_REDUCER, ReductionManager, type ReductionScope } from '../../../src/runtime/reduction-manager.js';
import { BUILTIN_REDUCERS, reducerFromCombine, type Reducer } from '../../../src/runtime/reducers.js';
import { SpanningTree } from '../../../src/runtime/spanning-tree.js';
import { FakePeContext } from './fakes.js';

interface Result {
  readonly scope: ReductionScope;
  readonly tag: string;
  readonly target: CallbackTarget;
  readonly value: unknown;
}

const concat = reducerFromCombine<string>('concat', (a, b) => a + b);
const reducers = (name: string): Reducer | undefined => (name === 'concat' ? (concat as Reducer) : BUILTIN_REDUCERS.get(name));

function manager(myPe = 0, numPes = 4) {
  const ctx = new FakePeContext(myPe, numPes);
  const results: Result[] = [];
  const rm = new ReductionManager(ctx, reducers, { deliver: (scope, tag, target, value) => results.push({ scope, tag, target, value }) });
  return { ctx, rm, results };
}

const FUTURE: CallbackTarget = { t: 'future', pe: 0, id: 7 };

function scope(fields: Partial<ReductionScope> = {}): ReductionScope {
  return { id: 3, coll: 3, section: null, parent: -1, subtreeCount: 3, ...fields };
}

function contribution(fields: Partial<ContributeMessage> = {}): ContributeMessage {
  return { kind: Kind.Contribute, scope: 3, tag: 'r0', reducer: 'sum', value: 1, count: 1, target: FUTURE, fromTree: false, ...fields };
}

t.test('the root delivers once every homed contribution has arrived', async (t) => {
  const { ctx, rm, results } = manager();
  rm.defineScope(scope());
  rm.contribute(3, 'r0', 'sum', 10, [0], FUTURE, 0);
  rm.contribute(3, 'r0', 'sum', 20, [1], FUTURE, 0);
  t.strictSame(results, [], 'not before the last one');
  rm.contribute(3, 'r0', 'sum', 12, [2], FUTURE, 0);
  t.equal(results.length, 1);
  t.equal(results[0]!.value, 42);
  t.equal(results[0]!.tag, 'r0');
  t.strictSame(results[0]!.target, FUTURE);
  t.equal(results[0]!.scope.id, 3);
  t.strictSame(ctx.sent, [], 'nothing sent by the root');
  t.strictSame(rm.incomplete(), [], 'nothing left open');
});

t.test('a contribution made away from its home is sent there, lifted, counting one', async (t) => {
  const { ctx, rm, results } = manager(2);
  rm.defineScope(scope());
  rm.contribute(3, 'r4', 'gather', 'x', [5], FUTURE, 1);
  t.strictSame(results, []);
  t.equal(ctx.sent.length, 1);
  t.equal(ctx.sent[0]!.pe, 1, 'to the home PE');
  t.strictSame(ctx.sent[0]!.message, {
    kind: Kind.Contribute,
    scope: 3,
    tag: 'r4',
    reducer: 'gather',
    value: [[[5], 'x']],
    count: 1,
    target: FUTURE,
    fromTree: false,
  });
});

t.test('an inner PE sends one partial to its parent, with the exact count, once', async (t) => {
  const { ctx, rm, results } = manager(1);
  rm.defineScope(scope({ parent: 0, subtreeCount: 5 }));
  rm.contribute(3, 'r0', 'sum', 1, [0], FUTURE, 1);
  rm.receive(contribution({ value: 10, count: 2, fromTree: true }));
  t.strictSame(ctx.sent, [], 'waits for the whole subtree');
  rm.receive(contribution({ value: 100, count: 2, fromTree: true }));
  t.strictSame(results, [], 'only the root delivers');
  t.equal(ctx.sent.length, 1, 'one partial');
  t.equal(ctx.sent[0]!.pe, 0, 'to the parent');
  t.match(ctx.sent[0]!.message, { kind: Kind.Contribute, scope: 3, tag: 'r0', reducer: 'sum', value: 111, count: 5, fromTree: true, target: FUTURE });
  rm.contribute(3, 'r1', 'sum', 1, [0], FUTURE, 1);
  t.equal(ctx.sent.length, 1, 'the next reduction starts afresh');
});

t.test('reductions with different tags and scopes are independent', async (t) => {
  const { rm, results } = manager();
  rm.defineScope(scope({ id: 3, subtreeCount: 2 }));
  rm.defineScope(scope({ id: -4, coll: 3, section: { id: -4, coll: 3, root: 0 }, subtreeCount: 1 }));
  rm.contribute(3, 'r0', 'sum', 1, [0], FUTURE, 0);
  rm.contribute(3, 'r1', 'max', 5, [0], FUTURE, 0);
  rm.contribute(-4, 'r0', 'min', 9, [0], FUTURE, 0);
  t.strictSame(results.map((r) => [r.scope.id, r.tag, r.value]), [[-4, 'r0', 9]]);
  t.strictSame(
    rm.incomplete().sort((a, b) => a.tag.localeCompare(b.tag)),
    [
      { scope: 3, tag: 'r0', count: 1, expected: 2 },
      { scope: 3, tag: 'r1', count: 1, expected: 2 },
    ],
    'incomplete() lists what is open',
  );
  rm.contribute(3, 'r1', 'max', 7, [1], FUTURE, 0);
  rm.contribute(3, 'r0', 'sum', 2, [1], FUTURE, 0);
  t.strictSame(results.map((r) => [r.scope.id, r.tag, r.value]), [[-4, 'r0', 9], [3, 'r1', 7], [3, 'r0', 3]]);
});

t.test('gather results come back in index order whatever the arrival order', async (t) => {
  const { rm, results } = manager();
  rm.defineScope(scope({ subtreeCount: 4 }));
  for (const i of [3, 0, 2, 1]) rm.contribute(3, 'r0', 'gather', `v${i}`, [i], FUTURE, 0);
  t.strictSame(results[0]!.value, ['v0', 'v1', 'v2', 'v3']);
});

t.test('contributions for an unknown scope wait for defineScope', async (t) => {
  const { ctx, rm, results } = manager(1);
  rm.receive(contribution({ value: 4 }));
  rm.receive(contribution({ value: 5 }));
  t.strictSame(results, []);
  t.strictSame(ctx.sent, []);
  t.equal(rm.scope(3), undefined);
  rm.defineScope(scope({ parent: 0, subtreeCount: 2 }));
  t.equal(rm.scope(3)?.subtreeCount, 2, 'the scope is known now');
  t.equal(ctx.sent.length, 1, 'held contributions were handled');
  t.match(ctx.sent[0]!.message, { value: 9, count: 2 });
  t.strictSame(ctx.fatals, []);
});

t.test('an unknown reducer is refused at contribute and fatal on arrival', async (t) => {
  const { ctx, rm } = manager();
  rm.defineScope(scope());
  t.throws(() => rm.contribute(3, 'r0', 'nonesuch', 1, [0], FUTURE, 0), BadReducerError);
  rm.receive(contribution({ reducer: 'nonesuch' }));
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /unknown reducer "nonesuch"/);
});

t.test('contributions that disagree on the reducer are fatal', async (t) => {
  const { ctx, rm, results } = manager();
  rm.defineScope(scope());
  rm.receive(contribution({ reducer: 'sum' }));
  rm.receive(contribution({ reducer: 'max' }));
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /disagree on the reducer \("sum" and "max"\)/);
  t.match(ctx.fatals[0], /collection 3/);
  t.strictSame(results, []);
});

t.test('contributions that disagree on the target are fatal', async (t) => {
  const targets: [CallbackTarget, CallbackTarget][] = [
    [FUTURE, { t: 'future', pe: 0, id: 8 }],
    [FUTURE, { t: 'future', pe: 1, id: 7 }],
    [FUTURE, { t: 'ack', pe: 0, id: 7 }],
    [{ t: 'element', coll: 1, index: [1, 2], ep: 0 }, { t: 'element', coll: 1, index: [2, 1], ep: 0 }],
    [{ t: 'element', coll: 1, index: [1], ep: 0 }, { t: 'element', coll: 1, index: [1], ep: 1 }],
    [{ t: 'broadcast', coll: 1, section: null, ep: 0 }, { t: 'broadcast', coll: 1, section: { id: -2, coll: 1, root: 0 }, ep: 0 }],
    [{ t: 'broadcast', coll: 1, section: null, ep: 0 }, { t: 'broadcast', coll: 2, section: null, ep: 0 }],
  ];
  for (const [a, b] of targets) {
    const { ctx, rm } = manager();
    rm.defineScope(scope());
    rm.receive(contribution({ target: a }));
    rm.receive(contribution({ target: b }));
    t.equal(ctx.fatals.length, 1, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    t.match(ctx.fatals[0], /disagree on the target/);
  }
});

t.test('equal targets written differently agree', async (t) => {
  const pairs: [CallbackTarget, CallbackTarget][] = [
    [{ t: 'element', coll: 1, index: [1, 2], ep: 0 }, { t: 'element', coll: 1, index: [1, 2], ep: 0 }],
    [{ t: 'broadcast', coll: 1, section: { id: -2, coll: 1, root: 0 }, ep: 3 }, { t: 'broadcast', coll: 1, section: { id: -2, coll: 1, root: 0 }, ep: 3 }],
    [{ t: 'allreduce' }, { t: 'allreduce' }],
  ];
  for (const [a, b] of pairs) {
    const { ctx, rm, results } = manager();
    rm.defineScope(scope({ subtreeCount: 2 }));
    rm.receive(contribution({ target: a }));
    rm.receive(contribution({ target: b }));
    t.strictSame(ctx.fatals, [], JSON.stringify(a));
    t.equal(results.length, 1);
  }
});

t.test('more contributions than the subtree owes are fatal', async (t) => {
  const { ctx, rm, results } = manager();
  rm.defineScope(scope({ subtreeCount: 2 }));
  rm.receive(contribution({ count: 1 }));
  rm.receive(contribution({ count: 2 }));
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /received 3 contributions on PE 0, but only 2 members report there \(did an element contribute twice\?\)/);
  t.strictSame(results, [], 'nothing delivered');
  const single = manager();
  single.rm.defineScope(scope({ subtreeCount: 1 }));
  single.rm.receive(contribution({ count: 2 }));
  t.equal(single.ctx.fatals.length, 1, 'a first partial that is already too large');
});

t.test('a combine that throws (shape mismatch) is fatal, naming the reduction', async (t) => {
  const { ctx, rm, results } = manager();
  rm.defineScope(scope());
  rm.receive(contribution({ value: [1, 2] }));
  rm.receive(contribution({ value: [1, 2, 3] }));
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /reduction r0 over collection 3: reducer sum cannot combine/);
  t.strictSame(results, []);
});

t.test('a finalize that throws is fatal', async (t) => {
  const ctx = new FakePeContext(0, 1);
  const broken: Reducer = { name: 'broken', lift: (v) => v, combine: (a) => a, finalize: () => { throw new Error('cannot finish'); } };
  const rm = new ReductionManager(ctx, (n) => (n === 'broken' ? broken : undefined), { deliver: () => t.fail('delivered') });
  rm.defineScope(scope({ subtreeCount: 1 }));
  rm.contribute(3, 'r0', 'broken', 1, [0], FUTURE, 0);
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /cannot finish/);
});

t.test('the ack reducer keeps the first error and needs no registration', async (t) => {
  const { rm, results } = manager();
  rm.defineScope(scope());
  const error = { name: 'Error', message: 'first', stack: '', pe: 0, where: 'x' };
  const ack: CallbackTarget = { t: 'ack', pe: 0, id: 1 };
  rm.contribute(3, 'a0.0', ACK_REDUCER, null, [0], ack, 0);
  rm.contribute(3, 'a0.0', ACK_REDUCER, error, [1], ack, 0);
  rm.contribute(3, 'a0.0', ACK_REDUCER, { ...error, message: 'second' }, [2], ack, 0);
  t.strictSame(results[0]!.value, error);
  const clean = manager();
  clean.rm.defineScope(scope({ subtreeCount: 2 }));
  clean.rm.contribute(3, 'a0.1', ACK_REDUCER, null, [0], ack, 0);
  clean.rm.contribute(3, 'a0.1', ACK_REDUCER, null, [1], ack, 0);
  t.equal(clean.results[0]!.value, null, 'no error: null');
});

t.test('user reducers registered by name are used', async (t) => {
  const { rm, results } = manager();
  rm.defineScope(scope({ subtreeCount: 2 }));
  rm.contribute(3, 'r0', 'concat', 'ab', [0], FUTURE, 0);
  rm.contribute(3, 'r0', 'concat', 'cd', [1], FUTURE, 0);
  t.equal(results[0]!.value, 'abcd');
});

/** A deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('simulated jobs: sums up a spanning tree reach the root exactly once with exact counts', async (t) => {
  for (const numPes of [1, 2, 3, 5, 8, 17]) {
    for (let seed = 1; seed <= 5; seed++) {
      const random = rng(seed * 100 + numPes);
      const tree = SpanningTree.overAllPes(numPes, 0);
      // Elements homed unevenly, some PEs with none.
      const homed = Array.from({ length: numPes }, () => Math.floor(random() * 4));
      const total = homed.reduce((a, b) => a + b, 0);
      if (total === 0) homed[numPes - 1] = 1;
      const results: Result[] = [];
      const nodes = Array.from({ length: numPes }, (_, pe) => {
        const ctx = new FakePeContext(pe, numPes);
        const rm = new ReductionManager(ctx, reducers, { deliver: (s, tag, target, value) => results.push({ scope: s, tag, target, value }) });
        return { ctx, rm };
      });
      // Some PEs learn the scope late: their contributions and children's partials must wait.
      const late = new Set(nodes.map((_, pe) => pe).filter(() => random() < 0.3));
      nodes.forEach((node, pe) => {
        if (!late.has(pe)) node.rm.defineScope({ id: 9, coll: 9, section: null, parent: tree.parent(pe), subtreeCount: tree.subtreeSum(pe, (p) => homed[p]!) });
      });
      // Every element contributes its linear number, from a random PE (where it lives now).
      let expected = 0;
      let element = 0;
      const inFlight: { to: number; message: ContributeMessage }[] = [];
      homed.forEach((count, home) => {
        for (let k = 0; k < count; k++, element++) {
          expected += element;
          const livesOn = Math.floor(random() * numPes);
          nodes[livesOn]!.rm.contribute(9, 'r0', 'sum', element, [element], FUTURE, home);
        }
      });
      const collect = (): void => {
        for (const node of nodes) for (const { pe, message } of node.ctx.take()) inFlight.push({ to: pe, message: message as ContributeMessage });
      };
      collect();
      while (inFlight.length > 0 || late.size > 0) {
        if (late.size > 0 && (inFlight.length === 0 || random() < 0.2)) {
          const pe = [...late][0]!;
          late.delete(pe);
          nodes[pe]!.rm.defineScope({ id: 9, coll: 9, section: null, parent: tree.parent(pe), subtreeCount: tree.subtreeSum(pe, (p) => homed[p]!) });
        } else {
          const [{ to, message }] = inFlight.splice(Math.floor(random() * inFlight.length), 1);
          nodes[to]!.rm.receive(message);
        }
        collect();
      }
      const fatals = nodes.flatMap((n) => n.ctx.fatals);
      if (fatals.length > 0 || results.length !== 1 || results[0]!.value !== expected) {
        t.fail(`P=${numPes} seed ${seed}: results ${JSON.stringify(results.map((r) => r.value))}, expected [${expected}]; ${fatals.join('; ')}`);
        return;
      }
      if (nodes.some((n) => n.rm.incomplete().length > 0)) {
        t.fail(`P=${numPes} seed ${seed}: partials left open`);
        return;
      }
    }
  }
  t.pass('every simulated tree delivered one exact result');
});
