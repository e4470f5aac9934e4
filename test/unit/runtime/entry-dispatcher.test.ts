/** Tests EntryDispatcher (src/runtime/entry-dispatcher.ts): running calls, `when` conditions, replies and acknowledgements, errors, async methods and internal entries. */
import t from 'tap';
import type { Collection } from '../../../src/runtime/collection.js';
import type { ElementRecord } from '../../../src/runtime/element.js';
import { EntryDispatcher, type Delivery, type OutcomeSink } from '../../../src/runtime/entry-dispatcher.js';
import { LentBuffers, type ReceivedFrame } from '../../../src/runtime/lent-buffers.js';
import type { AckRequest, FutureRef, SerializedError } from '../../../src/runtime/message.js';
import type { EntryInfo, WhenPredicate } from '../../../src/runtime/registry.js';
import { FakePeContext, fakeCollection, fakeElement, waitFor } from './fakes.js';

interface Outcome {
  readonly kind: 'value' | 'ack';
  readonly ok: boolean;
  readonly value: unknown;
}

/** A chare object with a log, and a collection whose entries are the given functions. */
type MethodSpec = ((this: Chare, ...args: any[]) => unknown) | { fn: (this: Chare, ...args: any[]) => unknown; when?: WhenPredicate; borrows?: boolean };

function setup(methods: Record<string, MethodSpec>) {
  const ctx = new FakePeContext(1, 2);
  const outcomes: Outcome[] = [];
  const sink: OutcomeSink = {
    sendFutureValue: (_ref: FutureRef, ok: boolean, value: unknown) => void outcomes.push({ kind: 'value', ok, value }),
    acknowledge: (_e: ElementRecord, _c: Collection, _ack: AckRequest, error: SerializedError | null) => void outcomes.push({ kind: 'ack', ok: error === null, value: error }),
  };
  const released: ReceivedFrame[] = [];
  const lent = new LentBuffers((received) => void released.push(received));
  const dispatcher = new EntryDispatcher(ctx, sink, lent);
  const coll = fakeCollection({ numPes: 2, entries: Object.keys(methods) });
  const entries = coll.info.entries as EntryInfo[];
  Object.entries(methods).forEach(([name, spec], id) => {
    const fn = typeof spec === 'function' ? spec : spec.fn;
    const options: { when?: WhenPredicate; borrows?: boolean } = typeof spec === 'function' ? {} : spec;
    entries[id] = { id, name, label: `${coll.info.name}.${name}`, fn: fn as EntryInfo['fn'], minArgs: fn.length, maxArgs: Infinity, when: options.when, borrows: options.borrows ?? false };
  });
  const element = fakeElement(coll, [0]);
  const chare: Chare = { log: [], ready: false };
  element.obj = chare;
  coll.local.set(element.key, element);
  const ep = (name: string): number => Object.keys(methods).indexOf(name);
  const call = (name: string, args: unknown[] = [], reply: FutureRef | null = null, ack: AckRequest | null = null, received?: ReceivedFrame): void =>
    dispatcher.deliver(element, coll, { ep: ep(name), args, reply, ack, received });
  return { ctx, outcomes, dispatcher, coll, element, chare, call, ep, lent, released };
}

interface Chare {
  log: unknown[];
  ready: boolean;
}

const REPLY: FutureRef = { pe: 0, id: 3 };
const ACK: AckRequest = { scope: 7, tag: 'a0.0', pe: 0, id: 4 };

t.test('a call runs the method on the chare with its arguments', async (t) => {
  const { chare, call, outcomes, ctx } = setup({
    add(this: Chare, a: number, b: number) {
      this.log.push(a + b);
    },
  });
  call('add', [2, 3]);
  t.strictSame(chare.log, [5]);
  t.strictSame(outcomes, [], 'fire and forget: no reply');
  t.strictSame(ctx.fatals, []);
});

t.test('the return value goes to the reply future', async (t) => {
  const { call, outcomes } = setup({
    twice(this: Chare, x: number) {
      return x * 2;
    },
  });
  call('twice', [21], REPLY);
  t.strictSame(outcomes, [{ kind: 'value', ok: true, value: 42 }]);
});

t.test('a thrown error goes to the reply future as a serialized error', async (t) => {
  const { call, outcomes, ctx } = setup({
    fail() {
      throw new RangeError('out of range');
    },
  });
  call('fail', [], REPLY);
  t.equal(outcomes.length, 1);
  t.equal(outcomes[0]!.ok, false);
  t.match(outcomes[0]!.value, { name: 'RangeError', message: 'out of range', pe: 1, where: 'Thing[0].fail' });
  t.strictSame(ctx.fatals, [], 'an awaited error is not fatal');
});

t.test('an error nobody awaits is fatal, naming chare, method and PE', async (t) => {
  const { call, ctx } = setup({
    fail() {
      throw new Error('nobody listens');
    },
  });
  call('fail');
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /uncaught error in Thing\[0\]\.fail on PE 1 \(no caller awaits it\):\nError: nobody listens/);
});

t.test('a return value that cannot travel is reported to the caller instead', async (t) => {
  const { call, outcomes } = setup({
    leak() {
      return () => 1;
    },
  });
  call('leak', [], REPLY);
  t.equal(outcomes[0]!.ok, false);
  t.match(outcomes[0]!.value, { name: 'UnserializableError', message: /return value of Thing\[0\]\.leak/ });
});

t.test('awaitable broadcasts acknowledge completion, or the error', async (t) => {
  const { call, outcomes } = setup({
    ok() {},
    bad() {
      throw new Error('member failed');
    },
  });
  call('ok', [], null, ACK);
  call('bad', [], null, ACK);
  t.strictSame(outcomes.map((o) => [o.kind, o.ok]), [
    ['ack', true],
    ['ack', false],
  ]);
  t.match(outcomes[1]!.value, { message: 'member failed' });
});

t.test('too few arguments fail the call with BadArgumentsError', async (t) => {
  const { call, outcomes, chare } = setup({
    two(this: Chare, a: unknown, b: unknown) {
      this.log.push([a, b]);
    },
  });
  call('two', [1], REPLY);
  t.strictSame(chare.log, [], 'the method did not run');
  t.match(outcomes[0], { ok: false, value: { name: 'BadArgumentsError', message: /Thing\[0\]\.two takes at least 2 arguments, got 1/ } });
});

t.test('an unknown entry id (only a corrupt message has one) is refused and logged, not fatal', async (t) => {
  const { dispatcher, element, coll, outcomes, ctx } = setup({ a() {} });
  dispatcher.deliver(element, coll, { ep: 5, args: [], reply: REPLY, ack: null });
  t.match(outcomes[0], { ok: false, value: { name: 'ProtocolError', message: /no entry method #5/ } });
  dispatcher.deliver(element, coll, { ep: 6, args: [], reply: null, ack: null });
  t.equal(ctx.fatals.length, 0, 'the PE keeps running');
  t.match(ctx.warnings.at(-1), /dropped a call to .*no entry method #6/);
});

t.test('a call whose when condition is false waits, and runs once it holds', async (t) => {
  const { call, chare } = setup({
    take: {
      fn(this: Chare, n: number) {
        this.log.push(`take ${n}`);
      },
      when: (self: Chare, n: number) => self.ready && n > 0,
    },
    open(this: Chare) {
      this.ready = true;
      this.log.push('open');
    },
  });
  call('take', [1]);
  call('take', [0]);
  call('take', [2]);
  t.strictSame(chare.log, [], 'held');
  call('open');
  t.strictSame(chare.log, ['open', 'take 1', 'take 2'], 'held calls run in arrival order once the condition holds; take 0 still waits');
});

t.test('held calls are retried after each call until none can run', async (t) => {
  const { call, chare } = setup({
    step: {
      fn(this: Chare, n: number) {
        this.log.push(n);
      },
      when: (self: Chare, n: number) => self.log.length === n,
    },
  });
  call('step', [2]);
  call('step', [1]);
  call('step', [3]);
  t.strictSame(chare.log, []);
  call('step', [0]);
  t.strictSame(chare.log, [0, 1, 2, 3], 'each run unlocks the next');
});

t.test('a when condition that throws is fatal', async (t) => {
  const { call, ctx, chare } = setup({
    guarded: {
      fn(this: Chare) {
        this.log.push('ran');
      },
      when: () => {
        throw new Error('bad predicate');
      },
    },
  });
  call('guarded');
  t.strictSame(chare.log, []);
  t.match(ctx.fatals[0], /the when condition of Thing\[0\]\.guarded threw on PE 1/);
});

t.test('an async method replies when it settles and counts as active meanwhile', async (t) => {
  let finish!: (v: string) => void;
  const { call, outcomes, element } = setup({
    slow() {
      return new Promise<string>((resolve) => (finish = resolve));
    },
  });
  call('slow', [], REPLY);
  t.equal(element.activeAsync, 1);
  t.strictSame(outcomes, []);
  finish('done');
  await waitFor(() => outcomes.length === 1, 'the reply');
  t.strictSame(outcomes, [{ kind: 'value', ok: true, value: 'done' }]);
  t.equal(element.activeAsync, 0);
});

t.test('an async method that rejects reports to its caller, or is fatal', async (t) => {
  const { call, outcomes, ctx } = setup({
    async bad() {
      throw new TypeError('async failure');
    },
  });
  call('bad', [], REPLY);
  call('bad');
  await waitFor(() => outcomes.length === 1 && ctx.fatals.length === 1, 'both outcomes');
  t.match(outcomes[0], { ok: false, value: { name: 'TypeError' } });
  t.match(ctx.fatals[0], /async failure/);
});

t.test('held calls get another chance when an async method completes', async (t) => {
  let finish!: () => void;
  const { call, chare } = setup({
    async load(this: Chare) {
      await new Promise<void>((resolve) => (finish = resolve));
      this.ready = true;
    },
    use: {
      fn(this: Chare) {
        this.log.push('used');
      },
      when: (self: Chare) => self.ready,
    },
  });
  call('load');
  call('use');
  t.strictSame(chare.log, []);
  finish();
  await waitFor(() => chare.log.length === 1, 'the held call');
  t.strictSame(chare.log, ['used']);
});

t.test('entry-method time is added to the element load', async (t) => {
  const { call, element } = setup({
    spin() {
      const until = performance.now() + 5;
      while (performance.now() < until);
    },
  });
  call('spin');
  t.ok(element.load >= 0.004, `load ${element.load} s`);
});

t.test('internal entries run their handler; unknown ones are dropped with a warning', async (t) => {
  const { dispatcher, element, coll, ctx } = setup({});
  const seen: unknown[][] = [];
  dispatcher.addInternal(-1, (_e, _c, args) => void seen.push(args));
  dispatcher.deliver(element, coll, { ep: -1, args: ['x', 1], reply: null, ack: null } satisfies Delivery);
  t.strictSame(seen, [['x', 1]]);
  dispatcher.deliver(element, coll, { ep: -9, args: [], reply: null, ack: null });
  t.match(ctx.warnings[0], /unknown internal entry -9/);
});

/** A received frame whose one segment holds `values`, as a transport would deliver it. */
function receivedFrame(values: number[]): { received: ReceivedFrame; view: Float64Array } {
  const view = new Float64Array(values);
  return { received: { from: 0, frame: { header: new Uint8Array(8), segments: [new Uint8Array(view.buffer)] } }, view };
}

t.test('a borrowing method lends the frame for the call and hands it back when it returns', async (t) => {
  const { call, released, lent } = setup({
    sum: {
      borrows: true,
      fn(this: Chare, data: Float64Array) {
        this.log.push(lent.active, data.reduce((a, b) => a + b, 0));
      },
    },
  });
  const { received, view } = receivedFrame([1, 2, 3]);
  call('sum', [view], null, null, received);
  t.equal(released.length, 1, 'handed back once');
  t.equal(released[0], received);
  t.notOk(lent.active, 'nothing lent after the call');
});

t.test('a borrowing method that throws still hands its frame back', async (t) => {
  const { call, released, outcomes } = setup({ fail: { borrows: true, fn: () => { throw new Error('boom'); } } });
  const { received, view } = receivedFrame([1]);
  call('fail', [view], REPLY, null, received);
  t.equal(released.length, 1);
  t.equal(outcomes[0]?.ok, false, 'the error reaches the caller');
});

t.test('an async borrowing method keeps its frame until its promise settles', async (t) => {
  let finish!: () => void;
  const { call, released, lent } = setup({
    later: { borrows: true, fn: () => new Promise<void>((resolve) => (finish = resolve)) },
  });
  const { received, view } = receivedFrame([1]);
  call('later', [view], null, null, received);
  t.equal(released.length, 0, 'still lent while the method awaits');
  t.ok(lent.active);
  finish();
  await waitFor(() => released.length === 1, 'the hand-back');
  t.notOk(lent.active);
});

t.test('methods that do not borrow, and calls without a frame, hand nothing back', async (t) => {
  const { call, released, chare } = setup({
    keep(this: Chare, data: Float64Array) {
      this.log.push(data);
    },
    lend: { borrows: true, fn: () => undefined },
  });
  const { received, view } = receivedFrame([1]);
  call('keep', [view], null, null, received);
  call('lend', [view]);
  t.equal(released.length, 0);
  t.equal(chare.log[0], view, 'the kept array is the received one');
});

t.test('a borrowing call held by its when condition is lent when it runs, not before', async (t) => {
  const { call, released, chare } = setup({
    open(this: Chare) {
      this.ready = true;
    },
    take: { borrows: true, when: (self: Chare) => self.ready, fn(this: Chare, data: Float64Array) { this.log.push(data[0]); } },
  });
  const { received, view } = receivedFrame([5]);
  call('take', [view], null, null, received);
  t.equal(released.length, 0, 'held, not handed back');
  call('open');
  t.strictSame(chare.log, [5]);
  t.equal(released.length, 1);
});
