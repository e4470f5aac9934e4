/** Tests Future, FutureTable and the error wire form (src/runtime/future.ts): settle once, unknown ids, remote errors, and awaiting off the owner PE. */
import t from 'tap';
import { BadArgumentsError, CharmError, ErrorCode, FutureError, RemoteError } from '../../../src/errors.js';
import { errorFromWire, errorToWire, Future, FutureTable } from '../../../src/runtime/future.js';
import type { FutureRef } from '../../../src/runtime/message.js';
import { WireRef } from '../../../src/runtime/wire-ref.js';
import { withTimeout } from './fakes.js';

interface SentValue {
  readonly ref: FutureRef;
  readonly ok: boolean;
  readonly value: unknown;
}

function table(pe = 2) {
  const sent: SentValue[] = [];
  const futures = new FutureTable(pe, { sendFutureValue: (ref, ok, value) => sent.push({ ref, ok, value }) });
  return { futures, sent };
}

t.test('created futures are numbered on their owner PE and count as pending', async (t) => {
  const { futures } = table(3);
  const a = futures.create<number>();
  const b = futures.create<number>();
  t.ok(a instanceof Future);
  t.ok(a instanceof WireRef, 'a future travels by reference');
  t.equal(a.pe, 3);
  t.not(a.id, b.id, 'distinct ids');
  t.equal(futures.pendingCount, 2);
  t.strictSame(a.toWireRef(), { t: 'future', pe: 3, id: a.id });
});

t.test('settle delivers the value to awaiters, once', async (t) => {
  const { futures } = table();
  const future = futures.create<string>();
  t.ok(futures.settle(future.id, true, 'hello'));
  t.equal(await withTimeout(Promise.resolve(future), 'the value'), 'hello');
  t.equal(await future, 'hello', 'awaiting again gives the same value');
  t.equal(futures.pendingCount, 0);
  t.notOk(futures.settle(future.id, true, 'again'), 'a second value is refused');
  t.equal(await future, 'hello', 'and does not change the first');
});

t.test('unknown ids are refused', async (t) => {
  const { futures } = table();
  t.notOk(futures.settle(999, true, 1));
  t.notOk(futures.settle(-1, false, {}));
});

t.test('a value may arrive before anyone awaits', async (t) => {
  const { futures } = table();
  const future = futures.create<number[]>();
  futures.settle(future.id, true, [1, 2]);
  await new Promise((resolve) => setImmediate(resolve));
  t.strictSame(await future, [1, 2]);
});

t.test('an error arrives as a RemoteError carrying the remote stack', async (t) => {
  const { futures } = table();
  const future = futures.create<number>();
  const original = new TypeError('bad input');
  const wire = errorToWire(original, 5, 'Block[3].work');
  futures.settle(future.id, false, wire);
  const error = (await withTimeout(
    Promise.resolve(future).then(
      () => undefined,
      (e: unknown) => e,
    ),
    'the rejection',
  )) as RemoteError;
  t.ok(error instanceof RemoteError, 'a RemoteError');
  t.ok(error instanceof CharmError);
  t.equal(error.code, ErrorCode.REMOTE);
  t.equal(error.remoteName, 'TypeError');
  t.equal(error.remoteMessage, 'bad input');
  t.equal(error.pe, 5);
  t.equal(error.remoteStack, original.stack);
  t.match(error.message, /Block\[3\]\.work on PE 5 threw TypeError: bad input/);
  t.ok(error.stack!.includes(original.stack!), 'the stack shows the remote stack');
  t.match(error.stack, /remote stack \(PE 5\)/);
});

t.test('an error nobody awaits yet is not an unhandled rejection', async (t) => {
  const { futures } = table();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const future = futures.create();
    futures.settle(future.id, false, errorToWire(new Error('late'), 0, 'x'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    t.strictSame(unhandled, []);
    await t.rejects(Promise.resolve(future), RemoteError, 'still rejects when awaited later');
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

t.test('awaiting a future of another PE rejects with CHARM_ERR_FUTURE_NOT_LOCAL', async (t) => {
  const { futures, sent } = table(1);
  const remote = futures.remote<number>({ pe: 4, id: 17 });
  t.equal(remote.pe, 4);
  t.equal(remote.id, 17);
  const error = (await withTimeout(
    Promise.resolve(remote).then(
      () => undefined,
      (e: unknown) => e,
    ),
    'the rejection',
  )) as FutureError;
  t.ok(error instanceof FutureError);
  t.equal(error.code, ErrorCode.FUTURE_NOT_LOCAL);
  t.match(error.message, /belongs to PE 4/);
  remote.send(8);
  t.strictSame(sent, [{ ref: { pe: 4, id: 17 }, ok: true, value: 8 }], 'but it can be sent a value, to its owner');
  t.equal(futures.pendingCount, 0, 'a remote future is not pending here');
});

t.test('then() honours both callbacks like a promise', async (t) => {
  const { futures } = table();
  const ok = futures.create<number>();
  futures.settle(ok.id, true, 2);
  t.equal(await ok.then((v) => v * 10), 20);
  const bad = futures.remote({ pe: 9, id: 1 });
  t.equal(await bad.then(undefined, () => 'handled'), 'handled');
});

t.test('send on a local future goes through the sender (settlement happens when the value arrives)', async (t) => {
  const { futures, sent } = table(2);
  const future = futures.create<string>();
  future.send('v');
  t.strictSame(sent, [{ ref: { pe: 2, id: future.id }, ok: true, value: 'v' }]);
  t.equal(futures.pendingCount, 1, 'still pending until the message is handled');
});

t.test('rejectAll rejects every pending future', async (t) => {
  const { futures } = table();
  const a = futures.create();
  const b = futures.create();
  futures.rejectAll(new Error('shutting down'));
  t.equal(futures.pendingCount, 0);
  await t.rejects(Promise.resolve(a), /shutting down/);
  await t.rejects(Promise.resolve(b), /shutting down/);
});

t.test('errorToWire keeps name, message, stack and a string code', async (t) => {
  const coded = errorToWire(new BadArgumentsError('two needed'), 3, 'A.b');
  t.match(coded, { name: 'BadArgumentsError', message: 'two needed', code: ErrorCode.BAD_ARGUMENTS, pe: 3, where: 'A.b' });
  t.match(coded.stack, /BadArgumentsError: two needed/);
  const numeric = Object.assign(new Error('x'), { code: 5 });
  t.notOk('code' in errorToWire(numeric, 0, 'w'), 'a non-string code is left out');
  const thrown = errorToWire('just a string', 1, 'C.d');
  t.strictSame(thrown, { name: 'Error', message: 'just a string', stack: 'thrown value: just a string', pe: 1, where: 'C.d' });
  const stackless = new Error('no stack');
  stackless.stack = undefined;
  t.equal(errorToWire(stackless, 0, 'w').stack, 'Error: no stack');
});

t.test('errorFromWire rebuilds the remote code', async (t) => {
  const error = errorFromWire({ name: 'E', message: 'm', stack: 's', code: 'E_CODE', pe: 2, where: 'W' });
  t.equal(error.remoteCode, 'E_CODE');
  t.equal(errorFromWire({ name: 'E', message: 'm', stack: 's', pe: 2, where: 'W' }).remoteCode, undefined);
});
