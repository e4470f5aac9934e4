/** Tests LoadMeter (src/runtime/load-meter.ts): per-element load from the scheduler's readings around each message. */
import t from 'tap';
import { LoadMeter, monotonicMs } from '../../../src/runtime/load-meter.js';

/** A meter on a clock the test moves by hand; `reads` counts the meter's own readings. */
function setup() {
  const clock = { now: 0, reads: 0 };
  const meter = new LoadMeter(() => {
    clock.reads++;
    return clock.now;
  });
  return { clock, meter };
}

t.test('a message is charged, from the reading before it to the one after it, to the element it ran on, without a reading of its own', async (t) => {
  const { clock, meter } = setup();
  const element = { load: 0 };
  meter.begin(10);
  meter.start(element);
  meter.stop();
  meter.end(14);
  t.equal(element.load, 0.004);
  t.equal(clock.reads, 0);
});

t.test('a message that runs no entry method is charged to nobody', async (t) => {
  const { meter } = setup();
  const element = { load: 0 };
  meter.begin(0);
  meter.end(5);
  meter.begin(5);
  meter.start(element);
  meter.end(6);
  t.equal(element.load, 0.001, 'only the second message counts');
});

t.test('several elements in one message (a broadcast) each get their own share', async (t) => {
  const { clock, meter } = setup();
  const a = { load: 0 };
  const b = { load: 0 };
  const c = { load: 0 };
  meter.begin(100);
  meter.start(a);
  meter.stop();
  clock.now = 103;
  meter.start(b);
  meter.stop();
  clock.now = 110;
  meter.start(c);
  meter.stop();
  meter.end(111);
  t.equal(a.load, 0.003);
  t.equal(b.load, 0.007);
  t.equal(c.load, 0.001);
  t.equal(clock.reads, 2, 'one reading per further element');
});

t.test('an entry method run outside any message is timed on its own', async (t) => {
  const { clock, meter } = setup();
  const element = { load: 0 };
  clock.now = 50;
  meter.start(element);
  clock.now = 52;
  meter.stop();
  t.equal(element.load, 0.002);
  clock.now = 60;
  meter.stop();
  t.equal(element.load, 0.002, 'a second stop charges nothing');
  // A later message is not affected by what ran outside.
  const other = { load: 0 };
  meter.begin(70);
  meter.start(other);
  meter.end(71);
  t.equal(other.load, 0.001);
  t.equal(element.load, 0.002);
});

t.test('the default clock is monotonic milliseconds', async (t) => {
  const first = monotonicMs();
  const until = performance.now() + 3;
  while (performance.now() < until);
  const elapsed = monotonicMs() - first;
  t.ok(elapsed >= 2.5 && elapsed < 1000, `${elapsed} ms`);
});
