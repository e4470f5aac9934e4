/** Tests OutcomeRouter (src/runtime/outcome-router.ts): future values to their owner, reduction results to each kind of target, broadcast acknowledgements into their counting reduction. */
import t from 'tap';
import { UnserializableError } from '../../../src/errors.js';
import type { Broadcaster } from '../../../src/runtime/broadcaster.js';
import type { Collection } from '../../../src/runtime/collection.js';
import type { CollectionManager } from '../../../src/runtime/collection-manager.js';
import { EP_ALLREDUCE_RESULT } from '../../../src/runtime/internal-entries.js';
import type { LocationManager } from '../../../src/runtime/location-manager.js';
import { Kind, type AckRequest, type CallbackTarget, type SectionAddress } from '../../../src/runtime/message.js';
import { OutcomeRouter } from '../../../src/runtime/outcome-router.js';
import { ACK_REDUCER, type ReductionManager, type ReductionScope } from '../../../src/runtime/reduction-manager.js';
import { FakePeContext, fakeCollection, fakeElement } from './fakes.js';

function setup() {
  const ctx = new FakePeContext(1, 4);
  const coll = fakeCollection({ numPes: 4, dims: [8], id: 7 });
  const known = new Map<number, Collection>([[7, coll]]);
  const held: (() => void)[] = [];
  const calls: unknown[][] = [];
  const router = new OutcomeRouter(ctx);
  router.connect({
    collections: {
      get: (id: number) => known.get(id),
      whenKnown: (id: number, action: () => void) => (known.has(id) ? action() : held.push(action)),
    } as unknown as CollectionManager,
    location: { send: (c: Collection, ...rest: unknown[]) => void calls.push(['send', c.id, ...rest]) } as unknown as LocationManager,
    broadcaster: { start: (c: Collection, ...rest: unknown[]) => void calls.push(['broadcast', c.id, ...rest]) } as unknown as Broadcaster,
    reductions: { contribute: (...args: unknown[]) => void calls.push(['contribute', ...args]) } as unknown as ReductionManager,
  });
  return { ctx, coll, router, calls, held, known };
}

const SCOPE: ReductionScope = { id: 7, coll: 7, section: null, parent: -1, subtreeCount: 8 };

t.test('a future value goes to the future\'s owner PE', async (t) => {
  const { ctx, router } = setup();
  router.sendFutureValue({ pe: 3, id: 12 }, true, [1, 2]);
  router.sendFutureValue({ pe: 1, id: 13 }, false, { name: 'E', message: 'm', stack: '', pe: 1, where: 'w' });
  t.strictSame(ctx.take(), [
    { pe: 3, message: { kind: Kind.FutureValue, id: 12, ok: true, value: [1, 2] } },
    { pe: 1, message: { kind: Kind.FutureValue, id: 13, ok: false, value: { name: 'E', message: 'm', stack: '', pe: 1, where: 'w' } } },
  ]);
});

t.test('a value that cannot travel is refused at the sender', async (t) => {
  const { ctx, router } = setup();
  const error = t.throws(() => router.sendFutureValue({ pe: 0, id: 1 }, true, { f: () => 0 })) as UnserializableError;
  t.ok(error instanceof UnserializableError);
  t.equal(error.path, 'the value sent to future 0:1.f');
  t.strictSame(ctx.take(), []);
});

t.test('reduction results reach each kind of target', async (t) => {
  const { ctx, router, calls } = setup();
  const section: SectionAddress = { id: -3, coll: 7, root: 0 };
  const targets: CallbackTarget[] = [
    { t: 'future', pe: 2, id: 5 },
    { t: 'element', coll: 7, index: [4], ep: 1 },
    { t: 'broadcast', coll: 7, section: null, ep: 0 },
    { t: 'broadcast', coll: 7, section, ep: 2 },
    { t: 'allreduce' },
  ];
  for (const target of targets) router.deliver(SCOPE, 'r3', target, 42);
  t.strictSame(ctx.take(), [{ pe: 2, message: { kind: Kind.FutureValue, id: 5, ok: true, value: 42 } }], 'the future gets the value');
  t.strictSame(calls, [
    ['send', 7, [4], 1, [42], null, null],
    ['broadcast', 7, null, 0, [42], null],
    ['broadcast', 7, section, 2, [42], null],
    ['broadcast', 7, null, EP_ALLREDUCE_RESULT, [7, 'r3', 42], null],
  ], 'entry-method targets get the value as their only argument; allreduce tells every contributor');
});

t.test('an allreduce over a section goes back to the section', async (t) => {
  const { router, calls } = setup();
  const section: SectionAddress = { id: -3, coll: 7, root: 0 };
  router.deliver({ ...SCOPE, id: -3, section }, 'r0', { t: 'allreduce' }, 'v');
  t.strictSame(calls, [['broadcast', 7, section, EP_ALLREDUCE_RESULT, [-3, 'r0', 'v'], null]]);
});

t.test('a result for a collection not known here waits for it', async (t) => {
  const { router, calls, held, known } = setup();
  router.deliver(SCOPE, 'r0', { t: 'element', coll: 9, index: [0], ep: 0 }, 1);
  t.strictSame(calls, []);
  known.set(9, fakeCollection({ numPes: 4, dims: [2], id: 9 }));
  held.forEach((action) => action());
  t.strictSame(calls, [['send', 9, [0], 0, [1], null, null]]);
});

t.test('a finished acknowledgement resolves the awaitable, or rejects with the first error', async (t) => {
  const { ctx, router } = setup();
  router.deliver(SCOPE, 'a0.1', { t: 'ack', pe: 0, id: 4 }, null);
  const error = { name: 'Error', message: 'member failed', stack: 's', pe: 2, where: 'Thing[3].work' };
  router.deliver(SCOPE, 'a0.2', { t: 'ack', pe: 0, id: 5 }, error);
  t.strictSame(ctx.take(), [
    { pe: 0, message: { kind: Kind.FutureValue, id: 4, ok: true, value: undefined } },
    { pe: 0, message: { kind: Kind.FutureValue, id: 5, ok: false, value: error } },
  ]);
});

t.test('a member\'s completion is contributed to the acknowledgement reduction at its home', async (t) => {
  const { coll, router, calls } = setup();
  const element = fakeElement(coll, [5]);
  const ack: AckRequest = { scope: 7, tag: 'a2.0', pe: 2, id: 9 };
  router.acknowledge(element, coll, ack, null);
  t.strictSame(calls, [['contribute', 7, 'a2.0', ACK_REDUCER, null, [5], { t: 'ack', pe: 2, id: 9 }, 2]], 'homed on PE 2 (block map)');
});
