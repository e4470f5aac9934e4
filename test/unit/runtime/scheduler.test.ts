/** Tests Scheduler (src/runtime/scheduler.ts): FIFO draining, yielding to the event loop, stop(), and polling, arming and waking of poll sources. */
import t from 'tap';
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler, type PollSource, type SchedulerOptions } from '../../../src/runtime/scheduler.js';
import { waitFor, withTimeout } from './fakes.js';

/** A polled source whose arrivals are delivered into the scheduler when it is polled. */
class FakeSource implements PollSource {
  polls = 0;
  arms = 0;
  wake: (() => void) | undefined;
  /** What arm() returns. */
  armResult = true;
  readonly #arrived: number[] = [];

  constructor(readonly deliver: (message: number) => void) {}

  /** Something arrived on the wire (not yet polled). */
  arrive(...messages: number[]): void {
    this.#arrived.push(...messages);
  }

  poll(): number {
    this.polls++;
    const messages = this.#arrived.splice(0);
    for (const message of messages) this.deliver(message);
    return messages.length;
  }

  arm(wake: () => void): boolean {
    this.arms++;
    this.wake = wake;
    return this.armResult;
  }
}

const FAST: SchedulerOptions = { batchTimeMs: 1, spinMicros: 50, spinMaxMicros: 50, pollIntervalMicros: 100 };

t.test('defaults are the documented tunables', async (t) => {
  t.strictSame(DEFAULT_SCHEDULER_OPTIONS, { batchTimeMs: 2, spinMicros: 100, spinMaxMicros: 1000, pollIntervalMicros: 100 });
});

t.test('messages run one at a time in FIFO order', async (t) => {
  const seen: number[] = [];
  let running = false;
  const scheduler = new Scheduler<number>((m) => {
    if (running) throw new Error('re-entered');
    running = true;
    seen.push(m);
    running = false;
  });
  for (let i = 0; i < 200; i++) scheduler.enqueue(i);
  t.equal(scheduler.queued, 200, 'queued, not run synchronously');
  t.strictSame(seen, [], 'nothing ran inside enqueue');
  await waitFor(() => seen.length === 200, 'all 200 messages');
  t.strictSame(seen, Array.from({ length: 200 }, (_, i) => i));
  t.equal(scheduler.queued, 0);
  t.notOk(scheduler.busy);
});

t.test('messages enqueued while handling run after those already queued', async (t) => {
  const seen: string[] = [];
  const scheduler: Scheduler<string> = new Scheduler<string>((m) => {
    seen.push(m);
    if (m === 'a') {
      t.ok(scheduler.busy, 'busy while handling');
      scheduler.enqueue('a2', true);
      t.strictSame(seen, ['a'], 'an enqueue while draining does not run the message inside the handler');
    }
  });
  scheduler.enqueue('a');
  scheduler.enqueue('b');
  scheduler.enqueue('c');
  await waitFor(() => seen.length === 4, 'four messages');
  t.strictSame(seen, ['a', 'b', 'c', 'a2']);
});

t.test('enqueue(now) from outside a drain runs the queue synchronously', async (t) => {
  const seen: number[] = [];
  const scheduler = new Scheduler<number>((m) => seen.push(m));
  scheduler.enqueue(1);
  scheduler.enqueue(2, true);
  t.strictSame(seen, [1, 2], 'both ran before enqueue returned, in order');
});

t.test('a handler that throws does not wedge the scheduler', async (t) => {
  const seen: number[] = [];
  const scheduler = new Scheduler<number>((m) => {
    seen.push(m);
    if (m === 1) throw new Error('boom');
  });
  scheduler.enqueue(1);
  t.throws(() => scheduler.enqueue(2, true), /boom/, 'the error reaches the caller of the drain');
  t.notOk(scheduler.busy, 'not left busy');
  scheduler.enqueue(3, true);
  t.strictSame(seen, [1, 2, 3], 'later messages still run');
});

t.test('the event loop gets turns while a handler keeps the queue full', async (t) => {
  let handled = 0;
  let streaming = true;
  let immediateRanAt = -1;
  let timerRanAt = -1;
  const started = performance.now();
  const scheduler: Scheduler<number> = new Scheduler<number>((m) => {
    handled++;
    // An endless stream, cut after 2 s so that a scheduler that never yields fails instead of hanging.
    if (performance.now() - started > 2000) streaming = false;
    else scheduler.enqueue(m + 1);
  }, FAST);
  scheduler.enqueue(0);
  setImmediate(() => (immediateRanAt = streaming ? handled : -2));
  setTimeout(() => (timerRanAt = streaming ? handled : -2), 5);
  try {
    await waitFor(() => immediateRanAt !== -1 && timerRanAt !== -1, 'a setImmediate and a timer to run', 4000);
  } finally {
    scheduler.stop();
  }
  t.ok(immediateRanAt > 0, `the setImmediate callback ran during the stream (after ${immediateRanAt} messages)`);
  t.ok(timerRanAt > 0, `the timer ran during the stream (after ${timerRanAt} messages)`);
  const stoppedAt = handled;
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.equal(handled, stoppedAt, 'nothing runs after stop()');
});

t.test('stop() drops the queue and ignores later messages', async (t) => {
  const seen: number[] = [];
  const scheduler = new Scheduler<number>((m) => {
    seen.push(m);
    if (m === 2) scheduler.stop();
  });
  scheduler.enqueue(1);
  scheduler.enqueue(2);
  scheduler.enqueue(3);
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.strictSame(seen, [1, 2], 'the message after stop() did not run');
  t.equal(scheduler.queued, 0, 'the queue was emptied');
  scheduler.enqueue(4, true);
  scheduler.enqueue(5);
  await new Promise((resolve) => setImmediate(resolve));
  t.strictSame(seen, [1, 2], 'messages after stop() are ignored');
  t.equal(scheduler.queued, 0);
});

t.test('a long queue keeps its order across compaction', async (t) => {
  const seen: number[] = [];
  const scheduler = new Scheduler<number>((m) => {
    seen.push(m);
    if (m < 3000) scheduler.enqueue(m + 3000);
  }, FAST);
  for (let i = 0; i < 3000; i++) scheduler.enqueue(i);
  await waitFor(() => seen.length === 6000, '6000 messages', 5000);
  t.strictSame(seen, Array.from({ length: 6000 }, (_, i) => i));
});

t.test('a poll source is polled, delivers into the queue, and is armed when idle', async (t) => {
  const seen: number[] = [];
  const scheduler: Scheduler<number> = new Scheduler<number>((m) => seen.push(m), FAST);
  const source = new FakeSource((m) => scheduler.enqueue(m, true));
  source.arrive(1, 2, 3);
  scheduler.addPollSource(source);
  await waitFor(() => source.arms > 0, 'the source to be armed');
  t.strictSame(seen, [1, 2, 3], 'what arrived before was delivered by polling');
  t.ok(source.polls > 1, 'it was polled again (spinning) before arming');
  const armsBefore = source.arms;
  const pollsBefore = source.polls;
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(source.polls, pollsBefore, 'a parked scheduler does not poll');
  t.equal(source.arms, armsBefore, 'nor re-arm');

  source.arrive(4, 5);
  source.wake!();
  t.strictSame(seen, [1, 2, 3, 4, 5], 'waking drains what arrived');
  t.ok(source.polls > pollsBefore, 'waking polled the source');
  await waitFor(() => source.arms > armsBefore, 'the source to be armed again');
  scheduler.stop();
});

t.test('a source is polled between messages once the poll interval has passed, not only when the queue runs dry', async (t) => {
  const seen: number[] = [];
  const busyFor = (ms: number): void => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  // local work that keeps the queue from running dry: each message is longer than the poll
  // interval and queues the next one
  const scheduler: Scheduler<number> = new Scheduler<number>(
    (m) => {
      seen.push(m);
      if (m >= 100) return;
      busyFor(0.3);
      if (m < 4) scheduler.enqueue(m + 1);
    },
    { batchTimeMs: 1000, spinMicros: 0, spinMaxMicros: 0, pollIntervalMicros: 100 },
  );
  const source = new FakeSource((m) => scheduler.enqueue(m, true));
  scheduler.addPollSource(source);
  await waitFor(() => source.arms > 0, 'the scheduler to park');
  source.arrive(100);
  scheduler.enqueue(0);
  await waitFor(() => seen.length === 6, 'all six messages');
  t.ok(seen.indexOf(100) < 5, `the remote message ran before the chain of local messages ended (order ${seen.join(',')})`);
  t.strictSame(seen.filter((m) => m < 100), [0, 1, 2, 3, 4], 'local messages kept their order');
  scheduler.stop();
});

t.test('a source that cannot be armed is polled again', async (t) => {
  const seen: number[] = [];
  const scheduler: Scheduler<number> = new Scheduler<number>((m) => seen.push(m), { ...FAST, spinMicros: 0 });
  const source = new FakeSource((m) => scheduler.enqueue(m, true));
  source.armResult = false; // "something is pending: poll again"
  scheduler.addPollSource(source);
  await waitFor(() => source.arms >= 3, 'several arm attempts');
  source.arrive(9);
  await waitFor(() => seen.length === 1, 'the message that arrived meanwhile');
  t.strictSame(seen, [9]);
  scheduler.stop();
  const polls = source.polls;
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.ok(source.polls - polls <= 1, 'stop() ends the polling');
});

t.test('a message enqueued while parked is handled without a wake-up', async (t) => {
  const seen: number[] = [];
  const scheduler: Scheduler<number> = new Scheduler<number>((m) => seen.push(m), FAST);
  const source = new FakeSource((m) => scheduler.enqueue(m, true));
  scheduler.addPollSource(source);
  await waitFor(() => source.arms > 0, 'parked');
  scheduler.enqueue(42);
  await withTimeout(
    (async () => {
      while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    })(),
    'the local message',
  );
  t.strictSame(seen, [42]);
  scheduler.stop();
});

t.test('defer runs a task after the messages already queued, never inside a handler', async (t) => {
  const order: string[] = [];
  const scheduler: Scheduler<string> = new Scheduler<string>((m) => {
    order.push(m);
    if (m === 'a') {
      scheduler.defer(() => order.push('task from a'));
      order.push('a done');
    }
  });
  scheduler.enqueue('a');
  scheduler.enqueue('b');
  scheduler.defer(() => order.push('task'));
  scheduler.enqueue('c');
  await waitFor(() => order.length === 6, 'everything');
  t.strictSame(order, ['a', 'a done', 'b', 'task', 'c', 'task from a']);
});

t.test('defer after stop() is ignored', async (t) => {
  let ran = false;
  const scheduler = new Scheduler<number>(() => undefined);
  scheduler.stop();
  scheduler.defer(() => (ran = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  t.notOk(ran);
});

t.test('busySeconds counts time spent handling messages', async (t) => {
  const scheduler = new Scheduler<number>(() => {
    const until = performance.now() + 3;
    while (performance.now() < until);
  });
  t.equal(scheduler.busySeconds, 0);
  for (let i = 0; i < 4; i++) scheduler.enqueue(i);
  await waitFor(() => scheduler.queued === 0 && !scheduler.busy, 'the queue to drain');
  t.ok(scheduler.busySeconds >= 0.011, `${scheduler.busySeconds} s for four 3 ms messages`);
  t.ok(scheduler.busySeconds < 1, 'and not wildly more');
});


/** The share of wall time the event loop spent outside its poll wait during `ms` milliseconds. */
async function loopUtilizationOver(ms: number): Promise<number> {
  const before = performance.eventLoopUtilization();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return performance.eventLoopUtilization(before).utilization;
}

t.test('without polled sources, an idle scheduler keeps the event loop polling for spinMicros, then lets it sleep', async (t) => {
  const seen: number[] = [];
  const scheduler = new Scheduler<number>((m) => seen.push(m), { ...FAST, spinMicros: 60_000 });
  scheduler.enqueue(1, true);
  t.strictSame(seen, [1]);
  const spinning = await loopUtilizationOver(30);
  t.ok(spinning > 0.8, `event loop busy ${(spinning * 100).toFixed(0)}% during the spin (it polls without blocking)`);
  await new Promise((resolve) => setTimeout(resolve, 60));
  const idle = await loopUtilizationOver(50);
  t.ok(idle < 0.3, `event loop busy ${(idle * 100).toFixed(0)}% once the spin is over (it sleeps)`);
  scheduler.enqueue(2, true);
  t.strictSame(seen, [1, 2], 'a message arriving after the spin is still handled at once');
  scheduler.stop();
  const stopped = await loopUtilizationOver(30);
  t.ok(stopped < 0.3, `stop() ends the spin (event loop busy ${(stopped * 100).toFixed(0)}%)`);
});

t.test('spinMicros 0: an idle scheduler without polled sources lets the event loop sleep at once', async (t) => {
  const scheduler = new Scheduler<number>(() => undefined, { ...FAST, spinMicros: 0 });
  scheduler.enqueue(1, true);
  const idle = await loopUtilizationOver(30);
  t.ok(idle < 0.3, `event loop busy ${(idle * 100).toFixed(0)}%`);
});

t.test('a scheduler woken soon after it parked spins longer before it parks again, and as before after a long park', async (t) => {
  const seen: number[] = [];
  const scheduler = new Scheduler<number>((m) => seen.push(m), { ...FAST, spinMicros: 50, spinMaxMicros: 400_000 });
  const source = new FakeSource((m) => scheduler.enqueue(m, true));
  scheduler.addPollSource(source);
  await waitFor(() => source.arms > 0, 'the scheduler to park');
  t.equal(scheduler.spinMicros, 50);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const armsBefore = source.arms;
  const woken = performance.now();
  source.arrive(1);
  source.wake!();
  await waitFor(() => source.arms > armsBefore, 'the scheduler to park again');
  t.strictSame(seen, [1]);
  t.ok(scheduler.spinMicros >= 10_000 && scheduler.spinMicros <= 400_000, `the spin grew to twice the park of 5 ms or more: ${scheduler.spinMicros} us`);
  t.ok(performance.now() - woken >= 9, 'it spun about that long before parking again');
  await new Promise((resolve) => setTimeout(resolve, 450));
  source.arrive(2);
  source.wake!();
  t.strictSame(seen, [1, 2]);
  t.equal(scheduler.spinMicros, 50, 'a park longer than spinMaxMicros puts the spin back');
  scheduler.stop();
});

t.test('fixSpin keeps the spin where spinMicros puts it', async (t) => {
  const scheduler = new Scheduler<number>(() => undefined, { ...FAST, spinMicros: 50, spinMaxMicros: 400_000 });
  scheduler.fixSpin();
  const source = new FakeSource((m) => scheduler.enqueue(m, true));
  scheduler.addPollSource(source);
  await waitFor(() => source.arms > 0, 'the scheduler to park');
  await new Promise((resolve) => setTimeout(resolve, 5));
  source.arrive(1);
  source.wake!();
  t.equal(scheduler.spinMicros, 50);
  scheduler.stop();
});
