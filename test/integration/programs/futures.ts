/** Futures: return values (4 MiB arrays too), remote exceptions with their stack, futures passed around, waitAll/waitAny. */
import { charm, Chare, ChareArray, RemoteError, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Worker extends ChareArray {
  square(x: number): number {
    return x * x;
  }
  async later(x: number): Promise<string> {
    await charm.sleep(1);
    return `later ${x} on ${charm.myPe()}`;
  }
  fail(message: string): never {
    throw new RangeError(message);
  }
  async failLater(): Promise<void> {
    await charm.sleep(1);
    throw Object.assign(new Error('async failure'), { code: 'MY_CODE' });
  }
  echoArray(values: Float64Array): Float64Array {
    return values;
  }
  fill(target: Future<number[]>): void {
    target.send([this.thisIndex[0]!, charm.myPe()]);
  }
  tryAwaitForeign(f: Future<number>): Promise<string> {
    return Promise.resolve(f).then(
      () => 'awaited',
      (error: { code?: string }) => error.code ?? 'no code',
    );
  }
}

class Single extends Chare {
  echo<T>(value: T): T {
    return value;
  }
}
charm.register(Worker, Single);

charm.start(async () => {
  const pes = charm.numPes();
  const workers = charm.createArray(Worker, 2 * pes);
  const single = charm.createChare(Single, { onPe: pes - 1 });
  checkEqual(await workers.at(pes).square.ret(7), 49, 'ret gives the return value');
  checkEqual(await workers.at(2 * pes - 1).later.ret(3), `later 3 on ${pes - 1}`, 'an async entry method returns through its future');
  checkEqual(await single.echo.ret({ a: [1, 2], f: new Float64Array([1.5, -2]) }), { a: [1, 2], f: [1.5, -2] }, 'values round-trip');
  try {
    await workers.at(2 * pes - 1).fail.ret('boom');
    check(false, 'a remote exception rejects the future');
  } catch (error) {
    check(error instanceof RemoteError, 'the rejection is a RemoteError');
    const remote = error as RemoteError;
    checkEqual(remote.code, 'CHARM_ERR_REMOTE', 'RemoteError code');
    checkEqual(remote.remoteName, 'RangeError', 'remote error name');
    checkEqual(remote.remoteMessage, 'boom', 'remote error message');
    check(remote.remoteStack.includes('Worker.fail'), `the remote stack names the method: ${remote.remoteStack}`);
    checkEqual(remote.pe, pes - 1, 'the error says where it ran');
  }
  try {
    await workers.at(0).failLater.ret();
    check(false, 'an async failure rejects');
  } catch (error) {
    checkEqual((error as RemoteError).remoteCode, 'MY_CODE', 'the remote error code travels');
  }
  const slots = Array.from({ length: 2 * pes }, () => charm.createFuture<number[]>());
  slots.forEach((slot, i) => workers.at(i).fill(slot));
  const filled = await charm.waitAll(slots);
  checkEqual(filled.map(([i]) => i), [...Array(2 * pes).keys()], 'futures sent to chares come back with values');
  const first = await charm.waitAny([charm.createFuture<number>(), workers.at(0).square.ret(3)]);
  checkEqual(first, { index: 1, value: 9 }, 'waitAny gives the first resolved');
  const foreign = charm.createFuture<number>();
  if (pes > 1) {
    checkEqual(await workers.at(2 * pes - 1).tryAwaitForeign.ret(foreign), 'CHARM_ERR_FUTURE_NOT_LOCAL', 'awaiting a future on another PE is refused');
  }
  // 4 MiB each way, to every PE in turn, each sent from a timer's continuation (outside any
  // scheduler turn, the PE idle and parked, nothing else in flight): larger than a shared-memory
  // ring, so the parked sender must still finish sending it.
  const big = new Float64Array(1 << 19).map((_, i) => i * 0.5 - 7);
  const echoed: Float64Array[] = [];
  for (let pe = 0; pe < pes; pe++) {
    await charm.sleep(5);
    echoed.push(await workers.at(2 * pe).echoArray.ret(big));
  }
  check(
    echoed.every((a) => a.length === big.length && a.every((v, i) => v === big[i])),
    '4 MiB arrays sent from main come back bitwise intact from every PE',
  );
  const direct = charm.createFuture<string>();
  direct.send('from main');
  checkEqual(await direct, 'from main', 'a future can be sent from its own PE');
  console.log(`OK futures on ${pes} PEs`);
  charm.exit();
});
