/**
 * Doorbell across a real worker thread whose only pending work is the park itself: the thread
 * must stay alive while parked (a pending Atomics.waitAsync alone does not keep a Node event loop
 * alive) and wake when rung.
 *
 * This file is also the worker's program: in a worker it parks once and answers the wake-up.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Doorbell, ringDoorbell } from '../../../src/transport/shm/doorbell.js';

/** Words of the shared array: the worker's parked flag and doorbell, and its answer. */
const PARKED = 0;
const BELL = 1;
const ANSWER = 2;

if (isMainThread) {
  const { default: t } = await import('tap');
  t.test('a parked thread with nothing else to do stays alive and wakes when rung', async (t) => {
    const words = new Int32Array(new SharedArrayBuffer(16));
    const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const worker = new Worker(bootstrap, { eval: true, workerData: words, execArgv: [] });
    let exitCode: number | undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', (code) => ((exitCode = code), resolve())));
    await new Promise((resolve) => worker.once('message', resolve));
    // long enough for an event loop with nothing referenced to have ended
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.equal(exitCode, undefined, 'the parked thread is still running');
    t.equal(Atomics.load(words, PARKED), 1, 'and says it is parked');
    ringDoorbell(words, PARKED, BELL);
    const deadline = Date.now() + 5000;
    while (Atomics.load(words, ANSWER) !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    t.equal(Atomics.load(words, ANSWER), 1, 'the ring woke it');
    await exited;
    t.equal(exitCode, 0, 'and, unparked, it ended by itself');
  });
} else {
  const words = workerData as Int32Array;
  const doorbell = new Doorbell(words, PARKED, BELL);
  const parked = doorbell.park(() => Atomics.store(words, ANSWER, 1));
  parentPort!.postMessage(parked);
}
