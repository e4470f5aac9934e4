/** Tests QuiescenceDetector (src/runtime/quiescence.ts, with its WaveRunner) over simulated PEs: detection when idle, none while messages are in flight, and waves that see activity. */
import t from 'tap';
import { Kind, type FutureRef, type QuiescenceMessage } from '../../../src/runtime/message.js';
import { QuiescenceDetector, type MessageCounts } from '../../../src/runtime/quiescence.js';
import { WaveRunner } from '../../../src/runtime/wave-runner.js';
import { FakePeContext } from './fakes.js';

/** Simulated PEs whose quiescence messages are delivered by `pump`. */
function job(numPes: number) {
  const resolved: { pe: number; ref: FutureRef }[] = [];
  const nodes = Array.from({ length: numPes }, (_, pe) => {
    const ctx = new FakePeContext(pe, numPes);
    const counts: MessageCounts = { created: 0, processed: 0 };
    const runner = new WaveRunner(ctx, 'qd', () => ({ created: counts.created, processed: counts.processed, awaited: 0, timers: 0, notes: [] }));
    const qd = new QuiescenceDetector(ctx, { sendFutureValue: (ref, ok) => void (ok && resolved.push({ pe, ref })) }, runner);
    return { ctx, counts, qd };
  });
  let waves = 0;
  /** Delivers quiescence messages (between event-loop turns, as the scheduler would) until `until` holds or `maxMs` pass. */
  const pump = async (until: () => boolean, maxMs = 2000, onTurn?: () => void): Promise<boolean> => {
    const deadline = Date.now() + maxMs;
    while (!until()) {
      if (Date.now() > deadline) return false;
      for (const node of nodes) {
        for (const { pe, message } of node.ctx.take()) {
          if (message.kind !== Kind.Quiescence) throw new Error(`unexpected kind ${message.kind}`);
          if (message.phase === 'probe' && pe === 1) waves++;
          nodes[pe]!.qd.receive(message as QuiescenceMessage);
        }
      }
      onTurn?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return true;
  };
  return { nodes, resolved, pump, waves: () => waves };
}

t.test('an idle job is quiescent: the waiter is resolved on PE 0', async (t) => {
  const { nodes, resolved, pump } = job(5);
  nodes[3]!.qd.request({ pe: 3, id: 7 });
  t.equal(nodes[3]!.ctx.sent[0]!.pe, 0, 'the request goes to PE 0');
  t.ok(await pump(() => resolved.length > 0), 'detected');
  t.strictSame(resolved, [{ pe: 0, ref: { pe: 3, id: 7 } }], 'PE 0 sends the value to the waiter\'s future');
});

t.test('a single-PE job detects quiescence too', async (t) => {
  const { nodes, resolved, pump } = job(1);
  nodes[0]!.qd.request({ pe: 0, id: 1 });
  t.ok(await pump(() => resolved.length > 0));
});

t.test('no detection while messages are in flight (created > processed)', async (t) => {
  const { nodes, resolved, pump, waves } = job(4);
  nodes[1]!.counts.created = 3; // three messages sent, not yet handled anywhere
  nodes[0]!.qd.request({ pe: 0, id: 1 });
  await pump(() => waves() >= 5, 2000);
  t.ok(waves() >= 5, `several waves ran (${waves()})`);
  t.strictSame(resolved, [], 'not quiescent');
  nodes[2]!.counts.processed = 3; // handled now
  t.ok(await pump(() => resolved.length > 0), 'detected once they are processed');
});

t.test('a job that keeps working (balanced counts that change) is not quiescent until it stops', async (t) => {
  const { nodes, resolved, pump } = job(3);
  let busyTurns = 200;
  nodes[0]!.qd.request({ pe: 0, id: 1 });
  const work = (): void => {
    if (busyTurns-- <= 0) return;
    // A message created and processed between every two waves: totals equal, but moving.
    nodes[busyTurns % 3]!.counts.created++;
    nodes[(busyTurns + 1) % 3]!.counts.processed++;
  };
  await pump(() => resolved.length > 0 || busyTurns <= 0, 3000, work);
  t.strictSame(resolved, [], 'not quiescent while counts move');
  t.ok(await pump(() => resolved.length > 0), 'quiescent once they stop');
});

t.test('several waiters are all resolved, and detection can be requested again', async (t) => {
  const { nodes, resolved, pump } = job(3);
  nodes[1]!.qd.request({ pe: 1, id: 1 });
  nodes[2]!.qd.request({ pe: 2, id: 2 });
  t.ok(await pump(() => resolved.length === 2));
  t.strictSame(resolved.map((r) => r.ref).sort((a, b) => a.id - b.id), [{ pe: 1, id: 1 }, { pe: 2, id: 2 }]);
  nodes[0]!.qd.request({ pe: 0, id: 3 });
  t.ok(await pump(() => resolved.length === 3), 'a later request is served by new waves');
});

t.test('quiescence messages themselves are not counted', async (t) => {
  const { nodes, resolved, pump } = job(4);
  nodes[0]!.qd.request({ pe: 0, id: 1 });
  await pump(() => resolved.length > 0);
  t.ok(nodes.every((n) => n.counts.created === 0 && n.counts.processed === 0), 'the detector never touches the counts');
});
